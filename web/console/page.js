// What every tab shares: the session, the API and the one place failures are told.
export const $ = (id) => document.getElementById(id);
export const session = {
  token: sessionStorage.getItem("liveclips.console.token"),
  user: sessionStorage.getItem("liveclips.console.user"),
  role: sessionStorage.getItem("liveclips.console.role"),
};

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function notice(text, kind = "error") {
  const box = $("notice");
  box.hidden = !text;
  box.textContent = text || "";
  box.dataset.kind = text ? kind : "";
}

export class ApiError extends Error {
  constructor(status, code, message) { super(message); Object.assign(this, { status, code }); }
}

// Listeners for a 401: the sign-in is shown again (console.js).
export const expired = new EventTarget();

function told(status, detail, path) {
  if (status === 401) return "Your session expired: sign in again.";
  if (status === 403) return `The console is the content team's (moderators and admins); you are signed in as ${session.role}.`;
  if (status === 409) return `Already decided, or not possible now: ${detail.message}.`;
  if (status === 404) return `Not found: ${detail.message}.`;
  if (status === 422) return `Refused: ${detail.message || "check the fields"}.`;
  if (status === 429) return "Too many requests: wait a moment and try again.";
  if (!detail.code) return `The API did not answer (${status} on ${path}). Try again in a moment.`;
  return `The service answered ${status}: ${detail.message}.`;
}

export const api = (method, path, body) => request(method, `/api/v1/${path}`, body);

export async function request(method, path, body) {
  let answer;
  try {
    answer = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "unreachable", "The API did not answer: check the connection and try again.");
  }
  const data = await answer.json().catch(() => ({}));
  if (answer.ok) return data;
  const detail = typeof data.detail === "object" && data.detail ? data.detail : {};
  const error = new ApiError(answer.status, detail.code, told(answer.status, detail, path));
  if (answer.status === 401) expired.dispatchEvent(new Event("expired"));
  throw error;
}

// Runs a user's action: its failure is shown, never lost; true when it worked.
export async function attempt(action) {
  try { await action(); return true; } catch (error) { notice(error.message); return false; }
}

export const when = (at) => (at ? new Date(at).toLocaleString() : "");
