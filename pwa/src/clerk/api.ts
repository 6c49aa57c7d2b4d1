/** The department side: inbox, one task as the department may see it, and decisions. */
import { authFetch } from "../auth/session";
import { getJson } from "../progress/api";
import type { Fetched } from "../wizard/api";
import { isRecord, localized, strings, type Localized } from "../wizard/model";

export interface InboxItem {
  taskId: string;
  applicationId: string;
  bundle: string;
  service: string;
  state: string;
  dueOn: string | null;
  overdue: boolean;
}

export interface MaterialRef {
  id: string;
  material: string;
  contentType: string;
  size: number | null;
}

export interface TaskLicense {
  identifier: string;
  name: string;
  material: string | null;
  statusLabel: Localized;
  signatureValid: boolean;
}

export interface DepartmentTask {
  taskId: string;
  bundle: string;
  service: string;
  state: string;
  dueOn: string | null;
  answers: Record<string, Record<string, unknown>>;
  upstream: { service: string; elements: Record<string, unknown> }[];
  materials: MaterialRef[];
  /** E-licenses standing in for this service's materials, or issued upstream. */
  licenses: TaskLicense[];
  pending: Record<string, unknown> | null;
  allowedEvents: string[];
}

export interface ServiceInfo {
  name: Localized;
  labels: Map<string, Localized>;
  materials: string[];
  produces: string[];
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export async function fetchInbox(): Promise<Fetched<InboxItem[]>> {
  const reply = await getJson("/api/v1/department/tasks?limit=100");
  if (reply?.status !== 200 || !isRecord(reply.body) || !Array.isArray(reply.body["items"])) {
    return { kind: "unavailable" };
  }
  const items: InboxItem[] = [];
  for (const raw of reply.body["items"]) {
    if (!isRecord(raw)) continue;
    const taskId = str(raw["task_id"]);
    const service = str(raw["service"]);
    const state = str(raw["state"]);
    if (!taskId || !service || !state) continue;
    items.push({
      taskId,
      applicationId: str(raw["application_id"]) ?? "",
      bundle: str(raw["bundle"]) ?? "",
      service,
      state,
      dueOn: str(raw["due_on"]),
      overdue: raw["overdue"] === true,
    });
  }
  return { kind: "ok", value: items };
}

export async function fetchDepartmentTask(taskId: string): Promise<Fetched<DepartmentTask>> {
  const reply = await getJson(`/api/v1/department/tasks/${encodeURIComponent(taskId)}`);
  if (reply?.status === 404 || reply?.status === 422) return { kind: "notFound" };
  const raw = reply?.status === 200 && isRecord(reply.body) ? reply.body : null;
  if (!raw || !str(raw["task_id"]) || !str(raw["service"]) || !str(raw["state"])) return { kind: "unavailable" };
  const answers: Record<string, Record<string, unknown>> = {};
  if (isRecord(raw["answers"])) {
    for (const [section, values] of Object.entries(raw["answers"])) {
      if (isRecord(values)) answers[section] = values;
    }
  }
  const upstream = Array.isArray(raw["upstream"])
    ? raw["upstream"].flatMap((u: unknown) =>
        isRecord(u) && typeof u["service"] === "string"
          ? [{ service: u["service"], elements: isRecord(u["elements"]) ? u["elements"] : {} }]
          : [],
      )
    : [];
  const materials = Array.isArray(raw["materials"])
    ? raw["materials"].flatMap((m: unknown) =>
        isRecord(m) && typeof m["id"] === "string" && typeof m["material"] === "string"
          ? [
              {
                id: m["id"],
                material: m["material"],
                contentType: str(m["content_type"]) ?? "",
                size: typeof m["size"] === "number" ? m["size"] : null,
              },
            ]
          : [],
      )
    : [];
  const licenses = Array.isArray(raw["licenses"])
    ? raw["licenses"].flatMap((l: unknown) => {
        if (!isRecord(l) || typeof l["identifier"] !== "string" || typeof l["name"] !== "string") return [];
        const label = isRecord(l["status_label"]) ? l["status_label"] : {};
        const zh = str(label["zh"]) ?? "";
        return [
          {
            identifier: l["identifier"],
            name: l["name"],
            material: str(l["material"]),
            statusLabel: { "zh-CN": zh, en: str(label["en"]) ?? zh },
            signatureValid: l["signature_valid"] === true,
          },
        ];
      })
    : [];
  return {
    kind: "ok",
    value: {
      taskId: raw["task_id"] as string,
      bundle: str(raw["bundle"]) ?? "",
      service: raw["service"] as string,
      state: raw["state"] as string,
      dueOn: str(raw["due_on"]),
      answers,
      upstream,
      materials,
      licenses,
      pending: isRecord(raw["pending"]) ? raw["pending"] : null,
      allowedEvents: strings(raw["allowed_events"]),
    },
  };
}

const services = new Map<string, Promise<ServiceInfo | null>>();

/** A service's name, its form's labels, materials and produced elements (catalog data). */
export function fetchServiceInfo(serviceId: string): Promise<ServiceInfo | null> {
  let found = services.get(serviceId);
  if (!found) {
    found = getJson(`/api/v1/services/${encodeURIComponent(serviceId)}`).then((reply) => {
      const raw = reply?.status === 200 && isRecord(reply.body) ? reply.body : null;
      const name = raw ? localized(raw["name"]) : null;
      if (!raw || !name) {
        services.delete(serviceId);
        return null;
      }
      const labels = new Map<string, Localized>();
      if (Array.isArray(raw["form"])) {
        for (const f of raw["form"]) {
          const label = isRecord(f) ? localized(f["label"]) : null;
          if (isRecord(f) && typeof f["element"] === "string" && label) labels.set(f["element"], label);
        }
      }
      return { name, labels, materials: strings(raw["materials"]), produces: strings(raw["produces_elements"]) };
    });
    services.set(serviceId, found);
  }
  return found;
}

export type DecisionResult = { kind: "ok"; task: DepartmentTask } | { kind: "invalid"; detail: string | null } | { kind: "failed" };

/** `event` as the API names it (accept, start_review, …); the route uses dashes. */
export async function decide(taskId: string, event: string, body: Record<string, unknown>): Promise<DecisionResult> {
  try {
    const response = await authFetch(
      `/api/v1/department/tasks/${encodeURIComponent(taskId)}/${event.replace(/_/g, "-")}`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      },
    );
    const parsed: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const task = await fetchDepartmentTask(taskId);
      return task.kind === "ok" ? { kind: "ok", task: task.value } : { kind: "failed" };
    }
    if (response.status === 422 || response.status === 409) {
      return { kind: "invalid", detail: isRecord(parsed) ? str(parsed["detail"]) ?? str(parsed["title"]) : null };
    }
    return { kind: "failed" };
  } catch {
    return { kind: "failed" };
  }
}
