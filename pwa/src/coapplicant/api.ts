/**
 * Co-applicant confirmation (共同申请人确认): the applicant asks the other parent from the draft,
 * and the other parent lists, reads, confirms or declines what they were asked, from their own
 * account. Only what the API returns is shown; nothing is cached beyond the page.
 */
import { authFetch } from "../auth/session";
import type { FieldError } from "../wizard/api";
import { isRecord } from "../wizard/model";

export type RequestStatus = "pending" | "confirmed" | "declined" | "superseded";

export interface AskedRequest {
  id: string;
  status: RequestStatus;
  coApplicantPhone: string;
  reason: string | null;
}

export interface CoApplicantState {
  required: boolean;
  services: string[];
  request: AskedRequest | null;
}

export interface Invitation {
  id: string;
  bundle: string;
  status: RequestStatus;
  applicantPhone: string;
  services: string[];
  createdAt: string;
  reason: string | null;
  facts: Record<string, Record<string, unknown>> | null;
}

export type Outcome<T> = { kind: "ok"; value: T } | { kind: "invalid"; errors: FieldError[] } | { kind: "failed" };

const STATUSES: RequestStatus[] = ["pending", "confirmed", "declined", "superseded"];

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function status(value: unknown): RequestStatus | null {
  return STATUSES.find((s) => s === value) ?? null;
}

function parseState(raw: unknown): CoApplicantState | null {
  if (!isRecord(raw) || typeof raw["required"] !== "boolean") return null;
  const request = raw["request"];
  let asked: AskedRequest | null = null;
  if (isRecord(request)) {
    const id = str(request["id"]);
    const state = status(request["status"]);
    if (!id || !state) return null;
    asked = { id, status: state, coApplicantPhone: str(request["co_applicant_phone"]) ?? "", reason: str(request["reason"]) };
  }
  const services = Array.isArray(raw["services"]) ? raw["services"].filter((s): s is string => typeof s === "string") : [];
  return { required: raw["required"], services, request: asked };
}

function parseInvitation(raw: unknown): Invitation | null {
  if (!isRecord(raw)) return null;
  const id = str(raw["id"]);
  const bundle = str(raw["bundle"]);
  const state = status(raw["status"]);
  if (!id || !bundle || !state) return null;
  const facts = raw["facts"];
  return {
    id,
    bundle,
    status: state,
    applicantPhone: str(raw["applicant_phone"]) ?? "",
    services: Array.isArray(raw["services"]) ? raw["services"].filter((s): s is string => typeof s === "string") : [],
    createdAt: str(raw["created_at"]) ?? "",
    reason: str(raw["reason"]),
    facts: isRecord(facts) ? (facts as Record<string, Record<string, unknown>>) : null,
  };
}

function fieldErrors(body: unknown): FieldError[] {
  if (!isRecord(body) || !Array.isArray(body["errors"])) return [];
  return body["errors"].flatMap((item: unknown) => {
    if (!isRecord(item)) return [];
    const zh = str(item["message_zh"]) ?? str(item["message"]);
    const en = str(item["message_en"]) ?? zh;
    const field = str(item["field"]);
    return field && zh && en ? [{ field, message: { "zh-CN": zh, en } }] : [];
  });
}

async function call<T>(url: string, init: RequestInit, parse: (raw: unknown) => T | null): Promise<Outcome<T>> {
  try {
    const response = await authFetch(url, {
      ...init,
      headers: { Accept: "application/json", ...(init.body ? { "Content-Type": "application/json" } : {}) },
    });
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const value = parse(body);
      return value === null ? { kind: "failed" } : { kind: "ok", value };
    }
    if (response.status === 422) {
      const errors = fieldErrors(body);
      if (errors.length > 0) return { kind: "invalid", errors };
    }
    return { kind: "failed" };
  } catch {
    return { kind: "failed" };
  }
}

const draftUrl = (draftId: string): string => `/api/v1/drafts/${encodeURIComponent(draftId)}/co-applicant`;
const requestUrl = (id: string): string => `/api/v1/co-applicant-requests/${encodeURIComponent(id)}`;

export function coApplicantState(draftId: string): Promise<Outcome<CoApplicantState>> {
  return call(draftUrl(draftId), { method: "GET" }, parseState);
}

/** Ask the other parent; `answers` exactly as they will be submitted. */
export function askCoApplicant(
  draftId: string,
  phone: string,
  answers: Record<string, Record<string, unknown>>,
): Promise<Outcome<CoApplicantState>> {
  return call(draftUrl(draftId), { method: "POST", body: JSON.stringify({ phone, answers }) }, parseState);
}

export function invitations(): Promise<Outcome<Invitation[]>> {
  return call("/api/v1/co-applicant-requests", { method: "GET" }, (raw) =>
    Array.isArray(raw) ? raw.map(parseInvitation).filter((i): i is Invitation => i !== null) : null,
  );
}

export function invitation(id: string): Promise<Outcome<Invitation>> {
  return call(requestUrl(id), { method: "GET" }, parseInvitation);
}

export function answerInvitation(id: string, decline: string | null): Promise<Outcome<Invitation>> {
  return decline === null
    ? call(`${requestUrl(id)}/confirm`, { method: "POST" }, parseInvitation)
    : call(`${requestUrl(id)}/decline`, { method: "POST", body: JSON.stringify({ reason: decline }) }, parseInvitation);
}
