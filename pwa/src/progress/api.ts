/** The resident's applications, their per-department progress and their timeline. */
import { authFetch } from "../auth/session";
import type { Fetched } from "../wizard/api";
import { isRecord } from "../wizard/model";

export interface TaskProgress {
  id: string;
  service: string;
  department: string;
  state: string;
  waitsFor: string[];
  dueOn: string;
  duePlanned: boolean;
  decidedAt: string | null;
}

export interface ApplicationProgress {
  id: string;
  bundle: string;
  status: string;
  submittedAt: string;
  promisedOn: string;
  tasks: TaskProgress[];
}

export interface TimelineEvent {
  id: number;
  at: string;
  kind: string;
  service: string | null;
  actorKind: string;
  act: string | null;
  /** The agent's name: given to the resident and the agent only. */
  actName: string | null;
  /** The parcel a delivery event is about. */
  parcel: number | null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function parseTask(raw: unknown): TaskProgress | null {
  if (!isRecord(raw)) return null;
  const id = str(raw["id"]);
  const service = str(raw["service"]);
  const state = str(raw["state"]);
  const dueOn = str(raw["due_on"]);
  if (!id || !service || !state || !dueOn) return null;
  return {
    id,
    service,
    department: str(raw["department"]) ?? "",
    state,
    waitsFor: Array.isArray(raw["waits_for"]) ? raw["waits_for"].filter((w): w is string => typeof w === "string") : [],
    dueOn,
    duePlanned: raw["due_planned"] === true,
    decidedAt: str(raw["decided_at"]),
  };
}

export function parseApplication(raw: unknown): ApplicationProgress | null {
  if (!isRecord(raw)) return null;
  const id = str(raw["id"]);
  const bundle = str(raw["bundle"]);
  const status = str(raw["status"]);
  const submittedAt = str(raw["submitted_at"]);
  const promisedOn = str(raw["promised_on"]);
  if (!id || !bundle || !status || !submittedAt || !promisedOn || !Array.isArray(raw["tasks"])) return null;
  return {
    id,
    bundle,
    status,
    submittedAt,
    promisedOn,
    tasks: raw["tasks"].map(parseTask).filter((t): t is TaskProgress => t !== null),
  };
}

function parseEvent(raw: unknown): TimelineEvent | null {
  if (!isRecord(raw) || typeof raw["id"] !== "number") return null;
  const at = str(raw["at"]);
  const kind = str(raw["kind"]);
  if (!at || !kind) return null;
  return { id: raw["id"], at, kind, service: str(raw["service"]), actorKind: str(raw["actor_kind"]) ?? "", act: str(raw["act"]), actName: str(raw["act_name"]), parcel: isRecord(raw["detail"]) && typeof raw["detail"]["parcel"] === "number" ? raw["detail"]["parcel"] : null };
}

export async function getJson(url: string): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await authFetch(url, { headers: { Accept: "application/json" } });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch {
    return null;
  }
}

export async function fetchApplications(): Promise<Fetched<ApplicationProgress[]>> {
  const reply = await getJson("/api/v1/applications");
  if (reply?.status !== 200 || !Array.isArray(reply.body)) return { kind: "unavailable" };
  return { kind: "ok", value: reply.body.map(parseApplication).filter((a): a is ApplicationProgress => a !== null) };
}

export async function fetchApplication(
  id: string,
): Promise<Fetched<{ application: ApplicationProgress; events: TimelineEvent[] }>> {
  const base = `/api/v1/applications/${encodeURIComponent(id)}`;
  const [one, timeline] = await Promise.all([getJson(base), getJson(`${base}/timeline?limit=100`)]);
  if (one?.status === 404 || one?.status === 422) return { kind: "notFound" };
  const application = one?.status === 200 ? parseApplication(one.body) : null;
  if (!application) return { kind: "unavailable" };
  const rawEvents = timeline?.status === 200 && isRecord(timeline.body) ? timeline.body["events"] : [];
  const events = Array.isArray(rawEvents) ? rawEvents.map(parseEvent).filter((e): e is TimelineEvent => e !== null) : [];
  return { kind: "ok", value: { application, events } };
}
