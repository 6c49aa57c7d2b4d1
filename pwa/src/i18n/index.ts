import { en } from "./en";
import type { Locale, Messages } from "./types";
import { zhCN } from "./zh-CN";

export type { Locale, Messages } from "./types";

export const DEFAULT_LOCALE: Locale = "zh-CN";

const catalogues: Record<Locale, Messages> = { "zh-CN": zhCN, en };

/**
 * The first of the browser's preferred languages that we ship wins: English only when the
 * browser ranks English above Chinese; anything else (or no preference at all) gets zh-CN.
 */
export function detectLocale(preferred: readonly string[] | undefined): Locale {
  for (const tag of preferred ?? []) {
    const primary = tag.toLowerCase().split("-")[0];
    if (primary === "zh") return "zh-CN";
    if (primary === "en") return "en";
  }
  return DEFAULT_LOCALE;
}

export function browserLocale(): Locale {
  try {
    const nav = globalThis.navigator;
    return detectLocale(nav.languages.length > 0 ? nav.languages : [nav.language]);
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function messagesFor(locale: Locale): Messages {
  return catalogues[locale];
}

/** The other shipped locale, for text shown in both languages (the product name). */
export function otherLocale(locale: Locale): Locale {
  return locale === "en" ? "zh-CN" : "en";
}
