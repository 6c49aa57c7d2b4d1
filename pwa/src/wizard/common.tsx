/** Small pieces every wizard page uses: the back link and the loading / failure states. */
import { useI18n } from "../i18n/context";
import { Link, useTitle } from "../router";

export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <Link href={href} class="back-link">
      {label}
    </Link>
  );
}

/** Loading, not found or unavailable: a heading (so focus has a place to land) and a way on. */
export function LoadState({
  kind,
  onRetry,
}: {
  kind: "loading" | "notFound" | "unavailable";
  onRetry: () => void;
}) {
  const { t } = useI18n();
  useTitle(kind === "loading" ? null : kind === "notFound" ? t.notFoundTitle : t.loadFailed, t.documentTitle);
  if (kind === "loading") {
    return (
      <p class="status" role="status">
        {t.loading}
      </p>
    );
  }
  return (
    <>
      <BackLink href="/" label={t.backHome} />
      <div class="notice" role="status">
        <p class="notice__text">{kind === "notFound" ? t.bundleNotFound : t.loadFailed}</p>
        {kind === "unavailable" ? (
          <button type="button" class="button" onClick={onRetry}>
            {t.retry}
          </button>
        ) : null}
      </div>
    </>
  );
}
