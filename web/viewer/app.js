// The viewers' app: the ranked clip feed, the live-now directory with each show's chat,
// the on-demand shows and continue watching. Plain ES modules; the API at /api/v1.
import { ChatRoom } from "./chat.js";
import { Telemetry } from "./telemetry.js";

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("liveclips.token"), user: sessionStorage.getItem("liveclips.user"), config: null };
const telemetry = new Telemetry({ token: () => state.token, onProblem: problem, onSent: sent });

function sent(batch, answer) {
  // What the API took and refused, on the page for the tests and for support.
  const data = document.body.dataset;
  data.eventsSent = String(Number(data.eventsSent || 0) + answer.accepted);
  data.eventsRejected = String(Number(data.eventsRejected || 0) + answer.rejected.length);
  if (answer.rejected.length) console.warn("player events refused", answer.rejected);
  if ($("notice").dataset.kind === "offline") notice(null);
}
let leaveView = () => {};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function notice(text, kind = "error") {
  const box = $("notice");
  box.hidden = !text;
  box.textContent = text || "";
  box.dataset.kind = text ? kind : "";
}

function problem(status, text) {
  if (status === 401) expired();
  else if (!navigator.onLine || status === 0) notice("You are offline. Clips and chat come back when the network does; what you watched is kept and sent then.", "offline");
  else notice(text);
}

function expired() {
  state.token = null;
  sessionStorage.removeItem("liveclips.token");
  notice("Your session expired. Sign in again to keep watching.", "expired");
  $("signin").hidden = false;
}

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(method, path, body) {
  let answer;
  try {
    answer = await fetch(`/api/v1/${path}`, {
      method,
      headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    problem(0);
    throw new ApiError(0, "offline", "offline");
  }
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    const detail = data?.detail || data?.error || {};
    const message = detail.message || answer.statusText;
    if (answer.status === 401) expired();
    else if (answer.status !== 410) notice(`The service could not answer (${answer.status}: ${message}). Try again in a moment.`);
    throw new ApiError(answer.status, detail.code, message);
  }
  return data;
}

async function signIn(event) {
  event.preventDefault();
  const user = $("signin").user.value;
  const answer = await fetch("/auth/token", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user, role: "viewer", ttl_s: 3600 }),
  }).catch(() => null);
  if (!answer || !answer.ok) { notice("Signing in failed: the sign-in service did not answer."); return; }
  state.token = (await answer.json()).access_token;
  state.user = user;
  sessionStorage.setItem("liveclips.token", state.token);
  sessionStorage.setItem("liveclips.user", user);
  notice(null);
  start();
}

function start() {
  $("signin").hidden = true;
  $("tabs").hidden = false;
  $("who").textContent = state.user;
  telemetry.flush();
  route();
}

function route() {
  leaveView();
  leaveView = () => {};
  const [, view = "feed", id] = location.hash.split("/");
  for (const tab of document.querySelectorAll("#tabs a")) tab.classList.toggle("on", tab.dataset.tab === view);
  const main = $("view");
  main.replaceChildren();
  main.dataset.view = view;
  const views = { feed: showFeed, clip: showClip, live: id ? showLive : showDirectory, vod: showVod, search: showSearch };
  (views[view] || showFeed)(main, id && decodeURIComponent(id));
}

// --- the clip feed ----------------------------------------------------------------

function playable(clip) {
  // The rendered MP4 plays everywhere; the instant clip is HLS (hls.js is not vendored).
  return clip.rendition === "rendered" && !clip.url.includes(".m3u8");
}

function clipVideo(clip, sessionId) {
  const video = el("video", { muted: "", playsinline: "", loop: "", preload: "metadata", poster: clip.poster_url });
  video.muted = true;
  if (playable(clip)) video.src = clip.url;
  let asked = 0;
  let started = false;
  video.addEventListener("play", () => { if (!asked) asked = performance.now(); });
  video.addEventListener("playing", () => {
    if (started) return;
    started = true;
    telemetry.track("play_start", { session_id: sessionId, clip_id: clip.id, channel_id: clip.channel_id, ttff_ms: Math.round(performance.now() - (asked || performance.now())), duration_s: clip.duration_s || undefined });
    telemetry.track("clip_play", { session_id: sessionId, clip_id: clip.id, channel_id: clip.channel_id });
  });
  video.addEventListener("waiting", () => { video.dataset.stallFrom = performance.now(); });
  video.addEventListener("playing", () => {
    if (!video.dataset.stallFrom || !started) return;
    const stall = Math.round(performance.now() - Number(video.dataset.stallFrom));
    delete video.dataset.stallFrom;
    if (stall > 50) telemetry.track("stall", { session_id: sessionId, clip_id: clip.id, stall_ms: stall });
  });
  return video;
}

function shareLink(clip) {
  return `${location.origin}${location.pathname}#/clip/${encodeURIComponent(clip.id)}`;
}

