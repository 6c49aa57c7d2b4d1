/**
 * One task as its department may see it — only this service's fields, the materials handed in
 * for it, outputs of upstream services — and the decisions its state allows: accept, refuse,
 * request a correction, accept with a material to follow, start the review, approve with the
 * data the service produces.
 */
import { useState } from "preact/hooks";
import { useI18n } from "../i18n/context";
import { clerkMessages, type ClerkMessages } from "../i18n/clerk";
import { paths, usePageFocus, useTitle } from "../router";
import { formatDate } from "../progress/format";
import { BackLink, LoadState } from "../wizard/common";
import { useLoad } from "../wizard/hooks";
import { decide, fetchDepartmentTask, fetchServiceInfo, type DepartmentTask, type ServiceInfo } from "./api";

/** Decisions this console offers (the API's routes); others are the platform's own. */
const DECISIONS = ["accept", "start_review", "approve", "accept_pending_material", "request_correction", "refuse", "resume"];

function shown(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function decisionLabel(c: ClerkMessages, event: string): string {
  return c.decisions[event] ?? event;
}

interface FormProps {
  task: DepartmentTask;
  info: ServiceInfo | null;
  event: string;
  onDone: (task: DepartmentTask) => void;
}

/** The inputs one decision needs, and its button. */
function DecisionForm({ task, info, event, onDone }: FormProps) {
  const { locale, t } = useI18n();
  const c = clerkMessages[locale];
  const [text, setText] = useState("");
  const [fields, setFields] = useState<string[]>([]);
  const [material, setMaterial] = useState(info?.materials[0] ?? "");
  const [deadline, setDeadline] = useState("");
  const [output, setOutput] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = (name: string): string => `decision-${event}-${name}`;

  const body = (): Record<string, unknown> => {
    switch (event) {
      case "refuse":
        return { reason: text };
      case "request_correction":
        return { message: text, fields };
      case "accept_pending_material":
        return { material, deadline, ...(text ? { message: text } : {}) };
      case "approve":
        return { output: Object.fromEntries(Object.entries(output).filter(([, v]) => v.trim() !== "")) };
      default:
        return text ? { note: text } : {};
    }
  };

  const onSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const result = await decide(task.taskId, event, body());
    setBusy(false);
    if (result.kind === "ok") onDone(result.task);
    else setProblem(result.kind === "invalid" ? (result.detail ?? t.decisionRefused) : t.decisionFailed);
  };

  const textLabel =
    event === "refuse" ? c.refuseReason : event === "request_correction" ? c.correctionMessage : c.decisionNote;
  const fieldIds = Object.entries(task.answers).flatMap(([section, values]) =>
    section === "situation" ? [] : Object.keys(values).map((name) => `${section}.${name}`),
  );
  return (
    <form class="form decision" onSubmit={(e) => void onSubmit(e)} aria-labelledby={id("heading")}>
      <h3 class="decision__heading" id={id("heading")}>
        {decisionLabel(c, event)}
      </h3>
      {problem ? (
        <p class="field__error" role="alert">
          {problem}
        </p>
      ) : null}
      {event === "approve"
        ? (info?.produces ?? []).map((element) => (
            <div class="field" key={element}>
              <label class="field__label" for={id(element)}>
                {info?.labels.get(element)?.[locale] ?? element}
              </label>
              <input
                class="input"
                id={id(element)}
                value={output[element] ?? ""}
                onInput={(e) => setOutput({ ...output, [element]: e.currentTarget.value })}
              />
            </div>
          ))
        : null}
      {event === "request_correction" ? (
        <fieldset class="fieldset">
          <legend class="field__label">{c.correctionFields}</legend>
          <div class="choices">
            {fieldIds.map((field) => (
              <div class="choice choice--checkbox" key={field}>
                <input
                  class="choice__input"
                  type="checkbox"
                  id={id(field)}
                  checked={fields.includes(field)}
                  onChange={(e) =>
                    setFields(e.currentTarget.checked ? [...fields, field] : fields.filter((f) => f !== field))
                  }
                />
                <label class="choice__label" for={id(field)}>
                  {info?.labels.get(field)?.[locale] ?? field}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      ) : null}
      {event === "accept_pending_material" ? (
        <>
          <div class="field">
            <label class="field__label" for={id("material")}>
              {c.pendingMaterial}
            </label>
            <select class="select" id={id("material")} value={material} onChange={(e) => setMaterial(e.currentTarget.value)}>
              {(info?.materials ?? []).map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label class="field__label" for={id("deadline")}>
              {c.pendingDeadline}
            </label>
            <input class="input input--w14" type="date" id={id("deadline")} value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />
          </div>
        </>
      ) : null}
      {event === "approve" ? null : (
        <div class="field">
          <label class="field__label" for={id("text")}>
            {textLabel}
          </label>
          <textarea class="textarea" rows={2} id={id("text")} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
      )}
      <button type="submit" class={event === "refuse" ? "button button--warning" : "button button--primary"} disabled={busy}>
        {decisionLabel(c, event)}
      </button>
    </form>
  );
}

export function TaskPage({ taskId }: { taskId: string }) {
  const { locale, t } = useI18n();
  const c = clerkMessages[locale];
  const [loaded, retry] = useLoad(`task:${taskId}`, () => fetchDepartmentTask(taskId));
  const [updated, setUpdated] = useState<DepartmentTask | null>(null);
  const task = updated ?? (loaded.kind === "ok" ? loaded.value : null);
  const [info] = useLoad<ServiceInfo>(`service:${task?.service ?? ""}`, () =>
    task ? fetchServiceInfo(task.service).then((i) => (i ? { kind: "ok" as const, value: i } : { kind: "unavailable" as const })) : null,
  );
  const [open, setOpen] = useState<string | null>(null);
  useTitle(task ? c.taskTitle : null, t.documentTitle);
  usePageFocus(task !== null);
  if (!task) return <LoadState kind={loaded.kind === "ok" ? "loading" : loaded.kind} onRetry={retry} />;
  const service = info.kind === "ok" ? info.value : null;
  const decisions = DECISIONS.filter((d) => task.allowedEvents.includes(d));
  return (
    <>
      <BackLink href={paths.clerk()} label={t.inboxTitle} />
      <h1 class="page-title">{c.taskTitle}</h1>
      <div class="panel">
        <p class="panel__title">{service?.name[locale] ?? task.service}</p>
        <p>
          <span class={`tag tag--${task.state}`} data-state={task.state}>
            {t.taskStates[task.state] ?? task.state}
          </span>
        </p>
        {task.dueOn ? <p>{c.dueOn(formatDate(task.dueOn, locale))}</p> : null}
      </div>

      <section aria-labelledby="answers-heading">
        <h2 id="answers-heading" class="intro__heading">
          {c.taskAnswers}
        </h2>
        <dl class="summary">
          {Object.entries(task.answers).flatMap(([section, values]) =>
            Object.entries(values).map(([name, value]) => (
              <div class="summary__row" key={`${section}.${name}`}>
                <dt class="summary__key">{service?.labels.get(`${section}.${name}`)?.[locale] ?? `${section}.${name}`}</dt>
                <dd class="summary__value">{shown(value)}</dd>
              </div>
            )),
          )}
        </dl>
      </section>

      {task.upstream.length > 0 ? (
        <section aria-labelledby="upstream-heading">
          <h2 id="upstream-heading" class="intro__heading">
            {c.taskUpstream}
          </h2>
          <ul class="plain-list">
            {task.upstream.map((u) => (
              <li key={u.service}>
                {u.service}
                {Object.entries(u.elements).map(([k, v]) => (
                  <span key={k} class="upstream__element">
                    {c.keyValue(k, shown(v))}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="materials-heading">
        <h2 id="materials-heading" class="intro__heading">
          {c.taskMaterials}
        </h2>
        {task.materials.length === 0 && task.licenses.length === 0 ? <p>{t.none}</p> : null}
        <ul class="plain-list">
          {task.materials.map((m) => (
            <li key={m.id}>
              {m.material} <span class="card__meta">{m.contentType}</span>
            </li>
          ))}
          {task.licenses.map((l) => (
            <li key={l.identifier} class="task-license">
              {l.name} <span class="card__meta">{l.material ?? ""}</span>
              <span class="card__meta"> {t.licenseIdentifier(l.identifier)}</span>
              <span class="card__meta"> {l.statusLabel[locale]}</span>
              <span class="card__meta"> {l.signatureValid ? c.signatureValid : c.signatureInvalid}</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="decide-heading">
        <h2 id="decide-heading" class="intro__heading">
          {c.decideHeading}
        </h2>
        {decisions.length === 0 ? <p>{c.noDecision}</p> : null}
        <div class="decisions">
          {decisions.map((event) => (
            <button
              key={event}
              type="button"
              class={open === event ? "button button--selected" : "button"}
              aria-expanded={open === event ? "true" : "false"}
              onClick={() => setOpen(open === event ? null : event)}
            >
              {decisionLabel(c, event)}
            </button>
          ))}
        </div>
        {open && decisions.includes(open) ? (
          <DecisionForm
            key={`${open}:${task.state}`}
            task={task}
            info={service}
            event={open}
            onDone={(next) => {
              setUpdated(next);
              setOpen(null);
            }}
          />
        ) : null}
      </section>
    </>
  );
}
