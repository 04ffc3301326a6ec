// The content team's console: sign in, then one tab per queue (hash routes) and the
// dashboards. Each tab's module draws it; failures are told in #notice (page.js).
import { showDashboards } from "./dashboards.js";
import { showPicks, showTakedowns } from "./clips.js";
import { $, attempt, expired, notice, session } from "./page.js";
import { showApprovals, showModeration } from "./queues.js";

const TABS = {
  approvals: showApprovals,
  picks: showPicks,
  takedowns: () => showTakedowns(),
  moderation: () => showModeration(),
  dashboards: showDashboards,
};

function route() {
  if (!session.token) return;
  const tab = location.hash.replace(/^#\//, "") in TABS ? location.hash.slice(2) : "dashboards";
  for (const a of document.querySelectorAll("#tabs a")) a.classList.toggle("on", a.dataset.tab === tab);
  for (const section of document.querySelectorAll("section.tab")) section.hidden = section.id !== tab;
  document.body.dataset.tab = tab;
  attempt(TABS[tab]);
}

function signedIn() {
  $("who").textContent = `${session.user} (${session.role})`;
  $("signin").hidden = true;
  $("tabs").hidden = false;
  route();
}

function signOut() {
  sessionStorage.removeItem("liveclips.console.token");
  session.token = null;
  $("signin").hidden = false;
  $("tabs").hidden = true;
  for (const section of document.querySelectorAll("section.tab")) section.hidden = true;
}

$("signin").addEventListener("submit", async (event) => {
  event.preventDefault();
  notice(null);
  const form = event.target;
  const body = { user: form.user.value, role: form.role.value, ttl_s: 3600 };
  const answer = await fetch("/auth/token", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  }).catch(() => null);
  if (!answer || !answer.ok) { notice("Signing in failed: the sign-in service did not answer."); return; }
  Object.assign(session, { token: (await answer.json()).access_token, user: body.user, role: body.role });
  for (const key of ["token", "user", "role"]) sessionStorage.setItem(`liveclips.console.${key}`, session[key]);
  signedIn();
});

for (const refresh of document.querySelectorAll("section.tab .refresh")) {
  refresh.addEventListener("click", () => { notice(null); route(); });
}
expired.addEventListener("expired", signOut);
window.addEventListener("hashchange", () => { notice(null); route(); });
if (session.token) signedIn();
document.body.dataset.ready = "true";
