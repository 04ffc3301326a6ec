// The creators' web studio: sign in, channels and stream keys, go live, "Clip that",
// and the show's highlights and clips as the pipeline publishes them (server-sent events).
import { broadcasterFor } from "./broadcast.js";
import { ChatRoom, notSent } from "./shared/ivschat.js";

const $ = (id) => document.getElementById(id);
const state = { token: null, user: null, channels: [], channel: null, keys: {}, live: null };
let config = {
  broadcaster: "local", ingestUrl: `ws://${location.host}/ingest`, rtmpServer: "", chatUrl: `ws://${location.host}/chat`,
};
let events = null;
let room = null; // the channel's IVS Chat room, joined as the creator

function say(text, kind = "error") {
  const box = $("message");
  box.textContent = text;
  box.className = kind;
  box.hidden = !text;
}

async function api(method, path, body) {
  const answer = await fetch(`api/v1/${path}`, {
    method,
    headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = answer.status === 204 ? {} : await answer.json().catch(() => ({}));
  if (!answer.ok) {
    const message = data?.error?.message || data?.detail || answer.statusText;
    throw new Error(`${answer.status}: ${typeof message === "string" ? message : JSON.stringify(message)}`);
  }
  return data;
}

async function signIn(form) {
  const body = { user: form.user.value, role: form.role.value, ttl_s: 3600 };
  const answer = await fetch("auth/token", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await answer.json();
  if (!answer.ok) throw new Error(data.error || "the issuer refused");
  Object.assign(state, { token: data.access_token, user: body.user });
  $("who").textContent = `${body.user} (${body.role})`;
  $("signin").hidden = true;
  state.role = body.role;
  if (body.role === "creator" || body.role === "admin") {
    $("channels").hidden = false;
    await loadChannels();
  }
  if (body.role === "moderator" || body.role === "admin") {
    $("team").hidden = false;
    await loadTeam();
  }
}

async function loadChannels() {
  state.channels = (await api("GET", "channels")).channels;
  const list = $("channel-list");
  list.replaceChildren(...state.channels.map((c) => {
    const item = document.createElement("li");
    const open = document.createElement("button");
    open.textContent = `Open ${c.name}`;
    open.dataset.channel = c.id;
    open.onclick = () => openStudio(c);
    item.append(open, ` ${c.arn}`);
    return item;
  }));
}

function showKey(channel, key) {
  state.keys[channel.id] = key; // kept in this page only, as shown once
  $("stream-key-channel").textContent = channel.name;
  $("stream-key-value").textContent = key;
  $("stream-key").hidden = false;
}

async function createChannel(form) {
  const made = await api("POST", "channels", { name: form.name.value });
  showKey(made.channel, made.stream_key);
  await loadChannels();
  openStudio(made.channel);
}

function item(list, text, data) {
  const li = document.createElement("li");
  li.textContent = text;
  Object.assign(li.dataset, data);
  $(list).prepend(li);
}

function watch(channel) {
  events?.close();
  const url = `events?channel_id=${encodeURIComponent(channel.id)}&token=${encodeURIComponent(state.token)}`;
  events = new EventSource(url);
  events.addEventListener("ready", () => { $("studio").dataset.events = "ready"; });
  events.addEventListener("highlight.detected", (e) => {
    const h = JSON.parse(e.data);
    if (h.marquee && !$("team").hidden) loadTeam().catch(() => {});
    const label = h.kind === "marker" ? "Clip that" : h.kind;
    item("highlights", `${label}: ${h.clip_start_s.toFixed(1)}–${h.clip_end_s.toFixed(1)} s — ${h.reason}`,
      { kind: h.kind, start: h.clip_start_s, end: h.clip_end_s, highlight: h.highlight_id });
  });
  // Chat: each message the inline review let through, then the AI moderation's verdict
  // and what was done about it (IVS Chat DeleteMessage / DisconnectUser).
  events.addEventListener("chat.message", (e) => {
    const m = JSON.parse(e.data);
    const li = chatLine(m.message_id, m.user_id, m.text);
    if (li.dataset.review) return; // redelivered
    li.dataset.review = "allowed";
    li.querySelector(".verdict").textContent = "review: allowed · AI: pending";
    if (m.room_arn) li.append(chatActions(channel, m, li));
  });
  events.addEventListener("moderation.verdict", (e) => {
    const v = JSON.parse(e.data);
    const li = document.getElementById(`chat-${v.message_id}`);
    if (!li) return;
    li.dataset.action = v.action;
    const done = { allow: "allowed", delete: "deleted", delete_and_disconnect: "deleted, author disconnected" }[v.action];
    const why = v.categories.length ? ` (${v.categories.join(", ")}, ${v.top_score.toFixed(2)})` : "";
    li.querySelector(".verdict").textContent = `review: allowed · AI: ${done}${why}${v.acted ? "" : " · IVS Chat not told yet"}`;
  });
  events.addEventListener("clip.published", (e) => {
    const c = JSON.parse(e.data);
    if (!$("after").hidden) loadStudioClips(channel).catch(() => {});
    item("clips", `${c.rendition} clip ${c.start_s.toFixed(1)}–${c.end_s.toFixed(1)} s (${c.preset})`,
      { rendition: c.rendition, start: c.start_s, end: c.end_s, clip: c.clip_id, highlight: c.highlight_id });
  });
}

// One line per chat message, whichever comes first: the room's MESSAGE (IVS Chat's
// WebSocket) or the review's chat.message event (SSE), which adds the verdict and actions.
function chatLine(messageId, userId, text) {
  const found = document.getElementById(`chat-${messageId}`);
  if (found) return found;
  const li = document.createElement("li");
  li.id = `chat-${messageId}`;
  Object.assign(li.dataset, { message: messageId, user: userId });
  const verdict = document.createElement("span");
  verdict.className = "verdict";
  li.append(`${userId}: ${text}`, verdict);
  $("chat").append(li);
  return li;
}

function chatStatus(text, error = false) {
  $("chat-status").textContent = text;
  $("chat-status").className = error ? "error" : "";
}

// The creator in the channel's room: a chat token from the API (the owner may also
// delete and disconnect), then IVS Chat's messaging WebSocket at config.chatUrl.
async function joinChat(channel) {
  room?.close();
  room = null;
  $("send").disabled = true;
  chatStatus("joining the chat…");
  let token;
  try {
    token = await api("POST", `channels/${channel.id}/chat-token`, { session_duration_minutes: 180 });
  } catch (error) {
    chatStatus(`The chat is unavailable (${error.message}); the page keeps showing it as it comes.`, true);
    return;
  }
  if (state.channel !== channel) return;
  const joined = new ChatRoom(config.chatUrl, token.token, {
    onOpen: () => {
      chatStatus(`in the chat as ${token.user_id}`);
      $("send").disabled = false;
      $("studio").dataset.chat = "joined";
    },
    onMessage: (m, mine) => {
      const pending = mine && document.querySelector(`#chat li[data-request="${CSS.escape(mine.RequestId)}"]`);
      if (pending && !document.getElementById(`chat-${m.Id}`)) {
        pending.id = `chat-${m.Id}`;
        pending.classList.remove("pending");
        Object.assign(pending.dataset, { message: m.Id });
        pending.querySelector(".verdict").textContent = "sent";
        return;
      }
      pending?.remove();
      chatLine(m.Id, m.Sender.UserId, m.Content);
    },
    onEvent: (e) => {
      if (e.EventName !== "aws:DELETE_MESSAGE") return;
      const gone = document.getElementById(`chat-${e.Attributes.MessageID}`);
      if (gone) gone.dataset.deleted = "true";
    },
    onError: (e, request) => {
      const line = request && document.querySelector(`#chat li[data-request="${CSS.escape(request.RequestId)}"]`);
      if (!line) { chatStatus(`The chat said: ${notSent(e.ErrorCode)}`, true); return; }
      line.classList.replace("pending", "refused");
      line.dataset.refused = String(e.ErrorCode);
      line.querySelector(".verdict").textContent = notSent(e.ErrorCode);
    },
    onClose: (code, reason) => {
      if (room !== joined) return; // left on purpose (another channel)
      $("send").disabled = true;
      $("studio").dataset.chat = "closed";
      chatStatus(code === 4401 ? "The chat session expired: open the channel again to rejoin."
        : `The chat connection closed (${code}${reason ? ": " + reason : ""}): open the channel again to rejoin.`, true);
    },
  });
  room = joined;
}

function sendChat(form) {
  const text = form.text.value.trim();
  if (!text || !room) return;
  const requestId = room.send(text);
  const li = document.createElement("li");
  li.className = "pending";
  Object.assign(li.dataset, { request: requestId, user: state.user });
  const verdict = document.createElement("span");
  verdict.className = "verdict";
  verdict.textContent = "sending…";
  li.append(`${state.user}: ${text}`, verdict);
  $("chat").append(li);
  form.text.value = "";
}

function button(text, onclick, data = {}) {
  const b = document.createElement("button");
  b.textContent = text;
  b.onclick = guarded(onclick);
  Object.assign(b.dataset, data);
  return b;
}

// The channel's owner moderates by hand too: delete a message (IVS Chat DeleteMessage),
// disconnect its author from the room (DisconnectUser), through api/chat_actions.py.
function chatActions(channel, m, li) {
  const actions = document.createElement("span");
  actions.className = "actions";
  const base = `channels/${channel.id}/chat`;
  const done = (what, pressed) => {
    li.dataset[what] = "by-hand";
    pressed.disabled = true;
    pressed.textContent = { deleted: "Deleted", disconnected: "Disconnected" }[what];
  };
  actions.append(button("Delete", async (pressed) => {
    await api("POST", `${base}/messages/${m.message_id}/delete`, { room_arn: m.room_arn });
    done("deleted", pressed);
  }, { act: "delete" }));
  if (m.user_id === state.user) return actions; // not oneself out of one's own room
  actions.append(button("Disconnect", async (pressed) => {
    await api("POST", `${base}/users/${encodeURIComponent(m.user_id)}/disconnect`, { room_arn: m.room_arn });
    done("disconnected", pressed);
  }, { act: "disconnect" }));
  return actions;
}

// The content team: marquee highlights that wait for a person, and flagged chat.
async function loadTeam() {
  const pending = await api("GET", "highlights/pending?limit=50");
  $("pending").replaceChildren(...pending.map((h) => {
    const li = document.createElement("li");
    li.dataset.highlight = h.id;
    li.append(`${h.channel_id} ${h.start_s.toFixed(1)}–${h.end_s.toFixed(1)} s (${h.reason}) `,
      button("Approve", async () => { await api("POST", `highlights/${h.id}/approve`); await loadTeam(); }),
      button("Reject", async () => { await api("POST", `highlights/${h.id}/reject`); await loadTeam(); }));
    return li;
  }));
  const queue = await api("GET", "moderation/queue?limit=50");
  $("queue").replaceChildren(...queue.items.map((m) => {
    const li = document.createElement("li");
    li.dataset.message = m.message_id;
    const decide = (outcome) => async () => {
      await api("POST", `moderation/rooms/${m.room_id}/messages/${m.message_id}/decision`, { outcome });
      await loadTeam();
    };
    li.append(`${m.user_id}: “${m.text}” → ${m.action} (${m.categories.join(", ") || "no category"}, ` +
      `${m.model}, ${m.review_state}) `, button("Uphold", decide("uphold")), button("Overturn", decide("overturn")));
    return li;
  }));
}

async function loadPrograms(channel) {
  const page = await api("GET", `channels/${channel.id}/programs`);
  $("programs").replaceChildren(...page.programs.map((p) => {
    const li = document.createElement("li");
    li.dataset.program = p.id;
    li.textContent = `${p.title}: ${new Date(p.starts_at).toLocaleString()} – ${new Date(p.ends_at).toLocaleTimeString()}`;
    return li;
  }));
}

async function schedule(form) {
  const startsAt = new Date(Date.now() + Number(form.in_min.value) * 60_000).toISOString();
  await api("POST", `channels/${state.channel.id}/programs`, {
    title: form.title.value, starts_at: startsAt, duration_s: Number(form.length_min.value) * 60,
  });
  say(`Scheduled “${form.title.value}”.`, "info");
  await loadPrograms(state.channel);
}

function onStream(streamId) {
  state.streamId = streamId;
  $("status").textContent = `live (stream ${streamId})`;
  $("studio").dataset.stream = streamId;
  setTimeout(refreshLive, 3000);
}

// IVS names the stream, and its Stream Start reaches the API a few seconds after the
// broadcast connects: until then "Clip that", the viewers and the prompts wait for it.
async function learnStream(channel) {
  for (let tries = 0; tries < 30 && state.live && !state.streamId; tries += 1) {
    const { streams } = await api("GET", `live?channel_id=${encodeURIComponent(channel.id)}&limit=1`);
    if (streams.length) return onStream(streams[0].stream_id);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  if (!state.streamId && state.live) say("Live on IVS, but the service has not seen the stream start yet: clips will wait for it.");
}

// Every 10 s while live: how many watch, and what the host could take next from chat.
async function refreshLive() {
  if (!state.streamId) return;
  try {
    $("viewers").textContent = (await api("GET", `streams/${state.streamId}/viewers`)).viewers;
    const prompts = await api("GET", `streams/${state.streamId}/prompts`);
    $("prompts-source").textContent = `(${prompts.source}${prompts.note ? ": " + prompts.note : ""})`;
    if (prompts.prompts.length) {
      $("prompts").replaceChildren(...prompts.prompts.map((text) => {
        const li = document.createElement("li");
        li.textContent = text;
        return li;
      }));
    }
  } catch (error) {
    $("prompts-source").textContent = `(${error.message})`;
  }
}
setInterval(refreshLive, 10_000);

// After the show: its on-demand title (transcoded after Recording End, so checked every
// 5 s until READY or FAILED), the channel's clips in every state, and the week's report.
async function loadStudioClips(channel) {
  const clips = await api("GET", `studio/clips?channel_id=${channel.id}&limit=50`);
  $("studio-clips").replaceChildren(...clips.clips.map((c) => {
    const li = document.createElement("li");
    li.dataset.state = c.state;
    li.textContent = `${c.start_s.toFixed(1)}–${c.end_s.toFixed(1)} s ${c.preset}: ${c.state}` +
      (c.hidden ? ` (taken down: ${c.hidden_reason})` : "");
    return li;
  }));
}

async function afterShow(channel, vodTitleId) {
  $("after").hidden = false;
  await loadStudioClips(channel);
  const report = await api("GET", `studio/analytics?channel_id=${channel.id}&days=7`);
  const t = report.totals;
  $("report").textContent = `${report.since} – ${report.until}: ${t.watch_hours.toFixed(2)} watch hours, ` +
    `peak ${t.peak_viewers} viewers, ${t.clip_plays} clip plays, ${t.clip_shares} shares`;
  if (!vodTitleId) return;
  for (let i = 0; i < 120; i += 1) {
    const answer = await fetch(`api/v1/vod/${vodTitleId}`, { headers: { Authorization: `Bearer ${state.token}` } });
    if (answer.ok) {
      const title = await answer.json();
      $("vod").dataset.state = title.state;
      const ladder = title.renditions.map((r) => `${r.width}x${r.height}`).join(", ");
      $("vod").textContent = `${title.state}${ladder ? ": " + ladder : ""}${title.error ? " — " + title.error : ""}`;
      if (title.state === "READY" || title.state === "FAILED") return;
    }
    await new Promise((resolve) => { setTimeout(resolve, 5000); });
  }
}

function openStudio(channel) {
  state.channel = channel;
  $("studio").hidden = false;
  $("studio").dataset.channel = channel.id;
  $("studio-channel").textContent = channel.name;
  $("obs-server").textContent = config.rtmpServer || channel.ingest_server;
  $("obs-server-plain").textContent = config.rtmpPlainServer || "";
  $("obs-plain").hidden = !config.rtmpPlainServer;
  $("after").hidden = true;
  $("highlights").replaceChildren();
  $("chat").replaceChildren();
  $("clips").replaceChildren();
  watch(channel);
  joinChat(channel);
  loadPrograms(channel).catch((error) => say(error.message));
}

function setLive(live) {
  $("go-live").disabled = live;
  $("stop").disabled = !live;
  $("clip-that").disabled = !live;
  $("status").className = live ? "live" : "";
}

async function goLive() {
  const channel = state.channel;
  let key = state.keys[channel.id];
  if (!key) {
    say("This page has not seen the channel's stream key: rotate it to get a new one.");
    return;
  }
  let stream;
  // A show, not a call: no gain control flattening its loud moments.
  const audio = { autoGainControl: false, echoCancellation: false, noiseSuppression: false };
  try {
    if ($("screen").checked) { // the screen's picture, the microphone's sound
      const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
      const mic = await navigator.mediaDevices.getUserMedia({ audio });
      stream = new MediaStream([...screen.getVideoTracks(), ...mic.getAudioTracks()]);
    } else {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio });
    }
  } catch (error) {
    say(`The camera, screen or microphone was not allowed (${error.name}): allow them in the browser and press Go live again.`);
    return;
  }
  const ivs = config.broadcaster === "ivs";
  $("preview").hidden = ivs; // the SDK draws what it sends on its own canvas
  $("ivs-preview").hidden = !ivs;
  $("preview").srcObject = ivs ? null : stream;
  say("");
  $("status").textContent = "connecting…";
  $("go-live").disabled = true; // until it is live or has failed
  const stopTracks = () => stream.getTracks().forEach((t) => t.stop());
  state.live = broadcasterFor(config, channel, key, {
    onLive: ({ streamId }) => {
      setLive(true);
      if (streamId) onStream(streamId);
      else learnStream(channel).catch((error) => say(error.message));
    },
    onStatus: (text) => { $("status").textContent = text; },
    onEnded: ({ recordingPrefix, vodTitleId }) => {
      if (recordingPrefix) $("studio").dataset.recording = recordingPrefix;
      afterShow(channel, vodTitleId).catch((error) => say(error.message));
      setLive(false);
      stopTracks();
      $("status").textContent = "offline: the show is recorded";
      $("studio").dataset.ended = "true";
    },
    onError: ({ code, message }) => {
      setLive(false);
      stopTracks();
      const text = {
        wrong_key: `The ingest refused the stream key (${message}). Rotate the key and go live again.`,
        key_rotated: "The stream key was rotated while live, so the ingest cut this broadcast off (as IVS does). " +
          "Everything recorded until then is kept; press Go live to start again with the new key.",
        already_live: "Another encoder (OBS, another tab) is live on this channel: end it first.",
        ingest_down: "The ingest is not reachable: is the local cloud up? Nothing was broadcast.",
        dropped: "The connection to the ingest dropped. Everything recorded until then is kept; press Go live to start again.",
        ivs_unreachable: `Could not reach the IVS ingest (${channel.ingest_endpoint}): nothing was broadcast. ` +
          `Check the network and press Go live again; the stream key is kept (${message}).`,
        bad_endpoint: `Could not reach the IVS ingest: the channel's ingest endpoint (${channel.ingest_endpoint}) is not ` +
          `one the IVS Web Broadcast SDK takes, so nothing was broadcast (${message}).`,
        unsupported: "This browser cannot broadcast to IVS (the IVS Web Broadcast SDK does not support it): " +
          "use a current Chrome, Edge, Firefox or Safari, or stream from OBS.",
        sdk_missing: `The IVS Web Broadcast SDK did not load (${message}): reload the page; nothing was broadcast.`,
      }[code] || `Broadcasting failed: ${message}`;
      say(text);
      $("status").textContent = "offline";
      $("studio").dataset.error = code;
    },
  }, { preview: $("ivs-preview") });
  state.live.start(stream);
}

async function clipThat() {
  try {
    await api("POST", `streams/${state.streamId}/markers`);
    say("Marked: the moment just before becomes a clip.", "info");
  } catch (error) {
    say(`Clip that failed: ${error.message}`);
  }
}

async function rotate() {
  try {
    const rotated = await api("POST", `channels/${state.channel.id}/stream-key`);
    showKey(state.channel, rotated.stream_key);
    say("A new stream key: the old one stopped working.", "info");
  } catch (error) {
    say(`Rotating failed: ${error.message}`);
  }
}

function guarded(handler) {
  return async (event) => {
    event?.preventDefault?.();
    try { await handler(event.target); } catch (error) { say(error.message); }
  };
}

async function main() {
  try {
    // The page's own query goes along: the dev server takes ?broadcaster=ivs (a static
    // file in production ignores it).
    const answer = await fetch(`config.json${location.search}`);
    if (answer.ok) config = { ...config, ...(await answer.json()) };
  } catch { /* the defaults */ }
  $("signin-form").onsubmit = guarded(signIn);
  $("create-form").onsubmit = guarded(createChannel);
  $("go-live").onclick = guarded(goLive);
  $("stop").onclick = () => state.live?.stop();
  $("clip-that").onclick = guarded(clipThat);
  $("rotate").onclick = guarded(rotate);
  $("program-form").onsubmit = guarded(schedule);
  $("say").onsubmit = (event) => { event.preventDefault(); sendChat(event.target); };
  $("refresh-team").onclick = guarded(loadTeam);
  document.body.dataset.ready = "true";
}

main();
