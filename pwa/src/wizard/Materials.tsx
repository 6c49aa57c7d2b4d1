/**
 * The materials step: each material the included services need, with a file input that offers
 * the phone's camera or its files, or — where the resident may use an e-licence that replaces
 * it (their own, their children's, one shared with them) — "use my e-licence instead"
 * (用电子证照代替), linked to the server draft. Uploads and links need a signed-in resident.
 * Where exactly the e-licences the server offers can stand in, the page links one by itself
 * (材料免提交: the resident's own first, e.g. her marriage certificate rather than his) and says
 * so at the material; "upload instead" takes it back, and a material the resident took back
 * is never linked again by itself. Every required material must be provided before the
 * submission is accepted; the submission's problems with a material are shown at it.
 */
import { useEffect, useState } from "preact/hooks";
import { signIn, useAuth } from "../auth/session";
import { useI18n } from "../i18n/context";
import { Link, paths, usePageFocus, useTitle } from "../router";
import { fetchForm } from "./api";
import { BackLink, LoadState, SaveStatus } from "./common";
import { getErrors, useDraft } from "./draft";
import { formRequest, requestKey, useLoad } from "./hooks";
import { neededMaterials, visibleSections, type MaterialModel } from "./model";
import { linkLicense, stopUsingLicense, useStandIns, type DraftMaterial, type StandIn } from "./standins";
import { ACCEPTED_TYPES, uploadMaterial, type UploadResult } from "./upload";

type Progress = { kind: "idle" } | { kind: "uploading" } | { kind: "linking" } | { kind: "linkFailed" } | UploadResult;

interface StandInProps {
  draftId: string | null;
  standIn: DraftMaterial | undefined;
  onStandIn: (material: DraftMaterial) => void;
}

/** The stand-in the page links by itself: the resident's own licence, else the only one. */
function automaticChoice({ license, choices }: DraftMaterial): StandIn | undefined {
  return license ? undefined : (choices.find((c) => c.relation === "holder") ?? (choices.length === 1 ? choices[0] : undefined));
}

function MaterialItem({
  bundleId,
  material,
  draftId,
  standIn,
  onStandIn,
}: { bundleId: string; material: MaterialModel } & StandInProps) {
  const { locale, t } = useI18n();
  const [draft, update] = useDraft(bundleId);
  const [progress, setProgress] = useState<Progress>({ kind: "idle" });
  const id = `material-${material.id}`;
  const linked = standIn?.license ?? null;
  const done = draft.materials[material.id] !== undefined || linked?.usable === true;
  const submitError = getErrors(bundleId).find((e) => e.field === `materials.${material.id}`);

  const link = async (licenseId: string | null): Promise<void> => {
    if (!draftId || !standIn) return;
    setProgress({ kind: "linking" });
    if (licenseId === null) {
      const ok = await stopUsingLicense(draftId, material.id);
      if (ok) {
        onStandIn({ ...standIn, license: null });
        update((current) =>
          current.ownMaterials.includes(material.id) ? current : { ...current, ownMaterials: [...current.ownMaterials, material.id] },
        );
      }
      setProgress({ kind: ok ? "idle" : "linkFailed" });
      return;
    }
    const changed = await linkLicense(draftId, material.id, licenseId);
    if (changed) onStandIn(changed);
    setProgress({ kind: changed ? "idle" : "linkFailed" });
  };

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
    case "linkFailed":
      message = progress.kind === "failed" ? t.uploadFailed : t.licenseFailed;
      problem = true;
      break;
  }
  if (message === null && linked) {
    message = linked.usable ? t.licenseUsed(linked.name[locale], linked.holderName) : t.licenseUnusable;
    problem = !linked.usable;
  }
  if (message === null && submitError && !done) {
    message = submitError.message[locale];
    problem = true;
  }
  if (message === null && done) message = t.uploaded;
  const busy = progress.kind === "uploading" || progress.kind === "linking";
  const choices = (standIn?.choices ?? []).filter((c) => c.id !== linked?.id);
  return (
    <li class={problem ? "material field field--error" : "material field"} id={`${id}-item`}>
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
      {linked ? <p class="material__license">{t.licenseIdentifier(linked.identifier)}</p> : null}
      {linked ? (
        <button type="button" class="button file-button" disabled={busy} onClick={() => void link(null)}>
          {t.uploadInstead}
          <span class="visually-hidden"> {material.label[locale]}</span>
        </button>
      ) : (
        <>
          {/* The browser's own file button speaks the browser's language: ours is a label for a
              visually hidden (still focusable) input, so the words come from the catalog. */}
          <input
            class="file-input"
            type="file"
            id={id}
            name={id}
            accept={ACCEPTED_TYPES.join(",")}
            aria-describedby={`${id}-status`}
            disabled={busy}
            onChange={(event) => void onFile(event)}
          />
          <label class="button file-button" for={id}>
            {done ? t.uploadAgain : t.chooseFile}
            <span class="visually-hidden"> {material.label[locale]}</span>
          </label>
        </>
      )}
      {choices.length > 0 ? (
        <div class="material__licenses" role="group" aria-labelledby={`${id}-licenses`}>
          <p class="field__hint" id={`${id}-licenses`}>
            {t.licenseInstead}
          </p>
          {choices.map((choice) => (
            <button
              type="button"
              class="button file-button"
              key={choice.id}
              disabled={busy}
              data-license={choice.id}
              onClick={() => void link(choice.id)}
            >
              {t.useLicense(choice.name[locale], choice.holderName)}
              <span class="visually-hidden"> {material.label[locale]}</span>
            </button>
          ))}
        </div>
      ) : null}
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
  const [standIns, onStandIn] = useStandIns(bundleId, draft, auth.signedIn);
  const [linking, setLinking] = useState(true); // until the page's own links are made
  useEffect(() => {
    if (form.kind !== "ok" || !standIns) return;
    const links = neededMaterials(form.value, new Set(form.value.services), draft.situation).map(async ({ id }) => {
      const entry = standIns.materials.get(id);
      const choice = entry && !draft.materials[id] && !draft.ownMaterials.includes(id) ? automaticChoice(entry) : undefined;
      const changed = choice ? await linkLicense(standIns.draftId, id, choice.id) : null;
      if (changed) onStandIn(changed); // else the resident can still choose it by hand
    });
    void Promise.all(links).then(() => setLinking(false));
  }, [form.kind, standIns?.draftId]);
  useTitle(form.kind === "ok" ? t.materialsTitle : null, t.documentTitle);
  usePageFocus(form.kind === "ok");
  if (form.kind !== "ok") return <LoadState kind={form.kind} onRetry={retry} />;

  const sections = visibleSections(form.value, draft.situation);
  const last = sections[sections.length - 1];
  const materials = neededMaterials(form.value, new Set(form.value.services), draft.situation);
  const draftId = standIns?.draftId ?? null;
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
        <ul class="plain-list materials-upload" aria-busy={linking ? "true" : "false"}>
          {materials.map((m) => (
            <MaterialItem
              key={m.id}
              bundleId={bundleId}
              material={m}
              draftId={draftId}
              standIn={standIns?.materials.get(m.id)}
              onStandIn={onStandIn}
            />
          ))}
        </ul>
      )}
      <Link href={paths.review(bundleId)} class="button button--primary">
        {t.toReview}
      </Link>
    </>
  );
}
