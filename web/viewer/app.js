// The viewers' app: the ranked clip feed, the live-now directory with each show's chat,
// the on-demand shows and continue watching. Plain ES modules; the API at /api/v1.
import { ChatRoom } from "./chat.js";
import { attach } from "./player.js";
import { Telemetry } from "./telemetry.js";

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("liveclips.token"), user: sessionStorage.getItem("liveclips.user"), config: null };
const telemetry = new Telemetry({ token: () => state.token, onProblem: problem, onSent: sent });

function sent(batch, answer) {
  // What the API took and refused, on the page for the tests and for support.
  const data = document.body.dataset;
  data.eventsSent = String(Number(data.eventsSent || 0) + answer.accepted);
  data.eventsRejected = String(Number(data.eventsRejected || 0) + answer.rejected.length);
  const refused = new Set(answer.rejected.map((r) => r.index));
  const kinds = new Set([...(data.kindsAccepted || "").split(" ").filter(Boolean), ...batch.filter((_, i) => !refused.has(i)).map((e) => e.kind)]);
  data.kindsAccepted = [...kinds].join(" ");
  if (answer.rejected.length) console.warn("player events refused", answer.rejected);
  if ($("notice").dataset.kind === "offline") notice(null);
}
let leaveView = () => {};
let progressSent = Promise.resolve();  // the last watch-progress report, awaited by #/vod

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
  const views = { feed: showFeed, clip: showClip, live: id ? showLive : showDirectory, vod: id ? showTitle : showVod, search: showSearch };
  (views[view] || showFeed)(main, id && decodeURIComponent(id));
}

// --- playing ----------------------------------------------------------------------

// The API names its own playlists (on-demand titles) at its own address and wants the
// viewer's token for them: the page reaches the API at /api (one origin), and only
// hls.js can send the token. Anything else (S3's signed URLs, the live edge) as it is.
function viaApi(url) {
  const target = new URL(url, location.href);
  const path = target.pathname.startsWith("/api/v1/") ? target.pathname.slice(4) : target.pathname;
  if (!path.startsWith("/v1/")) return null;
  return { url: `/api${path}${target.search}`, headers: { Authorization: `Bearer ${state.token}` } };
}

const players = new Set();

function detachAll() {
  for (const handle of players) handle.detach();
  players.clear();
}

async function play(video, url, { onFatal, retryMissing = 0 } = {}) {
  const handle = await attach(video, url, { config: state.config, request: viaApi, onFatal, retryMissing });
  players.add(handle);
  return handle;
}

function couldNotLoad(box, text = "The video could not be loaded. Try again in a moment.") {
  box.querySelector(".video-problem")?.remove();
  box.append(el("p", { class: "video-problem", role: "alert" }, text));
  box.dataset.state = "failed";
}

// play_start (ttff_ms: play asked -> first frame) and stall events of one player.
function instrument(video, fields, onStart = () => {}) {
  let asked = 0;
  let started = false;
  video.addEventListener("play", () => { if (!asked) asked = performance.now(); });
  video.addEventListener("playing", () => {
    if (started) return;
    started = true;
    video.dataset.startedAt = String(video.currentTime);
    telemetry.track("play_start", { ...fields, ttff_ms: Math.round(performance.now() - (asked || performance.now())) });
    onStart();
  });
  video.addEventListener("waiting", () => { if (started) video.dataset.stallFrom = performance.now(); });
  video.addEventListener("playing", () => {
    if (!video.dataset.stallFrom) return;
    const stall = Math.round(performance.now() - Number(video.dataset.stallFrom));
    delete video.dataset.stallFrom;
    if (stall > 50) telemetry.track("stall", { session_id: fields.session_id, clip_id: fields.clip_id, title_id: fields.title_id, stream_id: fields.stream_id, stall_ms: stall });
  });
}

// --- the clip feed ----------------------------------------------------------------

function isHls(clip) {
  // The rendered MP4 plays as a file; the instant clip is a playlist over the recording.
  return clip.url.includes(".m3u8");
}

