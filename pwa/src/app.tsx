import { useEffect, useState } from "preact/hooks";
import { ElderlyToggle } from "./components/ElderlyToggle";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { otherLocale } from "./i18n";
import { useI18n } from "./i18n/context";
import { Home } from "./pages/Home";
import { NotFound } from "./pages/NotFound";
import { Link, matchRoute, useLocation, type Route } from "./router";

type Wizard = typeof import("./wizard");

// The intro, form and review pages are a chunk of their own: the home screen (first load on an
// old phone) does not pay for them. Loaded once, kept for the life of the page.
let wizard: Wizard | null = null;
let loading: Promise<Wizard> | null = null;

function loadWizard(): Promise<Wizard> {
  loading ??= import("./wizard").then(
    (module) => (wizard = module),
    (error: unknown) => {
      loading = null; // let "try again" really try again
      throw error;
    },
  );
  return loading;
}

function useWizard(needed: boolean): [Wizard | null, boolean, () => void] {
  const [module, setModule] = useState(wizard);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!needed || module) return;
    let current = true;
    setFailed(false);
    loadWizard().then(
      (loaded) => current && setModule(loaded),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [needed, attempt]);
  return [module, failed, () => setAttempt((n) => n + 1)];
}

function Page({ route }: { route: Route }) {
  const { t } = useI18n();
  const [module, failed, retry] = useWizard(route.name !== "home" && route.name !== "notFound");
  switch (route.name) {
    case "home":
      return <Home />;
    case "notFound":
      return <NotFound />;
  }
  if (!module) {
    return failed ? (
      <div class="notice" role="status">
        <p class="notice__text">{t.loadFailed}</p>
        <button type="button" class="button" onClick={retry}>
          {t.retry}
        </button>
      </div>
    ) : (
      <p class="status" role="status">
        {t.loading}
      </p>
    );
  }
  switch (route.name) {
    case "intro":
      return <module.BundleIntro key={route.bundleId} bundleId={route.bundleId} />;
    case "form":
      // Keyed by section: each page starts fresh (no errors carried over from the last one).
      return (
        <module.FormPage
          key={`${route.bundleId}/${route.section}`}
          bundleId={route.bundleId}
          section={route.section}
        />
      );
    case "review":
      return <module.ReviewPage key={route.bundleId} bundleId={route.bundleId} />;
  }
}

/** The shell: masthead (product name, 长辈版 switch) on every page, then the current page. */
export function App() {
  const { locale, t } = useI18n();
  const location = useLocation();
  const route = matchRoute(location.pathname);
  return (
    <>
      <header class={route.name === "home" ? "masthead" : "masthead masthead--compact"}>
        <Link href="/" class="brand" aria-current={route.name === "home" ? "page" : undefined}>
          <span class="brand__name">{t.productName}</span>{" "}
          <span class="brand__alt" lang={otherLocale(locale)}>
            {t.productNameAlt}
          </span>
        </Link>
        <ErrorBoundary>
          <ElderlyToggle />
        </ErrorBoundary>
      </header>
      <main id="main" class="page" tabindex={-1}>
        <ErrorBoundary key={location.pathname}>
          <Page route={route} />
        </ErrorBoundary>
      </main>
    </>
  );
}
