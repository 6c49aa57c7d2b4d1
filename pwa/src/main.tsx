import { render } from "preact";
import { App } from "./app";
import { applyElderlyMode, loadElderlyMode } from "./elderly";
import { browserLocale, DEFAULT_LOCALE, messagesFor } from "./i18n";
import { I18nContext, type I18n } from "./i18n/context";
import "./styles.css";

function showStartupError(main: HTMLElement, message: string): void {
  const p = document.createElement("p");
  p.className = "notice";
  p.setAttribute("role", "alert");
  p.textContent = message;
  main.replaceChildren(p);
}

function start(): void {
  const main = document.getElementById("main");
  if (!main) return;
  let i18n: I18n = { locale: DEFAULT_LOCALE, t: messagesFor(DEFAULT_LOCALE) };
  try {
    const locale = browserLocale();
    i18n = { locale, t: messagesFor(locale) };
    applyElderlyMode(loadElderlyMode());
    document.documentElement.lang = locale;
    document.title = i18n.t.documentTitle;
    const skipLink = document.querySelector(".skip-link");
    if (skipLink) skipLink.textContent = i18n.t.skipLink;

    main.replaceChildren(); // drop the <noscript> fallback
    render(
      <I18nContext.Provider value={i18n}>
        <App />
      </I18nContext.Provider>,
      main,
    );
  } catch (error) {
    console.error("start-up failed", error);
    try {
      showStartupError(main, i18n.t.startupError);
    } catch {
      // Nothing more can be done without a working DOM.
    }
  }
}

start();
