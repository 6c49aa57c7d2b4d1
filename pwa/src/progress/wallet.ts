/** The wallet (卡包): my licenses, one license's face and verify link, annotated copies. */
import { authFetch } from "../auth/session";
import type { Locale } from "../i18n";
import type { Fetched } from "../wizard/api";
import { isRecord } from "../wizard/model";
import { getJson } from "./api";

export type Text = Record<Locale, string>;

function text(raw: unknown): Text | null {
  if (!isRecord(raw) || typeof raw["zh"] !== "string") return null;
  return { "zh-CN": raw["zh"], en: typeof raw["en"] === "string" ? raw["en"] : raw["zh"] };
}

export interface WalletLicense {
  id: string;
  name: Text;
  number: string;
  holderName: string;
  relation: string;
  issuer: Text;
  issuedOn: string;
  validUntil: string | null;
  status: string;
  statusLabel: Text;
}

export interface LicenseDetail {
  item: WalletLicense;
  face: { label: string; value: string }[];
  verifyUrl: string;
}

function parseItem(raw: unknown): WalletLicense | null {
  if (!isRecord(raw)) return null;
  const name = text(raw["name"]);
  const statusLabel = text(raw["status_label"]);
  const issuer = isRecord(raw["issuer"]) ? text(raw["issuer"]["name"]) : null;
  const { id, number, holder_name: holderName, relation, issued_on: issuedOn, status } = raw;
  if (!name || !statusLabel || !issuer || typeof id !== "string" || typeof number !== "string") return null;
  return {
    id,
    name,
    number,
    holderName: typeof holderName === "string" ? holderName : "",
    relation: typeof relation === "string" ? relation : "",
    issuer,
    issuedOn: typeof issuedOn === "string" ? issuedOn : "",
    validUntil: typeof raw["valid_until"] === "string" ? raw["valid_until"] : null,
    status: typeof status === "string" ? status : "",
    statusLabel,
  };
}

export async function fetchWallet(): Promise<Fetched<WalletLicense[]>> {
  const reply = await getJson("/api/v1/wallet/licenses");
  if (reply?.status !== 200 || !Array.isArray(reply.body)) return { kind: "unavailable" };
  return { kind: "ok", value: reply.body.map(parseItem).filter((l): l is WalletLicense => l !== null) };
}

export async function fetchLicense(id: string): Promise<Fetched<LicenseDetail>> {
  const reply = await getJson(`/api/v1/wallet/licenses/${encodeURIComponent(id)}`);
  if (reply?.status === 404 || reply?.status === 422) return { kind: "notFound" };
  const raw = reply?.status === 200 && isRecord(reply.body) ? reply.body : null;
  const item = raw ? parseItem(raw["item"]) : null;
  if (!raw || !item || typeof raw["verify_url"] !== "string") return { kind: "unavailable" };
  const face = Array.isArray(raw["face"])
    ? raw["face"].flatMap((f: unknown) =>
        isRecord(f) && typeof f["label"] === "string" && typeof f["value"] === "string"
          ? [{ label: f["label"], value: f["value"] }]
          : [],
      )
    : [];
  return { kind: "ok", value: { item, face, verifyUrl: raw["verify_url"] } };
}

export type CopyResult =
  | { kind: "ok"; url: string; expiresOn: string }
  | { kind: "invalid"; detail: string | null }
  | { kind: "failed" };

export async function requestCopy(id: string, reason: string): Promise<CopyResult> {
  try {
    const response = await authFetch(`/api/v1/wallet/licenses/${encodeURIComponent(id)}/copies`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ reason }),
    });
    const body: unknown = await response.json().catch(() => null);
    if (response.ok && isRecord(body) && typeof body["url"] === "string") {
      return { kind: "ok", url: body["url"], expiresOn: typeof body["copy_expires_on"] === "string" ? body["copy_expires_on"] : "" };
    }
    if (response.status === 422 || response.status === 400) {
      const errors = isRecord(body) && Array.isArray(body["errors"]) ? body["errors"] : [];
      const first: unknown = errors[0];
      return { kind: "invalid", detail: isRecord(first) && typeof first["message"] === "string" ? first["message"] : null };
    }
    return { kind: "failed" };
  } catch {
    return { kind: "failed" };
  }
}
