/**
 * The merged form (JSON Schema 2020-12 with `x-` annotations from `POST /bundles/{id}/form`)
 * turned into what the wizard renders: sections of fields with labels in both languages, and
 * the in-form situations' `if`/`then` rules applied to hide or require fields.
 */
import type { Locale } from "../i18n";

export type Localized = Record<Locale, string>;

export type FieldKind =
  | "text"
  | "textarea"
  | "name"
  | "idcard"
  | "phone"
  | "region"
  | "bankcard"
  | "money"
  | "integer"
  | "date"
  | "datetime"
  | "select"
  | "radio"
  | "boolean"
  | "upload";

export interface Option {
  value: string;
  label: Localized;
}

export interface FieldModel {
  /** The data element id, e.g. "mother.id_number" (the `field` of validation errors). */
  id: string;
  section: string;
  name: string;
  label: Localized;
  help: Localized | null;
  kind: FieldKind;
  options: Option[];
  unit: Localized | null;
  required: boolean;
  minDate: string | null;
  maxDate: string | null;
  /** The resident may have it remembered for next time (`x-rememberable`). */
  remember: boolean;
}

export interface SectionModel {
  id: string;
  label: Localized;
  fields: FieldModel[];
}

export interface MaterialModel {
  id: string;
  label: Localized;
  services: string[];
  required: boolean;
  /** False when the material is produced inside the bundle (never asked of the resident). */
  asked: boolean;
  replacedBy: Localized[];
  excludedWhen: { situation: string; value: string }[];
}

export interface FormModel {
  bundleId: string;
  label: Localized;
  services: string[];
  situationLabel: Localized;
  /** The situation questions (all answered on the intro page) and their defaults. */
  situations: { id: string; label: Localized; options: Option[] }[];
  situationDefaults: Record<string, string>;
  optionalServices: { id: string; label: Localized }[];
  sections: SectionModel[];
  conditions: { if: unknown; then: unknown }[];
  materials: MaterialModel[];
}

