/**
 * Suggested answers the resident only confirms, each shown with its reason at the field:
 * defaults nearly everyone keeps (this year's premium for a newborn's insurance, one baby),
 * filled once with the wallet's values (prefill.ts), and the child's relationship to a
 * household head who is one of the parents — son or daughter by the child's sex, following
 * the sex while the resident has not chosen another relationship. (What follows from
 * licenses, such as the parents' ethnic group, the server's prefill gives.)
 */
import { messagesFor } from "../i18n";
import type { Draft } from "./draft";

const [zhCN, en] = [messagesFor("zh-CN"), messagesFor("en")];

/** Element id -> default value, for fields the wallet left empty. */
export function defaults(): Record<string, string> {
  // A newborn is insured, and its premium paid, for the year it is born in (China time).
  return { "insurance.premium_year": String(new Date(Date.now() + 288e5).getUTCFullYear()), "maternity.fetus_count": "1" };
}

function relation({ answers: a }: Draft): string | undefined {
  const id = (v: string | undefined): string => (v ?? "").trim().toUpperCase(); // x and X alike
  const head = id(a["household"]?.["head_id_number"]);
  const parent = head !== "" && (head === id(a["father"]?.["id_number"]) || head === id(a["mother"]?.["id_number"]));
  return parent ? { male: "20", female: "30" }[a["child"]?.["sex"] ?? ""] : undefined; // GB/T 4761: 子, 女
}

/** `after` (a change of `before`) with the child's relationship to the head suggested. */
export function withRelation(before: Draft, after: Draft): Draft {
  const [now, current] = [relation(after), after.answers["child"]?.["relation_to_head"] ?? ""];
  if (now === undefined || now === current || (current !== "" && current !== relation(before))) return after;
  return {
    ...after,
    answers: { ...after.answers, child: { ...after.answers["child"], relation_to_head: now } },
    prefilled: { ...after.prefilled, "child.relation_to_head": { "zh-CN": zhCN.suggestedFromHead, en: en.suggestedFromHead } },
  };
}
