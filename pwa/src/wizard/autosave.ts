/**
 * The signed-in resident's draft on the server (`/api/v1/drafts`), kept in step with the answers
 * typed here: each change is saved after a short pause with `If-Match` (the draft's ETag). A save
 * that fails for want of a network stays pending and goes out when the browser is back online;
 * a 412 (saved from another tab or device since) re-reads the ETag and saves this tab's answers,
 * which are what the resident is looking at.
 */
import { authFetch, isSignedIn } from "../auth/session";
import type { Draft } from "./draft";
import { formRequest } from "./hooks";

const PAUSE_MS = 700;
// However fast the typing goes on, answers wait no longer than this to be saved.
const MAX_WAIT_MS = 3_000;
const KEY = "onething.serverdraft.";

interface ServerDraft {
  id: string;
  etag: string;
}

export type SaveState = "idle" | "saving" | "saved" | "offline" | "failed";

interface Slot {
  server: ServerDraft | null;
  latest: Draft | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** When the oldest unsaved change was made (epoch ms), or 0. */
  since: number;
  running: Promise<void> | null;
  state: SaveState;
}

const slots = new Map<string, Slot>();
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    return null;
  }
}

function readServer(bundleId: string): ServerDraft | null {
  try {
    const raw: unknown = JSON.parse(storage()?.getItem(KEY + bundleId) ?? "null");
    if (typeof raw !== "object" || raw === null) return null;
    const { id, etag } = raw as Record<string, unknown>;
    return typeof id === "string" && typeof etag === "string" ? { id, etag } : null;
  } catch {
    return null;
  }
}

function slot(bundleId: string): Slot {
  let found = slots.get(bundleId);
  if (!found) {
    found = { server: readServer(bundleId), latest: null, timer: null, since: 0, running: null, state: "idle" };
    slots.set(bundleId, found);
  }
  return found;
}

function setState(s: Slot, state: SaveState): void {
  s.state = state;
  for (const listener of listeners) listener();
}

function remember(bundleId: string, s: Slot, server: ServerDraft | null): void {
  s.server = server;
  try {
    if (server) storage()?.setItem(KEY + bundleId, JSON.stringify(server));
    else storage()?.removeItem(KEY + bundleId);
  } catch {
    // Kept in memory only.
  }
}

const LAUNCH_KEY = "onething.launch.";
type Launched = Record<string, { text: string; value: unknown }>;

/**
 * The values a mini-app's launch gave, as it typed them (3350, not "3350"): while the input
 * still shows the same text, that value is what is saved, so the server keeps the mini-app
 * as its source (a changed value becomes the resident's own).
 */
export function keepLaunchValues(bundleId: string, values: Launched): void {
  try {
    storage()?.setItem(LAUNCH_KEY + bundleId, JSON.stringify(values));
  } catch {
    // Without it the values are saved as typed text, and lose the mini-app as their source.
  }
}

function launched(bundleId: string): Launched {
  try {
    const raw: unknown = JSON.parse(storage()?.getItem(LAUNCH_KEY + bundleId) ?? "{}");
    return typeof raw === "object" && raw !== null ? (raw as Launched) : {};
  } catch {
    return {};
  }
}

function body(bundleId: string, draft: Draft): string {
  const request = formRequest(draft);
  const given = launched(bundleId);
  const answers: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(draft.answers)) {
    answers[section] = Object.fromEntries(
      Object.entries(fields).map(([name, text]) => {
        const original = given[`${section}.${name}`];
        return [name, original && original.text === text ? original.value : text];
      }),
    );
  }
  return JSON.stringify({
    // As typed, by section; in-form situation answers under "situation", as /validate takes them.
    answers: { ...answers, situation: { ...draft.situation } },
    situation_answers: request.situationAnswers,
    optional_services: [...request.optionalServices].sort(),
  });
}

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

