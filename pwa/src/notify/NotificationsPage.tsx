/**
 * 消息: the resident's in-app messages (newest first, unread marked, "mark read"), how they want
 * to be told (push, SMS, language) and push on this phone (a Web Push subscription).
 */
import { useEffect, useState } from "preact/hooks";
import { signIn, useAuth } from "../auth/session";
import { setUnread } from "../components/unread";
import { useI18n } from "../i18n/context";
import { Link, paths, usePageFocus, useTitle } from "../router";
import { formatDateTime } from "../progress/format";
import { BackLink, LoadState } from "../wizard/common";
import { Checkbox, RadioGroup } from "../wizard/fields";
import { useLoad } from "../wizard/hooks";
import { fetchMessages, fetchPreferences, markRead, savePreferences, turnOnPush, type Message, type Preferences, type PushOutcome } from "./api";

function PreferencesForm() {
  const { t } = useI18n();
  const [loaded] = useLoad<Preferences>("notify-preferences", () =>
    fetchPreferences().then((p) => (p ? { kind: "ok" as const, value: p } : { kind: "unavailable" as const })),
  );
  const [draft, setDraft] = useState<Preferences | null>(null);
  const [saved, setSaved] = useState<"saved" | "failed" | null>(null);
  const [push, setPush] = useState<PushOutcome | "checking" | "off">("checking");
  useEffect(() => {
    // Already subscribed on this phone? (No prompt: getSubscription asks nothing.)
    void (async () => {
      try {
        const registration = await navigator.serviceWorker.getRegistration("/");
        setPush((await registration?.pushManager.getSubscription()) ? "on" : "off");
      } catch {
        setPush("off");
      }
    })();
  }, []);
  if (loaded.kind !== "ok") return loaded.kind === "loading" ? null : <p>{t.loadFailed}</p>;
  const value = draft ?? loaded.value;
  const change = (next: Partial<Preferences>): void => {
    setDraft({ ...value, ...next });
    setSaved(null);
  };
  const onSave = async (event: Event): Promise<void> => {
    event.preventDefault();
    setSaved((await savePreferences(value)) ? "saved" : "failed");
  };
  const pushText =
    push === "on" ? t.pushOn : push === "denied" ? t.pushDenied : push === "unsupported" || push === "failed" ? t.pushUnavailable : null;
  return (
    <section aria-labelledby="preferences-heading">
      <h2 id="preferences-heading" class="intro__heading">
        {t.notifyPreferences}
      </h2>
      <form class="form" onSubmit={(e) => void onSave(e)}>
        <Checkbox id="pref-push" label={t.prefPush} checked={value.push} onChange={(push) => change({ push })} />
        <Checkbox id="pref-sms" label={t.prefSms} checked={value.sms} onChange={(sms) => change({ sms })} />
        <RadioGroup
          id="pref-language"
          legend={t.prefLanguage}
          hint={null}
          error={null}
          choices={[
            { value: "zh-CN", label: t.languageZh },
            { value: "en", label: t.languageEn },
          ]}
          value={value.language}
          onChange={(language) => change({ language: language === "en" ? "en" : "zh-CN" })}
        />
        <button type="submit" class="button button--primary">
          {t.save}
        </button>
        <p class="save-status" role="status">
          {saved === "saved" ? t.prefsSaved : saved === "failed" ? t.decisionFailed : ""}
        </p>
      </form>
      <h3 class="intro__heading">{t.pushOnThisPhone}</h3>
      <p class="push-status" role="status">
        {pushText ?? t.pushHint}
      </p>
      {push !== "on" ? (
        <button type="button" class="button" disabled={push === "checking"} onClick={() => void turnOnPush().then(setPush)}>
          {t.pushTurnOn}
        </button>
      ) : null}
    </section>
  );
}

export function NotificationsPage() {
  const { locale, t } = useI18n();
  const auth = useAuth();
  const [state, reload] = useLoad<{ messages: Message[]; unread: number }>(`messages:${auth.signedIn ? "in" : "out"}`, () =>
    auth.signedIn
      ? fetchMessages().then((m) => (m ? { kind: "ok" as const, value: m } : { kind: "unavailable" as const }))
      : null,
  );
  useEffect(() => {
    if (state.kind === "ok") setUnread(state.value.unread);
  }, [state]);
  useTitle(t.messagesTitle, t.documentTitle);
  usePageFocus(!auth.signedIn || state.kind !== "loading");
  if (!auth.signedIn) {
    return (
      <>
        <BackLink href={paths.home()} label={t.backHome} />
        <h1 class="page-title">{t.messagesTitle}</h1>
        <p>{t.signInToSee}</p>
        <button type="button" class="button button--primary" onClick={() => void signIn()}>
          {t.signIn}
        </button>
      </>
    );
  }
  if (state.kind !== "ok") return <LoadState kind={state.kind} onRetry={reload} />;
  const { messages, unread } = state.value;
  return (
    <>
      <BackLink href={paths.home()} label={t.backHome} />
      <h1 class="page-title">{t.messagesTitle}</h1>
      <p>{messages.length === 0 ? t.noMessages : t.unreadCount(unread)}</p>
      <ul class="plain-list cards messages">
        {messages.map((m) => (
          <li key={m.id} class={m.read ? "card message" : "card message message--unread"}>
            <p class="message__title">
              {m.read ? null : <span class="tag tag--unread">{t.unreadTag}</span>} {m.title}
            </p>
            <p>{m.body}</p>
            <p class="card__meta">{formatDateTime(m.createdAt, locale)}</p>
            {m.applicationId ? (
              <Link href={paths.application(m.applicationId)} class="card__action">
                {t.viewApplication}
              </Link>
            ) : null}
            {m.read ? null : (
              <button type="button" class="button" onClick={() => void markRead(m.id).then(reload)}>
                {t.markRead}
              </button>
            )}
          </li>
        ))}
      </ul>
      <PreferencesForm />
    </>
  );
}
