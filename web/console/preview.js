// A marquee highlight's moment, played before anyone approves it: the API's playlist over
// the recording's own segments, played by hls.js (pinned, served at /vendor/hls/). Only
// the playlist needs the token; its segment URLs are signed.
import { el, session } from "./page.js";

let hlsModule = null;

export async function preview(box, highlightId, onFail) {
  hlsModule ||= import("/vendor/hls/hls.min.mjs").then((m) => m.default);
  const Hls = await hlsModule.catch(() => null);
  if (!Hls?.isSupported()) { onFail("This browser cannot play the preview (no Media Source Extensions)."); return; }
  const url = `/api/v1/highlights/${encodeURIComponent(highlightId)}/preview.m3u8`;
  const video = el("video", { controls: "", muted: "", playsinline: "", class: "poster" });
  video.muted = true;
  box.replaceChildren(video);
  const hls = new Hls({
    xhrSetup(xhr, target) {
      const where = new URL(target, location.href);
      if (where.origin !== location.origin || !where.pathname.startsWith("/api/")) return;
      xhr.open("GET", where.href, true);
      xhr.setRequestHeader("Authorization", `Bearer ${session.token}`);
    },
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    const status = data.response?.code ?? 0;
    onFail(status === 401 ? "Your session expired: sign in again."
      : status === 409 ? "No preview yet: the recording cannot be read for this moment."
      : `The preview cannot play (${status || data.details}).`);
    video.dataset.preview = "failed";
    hls.destroy();
  });
  video.addEventListener("playing", () => { video.dataset.preview = "playing"; }, { once: true });
  hls.loadSource(url);
  hls.attachMedia(video);
  video.play().catch(() => {});
}
