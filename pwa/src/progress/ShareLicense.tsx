/**
 * 授权他人使用: the holder lets one person (the other parent, by the ID number of their
 * account) use this e-license for one life event, for 30 days — in Fujian the father shares
 * his ID card with the mother this way, so she can apply alone and the form fills itself.
 */
import { useState } from "preact/hooks";
import { fetchBundles, type BundleSummary } from "../api/bundles";
import { authFetch } from "../auth/session";
import { useI18n } from "../i18n/context";
import { useLoad } from "../wizard/hooks";
import { isRecord } from "../wizard/model";
import { formatDate } from "./format";

const DAYS = 30;

type Shared = { kind: "idle" } | { kind: "ok"; until: string } | { kind: "invalid"; message: string | null } | { kind: "failed" };

export function ShareLicense({ licenseId }: { licenseId: string }) {
  const { locale, t } = useI18n();
  const [bundles] = useLoad<BundleSummary[]>("bundles", () =>
    fetchBundles().then((r) => (r.kind === "ok" ? { kind: "ok" as const, value: r.bundles } : { kind: "unavailable" as const })),
  );
  const [idNumber, setIdNumber] = useState("");
  const [purpose, setPurpose] = useState("");
  const [shared, setShared] = useState<Shared>({ kind: "idle" });
  const list = bundles.kind === "ok" ? bundles.value : [];
  const chosen = purpose || list[0]?.id || "";
  const onShare = async (event: Event): Promise<void> => {
    event.preventDefault();
    const until = new Date(Date.now() + DAYS * 86_400_000).toISOString();
    try {
      const response = await authFetch(`/api/v1/wallet/licenses/${encodeURIComponent(licenseId)}/grants`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ purpose: chosen, valid_until: until, grantee_id_number: idNumber.trim().toUpperCase() }),
      });
      const body: unknown = await response.json().catch(() => null);
      if (response.ok) return setShared({ kind: "ok", until: until.slice(0, 10) });
      const first: unknown = isRecord(body) && Array.isArray(body["errors"]) ? body["errors"][0] : null;
      const message = isRecord(first) && typeof first["message"] === "string" ? first["message"] : isRecord(body) && typeof body["detail"] === "string" ? body["detail"] : null;
      setShared(response.status < 500 ? { kind: "invalid", message } : { kind: "failed" });
    } catch {
      setShared({ kind: "failed" });
    }
  };
  const error = shared.kind === "invalid" ? (shared.message ?? t.decisionRefused) : null;
  return (
    <form class="form share" onSubmit={(e) => void onShare(e)} autoComplete="off">
      <h2 class="intro__heading">{t.shareTitle}</h2>
      <p class="field__hint">{t.shareHint(DAYS)}</p>
      <div class={error ? "field field--error" : "field"}>
        <label class="field__label" for="share-id-number">
          {t.shareIdNumber}
        </label>
        {error ? (
          <p class="field__error" id="share-id-number-error">
            {error}
          </p>
        ) : null}
        <input
          class="input input--w20"
          id="share-id-number"
          maxLength={18}
          value={idNumber}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? "share-id-number-error" : undefined}
          onInput={(e) => setIdNumber(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label class="field__label" for="share-purpose">
          {t.sharePurpose}
        </label>
        <select class="select" id="share-purpose" value={chosen} onChange={(e) => setPurpose(e.currentTarget.value)}>
          {list.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name[locale]}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="button">
        {t.shareButton}
      </button>
      <p role="status" class="share__status">
        {shared.kind === "ok" ? t.shared(formatDate(shared.until, locale)) : shared.kind === "failed" ? t.decisionFailed : ""}
      </p>
    </form>
  );
}
