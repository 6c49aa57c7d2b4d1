/**
 * "Waiting for my confirmation" (待我确认): the other parent, signed in on their own phone, reads
 * the facts they are asked to confirm — only those of the services they co-sign — and confirms,
 * or declines with a reason the applicant will see.
 */
import { useState } from "preact/hooks";
import { fetchBundles, type BundleSummary } from "../api/bundles";
import { signIn, useAuth } from "../auth/session";
import { useI18n } from "../i18n/context";
import { paths, usePageFocus, useTitle } from "../router";
import { formatDateTime } from "../progress/format";
import { fetchForm } from "../wizard/api";
import { BackLink, LoadState } from "../wizard/common";
import { useLoad } from "../wizard/hooks";
import type { FieldModel, FormModel } from "../wizard/model";
import { displayValue } from "../wizard/values";
import { answerInvitation, invitation, invitations, type Invitation } from "./api";

function Facts({ request }: { request: Invitation }) {
  const { locale, t } = useI18n();
  const [form] = useLoad<FormModel>(`form:${request.bundle}:co-applicant`, () =>
    fetchForm(request.bundle, { situationAnswers: {}, optionalServices: [] }, locale),
  );
  const model = form.kind === "ok" ? form.value : null;
  const fields = new Map<string, FieldModel>(model ? model.sections.flatMap((s) => s.fields.map((f) => [f.id, f] as const)) : []);
  const sectionLabel = (id: string): string => model?.sections.find((s) => s.id === id)?.label[locale] ?? id;
  const facts = Object.entries(request.facts ?? {}).filter(([section]) => section !== "situation");
  return (
    <>
      {facts.map(([section, values]) => (
        <section class="review__section" key={section} aria-labelledby={`facts-${request.id}-${section}`}>
          <h3 class="review__heading" id={`facts-${request.id}-${section}`}>
            {sectionLabel(section)}
          </h3>
          <dl class="summary">
            {Object.entries(values).map(([name, value]) => {
              const field = fields.get(`${section}.${name}`);
              const raw = typeof value === "string" ? value : JSON.stringify(value);
              return (
                <div class="summary__row" key={name}>
                  <dt class="summary__key">{field ? field.label[locale] : name}</dt>
                  <dd class="summary__value">{(field ? displayValue(field, raw, locale, t) : null) ?? raw}</dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
    </>
  );
}

function Pending({ item, name, onDone }: { item: Invitation; name: string; onDone: () => void }) {
  const { locale, t } = useI18n();
  const [detail] = useLoad<Invitation>(`invitation:${item.id}`, () =>
    invitation(item.id).then((r) => (r.kind === "ok" ? { kind: "ok" as const, value: r.value } : { kind: "unavailable" as const })),
  );
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const answer = async (decline: string | null): Promise<void> => {
    if (busy) return;
    if (decline !== null && decline.trim() === "") {
      setProblem(t.confirmationReasonNeeded);
      return;
    }
    setBusy(true);
    const result = await answerInvitation(item.id, decline === null ? null : decline.trim());
    setBusy(false);
    if (result.kind === "ok") onDone();
    else setProblem(t.decisionFailed);
  };
  const reasonId = `decline-${item.id}`;
  return (
    <li class="card confirmation">
      <h2 class="card__title">{t.confirmationFrom(item.applicantPhone, name)}</h2>
      <p class="card__meta">{formatDateTime(item.createdAt, locale)}</p>
      <p>{t.confirmationIntro}</p>
      {detail.kind === "ok" ? <Facts request={detail.value} /> : <p class="status">{t.loading}</p>}
      <button type="button" class="button button--primary" disabled={busy || detail.kind !== "ok"} onClick={() => void answer(null)}>
        {t.confirmationConfirm}
      </button>
      <div class={problem ? "field field--error" : "field"}>
        <label class="field__label" for={reasonId}>
          {t.confirmationDeclineReason}
        </label>
        {problem ? (
          <p class="field__error" id={`${reasonId}-error`} role="alert">
            {problem}
          </p>
        ) : null}
        <textarea
          class="textarea"
          rows={2}
          id={reasonId}
          aria-describedby={problem ? `${reasonId}-error` : undefined}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </div>
      <button type="button" class="button button--warning" disabled={busy} onClick={() => void answer(reason)}>
        {t.confirmationDecline}
      </button>
    </li>
  );
}

export function ConfirmationsPage() {
  const { locale, t } = useI18n();
  const auth = useAuth();
  const [version, setVersion] = useState(0);
  const [list, retry] = useLoad<Invitation[]>(`invitations:${auth.signedIn ? "in" : "out"}:${version}`, () =>
    auth.signedIn
      ? invitations().then((r) => (r.kind === "ok" ? { kind: "ok" as const, value: r.value } : { kind: "unavailable" as const }))
      : null,
  );
  const [bundles] = useLoad<BundleSummary[]>("bundles", () =>
    fetchBundles().then((r) => (r.kind === "ok" ? { kind: "ok" as const, value: r.bundles } : { kind: "unavailable" as const })),
  );
  const names = new Map(bundles.kind === "ok" ? bundles.value.map((b) => [b.id, b.name] as const) : []);
  useTitle(t.confirmationsTitle, t.documentTitle);
  usePageFocus(!auth.signedIn || list.kind !== "loading");
  if (!auth.signedIn) {
    return (
      <>
        <BackLink href={paths.home()} label={t.backHome} />
        <h1 class="page-title">{t.confirmationsTitle}</h1>
        <p>{t.signInToSee}</p>
        <button type="button" class="button button--primary" onClick={() => void signIn()}>
          {t.signIn}
        </button>
      </>
    );
  }
  if (list.kind !== "ok") return <LoadState kind={list.kind} onRetry={retry} />;
  const pending = list.value.filter((i) => i.status === "pending");
  const answered = list.value.filter((i) => i.status !== "pending");
  const name = (bundle: string): string => names.get(bundle)?.[locale] ?? bundle;
  return (
    <>
      <BackLink href={paths.home()} label={t.backHome} />
      <h1 class="page-title">{t.confirmationsTitle}</h1>
      {pending.length === 0 ? <p>{t.confirmationsEmpty}</p> : null}
      <ul class="plain-list cards">
        {pending.map((item) => (
          <Pending key={item.id} item={item} name={name(item.bundle)} onDone={() => setVersion((n) => n + 1)} />
        ))}
      </ul>
      {answered.length > 0 ? (
        <section aria-labelledby="answered-heading">
          <h2 id="answered-heading" class="intro__heading">
            {t.confirmationsAnswered}
          </h2>
          <ul class="plain-list cards">
            {answered.map((item) => (
              <li key={item.id} class="card confirmation">
                <p class="card__title">{t.confirmationFrom(item.applicantPhone, name(item.bundle))}</p>
                <p class="tag">{item.status === "confirmed" ? t.confirmationConfirmed : t.confirmationDeclined(item.reason ?? "")}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
