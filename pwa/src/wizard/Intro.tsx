/**
 * Bundle intro (一件事 start page): the situation questions, the services that will be done and
 * why (department, promised working days, order), optional services, the materials to prepare
 * and the steps of the form. Answering a question updates the lists at once.
 */
import { useEffect } from "preact/hooks";
import type { Locale } from "../i18n";
import { useI18n } from "../i18n/context";
import type { Messages } from "../i18n/types";
import { navigate, paths, usePageFocus, useTitle } from "../router";
import { fetchBundleDetail, fetchForm, type BundleDetail, type ServiceItem } from "./api";
import { BackLink, LoadState } from "./common";
import { useDraft, type Draft } from "./draft";
import { useLaunchedDraft } from "./launch";
import { Checkbox, RadioGroup } from "./fields";
import { formRequest, requestKey, useLoad } from "./hooks";
import { neededMaterials, visibleSections, type FormModel } from "./model";

interface Exclusion {
  service: ServiceItem;
  reason: string;
}

interface Plan {
  included: ServiceItem[];
  excluded: Exclusion[];
  departments: number;
}

function answersWithDefaults(detail: BundleDetail, draft: Draft): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const s of detail.situations) answers[s.id] = draft.situation[s.id] ?? s.default;
  return answers;
}

/**
 * Which services this resident gets, and why others are left out: a situation answer excludes
 * them (the reason names the question and the answer), or they are optional and not chosen.
 */
export function plan(detail: BundleDetail, draft: Draft, locale: Locale, t: Messages): Plan {
  const answers = answersWithDefaults(detail, draft);
  const included: ServiceItem[] = [];
  const excluded: Exclusion[] = [];
  for (const service of detail.services) {
    let reason: string | null = null;
    for (const situation of detail.situations) {
      const option = situation.options.find((o) => o.value === answers[situation.id]);
      if (option?.excludesServices.includes(service.id)) {
        reason = t.excludedBecause(situation.question[locale], option.label[locale]);
        break;
      }
    }
    if (reason !== null) excluded.push({ service, reason });
    // An optional service not chosen is simply not done; the choice is offered above.
    else if (!service.optional || draft.optionalServices.includes(service.id)) included.push(service);
  }
  const departments = new Set(included.map((s) => s.department["zh-CN"])).size;
  return { included, excluded, departments };
}

function gatingDefaults(detail: BundleDetail): Record<string, string> {
  const gating: Record<string, string> = {};
  for (const s of detail.situations) {
    if (s.options.some((o) => o.excludesServices.length > 0)) gating[s.id] = s.default;
  }
  return gating;
}

function ServiceEntry({ service, included }: { service: ServiceItem; included: ServiceItem[] }) {
  const { locale, t } = useI18n();
  const upstream = service.after
    .map((id) => included.find((s) => s.id === id)?.name[locale])
    .filter((name): name is string => name !== undefined);
  const facts = [t.workingDays(service.timeLimitDays)];
  if (service.automatic) facts.push(t.serviceAutomatic);
  if (service.mailed) facts.push(t.serviceMailed);
  return (
    <li class="service">
      <h3 class="service__name">{service.name[locale]}</h3>
      <p class="service__department">{service.department[locale]}</p>
      <p class="service__facts">
        {facts.map((fact) => (
          <span class="service__fact" key={fact}>
            {fact}
          </span>
        ))}
      </p>
      {upstream.length > 0 ? (
        <p class="service__after">{t.serviceAfter(upstream.join(t.listSeparator))}</p>
      ) : null}
    </li>
  );
}

