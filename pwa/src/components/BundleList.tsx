import { useEffect, useState } from "preact/hooks";
import { fetchBundles, type BundleSummary, type BundlesResult } from "../api/bundles";
import { useI18n } from "../i18n/context";
import { Link, paths } from "../router";

type State = { kind: "loading" } | BundlesResult;

function BundleCard({ bundle }: { bundle: BundleSummary }) {
  const { locale, t } = useI18n();
  return (
    <li class="bundle-list__item">
      {/* The whole card is the link: one large tap target (≥ 60px in 长辈版). */}
      <Link href={paths.intro(bundle.id)} class="bundle-card">
        <h2 class="bundle-card__name">{bundle.name[locale]}</h2>
        <p class="bundle-card__facts">
          <span class="bundle-card__fact">{t.bundleServices(bundle.serviceCount)}</span>
          <span class="bundle-card__fact">{t.bundleTimeLimit(bundle.timeLimitDays)}</span>
        </p>
      </Link>
    </li>
  );
}

/**
 * Life events from `GET /api/v1/bundles`, each a link to its intro page; any failure shows a
 * friendly notice and a retry. `labelledBy` names the page heading the list belongs to.
 */
export function BundleList({ labelledBy }: { labelledBy: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: "loading" });
    fetchBundles(controller.signal).then(
      (result) => {
        if (!controller.signal.aborted) setState(result);
      },
      () => {
        if (!controller.signal.aborted) setState({ kind: "unavailable" });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  let body;
  switch (state.kind) {
    case "loading":
      body = (
        <p class="status" role="status">
          {t.bundlesLoading}
        </p>
      );
      break;
    case "unavailable":
      body = (
        <div class="notice" role="status">
          <p class="notice__text">{t.bundlesUnavailable}</p>
          <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
            {t.retry}
          </button>
        </div>
      );
      break;
    case "ok":
      body =
        state.bundles.length === 0 ? (
          <p class="status" role="status">
            {t.bundlesEmpty}
          </p>
        ) : (
          <ul class="bundle-list">
            {state.bundles.map((bundle) => (
              <BundleCard key={bundle.id} bundle={bundle} />
            ))}
          </ul>
        );
      break;
  }

  return (
    <section
      class="bundles"
      aria-labelledby={labelledBy}
      aria-busy={state.kind === "loading" ? "true" : "false"}
    >
      {body}
    </section>
  );
}
