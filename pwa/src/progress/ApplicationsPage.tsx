/** "My applications": every application of the signed-in resident, newest first. */
import { fetchBundles, type BundleSummary } from "../api/bundles";
import { signIn, useAuth } from "../auth/session";
import { useI18n } from "../i18n/context";
import { Link, paths, usePageFocus, useTitle } from "../router";
import { BackLink, LoadState } from "../wizard/common";
import { useLoad } from "../wizard/hooks";
import { fetchApplications } from "./api";
import { MyDelegations } from "../account/PermissionsPage";
import { formatDateTime } from "./format";

export function ApplicationsPage() {
  const { locale, t } = useI18n();
  const auth = useAuth();
  const [state, retry] = useLoad(`applications:${auth.signedIn ? "in" : "out"}`, () =>
    auth.signedIn ? fetchApplications() : null,
  );
  const [bundles] = useLoad<BundleSummary[]>("bundles", () =>
    fetchBundles().then((r) => (r.kind === "ok" ? { kind: "ok" as const, value: r.bundles } : { kind: "unavailable" as const })),
  );
  const names = new Map(bundles.kind === "ok" ? bundles.value.map((b) => [b.id, b.name] as const) : []);
  useTitle(t.myApplications, t.documentTitle);
  usePageFocus(!auth.signedIn || state.kind !== "loading");
  if (!auth.signedIn) {
    return (
      <>
        <BackLink href={paths.home()} label={t.backHome} />
        <h1 class="page-title">{t.myApplications}</h1>
        <p>{t.signInToSee}</p>
        <button type="button" class="button button--primary" onClick={() => void signIn()}>
          {t.signIn}
        </button>
      </>
    );
  }
  if (state.kind !== "ok") return <LoadState kind={state.kind} onRetry={retry} />;
  return (
    <>
      <BackLink href={paths.home()} label={t.backHome} />
      <h1 class="page-title">{t.myApplications}</h1>
      {state.value.length === 0 ? <p>{t.noApplications}</p> : null}
      <MyDelegations names={names} />
      <ul class="plain-list cards">
        {state.value.map((a) => (
          <li key={a.id} class="card">
            <Link href={paths.application(a.id)} class="card__link">
              <span class="card__title">{names.get(a.bundle)?.[locale] ?? a.bundle}</span>
              <span class="card__meta">{t.applicationStatuses[a.status] ?? a.status}</span>
              <span class="card__meta">{formatDateTime(a.submittedAt, locale)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