export const SITUATION_SECTION = "situation";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A `{"zh-CN": …, "en": …}` pair; English falls back to Chinese, never the other way. */
export function localized(value: unknown): Localized | null {
  if (!isRecord(value)) return null;
  const zh = value["zh-CN"];
  const en = value["en"];
  if (typeof zh !== "string" || zh === "") return null;
  return { "zh-CN": zh, en: typeof en === "string" && en !== "" ? en : zh };
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function order(value: unknown): number {
  return isRecord(value) && typeof value["x-order"] === "number" ? value["x-order"] : 0;
}

function options(schema: Record<string, unknown>): Option[] {
  const list = Array.isArray(schema["oneOf"]) ? schema["oneOf"] : [];
  const result: Option[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const value = item["const"];
    const label =
      localized(item["x-label"]) ??
      (typeof item["title"] === "string" ? { "zh-CN": item["title"], en: item["title"] } : null);
    if (typeof value === "string" && label) result.push({ value, label });
  }
  if (result.length === 0 && Array.isArray(schema["enum"])) {
    for (const value of schema["enum"]) {
      if (typeof value === "string") result.push({ value, label: { "zh-CN": value, en: value } });
    }
  }
  return result;
}

const WIDGETS: Record<string, FieldKind> = {
  text: "text",
  textarea: "textarea",
  name: "name",
  idcard: "idcard",
  phone: "phone",
  region: "region",
  bankcard: "bankcard",
  money: "money",
  number: "integer",
  integer: "integer",
  date: "date",
  datetime: "datetime",
  select: "select",
  radio: "radio",
  checkbox: "boolean",
  boolean: "boolean",
  photo: "upload",
  file: "upload",
};

/** The widget hint decides; the schema's type and format are the fallback. */
export function fieldKind(schema: Record<string, unknown>, hasOptions: boolean): FieldKind {
  const widget = schema["x-widget"];
  if (typeof widget === "string" && widget in WIDGETS) return WIDGETS[widget] ?? "text";
  if (schema["type"] === "boolean") return "boolean";
  if (schema["type"] === "integer") return "integer";
  if (hasOptions) return "select";
  switch (schema["x-format"] ?? schema["format"]) {
    case "date":
      return "date";
    case "date-time":
      return "datetime";
    case "gb11643":
      return "idcard";
    case "cn-mobile":
      return "phone";
    case "gb2260":
      return "region";
    case "bank-card":
      return "bankcard";
    case "decimal-yuan":
      return "money";
    case "upload-ref":
      return "upload";
    default:
      return "text";
  }
}

function firstString(value: unknown): string | null {
  const list = strings(value);
  return list.length === 1 ? (list[0] ?? null) : null;
}

function parseField(section: string, name: string, raw: unknown, required: boolean): FieldModel | null {
  if (!isRecord(raw)) return null;
  const label = localized(raw["x-label"]);
  if (!label) return null;
  const choices = options(raw);
  return {
    id: typeof raw["x-element"] === "string" ? raw["x-element"] : `${section}.${name}`,
    section,
    name,
    label,
    help: localized(raw["x-help"]),
    kind: fieldKind(raw, choices.length > 0),
    options: choices,
    unit: localized(raw["x-unit-label"]),
    required,
    minDate: firstString(raw["x-min-date"]),
    maxDate: firstString(raw["x-max-date"]),
    remember: raw["x-rememberable"] === true,
  };
}

function parseMaterial(raw: unknown): MaterialModel | null {
  if (!isRecord(raw) || typeof raw["id"] !== "string") return null;
  const label = localized(raw["x-label"]);
  if (!label) return null;
  const replacedBy = Array.isArray(raw["replaced_by"])
    ? raw["replaced_by"].map((r) => (isRecord(r) ? localized(r["x-label"]) : null))
    : [];
  const excludedWhen = Array.isArray(raw["excluded_when"])
    ? raw["excluded_when"].flatMap((w) =>
        isRecord(w) && typeof w["situation"] === "string" && typeof w["value"] === "string"
          ? [{ situation: w["situation"], value: w["value"] }]
          : [],
      )
    : [];
  return {
    id: raw["id"],
    label,
    services: strings(raw["services"]),
    required: raw["required"] !== false,
    asked: raw["asked"] !== false,
    replacedBy: replacedBy.filter((r): r is Localized => r !== null),
    excludedWhen,
  };
}

/** The response of `POST /bundles/{id}/form`, or null when it is not a usable form. */
export function parseForm(body: unknown): FormModel | null {
  if (!isRecord(body) || !isRecord(body["schema"])) return null;
  const schema = body["schema"];
  const properties = schema["properties"];
  if (!isRecord(properties)) return null;
  const label = localized(schema["x-label"]);
  if (!label) return null;
  const sectionIds = strings(schema["x-sections"]);
  const ordered =
    sectionIds.length > 0
      ? sectionIds
      : Object.keys(properties).sort((a, b) => order(properties[a]) - order(properties[b]));

  const sections: SectionModel[] = [];
  const situationDefaults: Record<string, string> = {};
  const situations: FormModel["situations"] = [];
  let situationLabel: Localized = label;
  for (const id of ordered) {
    const section = properties[id];
    if (!isRecord(section) || !isRecord(section["properties"])) continue;
    const sectionLabel = localized(section["x-label"]);
    if (!sectionLabel) continue;
    const fieldSchemas = section["properties"];
    if (id === SITUATION_SECTION) {
      situationLabel = sectionLabel;
      for (const name of Object.keys(fieldSchemas).sort(
        (a, b) => order(fieldSchemas[a]) - order(fieldSchemas[b]),
      )) {
        const field = fieldSchemas[name];
        const fieldLabel = isRecord(field) ? localized(field["x-label"]) : null;
        if (!isRecord(field) || !fieldLabel) continue;
        situations.push({ id: name, label: fieldLabel, options: options(field) });
        if (typeof field["default"] === "string") situationDefaults[name] = field["default"];
      }
      continue;
    }
    const required = new Set(strings(section["required"]));
    const fields = Object.keys(fieldSchemas)
      .sort((a, b) => order(fieldSchemas[a]) - order(fieldSchemas[b]))
      .map((name) => parseField(id, name, fieldSchemas[name], required.has(name)))
      .filter((f): f is FieldModel => f !== null);
    sections.push({ id, label: sectionLabel, fields });
  }

  const conditions = Array.isArray(schema["allOf"])
    ? schema["allOf"].flatMap((c) =>
        isRecord(c) && "if" in c && "then" in c ? [{ if: c["if"], then: c["then"] }] : [],
      )
    : [];
  const materials = Array.isArray(schema["x-materials"]) ? schema["x-materials"].map(parseMaterial) : [];
  const optionalServices = Array.isArray(schema["x-optional-services"])
    ? schema["x-optional-services"].flatMap((o) => {
        const optionLabel = isRecord(o) ? localized(o["x-label"]) : null;
        return isRecord(o) && typeof o["id"] === "string" && optionLabel
          ? [{ id: o["id"], label: optionLabel }]
          : [];
      })
    : [];
  return {
    bundleId: typeof body["bundle"] === "string" ? body["bundle"] : "",
    label,
    services: strings(body["services"]),
    situationLabel,
    situations,
    situationDefaults,
    optionalServices,
    sections,
    conditions,
    materials: materials.filter((m): m is MaterialModel => m !== null),
  };
}

// -- the subset of JSON Schema the merge engine uses in `if` conditions -------------------------

function equal(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Does `instance` satisfy `schema`? Only the keywords `if` clauses use; others pass. */
export function matches(schema: unknown, instance: unknown): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  if (!isRecord(schema)) return true;
  if ("const" in schema && !equal(schema["const"], instance)) return false;
  if (Array.isArray(schema["enum"]) && !schema["enum"].some((v) => equal(v, instance))) return false;
  if ("not" in schema && matches(schema["not"], instance)) return false;
  if (Array.isArray(schema["allOf"]) && !schema["allOf"].every((s) => matches(s, instance))) return false;
  if (Array.isArray(schema["anyOf"]) && !schema["anyOf"].some((s) => matches(s, instance))) return false;
  if (isRecord(instance)) {
    if (!strings(schema["required"]).every((key) => key in instance)) return false;
    const properties = schema["properties"];
    if (isRecord(properties)) {
      for (const [key, sub] of Object.entries(properties)) {
        if (key in instance && !matches(sub, instance[key])) return false;
      }
    }
  } else if (Array.isArray(schema["required"]) && schema["required"].length > 0) {
    return false;
  }
  return true;
}

interface Effects {
  hidden: Set<string>;
  required: Set<string>;
}

/** Collect what a `then` does to fields: `false` hides one, `required` requires it. */
function applyThen(then: unknown, effects: Effects): void {
  if (!isRecord(then)) return;
  if (Array.isArray(then["allOf"])) for (const part of then["allOf"]) applyThen(part, effects);
  const properties = then["properties"];
  if (!isRecord(properties)) return;
  for (const [section, sub] of Object.entries(properties)) {
    if (!isRecord(sub)) continue;
    for (const name of strings(sub["required"])) effects.required.add(`${section}.${name}`);
    const fields = sub["properties"];
    if (!isRecord(fields)) continue;
    for (const [name, rule] of Object.entries(fields)) {
      if (rule === false) effects.hidden.add(`${section}.${name}`);
    }
  }
}

/** The situation answers that apply: the resident's, else the catalog's defaults. */
export function situationAnswers(model: FormModel, given: Record<string, string>): Record<string, string> {
  const answers: Record<string, string> = { ...model.situationDefaults };
  for (const key of Object.keys(answers)) {
    const value = given[key];
    if (value !== undefined) answers[key] = value;
  }
  return answers;
}

/**
 * The wizard's pages: sections with the fields this resident is asked, in order. Sections left
 * without any field (everything hidden by their situation) are not shown at all.
 */
export function visibleSections(model: FormModel, situation: Record<string, string>): SectionModel[] {
  const effects: Effects = { hidden: new Set(), required: new Set() };
  const instance = { [SITUATION_SECTION]: situationAnswers(model, situation) };
  for (const condition of model.conditions) {
    if (matches(condition.if, instance)) applyThen(condition.then, effects);
  }
  const result: SectionModel[] = [];
  for (const section of model.sections) {
    const fields = section.fields
      .filter((f) => !effects.hidden.has(f.id))
      .map((f) => (effects.required.has(f.id) && !f.required ? { ...f, required: true } : f));
    if (fields.length > 0) result.push({ ...section, fields });
  }
  return result;
}

/** Materials the resident provides, given the services included and the situation answers. */
export function neededMaterials(
  model: FormModel,
  services: ReadonlySet<string>,
  situation: Record<string, string>,
): MaterialModel[] {
  const answers = situationAnswers(model, situation);
  return model.materials.filter(
    (m) =>
      m.asked &&
      m.services.some((s) => services.has(s)) &&
      !m.excludedWhen.some((w) => (answers[w.situation] ?? situation[w.situation]) === w.value),
  );
}

/**
 * Errors the resident can act on in the form: photos and files are provided in the materials
 * step, so a missing upload must not stop them here (the server still reports it).
 */
export function formErrors<E extends { field: string }>(errors: E[], sections: SectionModel[]): E[] {
  const uploads = new Set(
    sections.flatMap((s) => s.fields.filter((f) => f.kind === "upload").map((f) => f.id)),
  );
  return errors.filter((e) => !uploads.has(e.field));
}

/** The section a validation error belongs to ("mother.id_number" -> "mother"). */
export function sectionOf(field: string): string {
  const dot = field.indexOf(".");
  return dot < 0 ? field : field.slice(0, dot);
}