function FormOutline({ form, draft, included }: { form: FormModel; draft: Draft; included: ServiceItem[] }) {
  const { locale, t } = useI18n();
  const services = new Set(included.map((s) => s.id));
  const materials = neededMaterials(form, services, draft.situation);
  const sections = visibleSections(form, draft.situation);
  return (
    <>
      <section class="intro__section" aria-labelledby="materials-heading">
        <h2 id="materials-heading" class="intro__heading">
          {t.materialsHeading}
        </h2>
        {materials.length === 0 ? (
          <p>{t.materialsNone}</p>
        ) : (
          <>
            <p class="intro__hint">{t.materialsHint}</p>
            <ul class="plain-list materials">
              {materials.map((m) => (
                <li class="material" key={m.id}>
                  <span class="material__name">
                    {m.label[locale]}
                    {m.required ? null : t.materialIfAny}
                  </span>
                  {m.replacedBy.length > 0 ? (
                    <span class="material__license">
                      {t.materialReplacedBy(m.replacedBy.map((l) => l[locale]).join(t.listSeparator))}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section class="intro__section" aria-labelledby="steps-heading">
        <h2 id="steps-heading" class="intro__heading">
          {t.stepsHeading(sections.length)}
        </h2>
        <ol class="steps">
          {sections.map((s) => (
            <li key={s.id}>{s.label[locale]}</li>
          ))}
        </ol>
      </section>
    </>
  );
}

export function BundleIntro({ bundleId }: { bundleId: string }) {
  const { locale, t } = useI18n();
  const [draft, update] = useDraft(bundleId);
  useLaunchedDraft(bundleId, update);
  const [detail, retryDetail] = useLoad(`detail:${bundleId}`, () => fetchBundleDetail(bundleId, locale));
  const request = formRequest(draft);
  const [form, retryForm] = useLoad(`form:${bundleId}:${requestKey(request)}`, () =>
    fetchForm(bundleId, request, locale),
  );

  // Record the defaults once the questions are known, so the answers shown are the answers kept.
  useEffect(() => {
    if (detail.kind !== "ok") return;
    update((current) => ({
      ...current,
      gating: gatingDefaults(detail.value),
      situation: answersWithDefaults(detail.value, current),
    }));
  }, [detail.kind]);

  useTitle(detail.kind === "ok" ? detail.value.name[locale] : null, t.documentTitle);
  usePageFocus(detail.kind === "ok");
  if (detail.kind !== "ok") return <LoadState kind={detail.kind} onRetry={retryDetail} />;

  const bundle = detail.value;
  const answers = answersWithDefaults(bundle, draft);
  const { included, excluded, departments } = plan(bundle, draft, locale, t);
  const optional = bundle.services.filter((s) => s.optional && !excluded.some((e) => e.service.id === s.id));

  const start = (): void => {
    if (form.kind !== "ok") return;
    const sections = visibleSections(form.value, draft.situation);
    const next = sections.find((s) => !draft.visited.includes(s.id));
    navigate(next ? paths.form(bundleId, next.id) : paths.review(bundleId));
  };

  return (
    <>
      <BackLink href="/" label={t.backHome} />
      <h1 class="page-title">{bundle.name[locale]}</h1>
      {bundle.description ? <p class="lead">{bundle.description[locale]}</p> : null}
      <p class="time-limit">{t.introTimeLimit(bundle.timeLimitDays)}</p>

      {bundle.situations.length > 0 ? (
        <section class="intro__section" aria-labelledby="situations-heading">
          <h2 id="situations-heading" class="intro__heading">
            {t.situationsHeading}
          </h2>
          {bundle.situations.map((situation) => (
            <RadioGroup
              key={situation.id}
              id={`situation-${situation.id}`}
              legend={situation.question[locale]}
              hint={situation.help?.[locale] ?? null}
              error={null}
              choices={situation.options.map((o) => ({ value: o.value, label: o.label[locale] }))}
              value={answers[situation.id] ?? ""}
              onChange={(value) =>
                update((current) => ({
                  ...current,
                  situation: { ...current.situation, [situation.id]: value },
                }))
              }
            />
          ))}
        </section>
      ) : null}

      {optional.length > 0 ? (
        <section class="intro__section" aria-labelledby="optional-heading">
          <h2 id="optional-heading" class="intro__heading">
            {t.optionalHeading}
          </h2>
          <p class="intro__hint">{t.optionalHint}</p>
          {optional.map((service) => (
            <Checkbox
              key={service.id}
              id={`optional-${service.id}`}
              label={service.name[locale]}
              checked={draft.optionalServices.includes(service.id)}
              onChange={(checked) =>
                update((current) => ({
                  ...current,
                  optionalServices: checked
                    ? [...current.optionalServices.filter((id) => id !== service.id), service.id]
                    : current.optionalServices.filter((id) => id !== service.id),
                }))
              }
            />
          ))}
        </section>
      ) : null}

      <section class="intro__section" aria-labelledby="services-heading">
        <h2 id="services-heading" class="intro__heading">
          {t.servicesHeading}
        </h2>
        <p class="intro__summary" aria-live="polite">
          {t.servicesSummary(included.length, departments)}
        </p>
        <ol class="plain-list services">
          {included.map((service) => (
            <ServiceEntry key={service.id} service={service} included={included} />
          ))}
        </ol>
        {excluded.length > 0 ? (
          <>
            <h3 class="intro__subheading">{t.excludedHeading}</h3>
            <ul class="plain-list excluded">
              {excluded.map(({ service, reason }) => (
                <li class="excluded__item" key={service.id}>
                  <span class="excluded__name">{service.name[locale]}</span>
                  <span class="excluded__reason">{reason}</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      {form.kind === "ok" ? (
        <FormOutline form={form.value} draft={draft} included={included} />
      ) : form.kind === "loading" ? (
        <p class="status" role="status">
          {t.loading}
        </p>
      ) : (
        <div class="notice" role="status">
          <p class="notice__text">{t.loadFailed}</p>
          <button type="button" class="button" onClick={retryForm}>
            {t.retry}
          </button>
        </div>
      )}

      {form.kind === "ok" ? (
        <button type="button" class="button button--start" onClick={start}>
          {draft.visited.length > 0 ? t.resume : t.start}
        </button>
      ) : null}
    </>
  );
}