async function share(clip, sessionId, output) {
  const url = shareLink(clip);
  telemetry.track("share", { session_id: sessionId, clip_id: clip.id, channel_id: clip.channel_id });
  if (navigator.share) {
    try { await navigator.share({ title: clip.title || "liveclips", url }); return; } catch { /* fall back */ }
  }
  output.value = url;
  output.hidden = false;
  output.select();
  navigator.clipboard?.writeText(url).catch(() => {});
}

function clipCard(clip, sessionId) {
  const video = clipVideo(clip, sessionId);
  const link = el("input", { class: "share-link", readonly: "", hidden: "" });
  const card = el("article", { class: "clip", dataset: { clip: clip.id, rendition: clip.rendition } },
    video,
    el("div", { class: "caption" },
      el("a", { href: `#/clip/${encodeURIComponent(clip.id)}`, class: "title" }, clip.title || clip.channel_id),
      el("button", { class: "share", onclick: () => share(clip, sessionId, link) }, "Share")),
    link);
  if (!playable(clip)) card.append(el("p", { class: "hint" }, "Rendering: the clip plays in a moment."));
  return card;
}

function showFeed(main) {
  const sessionId = crypto.randomUUID();
  const list = el("section", { id: "feed" });
  const more = el("div", { id: "more" }, "Loading…");
  main.append(list, more);
  let cursor = null;
  let done = false;
  let loading = false;
  const seen = new Set();

  const watcher = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const video = entry.target.querySelector("video");
      const id = entry.target.dataset.clip;
      if (entry.isIntersecting) {
        if (!seen.has(id)) { seen.add(id); telemetry.track("clip_impression", { session_id: sessionId, clip_id: id }); }
        if (video.src) video.play().catch(() => {});
      } else video.pause();
    }
  }, { threshold: 0.6 });

  async function page() {
    if (loading || done) return;
    loading = true;
    try {
      const data = await api("GET", `feed?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      for (const clip of data.clips) {
        const card = clipCard(clip, sessionId);
        list.append(card);
        watcher.observe(card);
      }
      cursor = data.next_cursor;
      done = !cursor;
      more.textContent = done ? (list.children.length ? "You are all caught up." : "No clips yet: they appear as live shows happen.") : "";
      list.dataset.pages = String(Number(list.dataset.pages || 0) + 1);
    } catch (error) {
      if (error.status === 410) {  // the snapshot expired: start again from the top
        notice("The feed was refreshed: new clips are at the top.", "info");
        cursor = null; list.replaceChildren(); done = false;
      } else more.textContent = "Could not load more clips.";
    } finally {
      loading = false;
    }
  }

  const bottom = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) page(); }, { rootMargin: "600px" });
  bottom.observe(more);
  page();
  leaveView = () => { watcher.disconnect(); bottom.disconnect(); telemetry.flush(); };
}

async function showClip(main, clipId) {
  const sessionId = crypto.randomUUID();
  try {
    const clip = await api("GET", `clips/${encodeURIComponent(clipId)}`);
    const card = clipCard({ ...clip, id: clip.id || clipId }, sessionId);
    card.classList.add("detail");
    main.append(el("a", { href: "#/feed", class: "back" }, "‹ Clips"), card);
    const video = card.querySelector("video");
    video.controls = true;
    if (video.src) video.play().catch(() => {});
  } catch (error) {
    main.append(el("p", { class: "empty" }, error.status === 404 ? "This clip is no longer available." : "The clip could not be loaded."));
  }
}

function showSearch(main) {
  const sessionId = crypto.randomUUID();
  const form = el("form", { id: "search" }, el("input", { name: "q", type: "search", placeholder: "Search clips", required: "", maxlength: "200" }), el("button", {}, "Search"));
  const results = el("section", { id: "results" });
  main.append(form, results);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    results.replaceChildren();
    delete results.dataset.done;
    const data = await api("GET", `search?limit=20&q=${encodeURIComponent(form.q.value)}`).catch(() => ({ clips: [] }));
    for (const clip of data.clips) results.append(clipCard(clip, sessionId));
    if (!data.clips.length) results.append(el("p", { class: "empty" }, "No clip matches every word."));
    results.dataset.done = "true";
  });
}

// --- live -------------------------------------------------------------------------

async function showDirectory(main) {
  const list = el("ul", { id: "live-list" });
  main.append(el("h2", {}, "Live now"), list);
  const data = await api("GET", "live?limit=50").catch(() => ({ streams: [] }));
  for (const live of data.streams) {
    list.append(el("li", { dataset: { channel: live.channel_id, stream: live.stream_id } },
      el("a", { href: `#/live/${encodeURIComponent(live.channel_id)}?stream=${encodeURIComponent(live.stream_id)}` },
        el("strong", {}, live.program_title || live.channel_name), ` · ${live.viewers} watching`)));
  }
  if (!data.streams.length) list.append(el("li", { class: "empty" }, "Nobody is live right now."));
}

