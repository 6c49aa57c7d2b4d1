/** Mail home or collect at a hall (the delivery API): the choice, the parcels and their
 * tracking, the service halls and the GB/T 2260 regions for the address picker. */
import { authFetch } from "../auth/session";
import { getJson } from "../progress/api";
import type { FieldError } from "../wizard/api";
import { isRecord } from "../wizard/model";

export interface Choice {
  method: "mail" | "collect";
  recipient?: string | undefined;
  phone?: string | undefined;
  region?: string | undefined;
  address?: string | undefined;
  hall?: string | undefined;
}

export interface Parcel {
  number: number;
  state: string;
  shipOn: string;
  courier: string | null;
  trackingNumber: string | null;
  services: string[];
  /** For a parcel waiting at a service hall: the code to show at the window. */
  pickupCode: string | null;
}

export interface Delivery {
  choice: (Choice & { regionName: string | null }) | null;
  changeable: boolean;
  parcels: Parcel[];
}

export interface Hall {
  id: string;
  name: { "zh-CN": string; en: string };
  address: string;
  hours: string;
}

export interface Region {
  code: string;
  level: string;
  name: string;
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function parseParcel(raw: unknown): Parcel | null {
  if (!isRecord(raw) || typeof raw["number"] !== "number" || typeof raw["state"] !== "string") return null;
  const items = Array.isArray(raw["items"]) ? raw["items"] : [];
  return {
    number: raw["number"],
    state: raw["state"],
    shipOn: text(raw["ship_on"]) ?? "",
    courier: text(raw["courier"]) ?? null,
    trackingNumber: text(raw["tracking_number"]) ?? null,
    pickupCode: text(raw["pickup_code"]) ?? null,
    services: items.flatMap((i: unknown) => (isRecord(i) && typeof i["service"] === "string" ? [i["service"]] : [])),
  };
}

export async function fetchDelivery(applicationId: string): Promise<Delivery | null> {
  const reply = await getJson(`/api/v1/applications/${encodeURIComponent(applicationId)}/delivery`);
  const body = reply?.body;
  if (reply?.status !== 200 || !isRecord(body)) return null;
  const raw = body["choice"];
  const choice = isRecord(raw)
    ? {
        method: raw["method"] === "collect" ? ("collect" as const) : ("mail" as const),
        recipient: text(raw["recipient"]),
        phone: text(raw["phone"]),
        region: text(raw["region"]),
        address: text(raw["address"]),
        hall: text(raw["hall"]),
        regionName: text(raw["region_name"]) ?? null,
      }
    : null;
  const parcels = Array.isArray(body["parcels"]) ? body["parcels"].map(parseParcel).filter((p): p is Parcel => p !== null) : [];
  return { choice, changeable: body["changeable"] === true, parcels };
}

export async function fetchHalls(): Promise<Hall[]> {
  const reply = await getJson("/api/v1/service-halls");
  if (reply?.status !== 200 || !Array.isArray(reply.body)) return [];
  return reply.body.flatMap((h: unknown) => {
    if (!isRecord(h) || typeof h["id"] !== "string" || typeof h["name_zh"] !== "string") return [];
    const zh = h["name_zh"];
    return [{ id: h["id"], name: { "zh-CN": zh, en: text(h["name_en"]) ?? zh }, address: text(h["address_zh"]) ?? "", hours: text(h["hours_zh"]) ?? "" }];
  });
}

/** Provinces (no code), or the current children of a region. */
export async function fetchRegions(parent: string | null): Promise<Region[]> {
  const reply = await getJson(parent ? `/api/v1/regions/${encodeURIComponent(parent)}` : "/api/v1/regions");
  const list = parent ? (isRecord(reply?.body) ? reply.body["children"] : null) : reply?.body;
  if (reply?.status !== 200 || !Array.isArray(list)) return [];
  return list.flatMap((r: unknown) =>
    isRecord(r) && typeof r["code"] === "string" && typeof r["name"] === "string"
      ? [{ code: r["code"], level: text(r["level"]) ?? "", name: r["name"] }]
      : [],
  );
}

export type Saved = { kind: "ok" } | { kind: "invalid"; errors: FieldError[] } | { kind: "failed"; detail: string | null };

export async function changeDelivery(applicationId: string, choice: Choice): Promise<Saved> {
  try {
    const response = await authFetch(`/api/v1/applications/${encodeURIComponent(applicationId)}/delivery`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(choice),
    });
    if (response.ok) return { kind: "ok" };
    const body: unknown = await response.json().catch(() => null);
    const list = isRecord(body) && Array.isArray(body["errors"]) ? body["errors"] : [];
    const errors = list.flatMap((e: unknown) => {
      if (!isRecord(e) || typeof e["field"] !== "string") return [];
      const zh = text(e["message_zh"]) ?? text(e["message"]) ?? "";
      return [{ field: e["field"], message: { "zh-CN": zh, en: text(e["message_en"]) ?? zh } }];
    });
    if (errors.length > 0) return { kind: "invalid", errors };
    return { kind: "failed", detail: isRecord(body) ? (text(body["detail"]) ?? null) : null };
  } catch {
    return { kind: "failed", detail: null };
  }
}
