/**
 * One application's certificates on their way (证照寄送): how they come (mail or a hall), each
 * parcel with the services whose outputs are inside, its tracking number and the courier's
 * steps from the timeline. A returned parcel asks for a corrected address, and the choice can
 * be changed while nothing is with the courier.
 */
import { useState } from "preact/hooks";
import { useI18n } from "../i18n/context";
import { paths, usePageFocus, useTitle } from "../router";
import { fetchApplication } from "../progress/api";
import { formatDate, formatDateTime } from "../progress/format";
import { fetchBundleDetail } from "../wizard/api";
import { BackLink, LoadState } from "../wizard/common";
import { RadioGroup } from "../wizard/fields";
import { useLoad } from "../wizard/hooks";
import { changeDelivery, fetchDelivery, fetchHalls, type Choice, type Delivery, type Hall } from "./api";
import { RegionPicker } from "./RegionPicker";

function TextField({ id, label, value, error, onInput, tel }: {
  id: string;
  label: string;
  value: string;
  error: string | null;
  onInput: (value: string) => void;
  tel?: boolean;
}) {
  return (
    <div class={error ? "field field--error" : "field"}>
      <label class="field__label" for={id}>
        {label}
      </label>
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      <input
        class={tel ? "input input--w11" : "input"}
        id={id}
        type={(tel ? "tel" : "text") as "text"} // see fields.tsx: the union type cannot say it
        autoComplete="off"
        value={value}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </div>
  );
}