function clipVideo(clip, sessionId) {
  const video = el("video", { muted: "", playsinline: "", loop: "", preload: "metadata", poster: clip.poster_url });
  video.muted = true;
  if (!isHls(clip)) video.src = clip.url;
  instrument(video, { session_id: sessionId, clip_id: clip.id, channel_id: clip.channel_id, duration_s: clip.duration_s || undefined },
    () => telemetry.track("clip_play", { session_id: sessionId, clip_id: clip.id, channel_id: clip.channel_id }));
  return video;
}

// The card's video playing: an instant clip's player is made the first time it is wanted.
async function startClip(card, clip) {
  const video = card.querySelector("video");
  if (!isHls(clip)) { video.play().catch(() => {}); return; }
  card.attached ||= play(video, clip.url, { onFatal: () => couldNotLoad(card) });
  (await card.attached).play();
}

async function stopClip(card) {
  if (card.attached) (await card.attached).pause();
  else card.querySelector("video").pause();
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
  card.start = () => startClip(card, clip);
  card.stop = () => stopClip(card);
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
      const id = entry.target.dataset.clip;
      if (entry.isIntersecting) {
        if (!seen.has(id)) { seen.add(id); telemetry.track("clip_impression", { session_id: sessionId, clip_id: id }); }
        entry.target.start();
      } else entry.target.stop();
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
  leaveView = () => { watcher.disconnect(); bottom.disconnect(); detachAll(); telemetry.flush(); };
}

async function showClip(main, clipId) {
  const sessionId = crypto.randomUUID();
  leaveView = detachAll;
  try {
    const clip = await api("GET", `clips/${encodeURIComponent(clipId)}`);
    const card = clipCard({ ...clip, id: clip.id || clipId }, sessionId);
    card.classList.add("detail");
    main.append(el("a", { href: "#/feed", class: "back" }, "‹ Clips"), card);
    card.querySelector("video").controls = true;
    card.start();
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
    el("div", { class: "live-layout" },
      el("section", { id: "player", dataset: { state: "loading" } }),
      el("section", { id: "chat-box", dataset: { channel: channelId } }, status, messages, form)));
  showLivePicture($("player"), channelId, streamId, sessionId);
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
    detachAll();
    room?.close();
    clearInterval(beat);
    if (streamId) telemetry.track("live_leave", { session_id: sessionId, stream_id: streamId, channel_id: channelId });
    telemetry.flush();
  };
}

// The show's picture: its playback URL from the live-now directory (IVS's, with a token
// for a private channel), played muted; a show no longer listed has ended.
async function onAir(channelId, streamId) {
  const data = await api("GET", "live?limit=50");
  return data.streams.find((s) => s.channel_id === channelId && (!streamId || s.stream_id === streamId));
}

function ended(box) {
  box.replaceChildren(el("p", { class: "video-problem ended", role: "status" }, "This show has ended. Its recording appears under Shows once it is ready."));
  box.dataset.state = "ended";
}

async function showLivePicture(box, channelId, streamId, sessionId) {
  let live;
  try { live = await onAir(channelId, streamId); } catch { couldNotLoad(box, "The video could not be loaded: the live directory did not answer."); return; }
  if (!live) { ended(box); return; }
  const video = el("video", { muted: "", autoplay: "", playsinline: "", controls: "" });
  video.muted = true;
  box.replaceChildren(video);
  instrument(video, { session_id: sessionId, stream_id: live.stream_id, channel_id: channelId }, () => { box.dataset.state = "playing"; });
  video.addEventListener("ended", () => ended(box));
  // Just gone live, the first segment may not be published yet: keep asking a while.
  const handle = await play(video, live.playback_url, {
    retryMissing: 12,
    onFatal: async ({ status }) => {
      const still = await onAir(channelId, streamId).catch(() => live);
      if (!still) ended(box);
      else couldNotLoad(box, status === 404 ? "The video could not be loaded: the stream is not reachable." : "The video could not be loaded. Try again in a moment.");
    },
  });
  handle.play();
}

