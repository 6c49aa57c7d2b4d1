/** The unread-message count behind the account menu's badge: read once after sign-in and
 * again whenever the messages page changes it; nothing is stored beyond memory. */
import { useEffect, useState } from "preact/hooks";
import { authFetch } from "../auth/session";

let count = 0;
let asked = false;
const listeners = new Set<() => void>();

export function setUnread(next: number): void {
  count = next;
  for (const listener of listeners) listener();
}

async function refresh(): Promise<void> {
  try {
    const response = await authFetch("/api/v1/notifications/messages?limit=1", { headers: { Accept: "application/json" } });
    const body: unknown = response.ok ? await response.json() : null;
    const unread = typeof body === "object" && body !== null ? (body as { unread?: unknown }).unread : null;
    if (typeof unread === "number") setUnread(unread);
  } catch {
    // Offline: the badge waits for the next page.
  }
}

/** The count, fetched once per signed-in tab (`enabled`: a resident is signed in). */
export function useUnread(enabled: boolean): number {
  const [value, setValue] = useState(count);
  useEffect(() => {
    const listener = (): void => setValue(count);
    listeners.add(listener);
    if (enabled && !asked) {
      asked = true;
      void refresh();
    }
    if (!enabled) asked = false;
    return () => {
      listeners.delete(listener);
    };
  }, [enabled]);
  return enabled ? value : 0;
}
