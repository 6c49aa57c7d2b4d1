import { signIn, signOut, useAuth } from "../auth/session";
import { useI18n } from "../i18n/context";
import { Link, paths } from "../router";
import { useUnread } from "./unread";

/** Sign in, or (signed in) the way to one's own work — applications, or the clerk's inbox —
 * and sign out. */
export function AccountMenu() {
  const { t } = useI18n();
  const auth = useAuth();
  if (!auth.signedIn) {
    return (
      <nav class="account" aria-label={t.accountNav}>
        <button type="button" class="account__button" onClick={() => void signIn()}>
          {t.signIn}
        </button>
      </nav>
    );
  }
  const role = auth.me?.role;
  const unread = useUnread(auth.signedIn && role === "resident" && !auth.me?.act);
  return (
    <nav class="account" aria-label={t.accountNav}>
      {role === "clerk" ? (
        <Link href={paths.clerk()} class="account__link">
          {t.inboxTitle}
        </Link>
      ) : null}
      {role === "agent" ? (
        <Link href={paths.agent()} class="account__link">
          {t.agentTitle}
        </Link>
      ) : null}
      {role !== "clerk" ? (
        <Link href={paths.applications()} class="account__link">
          {t.myApplications}
        </Link>
      ) : null}
      {role === "resident" ? (
        <Link href={paths.wallet()} class="account__link">
          {t.walletTitle}
        </Link>
      ) : null}
      {role === "resident" ? (
        <Link href={paths.notifications()} class="account__link">
          {t.messagesTitle}
          {unread > 0 ? (
            <span class="badge">
              <span aria-hidden="true">{unread}</span>
              <span class="visually-hidden">{t.messagesUnreadLabel(unread)}</span>
            </span>
          ) : null}
        </Link>
      ) : null}
      {role === "resident" ? (
        <Link href={paths.confirmations()} class="account__link">
          {t.confirmationsTitle}
        </Link>
      ) : null}
      {role === "resident" && !auth.me?.act ? (
        <Link href={paths.permissions()} class="account__link">
          {t.permissionsTitle}
        </Link>
      ) : null}
      <button type="button" class="account__button" onClick={() => void signOut()}>
        {t.signOut}
      </button>
    </nav>
  );
}
