import type { Messages } from "./types";

const plural = (n: number, one: string, other: string): string => (n === 1 ? one : other);

export const en: Messages = {
  documentTitle: "一件事 · OneThing",
  productName: "OneThing",
  productNameAlt: "一件事",
  tagline: "One life event, one application: services from several departments in a single request.",
  skipLink: "Skip to main content",
  elderlyToggle: "Elderly mode",
  elderlyToggleHint: "Larger text and buttons",
  bundlesHeading: "Choose a life event",
  bundlesLoading: "Loading the service catalogue…",
  bundlesUnavailable: "The service catalogue is not available yet. Please try again later.",
  bundlesEmpty: "No life events are available yet.",
  retry: "Try again",
  bundleServices: (count) => `${count} ${plural(count, "service", "services")} included`,
  bundleTimeLimit: (workingDays) =>
    `Done within ${workingDays} working ${plural(workingDays, "day", "days")}`,
  widgetError: "This part cannot be shown right now. Please try again later.",
  startupError: "The page failed to load. Please refresh to try again.",
};
