/**
 * GOV.UK's error summary: at the top of the page, focused after a failed "continue", one link
 * per problem that moves focus to the field (its label scrolled into view above it).
 */
import type { Ref } from "preact";
import { useI18n } from "../i18n/context";
import { focusField, navigate } from "../router";

export interface SummaryItem {
  key: string;
  message: string;
  /** "#field-…" on this page, or a path to another page (with its own #fragment). */
  href: string;
}

export function ErrorSummary({
  items,
  summaryRef,
}: {
  items: SummaryItem[];
  summaryRef: Ref<HTMLDivElement>;
}) {
  const { t } = useI18n();
  if (items.length === 0) return null;
  const onClick = (event: MouseEvent, href: string): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (!href.startsWith("#")) {
      navigate(href);
      return;
    }
    const target = document.getElementById(href.slice(1));
    if (target) focusField(target);
  };
  return (
    <div
      class="error-summary"
      ref={summaryRef}
      tabindex={-1}
      role="alert"
      aria-labelledby="error-summary-title"
    >
      <h2 class="error-summary__title" id="error-summary-title">
        {t.errorSummaryTitle}
      </h2>
      <ul class="error-summary__list">
        {items.map((item) => (
          <li key={item.key}>
            <a class="error-summary__link" href={item.href} onClick={(event) => onClick(event, item.href)}>
              {item.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
