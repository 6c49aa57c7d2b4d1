/** The resident's notifications API: in-app messages, preferences and the Web Push
 * subscription of this browser. */
import { authFetch } from "../auth/session";
import { getJson } from "../progress/api";
import { isRecord } from "../wizard/model";

export interface Message {
  id: string;
  title: string;
  body: string;
  applicationId: string | null;
  createdAt: string;
  read: boolean;
}

export interface Preferences {
  push: boolean;
  sms: boolean;
  language: "zh-CN" | "en";
}

function parseMessage(raw: unknown): Message | null {
  if (!isRecord(raw)) return null;
  const { id, title, body, created_at: createdAt } = raw;
  if (typeof id !== "string" || typeof title !== "string" || typeof body !== "string" || typeof createdAt !== "string") return null;
  const applicationId = typeof raw["application_id"] === "string" ? raw["application_id"] : null;
  return { id, title, body, applicationId, createdAt, read: typeof raw["read_at"] === "string" };
}

export async function fetchMessages(): Promise<{ messages: Message[]; unread: number } | null> {
  const reply = await getJson("/api/v1/notifications/messages?limit=50");
  if (reply?.status !== 200 || !isRecord(reply.body) || !Array.isArray(reply.body["messages"])) return null;
  const messages = reply.body["messages"].map(parseMessage).filter((m): m is Message => m !== null);
  const unread = typeof reply.body["unread"] === "number" ? reply.body["unread"] : messages.filter((m) => !m.read).length;
  return { messages, unread };
}

async function send(url: string, method: string, body?: unknown): Promise<Response | null> {
  try {
    return await authFetch(url, {
      method,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    return null;
  }
}

export async function markRead(id: string): Promise<boolean> {
  const response = await send(`/api/v1/notifications/messages/${encodeURIComponent(id)}/read`, "POST");
  return response?.ok === true;
}

export async function fetchPreferences(): Promise<Preferences | null> {
  const reply = await getJson("/api/v1/notifications/preferences");
  const body = reply?.body;
  if (reply?.status !== 200 || !isRecord(body)) return null;
  return { push: body["push"] === true, sms: body["sms"] === true, language: body["language"] === "en" ? "en" : "zh-CN" };
}

export async function savePreferences(preferences: Preferences): Promise<boolean> {
  const response = await send("/api/v1/notifications/preferences", "PUT", preferences);
  return response?.ok === true;
}

export type PushOutcome = "on" | "unsupported" | "denied" | "failed";

/**
 * Ask the browser for a push subscription made out to the platform's VAPID key and register
 * it. The push payload is only a title and a message id (see sw/sw.js): nothing personal.
 */
export async function turnOnPush(): Promise<PushOutcome> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported";
  try {
    if ((await Notification.requestPermission()) !== "granted") return "denied";
    const key = await getJson("/api/v1/notifications/vapid-public-key");
    const publicKey = isRecord(key?.body) ? key.body["public_key"] : null;
    if (typeof publicKey !== "string") return "failed";
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: publicKey, // base64url, as the Push API accepts it
    });
    const response = await send("/api/v1/notifications/push-subscriptions", "POST", subscription.toJSON());
    return response?.ok === true ? "on" : "failed";
  } catch {
    return "failed"; // no push service reachable (or a browser that refuses, e.g. headless)
  }
}
