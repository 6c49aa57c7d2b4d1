/**
 * Prefill from the wallet: values the resident's e-licenses already hold (their ID card, the
 * marriage certificate, …) fill the merged form's empty fields once per draft, each marked with
 * the license it came from. The resident can still change any of them.
 */
import { authFetch, actingForSomeone, isSignedIn } from "../auth/session";
import { messagesFor } from "../i18n";
import type { Localized } from "./model";
import { isRecord, type FieldModel, type FormModel } from "./model";
import type { Draft } from "./draft";
import { defaults, withRelation } from "./suggest";

interface Found {
  /** By data element id ("mother.id_number"). */
  values: Record<string, { value: unknown; license: string }>;
  names: Record<string, Localized>;
}

class Refused extends Error {}

async function json(url: string): Promise<unknown> {
  const response = await authFetch(url, { headers: { Accept: "application/json" } });
  if (response.status >= 400 && response.status < 500) throw new Refused(String(response.status));
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}

const LOCAL_DATETIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2})/;

/** A JSON value as the form's input holds it. */
export function asInput(field: FieldModel, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return null;
  if (field.kind === "datetime") {
    const match = LOCAL_DATETIME.exec(value);
    return match ? `${match[1]}T${match[2]}` : value;
  }
  if (field.kind === "date") return value.slice(0, 10);
  return value;
}

const [zhCN, en] = [messagesFor("zh-CN"), messagesFor("en")];
const LAST_TIME = "last-time";
const DEFAULT = "default";

/** The wallet's values, then what the resident asked us to remember last time, then the
 * suggested defaults (each for fields the ones before have no value for); `null` when the
 * network failed (asked again later). */
async function fetchPrefill(bundleId: string): Promise<Found | null> {
  try {
    const [prefill, wallet, profile] = await Promise.all([
      json(`/api/v1/wallet/prefill?bundle=${encodeURIComponent(bundleId)}`),
      json("/api/v1/wallet/licenses"),
      json("/api/v1/me/profile"),
    ]);
    const names: Record<string, Localized> = {
      [LAST_TIME]: { "zh-CN": zhCN.fromLastTime, en: en.fromLastTime },
      [DEFAULT]: { "zh-CN": zhCN.suggestedDefault, en: en.suggestedDefault },
    };
    if (Array.isArray(wallet)) {
      for (const item of wallet) {
        if (!isRecord(item) || typeof item["id"] !== "string" || !isRecord(item["name"])) continue;
        const { zh, en: english } = item["name"];
        if (typeof zh !== "string") continue;
        names[item["id"]] = { "zh-CN": zhCN.fromLicense(zh), en: en.fromLicense(typeof english === "string" ? english : zh) };
      }
    }
    const values: Found["values"] = {};
    for (const [element, value] of Object.entries(defaults())) values[element] = { value, license: DEFAULT };
    if (isRecord(profile) && isRecord(profile["facts"])) {
      for (const [element, value] of Object.entries(profile["facts"])) values[element] = { value, license: LAST_TIME };
    }
    if (isRecord(prefill) && isRecord(prefill["values"])) {
      for (const [element, entry] of Object.entries(prefill["values"])) {
        if (isRecord(entry) && typeof entry["license_id"] === "string") {
          values[element] = { value: entry["value"], license: entry["license_id"] }; // the wallet wins
        }
      }
    }
    return { values, names };
  } catch (error) {
    // Refused (no wallet for this caller): nothing to fill, and no need to ask again.
    return error instanceof Refused ? { values: {}, names: {} } : null;
  }
}

const asked = new Set<string>();

/**
 * Once per draft and tab, for a signed-in resident: fill the empty fields from the wallet.
 * `apply` receives the change (run against the newest draft).
 */
export function prefillOnce(bundleId: string, form: FormModel, draft: Draft, apply: (change: (d: Draft) => Draft) => void): void {
  // An agent acting for a resident has no access to their wallet: nothing is prefilled.
  if (!isSignedIn() || actingForSomeone() || draft.prefillChecked || asked.has(bundleId)) return;
  asked.add(bundleId);
  void fetchPrefill(bundleId).then((found) => {
    if (!found) {
      asked.delete(bundleId); // try again on the next page
      return;
    }
    apply((current) => {
      const answers = { ...current.answers };
      const sources = { ...current.prefilled };
      for (const section of form.sections) {
        for (const field of section.fields) {
          const entry = found.values[field.id];
          if (!entry || (answers[section.id]?.[field.name] ?? "") !== "") continue;
          const value = asInput(field, entry.value);
          if (value === null) continue;
          answers[section.id] = { ...answers[section.id], [field.name]: value };
          const name = found.names[entry.license];
          if (name) sources[field.id] = name;
        }
      }
      return withRelation(current, { ...current, answers, prefilled: sources, prefillChecked: true });
    });
  });
}
