/** The resident's consents to third-party mini-apps (GET/DELETE /api/v1/me/consents). */
import { authFetch } from "../auth/session";
import { getJson } from "../progress/api";
import { isRecord } from "../wizard/model";

export interface Consent {
  clientId: string;
  clientName: string;
  scopes: { "zh-CN": string; en: string }[];
  grantedAt: string;
}

export async function fetchConsents(): Promise<Consent[] | null> {
  const reply = await getJson("/api/v1/me/consents");
  if (reply?.status !== 200 || !Array.isArray(reply.body)) return null;
  return reply.body.flatMap((c: unknown) => {
    if (!isRecord(c) || typeof c["client_id"] !== "string" || typeof c["granted_at"] !== "string") return [];
    const scopes = Array.isArray(c["scopes"]) ? c["scopes"] : [];
    return [
      {
        clientId: c["client_id"],
        clientName: typeof c["client_name"] === "string" ? c["client_name"] : c["client_id"],
        grantedAt: c["granted_at"],
        scopes: scopes.flatMap((s: unknown) =>
          isRecord(s) && typeof s["label_zh"] === "string"
            ? [{ "zh-CN": s["label_zh"], en: typeof s["label_en"] === "string" ? s["label_en"] : s["label_zh"] }]
            : [],
        ),
      },
    ];
  });
}

export async function withdrawConsent(clientId: string): Promise<boolean> {
  try {
    const response = await authFetch(`/api/v1/me/consents/${encodeURIComponent(clientId)}`, { method: "DELETE" });
    return response.ok || response.status === 404; // already gone: the same outcome
  } catch {
    return false;
  }
}

/** How many facts are remembered for the next application (the values stay on the server). */
export async function fetchRemembered(): Promise<number | null> {
  const reply = await getJson("/api/v1/me/profile");
  const facts = isRecord(reply?.body) ? reply.body["facts"] : null;
  return reply?.status === 200 && isRecord(facts) ? Object.keys(facts).length : null;
}

export async function forgetRemembered(): Promise<void> {
  try {
    await authFetch("/api/v1/me/profile", { method: "DELETE" });
  } catch {
    // Offline: the count shown stays, and the resident can try again.
  }
}
