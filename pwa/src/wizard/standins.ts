/**
 * "Use my e-licence instead" (用电子证照代替) on the server draft: the materials its form asks
 * for, the licences the resident may use for each (their own, their children's, those shared
 * with them for this bundle), and linking or unlinking one. Nothing here is stored in the
 * browser beyond this page's memory: the links live on the server draft.
 */
import { useEffect, useState } from "preact/hooks";
import { authFetch } from "../auth/session";
import type { Locale } from "../i18n";
import { serverDraftId } from "./autosave";
import type { Draft } from "./draft";
import { isRecord } from "./model";

export type Text = Record<Locale, string>;

export interface StandIn {
  id: string;
  identifier: string;
  name: Text;
  holderName: string;
  relation: string;
  usable: boolean;
}

export interface DraftMaterial {
  material: string;
  license: StandIn | null;
  choices: StandIn[];
}

function text(raw: unknown): Text | null {
  if (!isRecord(raw) || typeof raw["zh"] !== "string") return null;
  return { "zh-CN": raw["zh"], en: typeof raw["en"] === "string" ? raw["en"] : raw["zh"] };
}

function standIn(raw: unknown, usable: boolean): StandIn | null {
  if (!isRecord(raw)) return null;
  const name = text(raw["name"]);
  const { id, identifier, holder_name: holderName, relation } = raw;
  if (!name || typeof id !== "string" || typeof identifier !== "string") return null;
  return {
    id,
    identifier,
    name,
    holderName: typeof holderName === "string" ? holderName : "",
    relation: typeof relation === "string" ? relation : "",
    usable,
  };
}

function draftMaterial(raw: unknown): DraftMaterial | null {
  if (!isRecord(raw) || typeof raw["material"] !== "string") return null;
  const choices = Array.isArray(raw["choices"])
    ? raw["choices"].map((c: unknown) => standIn(c, true)).filter((c): c is StandIn => c !== null)
    : [];
  return { material: raw["material"], license: standIn(raw["license"], raw["license_usable"] === true), choices };
}

const base = (draftId: string): string => `/api/v1/drafts/${encodeURIComponent(draftId)}/materials`;

/** The draft's materials by catalog id, or null when the server cannot be asked now. */
export async function fetchStandIns(draftId: string): Promise<Map<string, DraftMaterial> | null> {
  try {
    const response = await authFetch(base(draftId), { headers: { Accept: "application/json" } });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok || !Array.isArray(body)) return null;
    const found = body.map(draftMaterial).filter((m): m is DraftMaterial => m !== null);
    return new Map(found.map((m) => [m.material, m]));
  } catch {
    return null;
  }
}

/** Link a licence in place of the material's upload; the material as the server now has it. */
export async function linkLicense(draftId: string, material: string, licenseId: string): Promise<DraftMaterial | null> {
  try {
    const response = await authFetch(`${base(draftId)}/${encodeURIComponent(material)}/license`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ license_id: licenseId }),
    });
    return response.ok ? draftMaterial(await response.json()) : null;
  } catch {
    return null;
  }
}

export async function stopUsingLicense(draftId: string, material: string): Promise<boolean> {
  try {
    const response = await authFetch(`${base(draftId)}/${encodeURIComponent(material)}/license`, {
      method: "DELETE",
    });
    return response.status === 204;
  } catch {
    return false;
  }
}

/** The draft's e-licence stand-ins for a page: loaded once signed in (null until then). */
export function useStandIns(
  bundleId: string,
  draft: Draft,
  signedIn: boolean,
): [{ draftId: string; materials: Map<string, DraftMaterial> } | null, (material: DraftMaterial) => void] {
  const [state, setState] = useState<{ draftId: string; materials: Map<string, DraftMaterial> } | null>(null);
  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    void (async () => {
      const draftId = await serverDraftId(bundleId, draft);
      const materials = draftId ? await fetchStandIns(draftId) : null;
      if (live && draftId && materials) setState({ draftId, materials });
    })();
    return () => {
      live = false;
    };
  }, [bundleId, signedIn]);
  const update = (material: DraftMaterial): void => {
    setState((current) =>
      current ? { ...current, materials: new Map(current.materials).set(material.material, material) } : current,
    );
  };
  return [state, update];
}
