/**
 * A draft a mini-app launched for the resident (the birth hospital's facts, say): opened from
 * `/bundles/:id?draft=<id>` once signed in, its answers and their source (the client) taken
 * into this tab, and later saves go to the same server draft. Only the id is in the URL.
 */
import { useEffect } from "preact/hooks";
import { authFetch, useAuth } from "../auth/session";
import { adoptServerDraft, keepLaunchValues } from "./autosave";
import type { Draft } from "./draft";
import { isRecord, localized, strings, type Localized } from "./model";

const OFFSET_TIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2})(:[0-9]{2})?\+08:00$/;

/** A typed JSON value as the form's inputs hold it (times are China time, as typed). */
function asText(value: unknown): string | null {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return null;
  return OFFSET_TIME.exec(value)?.[1] ?? value;
}

function textMap(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(raw)) return out;
  for (const [key, value] of Object.entries(raw)) {
    const text = asText(value);
    if (text !== null) out[key] = text;
  }
  return out;
}

/** The launch's own values by element, with the text the form shows for each. */
function launchValues(body: Record<string, unknown>): Record<string, { text: string; value: unknown }> {
  const out: Record<string, { text: string; value: unknown }> = {};
  if (!isRecord(body["prefill"])) return out;
  for (const [element, entry] of Object.entries(body["prefill"])) {
    const text = isRecord(entry) ? asText(entry["value"]) : null;
    if (isRecord(entry) && text !== null) out[element] = { text, value: entry["value"] };
  }
  return out;
}

function adopt(current: Draft, body: Record<string, unknown>): Draft {
  const answers = { ...current.answers };
  const given = isRecord(body["answers"]) ? body["answers"] : {};
  for (const [section, fields] of Object.entries(given)) {
    if (section !== "situation") answers[section] = { ...textMap(fields), ...answers[section] };
  }
  const launcher = isRecord(body["launched_by"]) ? body["launched_by"] : {};
  const raw = isRecord(launcher["name"]) ? launcher["name"] : {};
  const name: Localized | null = localized({ "zh-CN": raw["zh"], en: raw["en"] });
  const prefilled = { ...current.prefilled };
  if (name && isRecord(body["prefill"])) {
    for (const [element, entry] of Object.entries(body["prefill"])) {
      if (isRecord(entry) && entry["source"] === "client") prefilled[element] = name;
    }
  }
  return {
    ...current,
    situation: { ...current.situation, ...textMap(body["situation_answers"]), ...textMap(given["situation"]) },
    optionalServices: Array.isArray(body["optional_services"]) ? strings(body["optional_services"]) : current.optionalServices,
    answers,
    prefilled,
  };
}

/** On the intro page: take in the launched draft named by `?draft=` (once signed in). */
export function useLaunchedDraft(bundleId: string, update: (change: (d: Draft) => Draft) => void): void {
  const auth = useAuth();
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get("draft");
    if (!id || !auth.signedIn || !/^[0-9a-f-]{36}$/.test(id)) return;
    void (async () => {
      try {
        const response = await authFetch(`/api/v1/drafts/${id}`, { headers: { Accept: "application/json" } });
        const etag = response.headers.get("ETag");
        const body: unknown = response.ok ? await response.json() : null;
        if (!isRecord(body) || body["bundle"] !== bundleId || !etag) return;
        adoptServerDraft(bundleId, id, etag);
        keepLaunchValues(bundleId, launchValues(body));
        update((current) => adopt(current, body));
        window.history.replaceState(null, "", window.location.pathname); // the id has done its job
      } catch {
        // Offline: the link can be opened again.
      }
    })();
  }, [bundleId, auth.signedIn]);
}