/** One save of the newest answers; "offline" when the network failed (retried on `online`). */
async function push(bundleId: string, s: Slot): Promise<SaveState> {
  const draft = s.latest;
  if (!draft) return "idle";
  try {
    if (!s.server) {
      const request = formRequest(draft);
      const created = await authFetch("/api/v1/drafts", {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({
          bundle: bundleId,
          situation_answers: request.situationAnswers,
          optional_services: [...request.optionalServices].sort(),
        }),
      });
      const etag = created.headers.get("ETag");
      const view = (await created.json()) as Record<string, unknown>;
      if (created.status !== 201 || !etag || typeof view["id"] !== "string") return "failed";
      remember(bundleId, s, { id: view["id"], etag });
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const server = s.server as ServerDraft;
      const url = `/api/v1/drafts/${encodeURIComponent(server.id)}`;
      const saved = await authFetch(url, {
        method: "PUT",
        headers: { ...JSON_HEADERS, "If-Match": server.etag },
        body: body(bundleId, draft),
      });
      if (saved.ok) {
        remember(bundleId, s, { id: server.id, etag: saved.headers.get("ETag") ?? server.etag });
        return s.latest === draft ? "saved" : "saving";
      }
      if (saved.status === 404) {
        remember(bundleId, s, null); // deleted (submitted elsewhere): start a new one next time
        return "failed";
      }
      if (saved.status !== 412) return "failed";
      const current = await authFetch(url, { headers: { Accept: "application/json" } });
      const etag = current.headers.get("ETag");
      if (!current.ok || !etag) return "failed";
      remember(bundleId, s, { id: server.id, etag });
    }
    return "failed";
  } catch {
    return "offline";
  }
}

function run(bundleId: string, s: Slot): void {
  if (s.running) return;
  setState(s, "saving");
  s.running = (async () => {
    let result: SaveState = "saving";
    // Keep going while newer answers arrived during a save.
    while (result === "saving") {
      const sent = s.latest;
      result = await push(bundleId, s);
      if (result === "saved" && s.latest !== sent) result = "saving";
    }
    s.running = null;
    setState(s, result);
  })();
}

/** Schedule a save of these answers (no-op when not signed in: they stay in this tab). */
export function scheduleSave(bundleId: string, draft: Draft): void {
  if (!isSignedIn()) return;
  const s = slot(bundleId);
  s.latest = draft;
  if (s.timer) clearTimeout(s.timer);
  const now = Date.now();
  if (s.since === 0) s.since = now;
  s.timer = setTimeout(
    () => {
      s.timer = null;
      s.since = 0;
      run(bundleId, s);
    },
    Math.max(0, Math.min(PAUSE_MS, s.since + MAX_WAIT_MS - now)),
  );
}

/** Save now and wait (before submitting); resolves to the server draft id, if any. */
export async function flush(bundleId: string): Promise<string | null> {
  const s = slot(bundleId);
  if (s.timer) {
    clearTimeout(s.timer);
    s.timer = null;
    s.since = 0;
    run(bundleId, s);
  }
  await s.running;
  return s.server?.id ?? null;
}

/**
 * The server draft's id, creating it from these answers when there is none yet (a resident
 * who signed in only now): e-licences are linked to the server draft.
 */
export async function serverDraftId(bundleId: string, draft: Draft): Promise<string | null> {
  const s = slot(bundleId);
  if (!s.server && !s.timer && !s.running && isSignedIn()) {
    s.latest = draft;
    run(bundleId, s);
  }
  return flush(bundleId);
}

export function saveState(bundleId: string): SaveState {
  return slot(bundleId).state;
}

/** A server draft made elsewhere (a mini-app's launch) is the one this tab saves to now. */
export function adoptServerDraft(bundleId: string, id: string, etag: string): void {
  remember(bundleId, slot(bundleId), { id, etag });
}

/** The submitted draft is deleted by the server; forget it here too. */
export function forgetServerDraft(bundleId: string): void {
  const s = slot(bundleId);
  s.latest = null;
  remember(bundleId, s, null);
  setState(s, "idle");
}

export function onSaveState(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

// Back online: every save that failed for want of a network goes out again.
if (typeof window !== "undefined") {
  window.addEventListener("online", () => {
    for (const [bundleId, s] of slots) {
      if ((s.state === "offline" || s.state === "failed") && s.latest) run(bundleId, s);
    }
  });
}