function ChoiceForm({ applicationId, current, halls, onSaved }: {
  applicationId: string;
  current: Delivery["choice"];
  halls: Hall[];
  onSaved: () => void;
}) {
  const { locale, t } = useI18n();
  const [choice, setChoice] = useState<Choice>(() => ({ method: "mail", ...current }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<Choice>): void => setChoice((c) => ({ ...c, ...patch }));
  const err = (name: string): string | null => errors[`delivery.${name}`] ?? null;
  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const body: Choice =
      choice.method === "collect"
        ? { method: "collect", hall: choice.hall ?? "" }
        : { method: "mail", recipient: choice.recipient ?? "", phone: choice.phone ?? "", region: choice.region ?? "", address: choice.address ?? "" };
    const result = await changeDelivery(applicationId, body);
    if (result.kind === "ok") {
      setErrors({});
      setProblem(null);
      onSaved();
      return;
    }
    setErrors(result.kind === "invalid" ? Object.fromEntries(result.errors.map((e) => [e.field, e.message[locale]])) : {});
    setProblem(result.kind === "invalid" ? t.deliveryFix : (result.detail ?? t.decisionFailed));
  };
  return (
    <form class="form delivery-form" onSubmit={(e) => void onSubmit(e)} autoComplete="off" noValidate>
      <h2 class="intro__heading">{t.deliveryChange}</h2>
      {problem ? (
        <p class="field__error" role="alert">
          {problem}
        </p>
      ) : null}
      <RadioGroup
        id="delivery-method"
        legend={t.deliveryHow}
        hint={null}
        error={err("method")}
        choices={[
          { value: "mail", label: t.deliveryMail },
          { value: "collect", label: t.deliveryCollect },
        ]}
        value={choice.method}
        onChange={(method) => set({ method: method === "collect" ? "collect" : "mail" })}
      />
      {choice.method === "mail" ? (
        <>
          <TextField id="delivery-recipient" label={t.deliveryRecipient} value={choice.recipient ?? ""} error={err("recipient")} onInput={(recipient) => set({ recipient })} />
          <TextField id="delivery-phone" label={t.deliveryPhone} value={choice.phone ?? ""} error={err("phone")} onInput={(phone) => set({ phone })} tel />
          <RegionPicker id="delivery-region" value={choice.region ?? ""} error={err("region")} onChange={(region) => set({ region })} />
          <TextField id="delivery-address" label={t.deliveryStreet} value={choice.address ?? ""} error={err("address")} onInput={(address) => set({ address })} />
        </>
      ) : (
        <div class={err("hall") ? "field field--error" : "field"}>
          <label class="field__label" for="delivery-hall">
            {t.deliveryHall}
          </label>
          {err("hall") ? <p class="field__error">{err("hall")}</p> : null}
          <select class="select" id="delivery-hall" value={choice.hall ?? ""} onChange={(e) => set({ hall: e.currentTarget.value })}>
            <option value="">{t.choose}</option>
            {halls.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name[locale]}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit" class="button button--primary">
        {t.save}
      </button>
    </form>
  );
}

export function DeliveryPage({ applicationId }: { applicationId: string }) {
  const { locale, t } = useI18n();
  const [state, reload] = useLoad(`delivery:${applicationId}`, async () => {
    const [delivery, progress, halls] = await Promise.all([fetchDelivery(applicationId), fetchApplication(applicationId), fetchHalls()]);
    if (!delivery || progress.kind !== "ok") return progress.kind === "notFound" ? progress : { kind: "unavailable" as const };
    const bundle = await fetchBundleDetail(progress.value.application.bundle, locale);
    return { kind: "ok" as const, value: { delivery, events: progress.value.events, halls, bundle: bundle.kind === "ok" ? bundle.value : null } };
  });
  const [editing, setEditing] = useState(false);
  useTitle(state.kind === "ok" ? t.trackingTitle : null, t.documentTitle);
  usePageFocus(state.kind === "ok");
  if (state.kind !== "ok") return <LoadState kind={state.kind} onRetry={reload} />;
  const { delivery, events, halls, bundle } = state.value;
  const { choice } = delivery;
  const serviceName = (id: string): string => bundle?.services.find((s) => s.id === id)?.name[locale] ?? id;
  const returned = delivery.parcels.filter((p) => p.state === "returned");
  const hall = choice?.method === "collect" ? halls.find((h) => h.id === choice.hall) : undefined;
  return (
    <>
      <BackLink href={paths.application(applicationId)} label={t.progressTitle} />
      <h1 class="page-title">{t.trackingTitle}</h1>
      <div class="panel">
        <p class="panel__title">{choice === null ? t.deliveryNone : choice.method === "mail" ? t.deliveryMail : t.deliveryCollect}</p>
        {choice?.method === "mail" ? (
          <p class="delivery__address">{[choice.recipient, choice.phone, `${choice.regionName ?? ""}${choice.address ?? ""}`].join(t.listSeparator)}</p>
        ) : null}
        {hall ? <p>{t.hallDetails(`${hall.name[locale]}${t.listSeparator}${hall.address}`, hall.hours)}</p> : null}
      </div>
      {returned.map((p) => (
        <p class="notice" key={p.number}>
          {t.parcelReturned(p.number)}
        </p>
      ))}
      {delivery.parcels.length === 0 ? <p>{t.noParcels}</p> : null}
      {delivery.parcels.map((parcel) => {
        const steps = events.filter((e) => e.parcel === parcel.number && e.kind.startsWith("parcel."));
        return (
          <section class="card parcel" key={parcel.number} aria-labelledby={`parcel-${parcel.number}`}>
            <h2 class="parcel__title" id={`parcel-${parcel.number}`}>
              {t.parcelNumber(parcel.number)} <span class={`tag tag--${parcel.state}`}>{t.parcelStates[parcel.state] ?? parcel.state}</span>
            </h2>
            <p>{t.parcelContains(parcel.services.map(serviceName).join(t.listSeparator))}</p>
            {parcel.pickupCode ? <p class="parcel__code">{t.pickupCode(parcel.pickupCode)}</p> : null}
            {parcel.pickupCode || parcel.state === "collected" ? null : parcel.trackingNumber ? <p class="parcel__tracking">{t.trackingNumber(parcel.courier ?? "", parcel.trackingNumber)}</p> : <p>{t.shipsOn(formatDate(parcel.shipOn, locale))}</p>}
            <ol class="timeline">
              {[...steps].reverse().map((e) => (
                <li class="timeline__event" key={e.id}>
                  <p class="timeline__when">{formatDateTime(e.at, locale)}</p>
                  <p class="timeline__what">{t.timelineKinds[e.kind] ?? t.timelineOther}</p>
                </li>
              ))}
            </ol>
          </section>
        );
      })}
      {delivery.changeable && (editing || returned.length > 0) ? (
        <ChoiceForm
          applicationId={applicationId}
          current={choice}
          halls={halls}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      ) : delivery.changeable ? (
        <button type="button" class="button" onClick={() => setEditing(true)}>
          {t.deliveryChange}
        </button>
      ) : (
        <p>{t.deliveryLocked}</p>
      )}
    </>
  );
}
