// The one place the app plays HLS: `attach(video, url, options)` picks the player.
//
// - config.player "ivs" (production): the IVS Player (npm amazon-ivs-player), whose UMD
//   build sets the global `IVSPlayer` (a page that bundles the npm package may set it
//   too); config.ivsPlayerScript says where that build is, config.ivsPlayerAssets where
//   its wasm worker and binary are. If it cannot load or the browser is not supported,
//   hls.js plays instead (IVS playback URLs are plain HLS) and
//   video.dataset.playerFallback says why. The IVS Player cannot send request headers,
//   so a playlist that needs the viewer's token is always played by hls.js.
// - otherwise hls.js (pinned, served at /vendor/hls/) where Media Source Extensions exist;
//   the browser's own HLS where they do not (iPhone Safari). hls.js is asked first because
//   a browser may answer "maybe" to canPlayType and still not play it (Debian's chromium).
//
// options.request(url) -> { url, headers } | null: where and how to fetch a playlist or
// segment (the API's own playlists need the viewer's token, which only hls.js can send).
// options.onFatal({ status, reason }): the video cannot play (status 404: nothing there).
// options.retryMissing: keep asking for a playlist that is not there yet (a show that
// has just gone live has no segment yet) for about this many seconds.
// Returns { kind, play(), pause(), detach() }.

const HLS_MODULE = "/vendor/hls/hls.min.mjs";
const IVS_ASSETS = "/vendor/ivs-player/assets";
let hlsModule = null;
let ivsScript = null;

function loadHls() {
  hlsModule ||= import(HLS_MODULE).then((m) => m.default);
  return hlsModule;
}

function loadIvs(src) {
  if (globalThis.IVSPlayer) return Promise.resolve(globalThis.IVSPlayer);
  ivsScript ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => (globalThis.IVSPlayer ? resolve(globalThis.IVSPlayer) : reject(new Error(`${src} did not define IVSPlayer`)));
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
  return ivsScript;
}

export async function attach(video, url, { config = {}, request = () => null, onFatal = () => {}, retryMissing = 0 } = {}) {
  if (config.player === "ivs" && !request(url)?.headers) {
    try {
      return await attachIvs(video, url, config, onFatal);
    } catch (error) {
      video.dataset.playerFallback = String(error.message || error);
      console.warn("IVS Player unavailable, playing with hls.js:", error);
    }
  }
  const Hls = await loadHls().catch(() => null);
  if (Hls?.isSupported()) return attachHlsJs(Hls, video, url, { request, onFatal, retryMissing });
  if (video.canPlayType("application/vnd.apple.mpegurl") && !request(url)?.headers) return attachNative(video, url, onFatal);
  onFatal({ status: 0, reason: "this browser cannot play HLS" });
  return { kind: "none", play() {}, pause() {}, detach() {} };
}

function attachHlsJs(Hls, video, url, { request, onFatal, retryMissing }) {
  const retry = retryMissing > 0
    ? { maxNumRetry: Math.ceil(retryMissing / 2), retryDelayMs: 2000, maxRetryDelayMs: 2000, shouldRetry: (c, n) => n < c.maxNumRetry }
    : { maxNumRetry: 1, retryDelayMs: 1000, maxRetryDelayMs: 8000 };
  const hls = new Hls({
    manifestLoadPolicy: { default: { maxTimeToFirstByteMs: Infinity, maxLoadTimeMs: 20000, timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 }, errorRetry: retry } },
    xhrSetup(xhr, target) {
      const how = request(target);
      if (!how) return;
      xhr.open("GET", how.url, true);
      for (const [name, value] of Object.entries(how.headers || {})) xhr.setRequestHeader(name, value);
    },
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    onFatal({ status: data.response?.code ?? 0, reason: data.details });
    hls.destroy();
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  video.dataset.player = "hls.js";
  return { kind: "hls.js", ...element(video), detach: () => hls.destroy() };
}

function attachNative(video, url, onFatal) {
  const failed = () => onFatal({ status: 0, reason: video.error?.message || "media error" });
  video.addEventListener("error", failed);
  video.src = url;
  video.dataset.player = "native";
  return {
    kind: "native",
    ...element(video),
    detach() { video.removeEventListener("error", failed); video.removeAttribute("src"); video.load(); },
  };
}

async function attachIvs(video, url, config, onFatal) {
  if (!config.ivsPlayerScript) throw new Error("config.json names no IVS Player build (ivsPlayerScript)");
  const IVSPlayer = await loadIvs(config.ivsPlayerScript);
  if (!IVSPlayer.isPlayerSupported) throw new Error("the IVS Player does not support this browser");
  const assets = config.ivsPlayerAssets || IVS_ASSETS;
  const player = IVSPlayer.create({
    wasmWorker: `${assets}/amazon-ivs-wasmworker.min.js`,
    wasmBinary: `${assets}/amazon-ivs-wasmworker.min.wasm`,
  });
  player.addEventListener(IVSPlayer.PlayerEventType.ERROR, (error) => {
    // NOT_AVAILABLE is IVS's answer for a channel that is offline (a 404 at the edge).
    onFatal({ status: error.type === IVSPlayer.ErrorType.NOT_AVAILABLE ? 404 : error.code || 0, reason: error.message });
  });
  // The page listens to the video element; IVS says "ended" as a player state.
  player.addEventListener(IVSPlayer.PlayerState.ENDED, () => video.dispatchEvent(new Event("ended")));
  player.attachHTMLVideoElement(video);
  player.setMuted(video.muted);
  player.load(url);
  video.dataset.player = "ivs";
  return { kind: "ivs", play: () => player.play(), pause: () => player.pause(), detach: () => player.delete() };
}

function element(video) {
  return { play: () => { video.play().catch(() => {}); }, pause: () => video.pause() };
}
