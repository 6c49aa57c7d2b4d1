/**
 * Sign-in with our own OpenID provider: authorization code + PKCE (S256), public client
 * `onething-pwa`, the provider's own login page. Tokens live in memory and sessionStorage only
 * (never localStorage or IndexedDB): they die with the tab. The access token is refreshed with
 * the refresh token shortly before it expires, or once after a 401.
 */
import { useEffect, useState } from "preact/hooks";

export const CLIENT_ID = "onething-pwa";
export const CALLBACK_PATH = "/auth/callback";
const SCOPE = "openid profile phone applications:read applications:write licenses:read offline_access";
const TOKENS_KEY = "onething.auth";
const PENDING_KEY = "onething.login";
// Refresh this long before the access token's expiry, so a request never leaves with a token
// that dies on the way.
const EARLY_MS = 30_000;

export interface Tokens {
  access: string;
  refresh: string | null;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Who the access token speaks for (`GET /api/v1/me`). */
export interface Me {
  sub: string;
  role: string | null;
  department: string | null;
  act: { sub: string } | null;
}

interface Pending {
  state: string;
  verifier: string;
  returnTo: string;
}

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    return null;
  }
}

function read<T>(key: string, check: (value: unknown) => value is T): T | null {
  try {
    const text = storage()?.getItem(key) ?? null;
    if (text === null) return null;
    const value: unknown = JSON.parse(text);
    return check(value) ? value : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage blocked: the tokens still live in memory for this page.
  }
}

function isTokens(value: unknown): value is Tokens {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v["access"] === "string" &&
    (v["refresh"] === null || typeof v["refresh"] === "string") &&
    typeof v["expiresAt"] === "number"
  );
}

function isPending(value: unknown): value is Pending {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v["state"] === "string" && typeof v["verifier"] === "string" && typeof v["returnTo"] === "string";
}

/** An agent acting for a resident: a delegated token (sub = resident, act = agent). */
export interface Acting {
  access: string;
  expiresAt: number;
  residentId: string;
  bundles: string[];
  /** How the agent knows the resident (the phone number they typed, masked). */
  label: string;
}

const ACTING_KEY = "onething.acting";
const EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

function isActing(value: unknown): value is Acting {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v["access"] === "string" &&
    typeof v["expiresAt"] === "number" &&
    typeof v["residentId"] === "string" &&
    Array.isArray(v["bundles"]) &&
    typeof v["label"] === "string"
  );
}

let tokens: Tokens | null = read(TOKENS_KEY, isTokens);
let acting: Acting | null = read(ACTING_KEY, isActing);
let me: Me | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function setActing(next: Acting | null): void {
  acting = next;
  write(ACTING_KEY, next);
  notify();
}

function setTokens(next: Tokens | null): void {
  tokens = next;
  if (next === null) {
    me = null;
    acting = null;
    write(ACTING_KEY, null);
  }
  write(TOKENS_KEY, next);
  notify();
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUri(): string {
  return `${window.location.origin}${CALLBACK_PATH}`;
}

/** Only a path of this app may be returned to after sign-in (no open redirect). */
export function safeReturn(path: string | null | undefined): string {
  if (!path || !path.startsWith("/") || path.startsWith("//") || path.startsWith(CALLBACK_PATH)) return "/";
  return path;
}

/** Leave for the provider's login page; it comes back to `/auth/callback`. */
export async function signIn(returnTo: string = currentPath()): Promise<void> {
  const pending: Pending = { state: randomString(16), verifier: randomString(48), returnTo: safeReturn(returnTo) };
  write(PENDING_KEY, pending);
  const params = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: SCOPE,
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: "S256",
  });
  window.location.assign(`/oauth2/authorize?${params.toString()}`);
}

export function currentPath(): string {
  return `${window.location.pathname}${window.location.search}${window.location.hash}`;
}