function showLive(main, target) {
  const [channelId, query = ""] = target.split("?");
  const streamId = new URLSearchParams(query).get("stream");
  const sessionId = crypto.randomUUID();
  const messages = el("ul", { id: "chat" });
  const form = el("form", { id: "say" }, el("input", { name: "text", placeholder: "Say something", autocomplete: "off", maxlength: "500" }), el("button", {}, "Send"));
  const status = el("p", { id: "chat-status" }, "Joining the chat…");
  main.append(
    el("a", { href: "#/live", class: "back" }, "‹ Live"),
    el("section", { id: "player" }, el("p", { class: "hint" }, "The live picture plays with the IVS Player in production; not in this local build (docs/viewer-app.md).")),
    el("section", { id: "chat-box", dataset: { channel: channelId } }, status, messages, form));
  let room = null;
  let beat = null;
  let closing = false;

  const line = (attrs, ...children) => { messages.append(el("li", attrs, ...children)); messages.scrollTop = messages.scrollHeight; };

  (async () => {
    let token;
    try { token = await api("POST", `channels/${encodeURIComponent(channelId)}/chat-token`, { session_duration_minutes: 60 }); } catch { status.textContent = "The chat is unavailable."; return; }
    room = new ChatRoom(state.config.chatUrl, token.token, {
      onOpen: () => { status.textContent = "In the chat"; $("chat-box").dataset.joined = "true"; },
      onMessage: (m) => line({ dataset: { message: m.Id, user: m.Sender.UserId } }, el("b", {}, m.Sender.UserId), " ", m.Content),
      onEvent: (e) => {
        if (e.EventName === "aws:DELETE_MESSAGE") {
          const gone = messages.querySelector(`[data-message="${CSS.escape(e.Attributes.MessageID)}"]`);
          if (gone) { gone.classList.add("deleted"); gone.replaceChildren("Message removed by the moderators"); }
        }
      },
      onError: (e, request) => {
        const why = e.ErrorCode === 406 ? "Your message was not sent: it breaks the chat rules." : e.ErrorCode === 429 ? "Slow down: too many messages." : `Not sent (${e.ErrorCode}).`;
        line({ class: "refused", dataset: { refused: String(e.ErrorCode) } }, why, request ? ` “${request.Content}”` : "");
      },
      onClose: (code, reason) => {
        $("chat-box").dataset.joined = "false";
        if (closing) return;
        status.textContent = code === 4401 ? "Your chat session expired. Reopen the show to rejoin." : code === 4403 ? `You were removed from the chat: ${reason}` : "The chat connection dropped.";
        status.classList.add("error");
      },
    });
  })();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = form.text.value.trim();
    if (text && room) room.send(text);
    form.text.value = "";
  });
  if (streamId) {
    telemetry.track("live_join", { session_id: sessionId, stream_id: streamId, channel_id: channelId });
    beat = setInterval(() => telemetry.track("heartbeat", { session_id: sessionId, stream_id: streamId, channel_id: channelId }), 10_000);
  }
  leaveView = () => {
    closing = true;
    room?.close();
    clearInterval(beat);
    if (streamId) telemetry.track("live_leave", { session_id: sessionId, stream_id: streamId, channel_id: channelId });
    telemetry.flush();
  };
}

// --- on demand --------------------------------------------------------------------

async function showVod(main) {
  const resume = el("ul", { id: "continue" });
  const titles = el("ul", { id: "titles" });
  main.append(el("h2", {}, "Continue watching"), resume, el("h2", {}, "Shows"), titles);
  const [progress, vod] = await Promise.all([
    api("GET", "me/continue-watching?limit=20").catch(() => ({ titles: [] })),
    api("GET", "vod?limit=50").catch(() => ({ titles: [] })),
  ]);
  for (const t of progress.titles) {
    resume.append(el("li", { dataset: { title: t.title_id } }, el("img", { src: t.poster_url || "icon.svg", alt: "" }), t.title || t.title_id,
      el("progress", { value: String(t.fraction), max: "1" })));
  }
  if (!progress.titles.length) resume.append(el("li", { class: "empty" }, "Nothing started yet."));
  for (const t of vod.titles) {
    titles.append(el("li", { dataset: { title: t.id } }, el("img", { src: t.poster_url || "icon.svg", alt: "" }),
      el("span", {}, t.title || t.id, ` · ${Math.round((t.duration_s || 0) / 60)} min · ${t.renditions.map((r) => `${r.height}p`).join(" ")}`)));
  }
  if (!vod.titles.length) titles.append(el("li", { class: "empty" }, "No shows yet."));
}

// --- start ------------------------------------------------------------------------

addEventListener("offline", () => problem(0));
addEventListener("online", () => notice(null));
addEventListener("hashchange", route);
$("signin").addEventListener("submit", signIn);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => {});
state.config = await fetch("/config.json").then((r) => r.json()).catch(() => ({ chatUrl: `ws://${location.host}/chat` }));
if (state.token) start(); else $("signin").hidden = false;
document.body.dataset.ready = "true";
