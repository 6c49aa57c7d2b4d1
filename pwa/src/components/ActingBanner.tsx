import { stopActing, useAuth } from "../auth/session";
import { useI18n } from "../i18n/context";
import { navigate, paths } from "../router";

/** While an agent acts for a resident, every page says so, with the way to stop. */
export function ActingBanner() {
  const { t } = useI18n();
  const { acting } = useAuth();
  if (!acting) return null;
  return (
    <div class="acting-banner">
      <p class="acting-banner__text">{t.actingFor(acting.label)}</p>
      <button
        type="button"
        class="account__button acting-banner__stop"
        onClick={() => {
          stopActing();
          navigate(paths.agent());
        }}
      >
        {t.stopActing}
      </button>
    </div>
  );
}
