/** "Remember for next time": the answers the catalog lets a resident keep (contact details and
 * addresses, `x-rememberable`) go to their profile when they tick the box and submit. */
import { authFetch } from "../auth/session";
import type { Draft } from "./draft";
import type { SectionModel } from "./model";

export async function rememberAnswers(sections: SectionModel[], draft: Draft): Promise<boolean> {
  const facts: Record<string, string> = {};
  for (const section of sections) {
    for (const field of section.fields) {
      const value = draft.answers[section.id]?.[field.name]?.trim();
      if (field.remember && value) facts[field.id] = value;
    }
  }
  try {
    const response = await authFetch("/api/v1/me/profile", {
      method: "PUT",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ facts }),
    });
    return response.ok;
  } catch {
    return false; // the application is in; only next time's prefill is lost
  }
}
