/** Typed input -> the JSON the API expects, and answers -> what the review page shows. */
import type { Locale } from "../i18n";
import type { Messages } from "../i18n/types";
import type { Draft } from "./draft";
import {
  SITUATION_SECTION,
  type FieldModel,
  type FormModel,
  type SectionModel,
  situationAnswers,
} from "./model";

const INTEGER = /^[+-]?[0-9]+$/;
const LOCAL_DATETIME = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2})(:[0-9]{2})?$/;
// Times are entered as China Standard Time, the time zone of every department served.
const CHINA_OFFSET = "+08:00";

/** Normalise while typing: ID numbers in capitals, no spaces in codes and numbers. */
export function normaliseInput(field: FieldModel, raw: string): string {
  switch (field.kind) {
    case "idcard":
      return raw.replace(/\s+/g, "").toUpperCase();
    case "phone":
    case "region":
    case "bankcard":
      return raw.replace(/\s+/g, "");
    default:
      return raw;
  }
}

/** The value sent for one answer; undefined when unanswered (the key is left out). */
export function toApiValue(field: FieldModel, raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  const value = field.kind === "textarea" ? raw.trim() : normaliseInput(field, raw).trim();
  if (value === "") return undefined;
  switch (field.kind) {
    case "integer":
      // Anything else goes as typed, so the server explains what is wrong with it.
      return INTEGER.test(value) ? Number.parseInt(value, 10) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    case "datetime": {
      const match = LOCAL_DATETIME.exec(value);
      return match ? `${match[1]}T${match[2]}${match[3] ?? ":00"}${CHINA_OFFSET}` : value;
    }
    default:
      return value;
  }
}

/**
 * The `answers` object for `/validate`: only sections and fields this resident is asked (an
 * answer to a hidden field is refused by the server), with the situation answers.
 */
export function buildAnswers(
  model: FormModel,
  sections: SectionModel[],
  draft: Draft,
): Record<string, Record<string, unknown>> {
  const answers: Record<string, Record<string, unknown>> = {};
  if (Object.keys(model.situationDefaults).length > 0) {
    answers[SITUATION_SECTION] = situationAnswers(model, draft.situation);
  }
  for (const section of sections) {
    const given = draft.answers[section.id] ?? {};
    const values: Record<string, unknown> = {};
    for (const field of section.fields) {
      const value = toApiValue(field, given[field.name]);
      if (value !== undefined) values[field.name] = value;
    }
    if (Object.keys(values).length > 0) answers[section.id] = values;
  }
  return answers;
}

/** An answer as the review page shows it, or null when unanswered. */
export function displayValue(
  field: FieldModel,
  raw: string | undefined,
  locale: Locale,
  t: Messages,
): string | null {
  if (raw === undefined || raw.trim() === "") return null;
  const value = raw.trim();
  switch (field.kind) {
    case "select":
    case "radio":
      return field.options.find((o) => o.value === value)?.label[locale] ?? value;
    case "boolean":
      return value === "true" ? t.yes : value === "false" ? t.no : value;
    case "datetime":
      return value.replace("T", " ");
    case "integer":
    case "money":
      return field.unit ? `${value} ${field.unit[locale]}` : value;
    default:
      return value;
  }
}

/** "today", "today-1y", "today+30d", "2020-01-01" -> an ISO date for a date picker's min/max. */
export function resolveDate(text: string | null, today: Date = new Date()): string | null {
  if (text === null) return null;
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return text;
  const match = /^today(?:([+-][0-9]+)([dmy]))?$/.exec(text);
  if (!match) return null;
  const date = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const amount = match[1] ? Number.parseInt(match[1], 10) : 0;
  if (match[2] === "d") date.setDate(date.getDate() + amount);
  if (match[2] === "m") date.setMonth(date.getMonth() + amount);
  if (match[2] === "y") date.setFullYear(date.getFullYear() + amount);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
