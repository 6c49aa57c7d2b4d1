/**
 * Check your answers: every answer by section with a "change" link back to its page, checked
 * again by the server on arrival; problems are listed at the top and next to the answer.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { actingForSomeone, signIn, useAuth } from "../auth/session";
import { CoApplicantStep } from "../coapplicant/Step";
import { useI18n } from "../i18n/context";
import { Link, navigate, paths, usePageFocus, useTitle } from "../router";
import { fetchForm, validateAnswers, type Validation } from "./api";
import { flush, forgetServerDraft } from "./autosave";
import { BackLink, LoadState } from "./common";
import { clearDraft, setErrors, useDraft } from "./draft";
import { DeliveryStep, deliveryChoice } from "./DeliveryStep";
import { rememberAnswers } from "./remember";
import { ErrorSummary, type SummaryItem } from "./ErrorSummary";
import { Checkbox, fieldId } from "./fields";
import { formRequest, requestKey, useLoad } from "./hooks";
import { formErrors, neededMaterials, situationAnswers, visibleSections } from "./model";
import { useStandIns } from "./standins";
import { submitApplication, type SubmitResult } from "./submit";
import { buildAnswers, displayValue } from "./values";

type Sending = { kind: "idle" } | { kind: "sending" } | SubmitResult;

function ChangeLink({ href, label }: { href: string; label: string }) {
  const { t } = useI18n();
  return (
    <Link href={href} class="summary__change">
      {t.change}
      <span class="visually-hidden"> {label}</span>
    </Link>
  );
}

export function ReviewPage({ bundleId }: { bundleId: string }) {
  const { locale, t } = useI18n();
  const [draft] = useDraft(bundleId);
  const request = formRequest(draft);
  const [form, retry] = useLoad(`form:${bundleId}:${requestKey(request)}`, () =>
    fetchForm(bundleId, request, locale),
  );
  const [check, setCheck] = useState<Validation | { kind: "checking" }>({ kind: "checking" });
  const [sending, setSending] = useState<Sending>({ kind: "idle" });
  const [coApplicantReady, setCoApplicantReady] = useState(false);
  const [method, setMethod] = useState<"mail" | "collect">("mail");
  const [hall, setHall] = useState("");
  const [remember, setRemember] = useState(false);
  const auth = useAuth();
  const [standIns] = useStandIns(bundleId, draft, auth.signedIn);
  const summaryRef = useRef<HTMLDivElement>(null);
  const sections = form.kind === "ok" ? visibleSections(form.value, draft.situation) : [];

  useEffect(() => {
    if (form.kind !== "ok") return;
    let current = true;
    setCheck({ kind: "checking" });
    void validateAnswers(bundleId, request, buildAnswers(form.value, sections, draft), locale).then(
      (result) => {
        if (!current) return;
        setErrors(bundleId, result.kind === "invalid" ? result.errors : []);
        setCheck(result);
      },
    );
    return () => {
      current = false;
    };
  }, [form.kind]);

  const serverErrors = sending.kind === "invalid" ? sending.errors : check.kind === "invalid" ? check.errors : [];
  const errors = formErrors(serverErrors, sections);
  const valid = check.kind === "valid" || (check.kind === "invalid" && errors.length === 0);
  useTitle(
    form.kind === "ok" ? `${errors.length > 0 ? t.errorTitlePrefix : ""}${t.reviewTitle}` : null,
    t.documentTitle,
  );
  usePageFocus(form.kind === "ok");
  if (form.kind !== "ok") return <LoadState kind={form.kind} onRetry={retry} />;

  const model = form.value;
  const last = sections[sections.length - 1];
  const fieldsById = new Map(sections.flatMap((s) => s.fields.map((f) => [f.id, f] as const)));
  const summary: SummaryItem[] = errors.map((e) => {
    const field = fieldsById.get(e.field);
    return {
      key: e.field,
      message: e.message[locale],
      href: field
        ? `${paths.form(bundleId, field.section)}?from=review#${fieldId(field)}`
        : e.field.startsWith("materials.")
          ? `${paths.materials(bundleId)}#material-${e.field.slice("materials.".length)}-item`
          : paths.intro(bundleId),
    };
  });
  const errorFor = (id: string): string | null => errors.find((e) => e.field === id)?.message[locale] ?? null;
  const situation = situationAnswers(model, draft.situation);
  const materials = neededMaterials(model, new Set(model.services), draft.situation);
  const standInFor = (id: string) => {
    const license = standIns?.materials.get(id)?.license;
    return license?.usable ? license : null;
  };
  const missing = materials.filter(
    (m) => m.required && draft.materials[m.id] === undefined && standInFor(m.id) === null,
  );
  const answers = buildAnswers(model, sections, draft);
  const coApplicantErrors = sending.kind === "invalid" ? sending.errors.filter((e) => e.field === "co_applicant") : [];
  // Paper outputs go by mail or wait at a hall: asked only where the form has a delivery section.
  const delivers = sections.some((s) => s.id === "delivery");
  const deliveryErrors = sending.kind === "invalid" ? sending.errors.filter((e) => e.field === "delivery.hall" || e.field === "delivery.method") : [];

  const onSubmit = async (): Promise<void> => {
    if (sending.kind === "sending") return;
    setSending({ kind: "sending" });
    const draftId = await flush(bundleId);
    const result = await submitApplication({
      bundle: bundleId,
      answers,
      situation_answers: request.situationAnswers,
      optional_services: [...request.optionalServices].sort(),
      materials: Object.values(draft.materials),
      draft_id: draftId,
      ...(delivers ? { delivery: deliveryChoice(method, hall, answers) } : {}),
    });
    if (result.kind === "submitted") {
      if (remember) await rememberAnswers(sections, draft);
      forgetServerDraft(bundleId); // the server deletes the draft with the submission
      clearDraft(bundleId);
      navigate(paths.application(result.applicationId));
      return;
    }
    setSending(result);
    if (result.kind === "invalid") {
      setErrors(bundleId, result.errors); // the materials page shows its own at each material
      requestAnimationFrame(() => summaryRef.current?.focus());
    }
  };

  return (
    <>
      <BackLink href={last ? paths.form(bundleId, last.id) : paths.intro(bundleId)} label={t.back} />
      <h1 class="page-title">{t.reviewTitle}</h1>
      <ErrorSummary items={summary} summaryRef={summaryRef} />
      <p>{t.reviewIntro}</p>

      <section class="review__section" aria-labelledby="review-situation">
        <h2 class="review__heading" id="review-situation">
          {model.situationLabel[locale]}
        </h2>
        <dl class="summary">
          {model.situations.map((question) => (
            <div class="summary__row" key={question.id}>
              <dt class="summary__key">{question.label[locale]}</dt>
              <dd class="summary__value">
                {question.options.find((o) => o.value === situation[question.id])?.label[locale] ??
                  t.notAnswered}
              </dd>
              <dd class="summary__action">
                <ChangeLink
                  href={`${paths.intro(bundleId)}#situation-${question.id}`}
                  label={question.label[locale]}
                />
              </dd>
            </div>
          ))}
          {model.optionalServices.length > 0 ? (
            <div class="summary__row">
              <dt class="summary__key">{t.chosenServices}</dt>
              <dd class="summary__value">
                {model.optionalServices
                  .filter((o) => draft.optionalServices.includes(o.id))
                  .map((o) => o.label[locale])
                  .join(t.listSeparator) || t.none}
              </dd>
              <dd class="summary__action">
                <ChangeLink
                  href={`${paths.intro(bundleId)}#optional-${model.optionalServices[0]?.id ?? ""}`}
                  label={t.chosenServices}
                />
              </dd>
            </div>
          ) : null}
        </dl>
      </section>

      {sections.map((section) => (
        <section class="review__section" key={section.id} aria-labelledby={`review-${section.id}`}>
          <h2 class="review__heading" id={`review-${section.id}`}>
            {section.label[locale]}
          </h2>
          <dl class="summary">
            {section.fields
              .filter((f) => f.kind !== "upload")
              .map((field) => {
                const shown = displayValue(field, draft.answers[section.id]?.[field.name], locale, t);
                const error = errorFor(field.id);
                return (
                  <div class={error ? "summary__row summary__row--error" : "summary__row"} key={field.id}>
                    <dt class="summary__key">{field.label[locale]}</dt>
                    <dd class="summary__value">
                      {shown ?? <span class="summary__empty">{t.notAnswered}</span>}
                      {error ? <span class="summary__error">{error}</span> : null}
                    </dd>
                    <dd class="summary__action">
                      <ChangeLink
                        href={`${paths.form(bundleId, section.id)}?from=review#${fieldId(field)}`}
                        label={field.label[locale]}
                      />
                    </dd>
                  </div>
                );
              })}
          </dl>
        </section>
      ))}

      <div class="review__status" role="status">
        {check.kind === "checking" ? <p class="status">{t.reviewChecking}</p> : null}
        {check.kind === "unavailable" ? <p class="notice">{t.reviewOffline}</p> : null}
        {valid ? (
          <div class="panel">
            <p class="panel__title">{t.reviewValid}</p>
            <p>{t.reviewNext}</p>
          </div>
        ) : null}
      </div>

      <section class="review__section" aria-labelledby="review-materials">
        <h2 class="review__heading" id="review-materials">
          {t.materialsTitle}
        </h2>
        <dl class="summary">
          {materials.map((m) => {
            const license = standInFor(m.id);
            return (
              <div class="summary__row" key={m.id} data-material={m.id}>
                <dt class="summary__key">{m.label[locale]}</dt>
                <dd class="summary__value">
                  {license ? (
                    t.licenseUsed(license.name[locale], license.holderName)
                  ) : draft.materials[m.id] !== undefined ? (
                    t.uploaded
                  ) : (
                    <span class="summary__empty">{m.required ? t.materialMissing : t.none}</span>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
        <p>{missing.length === 0 ? t.materialsAllThere : t.materialsMissing(missing.map((m) => m.label[locale]).join(t.listSeparator))}</p>
        <Link href={paths.materials(bundleId)} class="summary__change">
          {t.change}
          <span class="visually-hidden"> {t.materialsTitle}</span>
        </Link>
      </section>

      {delivers ? (
        <DeliveryStep
          bundleId={bundleId}
          method={method}
          hall={hall}
          answers={answers}
          error={(field) => deliveryErrors.find((e) => e.field === field)?.message[locale] ?? null}
          onMethod={setMethod}
          onHall={setHall}
        />
      ) : null}

      {auth.signedIn ? <CoApplicantStep bundleId={bundleId} answers={answers} onReady={setCoApplicantReady} /> : null}

      <div class="submit" role="status">
        {coApplicantErrors.map((e) => (
          <p class="notice" key={e.field}>
            {e.message[locale]}
          </p>
        ))}
        {sending.kind === "offline" ? <p class="notice">{t.submitOffline}</p> : null}
        {sending.kind === "failed" ? <p class="notice">{t.submitFailed}</p> : null}
        {sending.kind === "signedOut" ? <p class="notice">{t.signInToSubmit}</p> : null}
      </div>
      {auth.signedIn && !actingForSomeone() ? (
        <Checkbox id="remember-me" label={t.rememberMe} checked={remember} onChange={setRemember} />
      ) : null}
      {auth.signedIn ? (
        <button
          type="button"
          class="button button--primary"
          disabled={!valid || !coApplicantReady || sending.kind === "sending"}
          onClick={() => void onSubmit()}
        >
          {sending.kind === "sending" ? t.submitting : sending.kind === "offline" || sending.kind === "failed" ? t.submitAgain : t.submit}
        </button>
      ) : (
        <>
          <p>{t.signInToSubmit}</p>
          <button type="button" class="button button--primary" onClick={() => void signIn()}>
            {t.signIn}
          </button>
        </>
      )}
    </>
  );
}
