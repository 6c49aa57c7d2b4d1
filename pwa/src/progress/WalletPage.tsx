/** 卡包: the licenses I hold (or hold for my child, or were shared with me), each with its face,
 * its verify page (the QR's target) and annotated copies for a stated reason (事由). */
import { useState } from "preact/hooks";
import { useI18n } from "../i18n/context";
import { Link, paths, usePageFocus, useTitle } from "../router";
import { BackLink, LoadState } from "../wizard/common";
import { useLoad } from "../wizard/hooks";
import { formatDate } from "./format";
import { QrCode } from "./QrCode";
import { ShareLicense } from "./ShareLicense";
import { fetchLicense, fetchWallet, requestCopy, type CopyResult } from "./wallet";

export function WalletPage() {
  const { locale, t } = useI18n();
  const [wallet, retry] = useLoad("wallet", fetchWallet);
  useTitle(t.walletTitle, t.documentTitle);
  usePageFocus(wallet.kind !== "loading");
  if (wallet.kind !== "ok") return <LoadState kind={wallet.kind} onRetry={retry} />;
  return (
    <>
      <BackLink href={paths.home()} label={t.backHome} />
      <h1 class="page-title">{t.walletTitle}</h1>
      {wallet.value.length === 0 ? <p>{t.walletEmpty}</p> : null}
      <ul class="plain-list cards wallet">
        {wallet.value.map((l) => (
          <li key={l.id} class="card">
            <Link href={paths.license(l.id)} class="card__link">
              <span class="card__title">{l.name[locale]}</span>
              <span class="card__meta">{l.holderName}</span>
              <span class="card__meta">{l.issuer[locale]}</span>
              <span class="card__meta">
                <span class={`tag tag--${l.status}`}>{l.statusLabel[locale]}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export function LicensePage({ licenseId }: { licenseId: string }) {
  const { locale, t } = useI18n();
  const [detail, retry] = useLoad(`license:${licenseId}`, () => fetchLicense(licenseId));
  const [reason, setReason] = useState("");
  const [copy, setCopy] = useState<CopyResult | { kind: "idle" } | { kind: "busy" }>({ kind: "idle" });
  useTitle(detail.kind === "ok" ? detail.value.item.name[locale] : null, t.documentTitle);
  usePageFocus(detail.kind === "ok");
  if (detail.kind !== "ok") return <LoadState kind={detail.kind} onRetry={retry} />;
  const { item, face, verifyUrl } = detail.value;

  const onCopy = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (copy.kind === "busy") return;
    setCopy({ kind: "busy" });
    setCopy(await requestCopy(item.id, reason.trim()));
  };

  return (
    <>
      <BackLink href={paths.wallet()} label={t.walletTitle} />
      <h1 class="page-title">{item.name[locale]}</h1>
      <p>
        <span class={`tag tag--${item.status}`}>{item.statusLabel[locale]}</span>
      </p>
      <dl class="summary">
        {face.map((f) => (
          <div class="summary__row" key={f.label}>
            <dt class="summary__key">{f.label}</dt>
            <dd class="summary__value">{f.value}</dd>
          </div>
        ))}
        <div class="summary__row">
          <dt class="summary__key">{t.licenseNumber}</dt>
          <dd class="summary__value">{item.number}</dd>
        </div>
        <div class="summary__row">
          <dt class="summary__key">{t.licenseIssuer}</dt>
          <dd class="summary__value">{item.issuer[locale]}</dd>
        </div>
        <div class="summary__row">
          <dt class="summary__key">{t.licenseIssuedOn}</dt>
          <dd class="summary__value">{item.issuedOn ? formatDate(item.issuedOn, locale) : ""}</dd>
        </div>
      </dl>
      <figure class="qr-figure">
        <QrCode text={verifyUrl} label={t.licenseQrLabel(item.name[locale], verifyUrl)} />
        <figcaption class="field__hint">{t.licenseQrHint}</figcaption>
      </figure>
      <a class="button" href={verifyUrl}>
        {t.licenseVerify}
      </a>
      <form class="form" onSubmit={(e) => void onCopy(e)}>
        <div class={copy.kind === "invalid" ? "field field--error" : "field"}>
          <label class="field__label" for="copy-reason">
            {t.copyReason}
          </label>
          <p class="field__hint" id="copy-reason-hint">
            {t.copyReasonHint}
          </p>
          {copy.kind === "invalid" ? (
            <p class="field__error" id="copy-reason-error">
              {copy.detail ?? t.decisionRefused}
            </p>
          ) : null}
          <input
            class="input"
            id="copy-reason"
            value={reason}
            maxLength={100}
            aria-describedby={copy.kind === "invalid" ? "copy-reason-hint copy-reason-error" : "copy-reason-hint"}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button button--primary" disabled={copy.kind === "busy"}>
          {t.copyRequest}
        </button>
      </form>
      <div role="status">
        {copy.kind === "ok" ? (
          <p>
            <a class="link" href={copy.url}>
              {t.copyDownload(copy.expiresOn ? formatDate(copy.expiresOn, locale) : "")}
            </a>
          </p>
        ) : null}
        {copy.kind === "failed" ? <p class="notice">{t.decisionFailed}</p> : null}
      </div>
      {item.relation === "holder" ? <ShareLicense licenseId={item.id} /> : null}
    </>
  );
}
