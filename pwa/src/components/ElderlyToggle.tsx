import { useState } from "preact/hooks";
import { applyElderlyMode, loadElderlyMode, saveElderlyMode } from "../elderly";
import { useI18n } from "../i18n/context";

/** The 长辈版 switch, visible on the first screen (MIIT 适老化 rules: an entry from the start). */
export function ElderlyToggle() {
  const { t } = useI18n();
  const [on, setOn] = useState(loadElderlyMode);

  const toggle = (): void => {
    const next = !on;
    setOn(next);
    applyElderlyMode(next);
    saveElderlyMode(next);
  };

  // The pressed state shows as a tick in the box as well as by colour (never colour alone).
  return (
    <button type="button" class="elderly-toggle" aria-pressed={on ? "true" : "false"} onClick={toggle}>
      <span class="elderly-toggle__box" aria-hidden="true" />
      <span class="elderly-toggle__text">
        <span class="elderly-toggle__label">{t.elderlyToggle}</span>
        <span class="elderly-toggle__hint">{t.elderlyToggleHint}</span>
      </span>
    </button>
  );
}
