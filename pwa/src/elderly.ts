/**
 * 长辈版 (elderly mode): a class on <html> that the stylesheet uses for larger type and tap
 * targets. The choice is remembered for the browser session only — sessionStorage, never
 * localStorage (nothing about the resident is kept on the device after the tab closes).
 */
export const ELDERLY_CLASS = "elderly";
const STORAGE_KEY = "onething.elderly";

function storage(): Storage | null {
  try {
    // Reading the property itself throws in some privacy modes and sandboxed frames.
    return globalThis.sessionStorage;
  } catch {
    return null;
  }
}

export function loadElderlyMode(): boolean {
  try {
    return storage()?.getItem(STORAGE_KEY) === "1";
  } catch {
    return false;
  }
}

export function applyElderlyMode(on: boolean): void {
  document.documentElement.classList.toggle(ELDERLY_CLASS, on);
}

export function saveElderlyMode(on: boolean): void {
  try {
    const store = storage();
    if (on) store?.setItem(STORAGE_KEY, "1");
    else store?.removeItem(STORAGE_KEY);
  } catch {
    // Storage full or blocked: the mode still applies to this page, it just isn't remembered.
  }
}
