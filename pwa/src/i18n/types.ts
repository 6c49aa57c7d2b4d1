/** Locales the PWA ships. zh-CN is the default; en when the browser prefers English. */
export type Locale = "zh-CN" | "en";

/**
 * Every user-facing string of the app. Each locale file implements this interface, so a
 * message missing from one language is a type error rather than a blank on screen.
 */
export interface Messages {
  /** Document title (tab, bookmarks, installed-app switcher). */
  documentTitle: string;
  /** Product name in the current language, and in the other one (shown smaller). */
  productName: string;
  productNameAlt: string;
  tagline: string;
  skipLink: string;
  elderlyToggle: string;
  elderlyToggleHint: string;
  bundlesHeading: string;
  bundlesLoading: string;
  bundlesUnavailable: string;
  bundlesEmpty: string;
  retry: string;
  bundleServices: (count: number) => string;
  bundleTimeLimit: (workingDays: number) => string;
  widgetError: string;
  startupError: string;
}
