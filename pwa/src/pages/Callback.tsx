import { useEffect, useState } from "preact/hooks";
import { finishSignIn, signIn, type CallbackResult } from "../auth/session";
import { useI18n } from "../i18n/context";
import { Link, navigate, usePageFocus, useTitle } from "../router";

/** Where the provider sends the browser back after sign-in: redeem the code, then go on. */
export function Callback() {
  const { t } = useI18n();
  const [result, setResult] = useState<CallbackResult | null>(null);
  useEffect(() => {
    let current = true;
    void finishSignIn(new URLSearchParams(window.location.search)).then((r) => {
      if (!current) return;
      if (r.kind === "ok") navigate(r.returnTo, { replace: true });
      else setResult(r);
    });
    return () => {
      current = false;
    };
  }, []);
  useTitle(result ? t.signInFailed : t.signingIn, t.documentTitle);
  usePageFocus(result !== null);
  if (!result) {
    return (
      <p class="status" role="status">
        {t.signingIn}
      </p>
    );
  }
  return (
    <>
      <h1 class="page-title">{t.signInFailed}</h1>
      <p>{result.kind === "failed" && result.reason === "unreachable" ? t.loadFailed : t.signInAgain}</p>
      <button type="button" class="button button--primary" onClick={() => void signIn("/")}>
        {t.signIn}
      </button>
      <Link href="/" class="back-link">
        {t.backHome}
      </Link>
    </>
  );
}
