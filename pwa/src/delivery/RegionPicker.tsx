/** A county picked in three steps — province, city, county — from GET /api/v1/regions (GB/T
 * 2260 codes in force), instead of typing a 6-digit code. */
import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../i18n/context";
import { fetchRegions, type Region } from "./api";

interface Props {
  id: string;
  value: string;
  error: string | null;
  onChange: (county: string) => void;
}

function Level({ id, label, options, value, onChange, describedBy }: {
  id: string;
  label: string;
  options: Region[];
  value: string;
  onChange: (code: string) => void;
  describedBy?: string | undefined;
}) {
  const { t } = useI18n();
  return (
    <div class="field region-picker__level">
      <label class="field__label" for={id}>
        {label}
      </label>
      <select class="select" id={id} value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t.choose}</option>
        {options.map((r) => (
          <option key={r.code} value={r.code}>
            {r.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function RegionPicker({ id, value, error, onChange }: Props) {
  const { t } = useI18n();
  const valid = /^[0-9]{6}$/.test(value);
  const [province, setProvince] = useState(valid ? `${value.slice(0, 2)}0000` : "");
  const [city, setCity] = useState(valid ? `${value.slice(0, 4)}00` : "");
  const [lists, setLists] = useState<{ provinces: Region[]; cities: Region[]; counties: Region[] }>({ provinces: [], cities: [], counties: [] });
  useEffect(() => {
    void fetchRegions(null).then((provinces) => setLists((l) => ({ ...l, provinces })));
  }, []);
  useEffect(() => {
    if (province) void fetchRegions(province).then((cities) => setLists((l) => ({ ...l, cities })));
  }, [province]);
  useEffect(() => {
    if (city) void fetchRegions(city).then((counties) => setLists((l) => ({ ...l, counties })));
  }, [city]);
  const errorId = `${id}-error`;
  return (
    <fieldset class={error ? "fieldset field--error region-picker" : "fieldset region-picker"}>
      <legend class="field__label">{t.deliveryRegion}</legend>
      {error ? (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
      <Level
        id={`${id}-province`}
        label={t.regionProvince}
        options={lists.provinces}
        value={province}
        onChange={(code) => {
          setProvince(code);
          setCity("");
          setLists((l) => ({ ...l, cities: [], counties: [] }));
          onChange("");
        }}
      />
      <Level
        id={`${id}-city`}
        label={t.regionCity}
        options={lists.cities}
        value={city}
        onChange={(code) => {
          setCity(code);
          setLists((l) => ({ ...l, counties: [] }));
          onChange("");
        }}
      />
      <Level
        id={id}
        label={t.regionCounty}
        options={lists.counties}
        value={value}
        onChange={onChange}
        describedBy={error ? errorId : undefined}
      />
    </fieldset>
  );
}
