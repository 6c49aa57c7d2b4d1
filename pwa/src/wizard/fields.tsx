/**
 * One form field per data element, chosen by its kind: a label, the hint, the error (linked with
 * aria-describedby), then the control. GOV.UK Frontend's markup habits, in Preact.
 */
import type { ComponentChildren } from "preact";
import { useI18n } from "../i18n/context";
import type { FieldModel } from "./model";
import { normaliseInput, resolveDate } from "./values";

export function fieldId(field: Pick<FieldModel, "section" | "name">): string {
  return `field-${field.section}-${field.name}`;
}

interface FieldProps {
  field: FieldModel;
  value: string;
  /** The e-license the value came from (prefill), shown as a hint. */
  source?: string | null;
  error: string | null;
  onChange: (value: string) => void;
}

interface Described {
  hintId: string | null;
  errorId: string | null;
  describedBy: string | undefined;
}

function described(id: string, hint: string | null, error: string | null): Described {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const ids = [hintId, errorId].filter((x): x is string => x !== null);
  return { hintId, errorId, describedBy: ids.length > 0 ? ids.join(" ") : undefined };
}

function LabelText({ field }: { field: FieldModel }) {
  const { locale, t } = useI18n();
  const unit = field.unit && (field.kind === "integer" || field.kind === "money") ? field.unit[locale] : null;
  return (
    <>
      {field.label[locale]}
      {/* The unit shows after the input; screen readers hear it with the label. */}
      {unit ? <span class="visually-hidden">{t.unitInLabel(unit)}</span> : null}
      {field.required ? (
        <>
          <span class="field__required" aria-hidden="true">
            {" *"}
          </span>
          <span class="visually-hidden">{t.requiredMark}</span>
        </>
      ) : (
        <span class="field__optional">{t.optionalMark}</span>
      )}
    </>
  );
}

function HintAndError({ hint, error, ids }: { hint: string | null; error: string | null; ids: Described }) {
  const { t } = useI18n();
  return (
    <>
      {hint && ids.hintId ? (
        <p class="field__hint" id={ids.hintId}>
          {hint}
        </p>
      ) : null}
      {error && ids.errorId ? (
        <p class="field__error" id={ids.errorId}>
          <span class="visually-hidden">{t.errorPrefix}</span>
          {error}
        </p>
      ) : null}
    </>
  );
}

/** Hints the schema's own help text does not give, for the codes residents rarely type. */
function widgetHint(field: FieldModel, regionHint: string, idHint: string): string | null {
  if (field.kind === "region") return regionHint;
  if (field.kind === "idcard") return idHint;
  return null;
}

function joinHints(...parts: (string | null)[]): string | null {
  const present = parts.filter((p): p is string => p !== null && p !== "");
  return present.length > 0 ? present.join(" ") : null;
}

interface InputShape {
  type: "text" | "tel" | "date" | "datetime-local";
  inputMode?: "text" | "numeric" | "decimal" | "tel";
  maxLength?: number;
  width: string;
  autoCapitalize?: "characters";
}

function inputShape(field: FieldModel): InputShape {
  switch (field.kind) {
    case "idcard":
      return { type: "text", maxLength: 18, width: "input--w20", autoCapitalize: "characters" };
    case "phone":
      return { type: "tel", inputMode: "numeric", maxLength: 11, width: "input--w11" };
    case "region":
      return { type: "text", inputMode: "numeric", maxLength: 6, width: "input--w6" };
    case "bankcard":
      return { type: "text", inputMode: "numeric", maxLength: 23, width: "input--w20" };
    case "money":
      return { type: "text", inputMode: "decimal", width: "input--w10" };
    case "integer":
      // GOV.UK advice: text with a numeric keyboard, not type=number (which eats input).
      return { type: "text", inputMode: "numeric", width: "input--w6" };
    case "date":
      return { type: "date", width: "input--w14" };
    case "datetime":
      return { type: "datetime-local", width: "input--w14" };
    case "name":
      return { type: "text", width: "input--name" };
    default:
      return { type: "text", width: "" };
  }
}

function FieldGroup({ error, children }: { error: string | null; children: ComponentChildren }) {
  return <div class={error ? "field field--error" : "field"}>{children}</div>;
}

export interface Choice {
  value: string;
  label: string;
}

interface RadioGroupProps {
  id: string;
  legend: ComponentChildren;
  hint: string | null;
  error: string | null;
  choices: Choice[];
  value: string;
  onChange: (value: string) => void;
}

