/** Loading state for the wizard's pages, and the `/form` request a draft implies. */
import { useEffect, useState } from "preact/hooks";
import type { Fetched, FormRequest } from "./api";

export { requestKey } from "./api";
import type { Draft } from "./draft";

export type Loadable<T> = { kind: "loading" } | Fetched<T>;

/**
 * Runs `load` whenever `key` changes (and on retry). A newer result replaces an older one; a
 * result that arrives after the key changed again is dropped; `load` returns null while it
 * cannot start yet. While reloading, the previous value stays on screen so nothing jumps.
 */
export function useLoad<T>(key: string, load: () => Promise<Fetched<T>> | null): [Loadable<T>, () => void] {
  const [state, setState] = useState<Loadable<T>>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => (previous.kind === "ok" ? previous : { kind: "loading" }));
    load()?.then(
      (result) => {
        if (current) setState(result);
      },
      () => {
        if (current) setState({ kind: "unavailable" });
      },
    );
    return () => {
      current = false;
    };
  }, [key, attempt]);
  return [state, () => setAttempt((n) => n + 1)];
}

/**
 * Only gating answers change the merged form, and the server applies the defaults itself:
 * sending just the gating answers that differ from their default lets the cache work.
 */
export function formRequest(draft: Draft): FormRequest {
  const situationAnswers: Record<string, string> = {};
  for (const [id, fallback] of Object.entries(draft.gating)) {
    const value = draft.situation[id];
    if (value !== undefined && value !== fallback) situationAnswers[id] = value;
  }
  return { situationAnswers, optionalServices: draft.optionalServices };
}
