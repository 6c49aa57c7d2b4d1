import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../i18n/context";

function online(): boolean {
  try {
    return navigator.onLine;
  } catch {
    return true;
  }
}

/** Says so while the phone has no network: answers stay on this page and are saved later. */
export function OfflineNotice() {
  const { t } = useI18n();
  const [isOnline, setOnline] = useState(online);
  useEffect(() => {
    const update = (): void => setOnline(online());
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return (
    <div class="offline-slot" role="status">
      {isOnline ? null : (
        <p class="offline-notice">
          <strong>{t.offlineTitle}</strong> {t.offlineText}
        </p>
      )}
    </div>
  );
}
