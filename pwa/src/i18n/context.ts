import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { DEFAULT_LOCALE, messagesFor, type Locale, type Messages } from "./index";

export interface I18n {
  locale: Locale;
  t: Messages;
}

export const I18nContext = createContext<I18n>({
  locale: DEFAULT_LOCALE,
  t: messagesFor(DEFAULT_LOCALE),
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
