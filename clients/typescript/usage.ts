// A typed use of the client generated from openapi/openapi.json: what a mini-app's TypeScript
// would write. tsc checks it against the generated types, so a renamed path, field or status
// in the API breaks this file; the @ts-expect-error lines prove the types are not `any`
// (tsc fails when an expected error does not happen).
import createClient from "openapi-fetch";
import type { components, operations, paths } from "./generated/schema";

type DraftCreate = components["schemas"]["DraftCreate"];
type DraftView = components["schemas"]["DraftView"];
type ApplicationView = components["schemas"]["ApplicationView"];
type Problem = components["schemas"]["ProblemDetails"];
type TaskState = components["schemas"]["TaskView"]["state"];
type DraftConflict =
  operations["saveDraft"]["responses"][412]["content"]["application/problem+json"];

const api = createClient<paths>({ baseUrl: "https://onething.example.gov.cn" });

export function describeProblem(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message_en}`);
  return fields.length > 0 ? fields.join("; ") : `${problem.status} ${problem.title}`;
}

export async function startNewbornDraft(token: string): Promise<DraftView> {
  const body: DraftCreate = {
    bundle: "newborn-birth",
    situation_answers: { born_in_province: "yes", parents_married: "yes" },
  };
  const { data, response } = await api.POST("/api/v1/drafts", {
    headers: { Authorization: `Bearer ${token}` },
    body,
  });
  if (data === undefined) {
    const problem = (await response.json()) as Problem;
    throw new Error(describeProblem(problem));
  }
  const version: number = data.version;
  console.log(`draft ${data.id} at version ${version}`);
  return data;
}

export async function taskStates(token: string, applicationId: string): Promise<TaskState[]> {
  const { data } = await api.GET("/api/v1/applications/{application_id}", {
    headers: { Authorization: `Bearer ${token}` },
    params: { path: { application_id: applicationId } },
  });
  const application: ApplicationView | undefined = data;
  return application ? application.tasks.map((task) => task.state) : [];
}

export const staleSave: DraftConflict = {
  type: "/problems/precondition-failed",
  title: "The resource changed; reload and retry",
  status: 412,
};

export async function misuses(token: string): Promise<void> {
  const headers = { Authorization: `Bearer ${token}` };
  // @ts-expect-error — `bundle` is required by DraftCreate
  await api.POST("/api/v1/drafts", { headers, body: { situation_answers: {} } });
  // @ts-expect-error — no such path in the API
  await api.GET("/api/v1/no-such-route", { headers });
  // @ts-expect-error — the path parameter is required
  await api.GET("/api/v1/applications/{application_id}", { headers });
  // @ts-expect-error — a draft's version is a number
  const version: string = (await startNewbornDraft(token)).version;
  console.log(version);
}
