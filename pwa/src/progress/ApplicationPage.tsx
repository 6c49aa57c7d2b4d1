/**
 * One application's progress, per department: each service's state, the date its department
 * promised (its due date) and when it was actually decided; then the timeline of everything
 * that happened. Refreshes while the page is open, so a department's decision shows up.
 */
import { useEffect } from "preact/hooks";
import type { Locale } from "../i18n";
import { useI18n } from "../i18n/context";
import type { Messages } from "../i18n/types";
import { Link, paths, usePageFocus, useTitle } from "../router";
import { fetchBundleDetail, type BundleDetail } from "../wizard/api";
import { BackLink, LoadState } from "../wizard/common";
import { useLoad } from "../wizard/hooks";
import { fetchApplication, type TaskProgress, type TimelineEvent } from "./api";
import { chinaDate, formatDate, formatDateTime } from "./format";

const REFRESH_MS = 5_000;

function stateText(t: Messages, state: string): string {
  return t.taskStates[state] ?? state;
}

function eventText(t: Messages, kind: string): string {
  return t.timelineKinds[kind] ?? t.timelineOther;
}

function TaskRow({ task, bundle, locale }: { task: TaskProgress; bundle: BundleDetail | null; locale: Locale }) {
  const { t } = useI18n();
  const service = bundle?.services.find((s) => s.id === task.service);
  const name = service?.name[locale] ?? task.service;
  const department = service?.department[locale] ?? task.department;
  const decided = task.decidedAt ? chinaDate(task.decidedAt) : null;
  const late = decided ? decided > task.dueOn : chinaDate(new Date().toISOString()) > task.dueOn;
  const waitsFor = task.waitsFor.map((id) => bundle?.services.find((s) => s.id === id)?.name[locale] ?? id);
  return (
    <li class={`task task--${task.state}`} data-service={task.service}>
      <h3 class="task__name">{name}</h3>
      <p class="task__department">{department}</p>
      <p class="task__state">
        <span class={`tag tag--${task.state}`}>{stateText(t, task.state)}</span>
      </p>
      <dl class="task__dates">
        <div>
          <dt>{task.duePlanned ? t.duePlanned : t.duePromised}</dt>
          <dd>{formatDate(task.dueOn, locale)}</dd>
        </div>
        <div>
          <dt>{t.decidedOn}</dt>
          <dd>
            {task.decidedAt ? formatDateTime(task.decidedAt, locale) : t.notYet}
            {late ? <span class="task__late"> {t.overdue}</span> : null}
          </dd>
        </div>
      </dl>
      {task.state === "waiting_upstream" && waitsFor.length > 0 ? (
        <p class="task__waits">{t.waitsFor(waitsFor.join(t.listSeparator))}</p>
      ) : null}
    </li>
  );
}

function Timeline({ events, bundle, locale }: { events: TimelineEvent[]; bundle: BundleDetail | null; locale: Locale }) {
  const { t } = useI18n();
  const shown = events.filter((e) => e.kind !== "task.created");
  return (
    <ol class="timeline">
      {[...shown].reverse().map((event) => {
        const service = event.service ? (bundle?.services.find((s) => s.id === event.service)?.name[locale] ?? event.service) : null;
        return (
          <li class="timeline__event" key={event.id}>
            <p class="timeline__when">{formatDateTime(event.at, locale)}</p>
            <p class="timeline__what">
              {service ? t.timelineEntry(service, eventText(t, event.kind)) : eventText(t, event.kind)}
              {event.act ? (
                <span class="timeline__agent">{event.actName ? t.byAgentNamed(event.actName) : t.byAgent}</span>
              ) : null}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

export function ApplicationPage({ applicationId }: { applicationId: string }) {
  const { locale, t } = useI18n();
  const [state, reload] = useLoad(`application:${applicationId}`, () => fetchApplication(applicationId));
  const bundleId = state.kind === "ok" ? state.value.application.bundle : null;
  const [bundle] = useLoad(`bundle:${bundleId ?? ""}`, () =>
    bundleId ? fetchBundleDetail(bundleId, locale) : null,
  );
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [applicationId]);
  const detail = bundle.kind === "ok" ? bundle.value : null;
  useTitle(state.kind === "ok" ? t.progressTitle : null, t.documentTitle);
  usePageFocus(state.kind === "ok");
  if (state.kind !== "ok") return <LoadState kind={state.kind} onRetry={reload} />;
  const { application, events } = state.value;
  const submitted = events.find((e) => e.kind === "application.submitted" && e.act !== null);
  return (
    <>
      <BackLink href={paths.applications()} label={t.myApplications} />
      <h1 class="page-title">{t.progressTitle}</h1>
      <div class="panel">
        <p class="panel__title">{detail?.name[locale] ?? application.bundle}</p>
        <p>
          <span class={`tag tag--${application.status}`}>{t.applicationStatuses[application.status] ?? application.status}</span>
        </p>
        <p>{t.submittedOn(formatDateTime(application.submittedAt, locale))}</p>
        {submitted ? <p class="submitted-by">{t.submittedByAgent(submitted.actName, formatDateTime(submitted.at, locale))}</p> : null}
        <p>{t.promisedBy(formatDate(application.promisedOn, locale))}</p>
      </div>
      <section aria-labelledby="tasks-heading">
        <h2 id="tasks-heading" class="intro__heading">
          {t.byDepartment}
        </h2>
        <ul class="plain-list tasks">
          {application.tasks.map((task) => (
            <TaskRow key={task.id} task={task} bundle={detail} locale={locale} />
          ))}
        </ul>
      </section>
      <Link href={paths.delivery(application.id)} class="button">
        {t.trackingTitle}
      </Link>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" class="intro__heading">
          {t.timelineTitle}
        </h2>
        <Timeline events={events} bundle={detail} locale={locale} />
      </section>
      <Link href={paths.home()} class="button">
        {t.backHome}
      </Link>
    </>
  );
}
