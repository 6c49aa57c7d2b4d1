import { BundleList } from "./components/BundleList";
import { ElderlyToggle } from "./components/ElderlyToggle";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { otherLocale } from "./i18n";
import { useI18n } from "./i18n/context";

/** Home screen: product name, the 长辈版 switch, and the life events one can apply for. */
export function App() {
  const { locale, t } = useI18n();
  return (
    <>
      <header class="masthead">
        <h1 class="brand">
          <span class="brand__name">{t.productName}</span>{" "}
          <span class="brand__alt" lang={otherLocale(locale)}>
            {t.productNameAlt}
          </span>
        </h1>
        <ErrorBoundary>
          <ElderlyToggle />
        </ErrorBoundary>
      </header>
      <p class="tagline">{t.tagline}</p>
      <ErrorBoundary>
        <BundleList />
      </ErrorBoundary>
    </>
  );
}
