import type { Locale } from "../i18n";

/** One life event ("一件事") as listed by `GET /api/v1/bundles`. */
export interface BundleSummary {
  id: string;
  name: Record<Locale, string>;
  timeLimitDays: number;
  serviceCount: number;
}

export type BundlesResult =
  | { kind: "ok"; bundles: BundleSummary[] }
  /** 404, network error, timeout, non-JSON or unexpected shape: the catalogue isn't usable. */
  | { kind: "unavailable" };

const ENDPOINT = "/api/v1/bundles";
const TIMEOUT_MS = 15_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** Validate one item; anything malformed is dropped rather than rendered half-broken. */
export function parseBundle(raw: unknown): BundleSummary | null {
  if (!isRecord(raw)) return null;
  const { id, name, time_limit_days, service_count } = raw;
  if (typeof id !== "string" && typeof id !== "number") return null;
  if (!isRecord(name)) return null;
  const zh = name["zh-CN"];
  const en = name["en"];
  if (typeof zh !== "string" || zh === "") return null;
  if (!isCount(time_limit_days) || !isCount(service_count)) return null;
  return {
    id: String(id),
    // A bundle without an English name still shows, in Chinese.
    name: { "zh-CN": zh, en: typeof en === "string" && en !== "" ? en : zh },
    timeLimitDays: time_limit_days,
    serviceCount: service_count,
  };
}

export function parseBundles(body: unknown): BundlesResult {
  if (!Array.isArray(body)) return { kind: "unavailable" };
  const bundles: BundleSummary[] = [];
  for (const item of body) {
    const bundle = parseBundle(item);
    if (bundle) bundles.push(bundle);
  }
  return { kind: "ok", bundles };
}

/** Never throws: every failure becomes `{ kind: "unavailable" }`. */
export async function fetchBundles(signal?: AbortSignal): Promise<BundlesResult> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), TIMEOUT_MS);
  const onAbort = (): void => timeout.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await fetch(ENDPOINT, {
      method: "GET",
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: timeout.signal,
    });
    if (!response.ok) return { kind: "unavailable" };
    return parseBundles(await response.json());
  } catch {
    return { kind: "unavailable" };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
