/** Small pieces every wizard page uses: the back link and the loading / failure states. */
import { useEffect, useState } from "preact/hooks";
import { useAuth } from "../auth/session";
import { useI18n } from "../i18n/context";
import { onSaveState, saveState } from "./autosave";
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

/** "Saved" / "will be saved when you are back online", for a signed-in resident's draft. */
export function SaveStatus({ bundleId }: { bundleId: string }) {
  const { t } = useI18n();
  const auth = useAuth();
  const [state, setState] = useState(() => saveState(bundleId));
  useEffect(() => onSaveState(() => setState(saveState(bundleId))), [bundleId]);
  if (!auth.signedIn) return null;
  const text =
    state === "saved"
      ? t.draftSaved
      : state === "saving"
        ? t.draftSaving
        : state === "offline"
          ? t.draftOffline
          : state === "failed"
            ? t.draftFailed
            : null;
  return (
    <p class={state === "offline" || state === "failed" ? "save-status save-status--pending" : "save-status"} role="status">
      {text}
    </p>
  );
}
