import { render } from "preact";
import { App } from "./app";
import { applyElderlyMode, loadElderlyMode } from "./elderly";
import { browserLocale, DEFAULT_LOCALE, messagesFor } from "./i18n";
import { I18nContext, type I18n } from "./i18n/context";
import "./styles.css";

function showStartupError(root: HTMLElement, message: string): void {
  const main = document.createElement("main");
  main.id = "main";
  main.className = "page";
  const p = document.createElement("p");
  p.className = "notice";
  p.setAttribute("role", "alert");
  p.textContent = message;
  main.append(p);
  root.replaceChildren(main);
}

function start(): void {
  const root = document.getElementById("app");
  if (!root) return;
  let i18n: I18n = { locale: DEFAULT_LOCALE, t: messagesFor(DEFAULT_LOCALE) };
  try {
    const locale = browserLocale();
    i18n = { locale, t: messagesFor(locale) };
    applyElderlyMode(loadElderlyMode());
    document.documentElement.lang = locale;
    document.title = i18n.t.documentTitle;
    const skipLink = document.querySelector(".skip-link");
    if (skipLink) skipLink.textContent = i18n.t.skipLink;

    root.replaceChildren(); // drop the <noscript> fallback; the app renders header and <main>
    render(
      <I18nContext.Provider value={i18n}>
        <App />
      </I18nContext.Provider>,
      root,
    );
  } catch (error) {
    console.error("start-up failed", error);
    try {
      showStartupError(root, i18n.t.startupError);
    } catch {
      // Nothing more can be done without a working DOM.
    }
  }
}

/** The service worker keeps the app shell for offline use (see sw/sw.js); nothing else. */
function registerServiceWorker(): void {
  try {
    if (!("serviceWorker" in navigator)) return;
    window.addEventListener("load", () => {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error: unknown) => {
        console.warn("service worker not registered", error);
      });
    });
  } catch {
    // No service worker: the app still works online.
  }
}

start();
registerServiceWorker();
