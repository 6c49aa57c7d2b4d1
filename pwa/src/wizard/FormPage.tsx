/**
 * One page of the merged-form wizard: one section (topic) of the JSON Schema, a progress line,
 * the fields, and "continue". Continue asks the server to validate everything answered so far
 * and shows only the problems of this page; with none, the next page (or the review) follows.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { useI18n } from "../i18n/context";
import { Link, navigate, paths, useLocation, usePageFocus, useTitle } from "../router";
import { fetchForm, validateAnswers, type FieldError } from "./api";
import { BackLink, LoadState, SaveStatus } from "./common";
import { getErrors, markVisited, setAnswer, setErrors, useDraft, type Draft } from "./draft";
import { ErrorSummary, type SummaryItem } from "./ErrorSummary";
import { Field, fieldId } from "./fields";
import { formRequest, requestKey, useLoad } from "./hooks";
import { formErrors, SITUATION_SECTION, sectionOf, visibleSections, type SectionModel } from "./model";
import { prefillOnce } from "./prefill";
import { withRelation } from "./suggest";
import { buildAnswers } from "./values";

/** The first of `later` still needing the resident: with a problem, or nothing answered yet. */
function firstToAnswer(later: SectionModel[], draft: Draft, errors: FieldError[]): SectionModel | undefined {
  return later.find((s) => {
    const given = draft.answers[s.id] ?? {};
    const answered = s.fields.some((f) => (given[f.name] ?? "") !== "");
    return !answered || errors.some((e) => sectionOf(e.field) === s.id);
  });
}

/** This page's problems, and any about the situation answers (which every page depends on). */
function onThisPage(errors: FieldError[], section: string): FieldError[] {
  return errors.filter((e) => sectionOf(e.field) === section || sectionOf(e.field) === SITUATION_SECTION);
}

export function FormPage({ bundleId, section: sectionId }: { bundleId: string; section: string }) {
  const { locale, t } = useI18n();
  const location = useLocation();
  const fromReview = location.search.get("from") === "review";
  const [draft, update] = useDraft(bundleId);
  const request = formRequest(draft);
  const [form, retry] = useLoad(`form:${bundleId}:${requestKey(request)}`, () =>
    fetchForm(bundleId, request, locale),
  );
  // Problems are shown once the resident has tried to continue from this page, or when they
  // come back to a page they had finished (e.g. from the review page's "change" link).
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setPageErrors] = useState(() => getErrors(bundleId));
  const summaryRef = useRef<HTMLDivElement>(null);

  const sections = form.kind === "ok" ? visibleSections(form.value, draft.situation) : [];
  const index = sections.findIndex((s) => s.id === sectionId);
  const section = sections[index];
  const showErrors = attempted || draft.visited.includes(sectionId);
  const mine = showErrors ? onThisPage(formErrors(errors, sections), sectionId) : [];
  const titleText = section ? section.label[locale] : null;
  useTitle(
    titleText === null
      ? null
      : `${mine.length > 0 ? t.errorTitlePrefix : ""}${titleText} · ${t.stepOf(index + 1, sections.length)}`,
    t.documentTitle,
  );
  usePageFocus(form.kind === "ok");
  useEffect(() => {
    if (form.kind === "ok") prefillOnce(bundleId, form.value, draft, update);
  }, [form.kind]);

  if (form.kind !== "ok") return <LoadState kind={form.kind} onRetry={retry} />;
  if (!section) {
    const first = sections[0];
    return (
      <>
        <BackLink href={paths.intro(bundleId)} label={t.back} />
        <h1 class="page-title">{form.value.label[locale]}</h1>
        <p>{t.stepGone}</p>
        {first ? (
          <Link href={paths.form(bundleId, first.id)} class="button">
            {t.toFirstStep}
          </Link>
        ) : null}
      </>
    );
  }

  const model = form.value;
  const previous = sections[index - 1];
  const next = sections[index + 1];
  const backHref = fromReview
    ? paths.review(bundleId)
    : previous
      ? paths.form(bundleId, previous.id)
      : paths.intro(bundleId);
  const values = draft.answers[section.id] ?? {};
  const errorFor = (field: string): string | null =>
    mine.find((e) => e.field === field)?.message[locale] ?? null;

  const summary: SummaryItem[] = mine.map((e) => {
    const field = section.fields.find((f) => f.id === e.field);
    return {
      key: e.field,
      message: e.message[locale],
      href: field ? `#${fieldId(field)}` : paths.intro(bundleId),
    };
  });

  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const answers = buildAnswers(model, sections, draft);
    const result = await validateAnswers(bundleId, request, answers, locale);
    setBusy(false);
    const found = result.kind === "invalid" ? result.errors : [];
    setErrors(bundleId, found);
    setPageErrors(found);
    setAttempted(true);
    const blocking = onThisPage(formErrors(found, sections), section.id);
    if (blocking.length > 0) {
      // Wait for the summary to render, then move focus to it (GOV.UK error summary pattern).
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    // Valid, or the server is out of reach: the answers are kept and the review page checks
    // everything again, so a slow network never stops the resident from going on.
    update((current) => markVisited(current, section.id));
    // A returning resident's later pages may be complete already (prefilled from the wallet
    // or their last application, and valid): those are skipped — the review page shows every
    // answer with its "change" link. A page with nothing answered is never skipped, and
    // without the server's verdict (offline) every page is shown.
    const ahead = result.kind === "unavailable" ? next : firstToAnswer(sections.slice(index + 1), draft, found);
    navigate(
      fromReview ? paths.review(bundleId) : ahead ? paths.form(bundleId, ahead.id) : paths.materials(bundleId),
    );
  };

  return (
    <>
      <BackLink href={backHref} label={t.back} />
      <div class="progress">
        <p class="progress__text">{t.stepOf(index + 1, sections.length)}</p>
        <progress class="progress__bar" max={sections.length} value={index + 1} aria-hidden="true" />
      </div>
      <h1 class="page-title">{section.label[locale]}</h1>
      <SaveStatus bundleId={bundleId} />
      <ErrorSummary items={summary} summaryRef={summaryRef} />
      <form
        class="form"
        noValidate
        autoComplete="off"
        onSubmit={onSubmit}
        aria-busy={busy ? "true" : "false"}
      >
        {section.fields.some((f) => f.required) ? <p class="form__hint">{t.requiredHint}</p> : null}
        {section.fields.map((field) => (
          <ErrorBoundary key={field.id}>
            <Field
              field={field}
              value={values[field.name] ?? ""}
              source={draft.prefilled[field.id]?.[locale] ?? null}
              error={errorFor(field.id)}
              onChange={(value) =>
                update((current) => withRelation(current, setAnswer(current, section.id, field.name, value)))
              }
            />
          </ErrorBoundary>
        ))}
        <button type="submit" class="button button--primary">
          {busy ? t.checking : fromReview ? t.toReview : t.continue}
        </button>
      </form>
    </>
  );
}