/** Radios in a fieldset; the first radio carries `id`, so "#id" links land on the group. */
export function RadioGroup({ id, legend, hint, error, choices, value, onChange }: RadioGroupProps) {
  const ids = described(id, hint, error);
  return (
    <FieldGroup error={error}>
      <fieldset class="fieldset" aria-describedby={ids.describedBy}>
        <legend class="field__label">{legend}</legend>
        <HintAndError hint={hint} error={error} ids={ids} />
        <div class="choices">
          {choices.map((choice, index) => {
            const choiceId = index === 0 ? id : `${id}-${index}`;
            return (
              <div class="choice" key={choice.value}>
                <input
                  class="choice__input"
                  type="radio"
                  id={choiceId}
                  name={id}
                  value={choice.value}
                  checked={value === choice.value}
                  onChange={() => onChange(choice.value)}
                />
                <label class="choice__label" for={choiceId}>
                  {choice.label}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </FieldGroup>
  );
}

interface CheckboxProps {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

export function Checkbox({ id, label, checked, onChange }: CheckboxProps) {
  return (
    <div class="choice choice--checkbox">
      <input
        class="choice__input"
        type="checkbox"
        id={id}
        checked={checked}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      <label class="choice__label" for={id}>
        {label}
      </label>
    </div>
  );
}

function Choices({ field, value, error, onChange, source }: FieldProps) {
  const { locale, t } = useI18n();
  const choices =
    field.kind === "boolean"
      ? [
          { value: "true", label: t.yes },
          { value: "false", label: t.no },
        ]
      : field.options.map((o) => ({ value: o.value, label: o.label[locale] }));
  return (
    <RadioGroup
      id={fieldId(field)}
      legend={<LabelText field={field} />}
      hint={joinHints(field.help?.[locale] ?? null, source ? t.prefilledFrom(source) : null)}
      error={error}
      choices={choices}
      value={value}
      onChange={onChange}
    />
  );
}

function Select({ field, value, error, onChange, source }: FieldProps) {
  const { locale, t } = useI18n();
  const id = fieldId(field);
  const hint = joinHints(field.help?.[locale] ?? null, source ? t.prefilledFrom(source) : null);
  const ids = described(id, hint, error);
  return (
    <FieldGroup error={error}>
      <label class="field__label" for={id}>
        <LabelText field={field} />
      </label>
      <HintAndError hint={hint} error={error} ids={ids} />
      <select
        class={error ? "select select--error" : "select"}
        id={id}
        name={id}
        value={value}
        aria-describedby={ids.describedBy}
        aria-invalid={error ? "true" : undefined}
        aria-required={field.required ? "true" : undefined}
        onChange={(event) => onChange(event.currentTarget.value)}
      >
        <option value="">{t.choose}</option>
        {field.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label[locale]}
          </option>
        ))}
      </select>
    </FieldGroup>
  );
}

function TextInput({ field, value, error, onChange, source }: FieldProps) {
  const { locale, t } = useI18n();
  const id = fieldId(field);
  const hint = joinHints(
    source ? t.prefilledFrom(source) : null,
    field.help?.[locale] ?? null,
    widgetHint(field, t.regionHint, t.idNumberHint),
  );
  const ids = described(id, hint, error);
  const shape = inputShape(field);
  const common = {
    id,
    name: id,
    value,
    "aria-describedby": ids.describedBy,
    "aria-invalid": error ? ("true" as const) : undefined,
    "aria-required": field.required ? ("true" as const) : undefined,
    spellcheck: false,
    onInput: (event: Event) => {
      const target = event.currentTarget as HTMLInputElement | HTMLTextAreaElement;
      const next = normaliseInput(field, target.value);
      if (next !== target.value) target.value = next;
      onChange(next);
    },
  };
  const unit = field.unit && (field.kind === "integer" || field.kind === "money") ? field.unit[locale] : null;
  const errorClass = error ? " input--error" : "";
  return (
    <FieldGroup error={error}>
      <label class="field__label" for={id}>
        <LabelText field={field} />
      </label>
      <HintAndError hint={hint} error={error} ids={ids} />
      {field.kind === "textarea" ? (
        <textarea class={`textarea${errorClass}`} rows={3} {...common} />
      ) : (
        <div class="input-wrap">
          <input
            class={`input ${shape.width}${errorClass}`}
            // Preact's types tie each input type to its own attribute set; these four all
            // accept the attributes given here, which the union type cannot express.
            type={shape.type as "text"}
            inputMode={shape.inputMode}
            maxLength={shape.maxLength}
            autoCapitalize={shape.autoCapitalize}
            min={field.kind === "date" ? (resolveDate(field.minDate) ?? undefined) : undefined}
            max={field.kind === "date" ? (resolveDate(field.maxDate) ?? undefined) : undefined}
            {...common}
          />
          {unit ? (
            <span class="input-unit" aria-hidden="true">
              {unit}
            </span>
          ) : null}
        </div>
      )}
    </FieldGroup>
  );
}

/** Photos and files are provided in the materials step; here the field is only named. */
function UploadNote({ field }: { field: FieldModel }) {
  const { locale, t } = useI18n();
  return (
    <div class="field">
      <p class="field__label">{field.label[locale]}</p>
      {field.help ? <p class="field__hint">{field.help[locale]}</p> : null}
      <p class="field__note">{t.uploadLater}</p>
    </div>
  );
}

export function Field(props: FieldProps) {
  switch (props.field.kind) {
    case "radio":
    case "boolean":
      return <Choices {...props} />;
    case "select":
      return <Select {...props} />;
    case "upload":
      return <UploadNote field={props.field} />;
    default:
      return <TextInput {...props} />;
  }
}
