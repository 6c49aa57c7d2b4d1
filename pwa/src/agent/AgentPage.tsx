/**
 * Agent mode (帮办代办): the agent asks for the resident's consent — a code the resident receives
 * by SMS and reads out — then acts for them under a permanent "acting for …" banner. Every
 * request then carries a delegated token (sub = resident, act = agent), which the provider
 * only issues while the delegation is active.
 */
import { useState } from "preact/hooks";
import { fetchBundles, type BundleSummary } from "../api/bundles";
import { actFor } from "../auth/session";
import { agentMessages } from "../i18n/agent";
import { useI18n } from "../i18n/context";
import { navigate, paths, usePageFocus, useTitle } from "../router";
import { LoadState } from "../wizard/common";
import { useLoad } from "../wizard/hooks";
import { formatDateTime } from "../progress/format";
import {
  confirmDelegation,
  fetchDelegations,
  maskPhone,
  proposeDelegation,
  type DelegationItem,
} from "../progress/delegations";

const LABELS = "onething.delegation-labels";

function labels(): Record<string, string> {
  try {
    const raw: unknown = JSON.parse(sessionStorage.getItem(LABELS) ?? "{}");
    return typeof raw === "object" && raw !== null ? (raw as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function remember(id: string, label: string): void {
  try {
    sessionStorage.setItem(LABELS, JSON.stringify({ ...labels(), [id]: label }));
  } catch {
    // Shown without the phone number then.
  }
}

export function AgentPage() {
  const { locale, t } = useI18n();
  const a = agentMessages[locale];
  const [bundles] = useLoad<BundleSummary[]>("bundles", () =>
    fetchBundles().then((r) => (r.kind === "ok" ? { kind: "ok" as const, value: r.bundles } : { kind: "unavailable" as const })),
  );
  const [list, reload] = useLoad<DelegationItem[]>("delegations", () =>
    fetchDelegations().then((d) => (d ? { kind: "ok" as const, value: d } : { kind: "unavailable" as const })),
  );
  const [phone, setPhone] = useState("");
  const [bundle, setBundle] = useState("");
  const [pending, setPending] = useState<DelegationItem | null>(null);
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useTitle(t.agentTitle, t.documentTitle);
  usePageFocus(bundles.kind !== "loading");
  if (bundles.kind !== "ok") return <LoadState kind={bundles.kind} onRetry={reload} />;
  const chosen = bundle || bundles.value[0]?.id || "";
  const names = new Map(bundles.value.map((b) => [b.id, b.name[locale]] as const));

  const onPropose = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const result = await proposeDelegation(phone.replace(/\s+/g, ""), chosen);
    setBusy(false);
    if (result.kind === "ok") {
      remember(result.delegation.id, maskPhone(phone.replace(/\s+/g, "")));
      setPending(result.delegation);
      setProblem(null);
    } else setProblem(result.kind === "refused" ? (result.detail ?? t.decisionRefused) : t.decisionFailed);
  };

  const onConfirm = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy || !pending) return;
    setBusy(true);
    const result = await confirmDelegation(pending.id, code.trim());
    setBusy(false);
    if (result.kind === "ok") {
      setPending(null);
      setCode("");
      setProblem(null);
      reload();
    } else setProblem(result.kind === "refused" ? (result.detail ?? t.decisionRefused) : t.decisionFailed);
  };

  const onAct = async (d: DelegationItem): Promise<void> => {
    const ok = await actFor(d.residentId, d.bundles, labels()[d.id] ?? a.theResident);
    if (!ok) {
      setProblem(a.actForFailed);
      reload();
      return;
    }
    navigate(d.bundles[0] ? paths.intro(d.bundles[0]) : paths.home());
  };

  const active = list.kind === "ok" ? list.value.filter((d) => d.status === "active") : [];
  return (
    <>
      <h1 class="page-title">{t.agentTitle}</h1>
      <p>{a.agentIntro}</p>
      {problem ? (
        <p class="field__error" role="alert">
          {problem}
        </p>
      ) : null}
      {pending ? (
        <form class="form" onSubmit={(e) => void onConfirm(e)}>
          <div class="field">
            <label class="field__label" for="delegation-code">
              {a.consentCode}
            </label>
            <p class="field__hint" id="delegation-code-hint">
              {a.consentCodeHint}
            </p>
            <input
              class="input input--w6"
              id="delegation-code"
              inputMode="numeric"
              maxLength={6}
              autoComplete="off"
              aria-describedby="delegation-code-hint"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="button button--primary" disabled={busy}>
            {a.confirmConsent}
          </button>
        </form>
      ) : (
        <form class="form" onSubmit={(e) => void onPropose(e)}>
          <div class="field">
            <label class="field__label" for="delegation-phone">
              {a.residentPhone}
            </label>
            <input
              class="input input--w11"
              id="delegation-phone"
              type="tel"
              inputMode="numeric"
              maxLength={11}
              autoComplete="off"
              value={phone}
              onInput={(e) => setPhone(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label class="field__label" for="delegation-bundle">
              {a.delegationBundle}
            </label>
            <select class="select" id="delegation-bundle" value={chosen} onChange={(e) => setBundle(e.currentTarget.value)}>
              {bundles.value.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name[locale]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button button--primary" disabled={busy}>
            {a.sendConsentCode}
          </button>
        </form>
      )}
      <section aria-labelledby="delegations-heading">
        <h2 id="delegations-heading" class="intro__heading">
          {a.activeDelegations}
        </h2>
        {active.length === 0 ? <p>{t.none}</p> : null}
        <ul class="plain-list cards">
          {active.map((d) => (
            <li key={d.id} class="card delegation">
              <p class="card__title">{labels()[d.id] ?? a.theResident}</p>
              <p class="card__meta">{d.bundles.map((b) => names.get(b) ?? b).join(t.listSeparator)}</p>
              <p class="card__meta">{t.validUntil(formatDateTime(d.validUntil, locale))}</p>
              <button type="button" class="button" onClick={() => void onAct(d)}>
                {a.actForButton}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
