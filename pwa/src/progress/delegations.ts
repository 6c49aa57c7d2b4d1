/** Delegations (帮办代办): an agent records one with the resident's SMS code; either revokes. */
import { authFetch } from "../auth/session";
import { isRecord, strings } from "../wizard/model";
import { getJson } from "./api";

export interface DelegationItem {
  id: string;
  agentId: string;
  residentId: string;
  bundles: string[];
  validUntil: string;
  status: string;
  /** In the list: the agent's name (for the resident, whom they allowed). */
  agentName: string | null;
}

export function parseDelegation(raw: unknown): DelegationItem | null {
  if (!isRecord(raw)) return null;
  const { id, agent_id: agentId, resident_id: residentId, valid_until: validUntil, status } = raw;
  if (typeof id !== "string" || typeof agentId !== "string" || typeof residentId !== "string") return null;
  if (typeof validUntil !== "string" || typeof status !== "string") return null;
  const agentName = typeof raw["agent_name"] === "string" ? raw["agent_name"] : null;
  return { id, agentId, residentId, bundles: strings(raw["bundles"]), validUntil, status, agentName };
}

export async function fetchDelegations(): Promise<DelegationItem[] | null> {
  const reply = await getJson("/api/v1/delegations");
  if (reply?.status !== 200 || !Array.isArray(reply.body)) return null;
  return reply.body.map(parseDelegation).filter((d): d is DelegationItem => d !== null);
}

export type Posted = { kind: "ok"; delegation: DelegationItem } | { kind: "refused"; detail: string | null } | { kind: "failed" };

async function post(url: string, body: unknown): Promise<Posted> {
  try {
    const response = await authFetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    const parsed: unknown = await response.json().catch(() => null);
    const delegation = response.ok ? parseDelegation(parsed) : null;
    if (delegation) return { kind: "ok", delegation };
    if (response.status >= 400 && response.status < 500) {
      const errors = isRecord(parsed) && Array.isArray(parsed["errors"]) ? parsed["errors"] : [];
      const first: unknown = errors[0];
      const detail =
        isRecord(first) && typeof first["message"] === "string"
          ? first["message"]
          : isRecord(parsed) && typeof parsed["detail"] === "string"
            ? parsed["detail"]
            : null;
      return { kind: "refused", detail };
    }
    return { kind: "failed" };
  } catch {
    return { kind: "failed" };
  }
}

export function proposeDelegation(residentPhone: string, bundle: string): Promise<Posted> {
  return post("/api/v1/delegations", {
    resident_phone: residentPhone,
    bundles: [bundle],
    evidence: "sms_confirmation",
  });
}

export function confirmDelegation(id: string, code: string): Promise<Posted> {
  return post(`/api/v1/delegations/${encodeURIComponent(id)}/confirm`, { code });
}

export function revokeDelegation(id: string): Promise<Posted> {
  return post(`/api/v1/delegations/${encodeURIComponent(id)}/revoke`, {});
}

/** 13800138000 -> 138****8000: enough for the agent to tell residents apart on screen. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone;
}
