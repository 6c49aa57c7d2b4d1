/** The clerk's inbox: the department's undecided tasks, earliest due date first. */
import { useEffect, useState } from "preact/hooks";
import { clerkMessages } from "../i18n/clerk";
import { useI18n } from "../i18n/context";
import { Link, paths, usePageFocus, useTitle } from "../router";
import { formatDate } from "../progress/format";
import { LoadState } from "../wizard/common";
import { useLoad } from "../wizard/hooks";
import type { Localized } from "../wizard/model";
import { fetchInbox, fetchServiceInfo } from "./api";

/** Service names for a list of service ids, filled in as they arrive. */
export function useServiceNames(ids: string[]): Map<string, Localized> {
  const [names, setNames] = useState(new Map<string, Localized>());
  const key = [...new Set(ids)].sort().join(",");
  useEffect(() => {
    let current = true;
    for (const id of new Set(ids)) {
      void fetchServiceInfo(id).then((info) => {
        if (current && info) setNames((before) => new Map(before).set(id, info.name));
      });
    }
    return () => {
      current = false;
    };
  }, [key]);
  return names;
}

export function InboxPage() {
  const { locale, t } = useI18n();
  const c = clerkMessages[locale];
  const [inbox, retry] = useLoad("inbox", fetchInbox);
  const items = inbox.kind === "ok" ? inbox.value : [];
  const names = useServiceNames(items.map((i) => i.service));
  useTitle(t.inboxTitle, t.documentTitle);
  usePageFocus(inbox.kind !== "loading");
  if (inbox.kind !== "ok") return <LoadState kind={inbox.kind} onRetry={retry} />;
  return (
    <>
      <h1 class="page-title">{t.inboxTitle}</h1>
      <p>{c.inboxIntro(items.length)}</p>
      <ul class="plain-list cards inbox">
        {items.map((item) => (
          <li key={item.taskId} class={item.overdue ? "card card--overdue" : "card"}>
            <Link href={paths.clerkTask(item.taskId)} class="card__link">
              <span class="card__title">{names.get(item.service)?.[locale] ?? item.service}</span>
              <span class="card__meta">{t.taskStates[item.state] ?? item.state}</span>
              <span class="card__meta">
                {item.dueOn ? c.dueOn(formatDate(item.dueOn, locale)) : t.notYet}
                {item.overdue ? <span class="task__late"> {t.overdue}</span> : null}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <button type="button" class="button" onClick={retry}>
        {c.refresh}
      </button>
    </>
  );
}
