/**
 * Submitting the application once, however often the button is pressed or the network drops:
 * one Idempotency-Key per intended submission, kept in sessionStorage until it succeeded, so a
 * retry (or a reload and retry) replays the same submission instead of creating a second one.
 */
import { authFetch } from "../auth/session";
import type { Choice } from "../delivery/api";
import type { FieldError } from "./api";

const KEY = "onething.submit.";
const BUSY_RETRY_MS = 1_000;

export type SubmitResult =
  | { kind: "submitted"; applicationId: string }
  | { kind: "invalid"; errors: FieldError[] }
  | { kind: "signedOut" }
  | { kind: "offline" }
  | { kind: "failed" };

export interface Submission {
  bundle: string;
  answers: Record<string, Record<string, unknown>>;
  situation_answers: Record<string, string>;
  optional_services: string[];
  materials: string[];
  draft_id: string | null;
  delivery?: Choice;
}

function idempotencyKey(bundleId: string): string {
  try {
    const stored = sessionStorage.getItem(KEY + bundleId);
    if (stored) return stored;
    const key = crypto.randomUUID();
    sessionStorage.setItem(KEY + bundleId, key);
    return key;
  } catch {
    return crypto.randomUUID();
  }
}

function forgetKey(bundleId: string): void {
  try {
    sessionStorage.removeItem(KEY + bundleId);
  } catch {
    // Nothing stored.
  }
}

function errorsOf(body: unknown): FieldError[] {
  if (typeof body !== "object" || body === null) return [];
  const list = (body as Record<string, unknown>)["errors"];
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    if (typeof item !== "object" || item === null) return [];
    const e = item as Record<string, unknown>;
    const zh = e["message_zh"] ?? e["message"];
    const en = e["message_en"] ?? zh;
    return typeof e["field"] === "string" && typeof zh === "string" && typeof en === "string"
      ? [{ field: e["field"], message: { "zh-CN": zh, en } }]
      : [];
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function submitApplication(submission: Submission): Promise<SubmitResult> {
  const key = idempotencyKey(submission.bundle);
  const body = { ...submission, draft_id: submission.draft_id ?? undefined };
  try {
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await authFetch("/api/v1/applications", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": key },
        body: JSON.stringify(body),
      });
      if (response.status === 409) {
        await sleep(BUSY_RETRY_MS); // the same key is being processed (a double tap): wait for it
        continue;
      }
      const parsed: unknown = await response.json().catch(() => null);
      if (response.status === 201 || response.status === 200) {
        const id = (parsed as Record<string, unknown> | null)?.["id"];
        if (typeof id !== "string") return { kind: "failed" };
        forgetKey(submission.bundle);
        return { kind: "submitted", applicationId: id };
      }
      if (response.status === 401) return { kind: "signedOut" };
      if (response.status === 422) {
        const errors = errorsOf(parsed);
        if (errors.length > 0) return { kind: "invalid", errors };
        // 422 for another body under the same key: the answers changed since; a new key.
        forgetKey(submission.bundle);
      }
      return { kind: "failed" };
    }
    return { kind: "failed" };
  } catch {
    return { kind: "offline" };
  }
}
