import { useEffect, useState } from "preact/hooks";
import { ElderlyToggle } from "./components/ElderlyToggle";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { otherLocale } from "./i18n";
import { useI18n } from "./i18n/context";
import { AccountMenu } from "./components/AccountMenu";
import { ActingBanner } from "./components/ActingBanner";
import { OfflineNotice } from "./components/OfflineNotice";
import { Callback } from "./pages/Callback";
import { Home } from "./pages/Home";
import { NotFound } from "./pages/NotFound";
import { Link, matchRoute, useLocation, type Route } from "./router";

type Chunks = {
  wizard: typeof import("./wizard");
  progress: typeof import("./progress");
  clerk: typeof import("./clerk");
  agent: typeof import("./agent");
};
type ChunkName = keyof Chunks;

// Pages past the home screen are chunks of their own: the home screen (first load on an old
// phone) does not pay for them. Each is loaded once and kept for the life of the page.
const importers: { [K in ChunkName]: () => Promise<Chunks[K]> } = {
  wizard: () => import("./wizard"),
  progress: () => import("./progress"),
  clerk: () => import("./clerk"),
  agent: () => import("./agent"),
};
const loaded: Partial<Chunks> = {};
const loading: Partial<{ [K in ChunkName]: Promise<Chunks[K]> }> = {};

function loadChunk<K extends ChunkName>(name: K): Promise<Chunks[K]> {
  let promise = loading[name] as Promise<Chunks[K]> | undefined;
  if (!promise) {
    promise = importers[name]().then(
      (module) => {
        loaded[name] = module;
        return module;
      },
      (error: unknown) => {
        delete loading[name]; // let "try again" really try again
        throw error;
      },
    );
    loading[name] = promise as never;
  }
  return promise;
}

function chunkOf(route: Route): ChunkName | null {
  switch (route.name) {
    case "intro":
    case "form":
    case "review":
    case "materials":
      return "wizard";
    case "applications":
    case "application":
    case "delivery":
    case "wallet":
    case "license":
    case "confirmations":
    case "notifications":
    case "permissions":
      return "progress";
    case "clerk":
    case "clerkTask":
      return "clerk";
    case "agent":
      return "agent";
    default:
      return null;
  }
}

function useChunk(name: ChunkName | null): [Partial<Chunks>, boolean, () => void] {
  const [, setVersion] = useState(0);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!name || loaded[name]) return;
    let current = true;
    setFailed(false);
    loadChunk(name).then(
      () => current && setVersion((n) => n + 1),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [name, attempt]);
  return [loaded, failed, () => setAttempt((n) => n + 1)];
}

function Page({ route }: { route: Route }) {
  const { t } = useI18n();
  const name = chunkOf(route);
  const [chunks, failed, retry] = useChunk(name);
  switch (route.name) {
    case "home":
      return <Home />;
    case "notFound":
      return <NotFound />;
    case "callback":
      return <Callback />;
  }
  if (!name || !chunks[name]) {
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
  const { wizard, progress, clerk, agent } = chunks;
  switch (route.name) {
    case "intro":
      return wizard ? <wizard.BundleIntro key={route.bundleId} bundleId={route.bundleId} /> : null;
    case "form":
      // Keyed by section: each page starts fresh (no errors carried over from the last one).
      return wizard ? (
        <wizard.FormPage key={`${route.bundleId}/${route.section}`} bundleId={route.bundleId} section={route.section} />
      ) : null;
    case "review":
      return wizard ? <wizard.ReviewPage key={route.bundleId} bundleId={route.bundleId} /> : null;
    case "materials":
      return wizard ? <wizard.MaterialsPage key={route.bundleId} bundleId={route.bundleId} /> : null;
    case "applications":
      return progress ? <progress.ApplicationsPage /> : null;
    case "application":
      return progress ? <progress.ApplicationPage key={route.applicationId} applicationId={route.applicationId} /> : null;
    case "delivery":
      return progress ? <progress.DeliveryPage key={route.applicationId} applicationId={route.applicationId} /> : null;
    case "agent":
      return agent ? <agent.AgentPage /> : null;
    case "wallet":
      return progress ? <progress.WalletPage /> : null;
    case "license":
      return progress ? <progress.LicensePage key={route.licenseId} licenseId={route.licenseId} /> : null;
    case "confirmations":
      return progress ? <progress.ConfirmationsPage /> : null;
    case "notifications":
      return progress ? <progress.NotificationsPage /> : null;
    case "permissions":
      return progress ? <progress.PermissionsPage /> : null;
    case "clerk":
      return clerk ? <clerk.InboxPage /> : null;
    case "clerkTask":
      return clerk ? <clerk.TaskPage key={route.taskId} taskId={route.taskId} /> : null;
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
        <ErrorBoundary>
          <AccountMenu />
        </ErrorBoundary>
        <ErrorBoundary>
          <ActingBanner />
        </ErrorBoundary>
      </header>
      <main id="main" class="page" tabindex={-1}>
        <OfflineNotice />
        <ErrorBoundary key={location.pathname}>
          <Page route={route} />
        </ErrorBoundary>
      </main>
    </>
  );
}
