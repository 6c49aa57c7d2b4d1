/** Dates as residents read them: China Standard Time, in the page's language. */
import type { Locale } from "../i18n";

const ZONE = "Asia/Shanghai";

/** The calendar date (YYYY-MM-DD) of an instant in China. */
export function chinaDate(iso: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(iso),
  );
  return parts;
}

/** A date without time ("2026-11-29" from the API). */
export function formatDate(date: string, locale: Locale): string {
  const [y, m, d] = date.split("-").map(Number);
  if (!y || !m || !d) return date;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatDateTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: ZONE }).format(new Date(iso));
}
