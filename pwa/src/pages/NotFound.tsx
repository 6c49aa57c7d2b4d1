import { useI18n } from "../i18n/context";
import { Link, usePageFocus, useTitle } from "../router";

export function NotFound() {
  const { t } = useI18n();
  useTitle(t.notFoundTitle, t.documentTitle);
  usePageFocus(true);
  return (
    <>
      <h1 class="page-title">{t.notFoundTitle}</h1>
      <p>{t.notFoundText}</p>
      <p>
        <Link href="/" class="link">
          {t.backHome}
        </Link>
      </p>
    </>
  );
}
