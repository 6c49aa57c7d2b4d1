/*
 * OneThing service worker (hand-written; the build fills in the file list and the version).
 * It keeps the app shell — index.html, the hashed scripts and styles, manifest and icons — so
 * the app opens without a network and says it is offline. It never stores anything else:
 * API, sign-in and probe responses (personal data, live state) always go to the network and
 * are never put in any cache.
 */
const VERSION = "__VERSION__";
const SHELL_CACHE = `onething-shell-${VERSION}`;
const SHELL = "/index.html";
const PRECACHE = __PRECACHE__;
// Paths whose responses are never cached, never answered from a cache.
const NETWORK_ONLY = ["/api/", "/oauth2/", "/.well-known/", "/healthz", "/readyz", "/metrics", "/verify/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(path, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    // Network first, so a new release's shell is picked up at once; the cached shell offline.
    event.respondWith(
      fetch(request).catch(() => caches.match(SHELL, { cacheName: SHELL_CACHE }).then((r) => r || Response.error())),
    );
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)));
  }
});

// Web Push: the payload is only {"title", "message_id"} (the platform never sends names,
// numbers or addresses through the browser vendor's push service), so the notification shows
// the title alone; the message itself is read in the app, signed in.
self.addEventListener("push", (event) => {
  let title = "";
  let tag;
  try {
    const data = event.data ? event.data.json() : {};
    title = typeof data.title === "string" ? data.title : "";
    tag = typeof data.message_id === "string" ? data.message_id : undefined;
  } catch {
    title = "";
  }
  event.waitUntil(self.registration.showNotification(title || "一件事 OneThing", { tag, data: { url: "/notifications" } }));
});

// A tap on the notification opens the app's messages (an open window of the app is reused).
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/notifications";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) return open.navigate(url).then((w) => (w || open).focus());
      return self.clients.openWindow(url);
    }),
  );
});
