// Clips by hand: picking a show's moment into the feed (and unpicking it), taking clips
// down with a reason, and restoring them.
import { $, api, attempt, el, notice, session, when } from "./page.js";

const button = (text, onclick, act) => el("button", { type: "button", dataset: { act }, onclick }, text);
const UNPICKED = "unpicked by the content team";

function poster(clip) {
  return clip.poster_url ? el("img", { src: clip.poster_url, alt: "", class: "poster" }) : el("div", { class: "poster none" }, "no poster yet");
}

// A feed or search clip: its show can be picked again, or the clip taken down.
function clipCard(clip) {
  return el("li", { dataset: { clip: clip.id, stream: clip.stream_id || "" } },
    poster(clip),
    el("h3", {}, clip.title || clip.channel_id),
    el("p", { class: "muted" }, `${clip.channel_id} · ${clip.start_s.toFixed(1)}–${clip.end_s.toFixed(1)} s · ${clip.rendition} · ${clip.stats?.plays ?? 0} plays`),
    el("div", { class: "actions" },
      clip.stream_id ? button("Pick a moment of this show", () => {
        const form = $("pick");
        form.stream.value = clip.stream_id;
        form.start.value = clip.start_s; form.end.value = clip.end_s;
        form.start.focus();
      }, "pick-show") : null,
      button("Take down…", () => { location.hash = "#/takedowns"; $("takedown").clip.value = clip.id; $("takedown").reason.focus(); }, "take-down")));
}

async function browse(q) {
  const list = $("found");
  delete list.dataset.loaded;
  const page = q ? await api("GET", `search?limit=20&q=${encodeURIComponent(q)}`) : await api("GET", "feed?limit=20");
  list.replaceChildren(...page.clips.map(clipCard));
  if (!page.clips.length) list.append(el("li", { class: "empty" }, q ? "No clip matches." : "The feed is empty."));
  list.dataset.loaded = "true";
}

function pickedCard(p) {
  const card = el("li", { dataset: { highlight: p.id, clip: p.clip_id, status: p.status } },
    el("h3", {}, `Picked ${p.start_s.toFixed(1)}–${p.end_s.toFixed(1)} s of ${p.channel_id}`),
    el("p", { class: "muted" }, `clip ${p.clip_id}: ${p.status === "APPROVED" ? "in the feed as soon as it is cut" : p.status}`));
  const unpick = button("Unpick", async () => {
    notice(null);
    const ok = await attempt(() => api("POST", `clips/${encodeURIComponent(p.clip_id)}/takedown`, { reason: UNPICKED }));
    if (ok) { card.dataset.status = "UNPICKED"; unpick.remove(); card.append(el("p", { class: "decided" }, `Unpicked by ${session.user}: out of the feed (restore it from Take-downs).`)); }
  }, "unpick");
  card.append(unpick);
  return card;
}

$("pick").addEventListener("submit", async (event) => {
  event.preventDefault();
  notice(null);
  const form = event.target;
  const body = { start_s: Number(form.start.value), end_s: Number(form.end.value) };
  await attempt(async () => {
    const made = await api("POST", `streams/${encodeURIComponent(form.stream.value.trim())}/picks`, body);
    $("picked").prepend(pickedCard(made));
  });
});

$("browse").addEventListener("submit", (event) => {
  event.preventDefault();
  notice(null);
  attempt(() => browse(event.target.q.value.trim()));
});

export async function showPicks() {
  if (!$("found").dataset.loaded) await browse("");
}

function hiddenCard(c) {
  const card = el("li", { dataset: { clip: c.clip_id, status: "TAKEN_DOWN" } },
    el("h3", {}, c.title || c.clip_id),
    el("p", {}, `Taken down ${when(c.hidden_at)}: ${c.reason}`),
    el("p", { class: "muted" }, `${c.channel_id} · ${c.start_s.toFixed(1)}–${c.end_s.toFixed(1)} s · clip ${c.clip_id}`));
  const restore = button("Restore", async () => {
    notice(null);
    const ok = await attempt(() => api("POST", `clips/${encodeURIComponent(c.clip_id)}/restore`));
    if (ok) { card.dataset.status = "RESTORED"; restore.remove(); card.append(el("p", { class: "decided" }, `Restored by ${session.user}: back in the feed.`)); }
  }, "restore");
  card.append(restore);
  return card;
}

let hiddenCursor = null;

export async function showTakedowns(more = false) {
  const list = $("hidden-clips");
  delete list.dataset.loaded;
  const query = more && hiddenCursor ? `&cursor=${encodeURIComponent(hiddenCursor)}` : "";
  const page = await api("GET", `takedowns?limit=50${query}`);
  const cards = page.clips.map(hiddenCard);
  if (more) list.append(...cards); else list.replaceChildren(...cards);
  if (!list.children.length) list.append(el("li", { class: "empty" }, "No clip is taken down."));
  hiddenCursor = page.next_cursor;
  $("more-hidden").hidden = !hiddenCursor;
  list.dataset.loaded = "true";
}

$("more-hidden").addEventListener("click", () => attempt(() => showTakedowns(true)));

$("takedown").addEventListener("submit", async (event) => {
  event.preventDefault();
  notice(null);
  const form = event.target;
  const ok = await attempt(() => api("POST", `clips/${encodeURIComponent(form.clip.value.trim())}/takedown`, { reason: form.reason.value.trim() }));
  if (ok) { form.reset(); notice("Taken down: it left the feed, search and its page.", "info"); await attempt(() => showTakedowns()); }
});