// --- on demand --------------------------------------------------------------------

async function showVod(main) {
  const resume = el("ul", { id: "continue" });
  const titles = el("ul", { id: "titles" });
  main.append(el("h2", {}, "Continue watching"), resume, el("h2", {}, "Shows"), titles);
  await progressSent;
  const [progress, vod] = await Promise.all([
    api("GET", "me/continue-watching?limit=20").catch(() => ({ titles: [] })),
    api("GET", "vod?limit=50").catch(() => ({ titles: [] })),
  ]);
  for (const t of progress.titles) {
    resume.append(el("li", { dataset: { title: t.title_id, fraction: String(t.fraction) } },
      el("a", { href: `#/vod/${encodeURIComponent(t.title_id)}` }, el("img", { src: t.poster_url || "icon.svg", alt: "" }), t.title || t.title_id),
      el("progress", { value: String(t.fraction), max: "1" })));
  }
  if (!progress.titles.length) resume.append(el("li", { class: "empty" }, "Nothing started yet."));
  for (const t of vod.titles) {
    titles.append(el("li", { dataset: { title: t.id } }, el("a", { href: `#/vod/${encodeURIComponent(t.id)}` }, el("img", { src: t.poster_url || "icon.svg", alt: "" }),
      el("span", {}, t.title || t.id, ` · ${Math.round((t.duration_s || 0) / 60)} min · ${t.renditions.map((r) => `${r.height}p`).join(" ")}`))));
  }
  if (!vod.titles.length) titles.append(el("li", { class: "empty" }, "No shows yet."));
}

const PROGRESS_EVERY_S = 10;

async function showTitle(main, titleId) {
  const sessionId = crypto.randomUUID();
  const box = el("section", { id: "vod-player", dataset: { title: titleId, state: "loading" } });
  main.append(el("a", { href: "#/vod", class: "back" }, "‹ Shows"), box);
  let timer = null;
  let video = null;
  const report = (final) => {
    if (!video || !(video.duration > 0) || !Number.isFinite(video.duration)) return;
    const body = { kind: "vod", session_id: sessionId, position_s: video.currentTime, duration_s: video.duration, final };
    progressSent = api("PUT", `me/progress/${encodeURIComponent(titleId)}`, body)
      .then(() => { box.dataset.progressSaved = String(Number(box.dataset.progressSaved || 0) + 1); })
      .catch(() => {});
  };
  leaveView = () => { clearInterval(timer); report(true); detachAll(); telemetry.flush(); };
  let title;
  let resume;
  try {
    [title, resume] = await Promise.all([api("GET", `vod/${encodeURIComponent(titleId)}`), api("GET", `me/progress/${encodeURIComponent(titleId)}`)]);
  } catch (error) {
    couldNotLoad(box, error.status === 404 ? "This show is no longer available." : "The video could not be loaded. Try again in a moment.");
    return;
  }
  if (!title.hls_url) { couldNotLoad(box, "This show is not ready to play yet."); return; }
  video = el("video", { muted: "", autoplay: "", playsinline: "", controls: "", poster: title.poster_url });
  video.muted = true;
  box.replaceChildren(el("h2", {}, title.title || title.id), video);
  instrument(video, { session_id: sessionId, title_id: titleId, channel_id: title.channel_id, duration_s: title.duration_s || undefined }, () => { box.dataset.state = "playing"; });
  video.addEventListener("loadedmetadata", () => { if (resume.position_s > 0) video.currentTime = resume.position_s; }, { once: true });
  video.addEventListener("pause", () => report(true));
  video.addEventListener("ended", () => report(true));
  timer = setInterval(() => { if (!video.paused) report(false); }, PROGRESS_EVERY_S * 1000);
  (await play(video, title.hls_url, { onFatal: () => couldNotLoad(box) })).play();
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