async function tokenRequest(body: Record<string, string>): Promise<Tokens | "refused" | "unreachable"> {
  let response: Response;
  try {
    response = await fetch("/oauth2/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ ...body, client_id: CLIENT_ID }).toString(),
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch {
    return "unreachable";
  }
  if (response.status >= 500) return "unreachable";
  try {
    const raw = (await response.json()) as Record<string, unknown>;
    if (!response.ok || typeof raw["access_token"] !== "string") return "refused";
    const seconds = typeof raw["expires_in"] === "number" ? raw["expires_in"] : 300;
    return {
      access: raw["access_token"],
      refresh: typeof raw["refresh_token"] === "string" ? raw["refresh_token"] : null,
      expiresAt: Date.now() + seconds * 1000,
    };
  } catch {
    return "refused";
  }
}

export type CallbackResult = { kind: "ok"; returnTo: string } | { kind: "failed"; reason: "state" | "refused" | "unreachable" | "denied" };

/** The provider sent the browser back with `?code&state` (or `?error`): redeem the code. */
export async function finishSignIn(search: URLSearchParams): Promise<CallbackResult> {
  const pending = read(PENDING_KEY, isPending);
  const code = search.get("code");
  if (search.get("error")) {
    write(PENDING_KEY, null);
    return { kind: "failed", reason: "denied" };
  }
  if (!pending || !code || search.get("state") !== pending.state) {
    return { kind: "failed", reason: "state" };
  }
  write(PENDING_KEY, null); // a code is good once; so is its verifier
  const result = await tokenRequest({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  if (typeof result === "string") return { kind: "failed", reason: result };
  setTokens(result);
  return { kind: "ok", returnTo: pending.returnTo };
}

let refreshing: Promise<boolean> | null = null;

/** One refresh at a time; true when a fresh access token is in hand. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = tokens;
    if (!current?.refresh) {
      setTokens(null);
      return false;
    }
    const result = await tokenRequest({ grant_type: "refresh_token", refresh_token: current.refresh });
    if (result === "unreachable") return false; // offline: keep the tokens, try again later
    if (result === "refused") {
      setTokens(null); // revoked or expired: signed out
      return false;
    }
    setTokens({ ...result, refresh: result.refresh ?? current.refresh });
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export function isSignedIn(): boolean {
  return tokens !== null;
}

export function actingForSomeone(): boolean {
  return acting !== null;
}

/**
 * `fetch` with the access token: refreshed first when about to expire, and once more after a
 * 401. Personal responses are never cached (`no-store`). Throws only what `fetch` throws.
 */
export async function authFetch(url: string, init: RequestInit = {}): Promise<Response> {
  if (tokens && tokens.expiresAt - EARLY_MS < Date.now()) await refresh();
  // Acting for a resident: their objects with the delegated token; the agent's own account
  // (delegations, who am I) with the agent's token.
  const delegated = acting !== null && !url.startsWith("/api/v1/delegations") && !url.startsWith("/api/v1/me");
  if (delegated && acting && acting.expiresAt - EARLY_MS < Date.now()) await renewActing();
  const send = (): Promise<Response> => {
    const headers = new Headers(init.headers);
    const bearer = delegated && acting ? acting.access : tokens?.access;
    if (bearer) headers.set("Authorization", `Bearer ${bearer}`);
    return fetch(url, { ...init, headers, cache: "no-store", credentials: "same-origin" });
  };
  const response = await send();
  if (response.status === 401 && tokens && (delegated ? await renewActing() : await refresh())) return send();
  return response;
}

async function exchange(residentId: string, bundles: string[]): Promise<Tokens | "refused" | "unreachable"> {
  if (tokens && tokens.expiresAt - EARLY_MS < Date.now()) await refresh();
  if (!tokens) return "refused";
  return tokenRequest({
    grant_type: EXCHANGE,
    actor_token: tokens.access,
    actor_token_type: "urn:ietf:params:oauth:token-type:access_token",
    subject_token: residentId,
    subject_token_type: "urn:onething:params:oauth:token-type:resident",
    scope: ["applications:read", "applications:write", ...bundles.map((b) => `bundle:${b}`)].join(" "),
  });
}

/** Start acting for a resident under an active delegation (checked by the provider). */
export async function actFor(residentId: string, bundles: string[], label: string): Promise<boolean> {
  const result = await exchange(residentId, bundles);
  if (typeof result === "string") return false;
  setActing({ access: result.access, expiresAt: result.expiresAt, residentId, bundles, label });
  return true;
}

/** A fresh delegated token (they carry no refresh token); false ends acting. */
async function renewActing(): Promise<boolean> {
  const current = acting;
  if (!current) return false;
  const result = await exchange(current.residentId, current.bundles);
  if (result === "unreachable") return false;
  if (result === "refused") {
    setActing(null); // the delegation ended (revoked or expired)
    return false;
  }
  setActing({ ...current, access: result.access, expiresAt: result.expiresAt });
  return true;
}

export function stopActing(): void {
  setActing(null);
}

let asking: Promise<Me | null> | null = null;

/** The signed-in account (role decides which screens show); fetched once per sign-in. */
export function whoAmI(): Promise<Me | null> {
  if (!tokens) return Promise.resolve(null);
  if (me) return Promise.resolve(me);
  asking ??= askWhoAmI().finally(() => {
    asking = null;
  });
  return asking;
}

async function askWhoAmI(): Promise<Me | null> {
  try {
    const response = await authFetch("/api/v1/me", { headers: { Accept: "application/json" } });
    if (!response.ok) return null;
    const raw = (await response.json()) as Record<string, unknown>;
    if (typeof raw["sub"] !== "string") return null;
    const act = raw["act"];
    me = {
      sub: raw["sub"],
      role: typeof raw["role"] === "string" ? raw["role"] : null,
      department: typeof raw["department"] === "string" ? raw["department"] : null,
      act:
        typeof act === "object" && act !== null && typeof (act as Record<string, unknown>)["sub"] === "string"
          ? { sub: (act as Record<string, string>)["sub"] as string }
          : null,
    };
    notify();
    return me;
  } catch {
    return null;
  }
}

/**
 * Sign out here (tokens revoked at the provider and forgotten) and at the provider, whose own
 * page ends its session — otherwise the next "sign in" would need no code.
 */
export async function signOut(): Promise<void> {
  const current = tokens;
  setTokens(null);
  for (const [token, hint] of [
    [current?.refresh, "refresh_token"],
    [current?.access, "access_token"],
  ] as const) {
    if (!token) continue;
    try {
      await fetch("/oauth2/revoke", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token, token_type_hint: hint, client_id: CLIENT_ID }).toString(),
        cache: "no-store",
      });
    } catch {
      // Offline: the tokens are gone from this tab and expire on their own.
    }
  }
  window.location.assign("/oauth2/logout");
}

export interface AuthState {
  signedIn: boolean;
  me: Me | null;
  acting: Acting | null;
}

export function useAuth(): AuthState {
  const [state, setState] = useState<AuthState>(() => ({ signedIn: tokens !== null, me, acting }));
  useEffect(() => {
    const listener = (): void => {
      setState({ signedIn: tokens !== null, me, acting });
      if (tokens && !me) void whoAmI();
    };
    listeners.add(listener);
    if (tokens && !me) void whoAmI();
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return state;
}
