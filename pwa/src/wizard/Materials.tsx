/**
 * The materials step: each material the included services need, with a file input that offers
 * the phone's camera or its files. Uploads need a signed-in resident (they belong to them); a
 * material not uploaded here can still be brought later (the department may accept with it
 * pending), so the resident can always go on to the review.
 */
import { useState } from "preact/hooks";
import { signIn, useAuth } from "../auth/session";
import { useI18n } from "../i18n/context";
import { Link, paths, usePageFocus, useTitle } from "../router";
import { fetchForm } from "./api";
import { BackLink, LoadState, SaveStatus } from "./common";
import { useDraft } from "./draft";
import { formRequest, requestKey, useLoad } from "./hooks";
import { neededMaterials, visibleSections, type MaterialModel } from "./model";
import { ACCEPTED_TYPES, uploadMaterial, type UploadResult } from "./upload";

type Progress = { kind: "idle" } | { kind: "uploading" } | UploadResult;

function MaterialItem({ bundleId, material }: { bundleId: string; material: MaterialModel }) {
  const { locale, t } = useI18n();
  const [draft, update] = useDraft(bundleId);
  const [progress, setProgress] = useState<Progress>({ kind: "idle" });
  const id = `material-${material.id}`;
  const done = draft.materials[material.id] !== undefined;

  const onFile = async (event: Event): Promise<void> => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setProgress({ kind: "uploading" });
    const result = await uploadMaterial(bundleId, material.id, file);
    input.value = "";
    setProgress(result);
    if (result.kind === "verified") {
      update((current) => ({ ...current, materials: { ...current.materials, [material.id]: result.id } }));
    }
  };

  let message: string | null = null;
  let problem = false;
  switch (progress.kind) {
    case "uploading":
      message = t.uploading;
      break;
    case "verified":
      message = t.uploaded;
      break;
    case "refused":
      message = t.uploadRefused;
      problem = true;
      break;
    case "badType":
      message = t.uploadBadType;
      problem = true;
      break;
    case "tooLarge":
      message = t.uploadTooLarge(Math.floor(progress.maxBytes / 1_000_000));
      problem = true;
      break;
    case "offline":
      message = t.uploadOffline;
      problem = true;
      break;
    case "failed":
      message = t.uploadFailed;
      problem = true;
      break;
  }
  if (message === null && done) message = t.uploaded;
  return (
    <li class={problem ? "material field field--error" : "material field"}>
      <p class="field__label" id={`${id}-name`}>
        {material.label[locale]}
        {material.required ? null : <span class="field__optional">{t.materialIfAny}</span>}
      </p>
      {material.replacedBy.length > 0 ? (
        <p class="field__hint">{t.materialReplacedBy(material.replacedBy.map((r) => r[locale]).join(t.listSeparator))}</p>
      ) : null}
      <p class={problem ? "field__error" : "material__status"} id={`${id}-status`} role="status">
        {message ?? t.notUploaded}
      </p>
      {/* The browser's own file button speaks the browser's language: ours is a label for a
          visually hidden (still focusable) input, so the words come from the catalog. */}
      <input
        class="file-input"
        type="file"
        id={id}
        name={id}
        accept={ACCEPTED_TYPES.join(",")}
        aria-describedby={`${id}-status`}
        disabled={progress.kind === "uploading"}
        onChange={(event) => void onFile(event)}
      />
      <label class="button file-button" for={id}>
        {done ? t.uploadAgain : t.chooseFile}
        <span class="visually-hidden"> {material.label[locale]}</span>
      </label>
    </li>
  );
}

export function MaterialsPage({ bundleId }: { bundleId: string }) {
  const { locale, t } = useI18n();
  const auth = useAuth();
  const [draft] = useDraft(bundleId);
  const request = formRequest(draft);
  const [form, retry] = useLoad(`form:${bundleId}:${requestKey(request)}`, () =>
    fetchForm(bundleId, request, locale),
  );
  useTitle(form.kind === "ok" ? t.materialsTitle : null, t.documentTitle);
  usePageFocus(form.kind === "ok");
  if (form.kind !== "ok") return <LoadState kind={form.kind} onRetry={retry} />;

  const sections = visibleSections(form.value, draft.situation);
  const last = sections[sections.length - 1];
  const materials = neededMaterials(form.value, new Set(form.value.services), draft.situation);
  return (
    <>
      <BackLink href={last ? paths.form(bundleId, last.id) : paths.intro(bundleId)} label={t.back} />
      <h1 class="page-title">{t.materialsTitle}</h1>
      <SaveStatus bundleId={bundleId} />
      {materials.length === 0 ? <p>{t.materialsNone}</p> : <p>{t.materialsIntro}</p>}
      {materials.length > 0 && !auth.signedIn ? (
        <div class="panel">
          <p>{t.signInToUpload}</p>
          <button type="button" class="button" onClick={() => void signIn()}>
            {t.signIn}
          </button>
        </div>
      ) : (
        <ul class="plain-list materials-upload">
          {materials.map((m) => (
            <MaterialItem key={m.id} bundleId={bundleId} material={m} />
          ))}
        </ul>
      )}
      <Link href={paths.review(bundleId)} class="button button--primary">
        {t.toReview}
      </Link>
    </>
  );
}
