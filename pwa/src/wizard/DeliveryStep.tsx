/**
 * How the paper certificates and cards reach the resident, on the review page: mailed home to
 * the address already given in the form's "证照邮寄" section (nothing typed twice; "change"
 * goes back to that page), or collected at a service hall chosen from the list.
 */
import { useI18n } from "../i18n/context";
import { Link, paths } from "../router";
import { fetchHalls, type Choice, type Hall } from "../delivery/api";
import { RadioGroup } from "./fields";
import { useLoad } from "./hooks";

type Answers = Record<string, Record<string, unknown>>;

/** The choice sent with the submission (the mail fields are the form's delivery answers). */
export function deliveryChoice(method: "mail" | "collect", hall: string, answers: Answers): Choice {
  if (method === "collect") return { method, hall };
  const given = answers["delivery"] ?? {};
  const pick = (name: string): string | undefined => (typeof given[name] === "string" ? (given[name] as string) : undefined);
  return { method, recipient: pick("recipient"), phone: pick("phone"), region: pick("region"), address: pick("address") };
}

interface Props {
  bundleId: string;
  method: "mail" | "collect";
  hall: string;
  answers: Answers;
  error: (field: string) => string | null;
  onMethod: (method: "mail" | "collect") => void;
  onHall: (hall: string) => void;
}

export function DeliveryStep({ bundleId, method, hall, answers, error, onMethod, onHall }: Props) {
  const { locale, t } = useI18n();
  const [halls] = useLoad<Hall[]>("service-halls", () => fetchHalls().then((value) => ({ kind: "ok" as const, value })));
  const list = halls.kind === "ok" ? halls.value : [];
  const chosen = list.find((h) => h.id === hall);
  const mail = deliveryChoice("mail", "", answers);
  const hallError = error("delivery.hall");
  return (
    <section class="review__section" aria-labelledby="review-delivery-choice">
      <h2 class="review__heading" id="review-delivery-choice">
        {t.deliveryTitle}
      </h2>
      <RadioGroup
        id="delivery-method"
        legend={t.deliveryHow}
        hint={null}
        error={error("delivery.method")}
        choices={[
          { value: "mail", label: t.deliveryMail },
          { value: "collect", label: t.deliveryCollect },
        ]}
        value={method}
        onChange={(value) => onMethod(value === "collect" ? "collect" : "mail")}
      />
      {method === "mail" ? (
        <p class="delivery__address">
          {t.deliveryMailTo([mail.recipient, mail.phone, mail.address].filter(Boolean).join(t.listSeparator) || t.notAnswered)}{" "}
          <Link href={`${paths.form(bundleId, "delivery")}?from=review`} class="summary__change">
            {t.change}
            <span class="visually-hidden"> {t.deliveryTitle}</span>
          </Link>
        </p>
      ) : (
        <div class={hallError ? "field field--error" : "field"}>
          <label class="field__label" for="delivery-hall">
            {t.deliveryHall}
          </label>
          {hallError ? (
            <p class="field__error" id="delivery-hall-error">
              {hallError}
            </p>
          ) : null}
          <select
            class="select"
            id="delivery-hall"
            value={hall}
            aria-describedby={hallError ? "delivery-hall-error" : undefined}
            onChange={(e) => onHall(e.currentTarget.value)}
          >
            <option value="">{t.choose}</option>
            {list.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name[locale]}
              </option>
            ))}
          </select>
          {chosen ? <p class="field__hint">{t.hallDetails(chosen.address, chosen.hours)}</p> : null}
        </div>
      )}
    </section>
  );
}
