import { useEffect } from "preact/hooks";
import { BundleList } from "../components/BundleList";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { useI18n } from "../i18n/context";
import { usePageFocus } from "../router";

/** Home screen: the life events one can apply for (the 长辈版 switch is in the masthead). */
export function Home() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = t.documentTitle;
  }, [t]);
  usePageFocus(true);
  return (
    <>
      <h1 id="bundles-heading" class="page-title">
        {t.bundlesHeading}
      </h1>
      <p class="tagline">{t.tagline}</p>
      <ErrorBoundary>
        <BundleList labelledBy="bundles-heading" />
      </ErrorBoundary>
    </>
  );
}
