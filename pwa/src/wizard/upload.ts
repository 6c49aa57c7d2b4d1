/**
 * One material file, from the phone's camera or files, straight to S3: ask the API for a
 * presigned POST (bound to the file's type and SHA-256), post the file to S3, confirm, then
 * wait for the server's check (size, magic bytes, checksum). The file never passes through
 * the API.
 */
import { authFetch } from "../auth/session";

export const ACCEPTED_TYPES = ["image/jpeg", "image/png", "image/heic", "application/pdf"] as const;
const POLL_MS = 700;
const POLL_LIMIT = 40;

export type UploadResult =
  | { kind: "verified"; id: string }
  | { kind: "refused"; reason: string }
  | { kind: "badType" }
  | { kind: "tooLarge"; maxBytes: number }
  | { kind: "offline" }
  | { kind: "failed" };

async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function uploadMaterial(bundleId: string, material: string, file: File): Promise<UploadResult> {
  if (!(ACCEPTED_TYPES as readonly string[]).includes(file.type)) return { kind: "badType" };
  try {
    const ticketResponse = await authFetch("/api/v1/materials", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        bundle: bundleId,
        material,
        content_type: file.type,
        sha256: await sha256Hex(file),
      }),
    });
    const ticket = record(await ticketResponse.json());
    if (!ticketResponse.ok || !ticket) return { kind: "failed" };
    const { id, url, fields, max_size: maxSize } = ticket;
    const formFields = record(fields);
    if (typeof id !== "string" || typeof url !== "string" || !formFields || typeof maxSize !== "number") {
      return { kind: "failed" };
    }
    if (file.size > maxSize) return { kind: "tooLarge", maxBytes: maxSize };
    const form = new FormData();
    for (const [name, value] of Object.entries(formFields)) form.append(name, String(value));
    form.append("file", file); // S3 wants the file last
    // S3 answers without CORS headers: the answer is opaque here, so the server's check after
    // "confirm" is what says whether the file arrived intact.
    await fetch(url, { method: "POST", body: form, mode: "no-cors", cache: "no-store", credentials: "omit" });
    const base = `/api/v1/materials/${encodeURIComponent(id)}`;
    const confirmed = await authFetch(`${base}/confirm`, { method: "POST", headers: { Accept: "application/json" } });
    if (confirmed.status !== 202 && confirmed.status !== 200 && confirmed.status !== 409) return { kind: "failed" };
    for (let i = 0; i < POLL_LIMIT; i++) {
      const view = record(await (await authFetch(base, { headers: { Accept: "application/json" } })).json());
      const status = view?.["status"];
      if (status === "verified") return { kind: "verified", id };
      if (status === "refused") {
        return { kind: "refused", reason: typeof view?.["refusal"] === "string" ? view["refusal"] : "" };
      }
      await sleep(POLL_MS);
    }
    return { kind: "failed" };
  } catch {
    return navigator.onLine ? { kind: "failed" } : { kind: "offline" };
  }
}
