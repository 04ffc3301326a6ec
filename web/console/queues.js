// The content team's queues of decisions: marquee highlights waiting for approval, and
// the AI moderation's flagged (and appealed) chat.
import { $, api, attempt, el, notice, session, when } from "./page.js";
import { preview } from "./preview.js";

const button = (text, onclick, act) => el("button", { type: "button", dataset: { act }, onclick }, text);

// A decision shows on its card at once; the list is re-read on Refresh.
function decided(card, status, text) {
  card.dataset.status = status;
  card.querySelector(".actions")?.remove();
  card.append(el("p", { class: "decided" }, text));
}

async function afterConflict(error, reload) {
  notice(error.message);
  if (error.status === 409) await reload().catch(() => {});
}

function highlightCard(h) {
  const card = el("li", { dataset: { highlight: h.id, status: h.status } });
  const why = el("input", { name: "why", placeholder: "Reason to reject", maxlength: "500" });
  const evidence = Object.entries(h.evidence).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ");
  const decide = (verb) => async () => {
    notice(null);
    if (verb === "reject" && !why.value.trim()) { notice("Give a reason to reject it."); why.focus(); return; }
    try {
      const body = verb === "reject" ? { reason: why.value.trim() } : undefined;
      const done = await api("POST", `highlights/${encodeURIComponent(h.id)}/${verb}`, body);
      decided(card, done.status, verb === "approve"
        ? `Approved by ${session.user}: its clip goes to the feed.`
        : `Rejected by ${session.user}: ${why.value.trim()}`);
    } catch (error) { await afterConflict(error, showApprovals); }
  };
  const screen = el("div", { class: "preview" },
    button("▶ Preview the moment", () => preview(screen, h.id, (text) => notice(text)), "preview"));
  card.append(
    screen,
    el("h3", {}, `${h.channel_id} · score ${h.score.toFixed(1)}`),
    el("p", {}, `${h.kind} moment ${h.start_s.toFixed(1)}–${h.end_s.toFixed(1)} s of recording ${h.recording_id}: ${h.reason}`),
    el("p", { class: "muted" }, evidence ? `Evidence: ${evidence}` : "No evidence recorded"),
    el("div", { class: "actions" }, button("Approve", decide("approve"), "approve"), why, button("Reject", decide("reject"), "reject")),
  );
  return card;
}

export async function showApprovals() {
  const list = $("pending");
  delete list.dataset.loaded;
  const pending = await api("GET", "highlights/pending?limit=50");
  list.replaceChildren(...pending.map(highlightCard));
  if (!pending.length) list.append(el("li", { class: "empty" }, "Nothing waits for approval."));
  list.dataset.loaded = "true";
}

function historyLines(history) {
  return (history || []).map((h) => el("li", { dataset: { kind: h.kind } },
    `${when(h.at)} ${h.kind} by ${h.actor}: ${h.outcome}${h.note ? ` — “${h.note}”` : ""}`));
}

function verdictCard(m) {
  const card = el("li", { dataset: { message: m.message_id, room: m.room_id, status: m.review_state } });
  const note = el("input", { name: "note", placeholder: "Note (optional)", maxlength: "1000" });
  const path = `moderation/rooms/${encodeURIComponent(m.room_id)}/messages/${encodeURIComponent(m.message_id)}`;
  const decide = (outcome) => async () => {
    notice(null);
    try {
      const done = await api("POST", `${path}/decision`, { outcome, note: note.value.trim() });
      card.querySelector(".history").replaceChildren(...historyLines(done.history));
      decided(card, done.review_state, `${done.review_state === "UPHELD" ? "Upheld" : "Overturned"} by ${session.user}.`);
    } catch (error) { await afterConflict(error, showModeration); }
  };
  const appeal = (m.history || []).filter((h) => h.kind === "appeal").at(-1);
  card.append(
    el("h3", {}, `${m.user_id} in ${m.channel_id}`, el("span", { class: "state" }, m.review_state)),
    el("blockquote", {}, m.text),
    el("p", {}, `AI verdict: ${m.action} · score ${m.top_score.toFixed(2)} · ${m.categories.join(", ") || "no category"} (${m.model}) — ${m.reason}`),
    appeal ? el("p", { class: "appeal" }, `Appeal by ${appeal.actor}: “${appeal.note}”`) : null,
    el("ul", { class: "history" }, ...historyLines(m.history)),
    el("div", { class: "actions" }, button("Uphold", decide("uphold"), "uphold"), button("Overturn", decide("overturn"), "overturn"), note),
  );
  return card;
}

let queueAfter = null;

export async function showModeration(more = false) {
  const list = $("queue");
  delete list.dataset.loaded;
  const query = more && queueAfter ? `&after=${encodeURIComponent(queueAfter)}` : "";
  const page = await api("GET", `moderation/queue?limit=50${query}`);
  const cards = page.items.map(verdictCard);
  if (more) list.append(...cards); else list.replaceChildren(...cards);
  if (!list.children.length) list.append(el("li", { class: "empty" }, "No flagged or appealed message waits."));
  queueAfter = page.next_after;
  $("more-queue").hidden = !queueAfter;
  list.dataset.loaded = "true";
}

$("more-queue").addEventListener("click", () => attempt(() => showModeration(true)));
