/**
 * A tiny History API router: the route table, `navigate`, a `Link` that navigates without a
 * page load, and focus handling after navigation (the new page's <h1>, or the element the URL's
 * #fragment names) so keyboard and screen-reader users start at the top of the new page.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { name: "home" }
  | { name: "intro"; bundleId: string }
  | { name: "form"; bundleId: string; section: string }
  | { name: "review"; bundleId: string }
  | { name: "materials"; bundleId: string }
  | { name: "callback" }
  | { name: "applications" }
  | { name: "application"; applicationId: string }
  | { name: "delivery"; applicationId: string }
  | { name: "agent" }
  | { name: "wallet" }
  | { name: "license"; licenseId: string }
  | { name: "clerk" }
  | { name: "clerkTask"; taskId: string }
  | { name: "confirmations" }
  | { name: "notifications" }
  | { name: "permissions" }
  | { name: "notFound" };

const SEGMENT = /^[A-Za-z0-9_-]{1,100}$/;

function segment(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  try {
    const value = decodeURIComponent(raw);
    return SEGMENT.test(value) ? value : null;
  } catch {
    return null;
  }
}

export function matchRoute(pathname: string): Route {
  const parts = pathname.replace(/\/+$/, "").split("/").slice(1);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "")) return { name: "home" };
  if (parts.length === 2 && parts[0] === "auth" && parts[1] === "callback") return { name: "callback" };
  if (parts[0] === "applications") {
    if (parts.length === 1) return { name: "applications" };
    const applicationId = segment(parts[1]);
    if (applicationId !== null && parts.length === 3 && parts[2] === "delivery") return { name: "delivery", applicationId };
    return parts.length === 2 && applicationId !== null ? { name: "application", applicationId } : { name: "notFound" };
  }
  if (parts.length === 1 && parts[0] === "agent") return { name: "agent" };
  if (parts.length === 1 && parts[0] === "confirmations") return { name: "confirmations" };
  if (parts.length === 1 && parts[0] === "notifications") return { name: "notifications" };
  if (parts.length === 1 && parts[0] === "permissions") return { name: "permissions" };
  if (parts[0] === "wallet") {
    if (parts.length === 1) return { name: "wallet" };
    const licenseId = segment(parts[1]);
    return parts.length === 2 && licenseId !== null ? { name: "license", licenseId } : { name: "notFound" };
  }
  if (parts[0] === "clerk") {
    if (parts.length === 1) return { name: "clerk" };
    const taskId = segment(parts[2]);
    return parts.length === 3 && parts[1] === "tasks" && taskId !== null
      ? { name: "clerkTask", taskId }
      : { name: "notFound" };
  }
  if (parts[0] !== "bundles") return { name: "notFound" };
  const bundleId = segment(parts[1]);
  if (bundleId === null) return { name: "notFound" };
  if (parts.length === 2) return { name: "intro", bundleId };
  if (parts.length === 3 && parts[2] === "review") return { name: "review", bundleId };
  if (parts.length === 3 && parts[2] === "materials") return { name: "materials", bundleId };
  const section = segment(parts[3]);
  if (parts.length === 4 && parts[2] === "form" && section !== null) {
    return { name: "form", bundleId, section };
  }
  return { name: "notFound" };
}

export const paths = {
  home: (): string => "/",
  intro: (bundleId: string): string => `/bundles/${encodeURIComponent(bundleId)}`,
  form: (bundleId: string, section: string): string =>
    `/bundles/${encodeURIComponent(bundleId)}/form/${encodeURIComponent(section)}`,
  review: (bundleId: string): string => `/bundles/${encodeURIComponent(bundleId)}/review`,
  materials: (bundleId: string): string => `/bundles/${encodeURIComponent(bundleId)}/materials`,
  applications: (): string => "/applications",
  application: (id: string): string => `/applications/${encodeURIComponent(id)}`,
  delivery: (id: string): string => `/applications/${encodeURIComponent(id)}/delivery`,
  agent: (): string => "/agent",
  wallet: (): string => "/wallet",
  license: (id: string): string => `/wallet/${encodeURIComponent(id)}`,
  clerk: (): string => "/clerk",
  clerkTask: (taskId: string): string => `/clerk/tasks/${encodeURIComponent(taskId)}`,
  confirmations: (): string => "/confirmations",
  notifications: (): string => "/notifications",
  permissions: (): string => "/permissions",
};

export interface Location {
  pathname: string;
  search: URLSearchParams;
  hash: string;
}

function readLocation(): Location {
  const { pathname, search, hash } = window.location;
  return { pathname, search: new URLSearchParams(search), hash };
}

const listeners = new Set<() => void>();
// Set by a navigation, cleared by the page that takes focus once its content is on screen;
// never set on the first load, where the browser's own focus handling is right.
let focusPending = false;

function notify(): void {
  for (const listener of listeners) listener();
}

if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => {
    focusPending = true;
    notify();
  });
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  try {
    if (options.replace) window.history.replaceState(null, "", to);
    else window.history.pushState(null, "", to);
  } catch {
    window.location.assign(to); // history blocked (very old or locked-down browser): load it
    return;
  }
  focusPending = true;
  window.scrollTo(0, 0);
  notify();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(readLocation);
  useEffect(() => {
    const listener = (): void => setLocation(readLocation());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return location;
}

/**
 * Call with `ready = true` once the page's heading (and fields) are rendered. After a
 * navigation this moves focus to the element named by the #fragment, else to the <h1>.
 */
export function usePageFocus(ready: boolean): void {
  useEffect(() => {
    if (!ready || !focusPending) return;
    focusPending = false;
    const hash = window.location.hash.slice(1);
    let target: HTMLElement | null = null;
    if (hash !== "") {
      try {
        target = document.getElementById(decodeURIComponent(hash));
      } catch {
        target = null;
      }
    }
    if (target) {
      focusField(target);
      return;
    }
    const heading = document.querySelector<HTMLElement>("main h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }, [ready]);
}

/** Focus a form control and bring its label (or legend) into view above it. */
export function focusField(target: HTMLElement): void {
  const group = target.closest(".field");
  target.focus({ preventScroll: true });
  (group ?? target).scrollIntoView({ block: "start" });
}

function isPlainLeftClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

interface LinkProps {
  href: string;
  class?: string;
  children: ComponentChildren;
  "aria-current"?: "page" | undefined;
}

/** An ordinary <a href> (works with a new tab, copy link, no JS) that navigates in place. */
export function Link({ href, class: className, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || !isPlainLeftClick(event)) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} class={className} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

/** Sets the document title for the current page: "<page> · <product>" (suffix from the catalog). */
export function useTitle(title: string | null, suffix: string): void {
  useEffect(() => {
    if (title !== null) document.title = `${title} · ${suffix}`;
  }, [title, suffix]);
}
