// Player events, batched to POST /v1/events. Every event is queued in localStorage first
// and leaves the queue only once the API has answered for it, so an offline spell, an
// expired token or a 5xx loses nothing: the batch is sent again (the API dedupes on
// event_id). Flushed every 5 s, when the page is hidden and when the network is back.

const KEY = "liveclips.viewer.events";
const MAX_BATCH = 100;
const MAX_QUEUED = 5000;

export class Telemetry {
  constructor({ token, onProblem, onSent }) {
    this.token = token;
    this.onProblem = onProblem;
    this.onSent = onSent || (() => {});
    this.sending = false;
    this.sent = 0;
    setInterval(() => this.flush(), 5000);
    addEventListener("online", () => this.flush());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flush();
    });
  }

  queued() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch { return []; }
  }

  _store(events) {
    localStorage.setItem(KEY, JSON.stringify(events.slice(-MAX_QUEUED)));
  }

  track(kind, fields) {
    const event = {
      event_id: crypto.randomUUID(), kind, occurred_at: new Date().toISOString(),
      platform: "web", ...fields,
    };
    this._store([...this.queued(), event]);
    return event;
  }

  async flush() {
    if (this.sending || !this.token()) return;
    const batch = this.queued().slice(0, MAX_BATCH);
    if (!batch.length) return;
    this.sending = true;
    try {
      const answer = await fetch("/api/v1/events", {
        method: "POST",
        headers: { Authorization: `Bearer ${this.token()}`, "Content-Type": "application/json" },
        body: JSON.stringify({ events: batch }),
      });
      if (answer.status === 202) {
        const done = new Set(batch.map((e) => e.event_id));
        this._store(this.queued().filter((e) => !done.has(e.event_id)));
        this.sent += batch.length;
        this.onSent(batch, await answer.json());
      } else {
        this.onProblem(answer.status, `player events not accepted (${answer.status}); kept to resend`);
      }
    } catch {
      this.onProblem(0, "offline: player events are kept and sent when the network is back");
    } finally {
      this.sending = false;
    }
  }
}
