/**
 * 授权管理: who may act for the resident — agents under a delegation (帮办代办) and third-party
 * mini-apps the resident consented to — each revocable here at once.
 */
import { useState } from "preact/hooks";
import { fetchBundles, type BundleSummary } from "../api/bundles";
import { signIn, useAuth } from "../auth/session";
import { useI18n } from "../i18n/context";
import { paths, usePageFocus, useTitle } from "../router";
import { fetchDelegations, revokeDelegation, type DelegationItem } from "../progress/delegations";
import { formatDateTime } from "../progress/format";
import { BackLink } from "../wizard/common";
import { useLoad } from "../wizard/hooks";
import { fetchConsents, fetchRemembered, forgetRemembered, withdrawConsent, type Consent } from "./api";

/** A resident's active delegations (who may act for them, for what, until when), revocable. */
/** `always`: shown (saying "none") even when there is nothing to revoke. */
export function MyDelegations({ names, always = false }: { names: Map<string, Record<string, string>>; always?: boolean }) {
  const { locale, t } = useI18n();
  const auth = useAuth();
  const [list, reload] = useLoad<DelegationItem[]>("my-delegations", () =>
    fetchDelegations().then((d) => (d ? { kind: "ok" as const, value: d } : { kind: "unavailable" as const })),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const mine =
    list.kind === "ok" && auth.me
      ? list.value.filter((d) => d.residentId === auth.me?.sub && (d.status === "active" || d.status === "pending"))
      : [];
  if (mine.length === 0 && !problem && !always) return null;
  return (
    <section aria-labelledby="my-delegations-heading">
      <h2 id="my-delegations-heading" class="intro__heading">
        {t.myDelegations}
      </h2>
      {problem ? (
        <p class="field__error" role="alert">
          {problem}
        </p>
      ) : null}
      {mine.length === 0 ? <p>{t.noDelegations}</p> : null}
      <ul class="plain-list cards">
        {mine.map((d) => (
          <li key={d.id} class="card delegation">
            <p class="card__title">{d.bundles.map((b) => names.get(b)?.[locale] ?? b).join(t.listSeparator)}</p>
            {d.agentName ? <p class="card__meta">{t.delegationAgent(d.agentName)}</p> : null}
            <p class="card__meta">{t.validUntil(formatDateTime(d.validUntil, locale))}</p>
            <button
              type="button"
              class="button button--warning"
              onClick={() =>
                void revokeDelegation(d.id).then((r) => {
                  setProblem(r.kind === "ok" ? null : t.decisionFailed);
                  reload();
                })
              }
            >
              {t.revokeDelegation}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function MyConsents() {
  const { locale, t } = useI18n();
  const [list, reload] = useLoad<Consent[]>("my-consents", () =>
    fetchConsents().then((c) => (c ? { kind: "ok" as const, value: c } : { kind: "unavailable" as const })),
  );
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <section aria-labelledby="my-consents-heading">
      <h2 id="my-consents-heading" class="intro__heading">
        {t.consentsTitle}
      </h2>
      {problem ? (
        <p class="field__error" role="alert">
          {problem}
        </p>
      ) : null}
      {list.kind === "ok" && list.value.length === 0 ? <p>{t.noConsents}</p> : null}
      {list.kind === "unavailable" ? <p>{t.loadFailed}</p> : null}
      <ul class="plain-list cards">
        {(list.kind === "ok" ? list.value : []).map((c) => (
          <li key={c.clientId} class="card consent">
            <p class="card__title">{c.clientName}</p>
            <p class="card__meta">{t.consentGranted(formatDateTime(c.grantedAt, locale))}</p>
            <ul class="consent__scopes">
              {c.scopes.map((s) => (
                <li key={s["zh-CN"]}>{s[locale]}</li>
              ))}
            </ul>
            <button
              type="button"
              class="button button--warning"
              onClick={() =>
                void withdrawConsent(c.clientId).then((ok) => {
                  setProblem(ok ? null : t.decisionFailed);
                  reload();
                })
              }
            >
              {t.withdrawConsent}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Remembered() {
  const { t } = useI18n();
  const [facts, reload] = useLoad<number>("my-profile", () =>
    fetchRemembered().then((n) => (n === null ? { kind: "unavailable" as const } : { kind: "ok" as const, value: n })),
  );
  if (facts.kind !== "ok") return null;
  return (
    <section aria-labelledby="remembered-heading">
      <h2 id="remembered-heading" class="intro__heading">
        {t.rememberedTitle}
      </h2>
      <p class="remembered">{facts.value === 0 ? t.rememberedNone : t.rememberedCount(facts.value)}</p>
      {facts.value > 0 ? (
        <button type="button" class="button button--warning" onClick={() => void forgetRemembered().then(reload)}>
          {t.rememberedForget}
        </button>
      ) : null}
    </section>
  );
}

export function PermissionsPage() {
  const { t } = useI18n();
  const auth = useAuth();
  const [bundles] = useLoad<BundleSummary[]>("bundles", () =>
    fetchBundles().then((r) => (r.kind === "ok" ? { kind: "ok" as const, value: r.bundles } : { kind: "unavailable" as const })),
  );
  const names = new Map(bundles.kind === "ok" ? bundles.value.map((b) => [b.id, b.name] as const) : []);
  useTitle(t.permissionsTitle, t.documentTitle);
  usePageFocus(true);
  return (
    <>
      <BackLink href={paths.home()} label={t.backHome} />
      <h1 class="page-title">{t.permissionsTitle}</h1>
      {auth.signedIn ? (
        <>
          <p>{t.permissionsIntro}</p>
          <MyDelegations names={names} always />
          <MyConsents />
          <Remembered />
        </>
      ) : (
        <>
          <p>{t.signInToSee}</p>
          <button type="button" class="button button--primary" onClick={() => void signIn()}>
            {t.signIn}
          </button>
        </>
      )}
    </>
  );
}
