/**
 * The catalog endpoints the bundle intro and the form wizard use: bundle detail, merged form,
 * answer validation. Nothing here throws: every failure is a value the page can show.
 */
import type { Locale } from "../i18n";
import { isRecord, localized, parseForm, strings, type FormModel, type Localized } from "./model";

const TIMEOUT_MS = 20_000;

export type Fetched<T> = { kind: "ok"; value: T } | { kind: "notFound" } | { kind: "unavailable" };

export interface ServiceItem {
  id: string;
  name: Localized;
  department: Localized;
  timeLimitDays: number;
  automatic: boolean;
  optional: boolean;
  after: string[];
  mailed: boolean;
}

export interface SituationOption {
  value: string;
  label: Localized;
  excludesServices: string[];
}

export interface SituationItem {
  id: string;
  question: Localized;
  help: Localized | null;
  default: string;
  options: SituationOption[];
}

export interface BundleDetail {
  id: string;
  name: Localized;
  description: Localized | null;
  timeLimitDays: number;
  services: ServiceItem[];
  situations: SituationItem[];
}

/** The application as far as the catalog cares: situation answers, optional services, answers. */
export interface FormRequest {
  situationAnswers: Record<string, string>;
  optionalServices: string[];
}

export interface FieldError {
  field: string;
  message: Localized;
}

export type Validation =
  { kind: "valid" } | { kind: "invalid"; errors: FieldError[] } | { kind: "unavailable" };

function parseService(raw: unknown): ServiceItem | null {
  if (!isRecord(raw) || typeof raw["id"] !== "string") return null;
  const name = localized(raw["name"]);
  const department = isRecord(raw["department"]) ? localized(raw["department"]["name"]) : null;
  const days = raw["time_limit_days"];
  if (!name || !department || typeof days !== "number") return null;
  return {
    id: raw["id"],
    name,
    department,
    timeLimitDays: days,
    automatic: raw["mode"] === "auto",
    optional: raw["optional"] === true,
    after: strings(raw["after"]),
    mailed: raw["mailed"] === true,
  };
}

function parseSituation(raw: unknown): SituationItem | null {
  if (!isRecord(raw) || typeof raw["id"] !== "string") return null;
  const question = localized(raw["question"]);
  if (!question || !Array.isArray(raw["options"]) || typeof raw["default"] !== "string") {
    return null;
  }
  const options: SituationOption[] = [];
  for (const option of raw["options"]) {
    if (!isRecord(option) || typeof option["value"] !== "string") continue;
    const label = localized(option["label"]);
    if (!label) continue;
    options.push({
      value: option["value"],
      label,
      excludesServices: strings(option["excludes_services"]),
    });
  }
  if (options.length < 2) return null;
  return { id: raw["id"], question, help: localized(raw["help"]), default: raw["default"], options };
}

export function parseBundleDetail(raw: unknown): BundleDetail | null {
  if (!isRecord(raw) || typeof raw["id"] !== "string") return null;
  const name = localized(raw["name"]);
  const days = raw["time_limit_days"];
  if (!name || typeof days !== "number") return null;
  const services = Array.isArray(raw["services"]) ? raw["services"].map(parseService) : [];
  const situations = Array.isArray(raw["situations"]) ? raw["situations"].map(parseSituation) : [];
  return {
    id: raw["id"],
    name,
    description: localized(raw["description"]),
    timeLimitDays: days,
    services: services.filter((s): s is ServiceItem => s !== null),
    situations: situations.filter((s): s is SituationItem => s !== null),
  };
}

function parseErrors(raw: unknown): FieldError[] {
  if (!isRecord(raw) || !Array.isArray(raw["errors"])) return [];
  const errors: FieldError[] = [];
  for (const item of raw["errors"]) {
    if (!isRecord(item) || typeof item["field"] !== "string") continue;
    const zh = item["message_zh"] ?? item["message"];
    const en = item["message_en"] ?? zh;
    if (typeof zh !== "string" || typeof en !== "string") continue;
    errors.push({ field: item["field"], message: { "zh-CN": zh, en } });
  }
  return errors;
}

/** Status and parsed body, or null when the request never got an answer. */
type Reply = { status: number; body: unknown } | null;

async function request(url: string, locale: Locale, body?: unknown, signal?: AbortSignal): Promise<Reply> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), TIMEOUT_MS);
  const onAbort = (): void => timeout.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": locale };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const init: RequestInit = {
      method: body === undefined ? "GET" : "POST",
      headers,
      credentials: "same-origin",
      // Answers are personal data: never let any cache keep a copy.
      cache: "no-store",
      signal: timeout.signal,
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(url, init);
    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    return { status: response.status, body: parsed };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

const base = (bundleId: string): string => `/api/v1/bundles/${encodeURIComponent(bundleId)}`;

export async function fetchBundleDetail(
  bundleId: string,
  locale: Locale,
  signal?: AbortSignal,
): Promise<Fetched<BundleDetail>> {
  const response = await request(base(bundleId), locale, undefined, signal);
  if (response?.status === 404) return { kind: "notFound" };
  const detail = response?.status === 200 ? parseBundleDetail(response.body) : null;
  return detail ? { kind: "ok", value: detail } : { kind: "unavailable" };
}

// One merged form per (bundle, gating answers, optional services): the schema is the same for
// every resident, so it is kept for the life of the page (memory only, never stored).
const forms = new Map<string, Promise<Fetched<FormModel>>>();

function formBody(form: FormRequest): {
  situation_answers: Record<string, string>;
  optional_services: string[];
} {
  return {
    situation_answers: form.situationAnswers,
    optional_services: [...form.optionalServices].sort(),
  };
}

/** Equal for requests that ask for the same merged form (order of keys does not matter). */
export function requestKey(request: FormRequest): string {
  const answers = Object.keys(request.situationAnswers)
    .sort()
    .map((id) => `${id}=${request.situationAnswers[id] ?? ""}`);
  return `${answers.join("&")}|${[...request.optionalServices].sort().join(",")}`;
}

export function fetchForm(bundleId: string, form: FormRequest, locale: Locale): Promise<Fetched<FormModel>> {
  const key = `${bundleId}|${requestKey(form)}`;
  const cached = forms.get(key);
  if (cached) return cached;
  const promise = request(`${base(bundleId)}/form`, locale, formBody(form)).then(
    (response): Fetched<FormModel> => {
      if (response?.status === 404) return { kind: "notFound" };
      const model = response?.status === 200 ? parseForm(response.body) : null;
      return model ? { kind: "ok", value: model } : { kind: "unavailable" };
    },
  );
  forms.set(key, promise);
  // A failed fetch is forgotten so that "try again" really tries again.
  void promise.then((result) => {
    if (result.kind !== "ok") forms.delete(key);
  });
  return promise;
}

export async function validateAnswers(
  bundleId: string,
  form: FormRequest,
  answers: Record<string, Record<string, unknown>>,
  locale: Locale,
): Promise<Validation> {
  const response = await request(`${base(bundleId)}/validate`, locale, { ...formBody(form), answers });
  if (response?.status === 200) return { kind: "valid" };
  if (response?.status === 422) {
    const errors = parseErrors(response.body);
    if (errors.length > 0) return { kind: "invalid", errors };
  }
  return { kind: "unavailable" };
}
