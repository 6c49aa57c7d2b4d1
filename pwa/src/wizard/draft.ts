/**
 * The resident's answers while they fill the form: in memory, mirrored to sessionStorage so a
 * reload keeps them. Never localStorage or IndexedDB — answers are personal data and must not
 * outlive the browser tab (ARCHITECTURE.md, "Personal data").
 */
import { useState } from "preact/hooks";
import type { FieldError } from "./api";
import { scheduleSave } from "./autosave";

export interface Draft {
  /** Every situation answer, gating and in-form (situation id -> option value). */
  situation: Record<string, string>;
  /**
   * Situations that change the service set, with their defaults (from the bundle detail).
   * Only answers that differ from the default are sent to `/form`, so a fresh visit and a
   * resident who kept the defaults ask for the same merged form.
   */
  gating: Record<string, string>;
  optionalServices: string[];
  /** Raw input values by section and field name, exactly as typed. */
  answers: Record<string, Record<string, string>>;
  /** Sections the resident has completed with "continue" at least once. */
  visited: string[];
  /** Uploaded materials by catalog material id: the upload's id once the server verified it. */
  materials: Record<string, string>;
  /** Fields filled from the wallet: data element id -> the license's name. */
  prefilled: Record<string, Record<"zh-CN" | "en", string>>;
  /** The wallet has been asked (once per draft). */
  prefillChecked: boolean;
  /** Materials whose e-licence stand-in the resident removed ("upload instead"): never linked again by itself. */
  ownMaterials: string[];
}

const PREFIX = "onething.draft.";

function emptyDraft(): Draft {
  return { situation: {}, gating: {}, optionalServices: [], answers: {}, visited: [], materials: {}, prefilled: {}, prefillChecked: false, ownMaterials: [] };
}

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    return null;
  }
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}

function isLocalizedMap(value: unknown): value is Record<string, Record<"zh-CN" | "en", string>> {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.values(value).every(
      (v) => typeof v === "object" && v !== null && typeof v["zh-CN"] === "string" && typeof v["en"] === "string",
    )
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** A stored draft, or null when it is missing or not in the shape this version writes. */
export function parseDraft(text: string | null): Draft | null {
  if (text === null) return null;
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== "object" || raw === null) return null;
    const { situation, gating, optionalServices, answers, visited, materials, prefilled, prefillChecked, ownMaterials } =
      raw as Record<string, unknown>;
    if (!isStringMap(situation) || !isStringMap(gating) || !isStringList(optionalServices)) return null;
    if (!isStringList(visited) || typeof answers !== "object" || answers === null) return null;
    const sections: Record<string, Record<string, string>> = {};
    for (const [key, value] of Object.entries(answers)) {
      if (isStringMap(value)) sections[key] = value;
    }
    return {
      situation,
      gating,
      optionalServices,
      answers: sections,
      visited,
      materials: isStringMap(materials) ? materials : {},
      prefilled: isLocalizedMap(prefilled) ? prefilled : {},
      prefillChecked: prefillChecked === true,
      ownMaterials: isStringList(ownMaterials) ? ownMaterials : [],
    };
  } catch {
    return null;
  }
}

const drafts = new Map<string, Draft>();
// The latest validation errors per bundle: shown again on a page the resident comes back to.
const lastErrors = new Map<string, FieldError[]>();

export function loadDraft(bundleId: string): Draft {
  const inMemory = drafts.get(bundleId);
  if (inMemory) return inMemory;
  let stored: Draft | null = null;
  try {
    stored = parseDraft(storage()?.getItem(PREFIX + bundleId) ?? null);
  } catch {
    stored = null;
  }
  const draft = stored ?? emptyDraft();
  drafts.set(bundleId, draft);
  return draft;
}

export function saveDraft(bundleId: string, draft: Draft): void {
  drafts.set(bundleId, draft);
  scheduleSave(bundleId, draft);
  try {
    storage()?.setItem(PREFIX + bundleId, JSON.stringify(draft));
  } catch {
    // Storage full or blocked: the answers still live in memory for this page.
  }
}

export function useDraft(bundleId: string): [Draft, (change: (draft: Draft) => Draft) => void] {
  const [draft, setDraft] = useState(() => loadDraft(bundleId));
  const update = (change: (draft: Draft) => Draft): void => {
    const next = change(loadDraft(bundleId));
    saveDraft(bundleId, next);
    setDraft(next);
  };
  return [draft, update];
}

export function setAnswer(draft: Draft, section: string, name: string, value: string): Draft {
  return {
    ...draft,
    answers: { ...draft.answers, [section]: { ...draft.answers[section], [name]: value } },
  };
}

export function markVisited(draft: Draft, section: string): Draft {
  return draft.visited.includes(section) ? draft : { ...draft, visited: [...draft.visited, section] };
}

export function getErrors(bundleId: string): FieldError[] {
  return lastErrors.get(bundleId) ?? [];
}

export function setErrors(bundleId: string, errors: FieldError[]): void {
  lastErrors.set(bundleId, errors);
}

/** Forget a bundle's answers (after a successful submission). */
export function clearDraft(bundleId: string): void {
  drafts.delete(bundleId);
  lastErrors.delete(bundleId);
  try {
    storage()?.removeItem(PREFIX + bundleId);
  } catch {
    // Nothing stored.
  }
}
