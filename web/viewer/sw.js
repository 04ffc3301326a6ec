// The app shell offline; the API and media are never cached (signed, expiring URLs).
const SHELL = "liveclips-viewer-v3";
const FILES = ["./", "index.html", "app.js", "chat.js", "shared/ivschat.js", "player.js",
  "telemetry.js", "style.css", "manifest.webmanifest", "icon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) =>
    Promise.all(names.filter((n) => n !== SHELL).map((n) => caches.delete(n)))));
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (!url.pathname.startsWith(new URL("./", self.registration.scope).pathname)) return;
  // Network first, so a deploy is picked up at once; the cached shell when offline.
  event.respondWith(fetch(event.request).then((answer) => {
    const copy = answer.clone();
    caches.open(SHELL).then((cache) => cache.put(event.request, copy));
    return answer;
  }).catch(() => caches.match(event.request, { ignoreSearch: true })));
});
