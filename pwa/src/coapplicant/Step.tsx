/**
 * The co-applicant step of the review page: where a service of the bundle is co-signed (the
 * newborn's other parent), the applicant names the other parent by mobile number and follows
 * their answer — waiting, confirmed, or declined with the reason. Submission waits for a
 * confirmation of exactly the answers that will be sent; the status refreshes by itself.
 */
import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../i18n/context";
import { flush } from "../wizard/autosave";
import { askCoApplicant, coApplicantState, type CoApplicantState } from "./api";

type Answers = Record<string, Record<string, unknown>>;

const POLL_MS = 3_000;
const ASKED_KEY = "onething.coapplicant.";

/** A short fingerprint of the answers asked about (kept per tab; no personal data in it). */
function fingerprint(answers: Answers): string {
  const text = JSON.stringify(answers);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

function askedFingerprint(bundleId: string): string | null {
  try {
    return sessionStorage.getItem(ASKED_KEY + bundleId);
  } catch {
    return null;
  }
}

function rememberAsked(bundleId: string, value: string): void {
  try {
    sessionStorage.setItem(ASKED_KEY + bundleId, value);
  } catch {
    // Private mode: the server still refuses a submission of changed facts.
  }
}

function otherParentPhone(answers: Answers): string {
  const phone = answers["father"]?.["phone"] ?? answers["mother"]?.["phone"];
  return typeof phone === "string" ? phone : "";
}

interface Props {
  bundleId: string;
  answers: Answers;
  /** Called with true once nothing more is needed from the other parent for these answers. */
  onReady: (ready: boolean) => void;
}

export function CoApplicantStep({ bundleId, answers, onReady }: Props) {
  const { locale, t } = useI18n();
  const [draftId, setDraftId] = useState<string | null>(null);
  const [state, setState] = useState<CoApplicantState | null>(null);
  const [phone, setPhone] = useState(() => otherParentPhone(answers));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = fingerprint(answers);
  const asked = askedFingerprint(bundleId);
  const request = state?.request ?? null;
  const changed = request !== null && asked !== null && asked !== current;
  const ready = state !== null && (!state.required || (request?.status === "confirmed" && !changed));

  useEffect(() => onReady(ready), [ready]);

  useEffect(() => {
    let alive = true;
    let timer: number | undefined;
    const load = async (): Promise<void> => {
      const id = draftId ?? (await flush(bundleId));
      if (!alive || id === null) return;
      if (draftId === null) setDraftId(id);
      const result = await coApplicantState(id);
      if (!alive) return;
      if (result.kind === "ok") setState(result.value);
      if (result.kind !== "ok" || result.value.request?.status === "pending") {
        timer = window.setTimeout(() => void load(), POLL_MS);
      }
    };
    void load();
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
  }, [bundleId, draftId, request?.id, request?.status]);

  if (state === null || !state.required) return null;

  const onAsk = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy || draftId === null) return;
    setBusy(true);
    const id = (await flush(bundleId)) ?? draftId;
    const result = await askCoApplicant(id, phone.replace(/\s+/g, ""), answers);
    setBusy(false);
    if (result.kind === "ok") {
      rememberAsked(bundleId, current);
      setProblem(null);
      setState(result.value);
    } else if (result.kind === "invalid") {
      setProblem(result.errors.map((e) => e.message[locale]).join(" "));
    } else {
      setProblem(t.coApplicantFailed);
    }
  };

  let status: string;
  if (request === null) status = t.coApplicantNotAsked;
  else if (changed) status = t.coApplicantChanged;
  else if (request.status === "pending") status = t.coApplicantWaiting(request.coApplicantPhone);
  else if (request.status === "confirmed") status = t.coApplicantConfirmed(request.coApplicantPhone);
  else status = t.coApplicantDeclined(request.reason ?? "");
  const canAsk = request === null || changed || request.status === "declined";

  return (
    <section class="review__section co-applicant" aria-labelledby="co-applicant-heading">
      <h2 class="review__heading" id="co-applicant-heading">
        {t.coApplicantTitle}
      </h2>
      <p>{t.coApplicantIntro}</p>
      <p class={ready ? "panel co-applicant__status" : "notice co-applicant__status"} id="co-applicant-status" role="status">
        {status}
      </p>
      {canAsk ? (
        <form class="co-applicant__ask" onSubmit={(e) => void onAsk(e)} noValidate>
          <div class={problem ? "field field--error" : "field"}>
            <label class="field__label" for="co-applicant-phone">
              {t.coApplicantPhone}
            </label>
            <p class="field__hint" id="co-applicant-phone-hint">
              {t.coApplicantPhoneHint}
            </p>
            {problem ? (
              <p class="field__error" id="co-applicant-phone-error" role="alert">
                {problem}
              </p>
            ) : null}
            <input
              class={problem ? "input input--w14 input--error" : "input input--w14"}
              type="tel"
              inputMode="numeric"
              autoComplete="off"
              id="co-applicant-phone"
              aria-describedby={problem ? "co-applicant-phone-hint co-applicant-phone-error" : "co-applicant-phone-hint"}
              value={phone}
              onInput={(e) => setPhone(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="button" disabled={busy}>
            {request === null ? t.coApplicantAsk : t.coApplicantAskAgain}
          </button>
        </form>
      ) : null}
    </section>
  );
}

