// The one seam between the page and where a show goes. Both broadcasters take the
// camera/microphone MediaStream and the channel's stream key and tell the page what
// happens through the same callbacks:
//   onLive({streamId}), onStatus(text), onEnded({streamId, recordingPrefix, vodTitleId}),
//   onError({code, message})
// with code one of "wrong_key", "key_rotated", "already_live", "ingest_down", "dropped",
// "failed"; the IVS one also "ivs_unreachable", "bad_endpoint", "unsupported",
// "sdk_missing". config.json's "broadcaster" picks one ("local" here, "ivs" in production).

const WRONG_KEY = 4403; // localcloud/browser_ingest.py's close codes: a refused key,
const ALREADY_LIVE = 4409; // another encoder (OBS, another tab) is live on the channel
const KEY_ROTATED = 4401; // the key was rotated while live: cut off, as IVS does
const CHUNK_MS = 1000;

// Locally: MediaRecorder's WebM chunks over a WebSocket to the dev ingest, which pipes
// them into ffmpeg and writes the IVS auto-record layout (localcloud/live_ingest.py).
export class LocalIngestBroadcaster {
  constructor(ingestUrl, streamKey, callbacks) {
    this.url = `${ingestUrl}?key=${encodeURIComponent(streamKey)}`;
    this.cb = callbacks;
    this.stopping = false;
    this.opened = false;
    this.streamId = null;
  }

  start(stream) {
    const type = ["video/webm;codecs=vp8,opus", "video/webm"].find((t) =>
      MediaRecorder.isTypeSupported(t));
    this.socket = new WebSocket(this.url);
    this.socket.binaryType = "arraybuffer";
    this.socket.onopen = () => {
      this.opened = true;
      this.recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 2_500_000 });
      this.recorder.ondataavailable = (e) => {
        if (e.data.size > 0 && this.socket.readyState === WebSocket.OPEN) this.socket.send(e.data);
      };
      this.recorder.onstop = () => {
        if (this.socket.readyState === WebSocket.OPEN) this.socket.send("end");
      };
      this.recorder.start(CHUNK_MS);
    };
    this.socket.onmessage = (e) => {
      const update = JSON.parse(e.data);
      if (update.stream_id && !this.streamId) {
        this.streamId = update.stream_id;
        this.cb.onLive({ streamId: update.stream_id });
      }
      if (update.ended) {
        this.ended = true;
        this.recordingPrefix = update.recording_prefix;
        this.vodTitleId = update.vod_title_id;
      }
      this.cb.onStatus(update.status);
    };
    this.socket.onclose = (e) => {
      this.stopRecorder();
      if (e.code === WRONG_KEY) {
        this.cb.onError({ code: "wrong_key", message: e.reason || "wrong or revoked stream key" });
      } else if (e.code === KEY_ROTATED) {
        this.cb.onError({ code: "key_rotated", message: e.reason || "the stream key was rotated" });
      } else if (e.code === ALREADY_LIVE) {
        this.cb.onError({ code: "already_live", message: e.reason || "the channel is already live" });
      } else if (!this.opened) {
        this.cb.onError({ code: "ingest_down", message: "the ingest cannot be reached" });
      } else if (!this.stopping && !this.ended) {
        this.cb.onError({ code: "dropped", message: "the connection to the ingest dropped" });
      } else {
        this.cb.onEnded({
          streamId: this.streamId, recordingPrefix: this.recordingPrefix, vodTitleId: this.vodTitleId,
        });
      }
    };
  }

  stopRecorder() {
    if (this.recorder && this.recorder.state !== "inactive") this.recorder.stop();
  }

  stop() {
    this.stopping = true;
    this.stopRecorder(); // its last chunk, then "end": the ingest finishes the recording
  }
}

// In production: the channel's IVS ingest with the IVS Web Broadcast SDK (npm
// amazon-ivs-web-broadcast, its UMD build loaded on demand as window.IVSBroadcastClient).
// The SDK composites the camera on its own canvas (the preview) and sends it over WebRTC.
const SDK_URL = "vendor/ivs-broadcast/amazon-ivs-web-broadcast.js";
const INVALID_STREAM_KEY = 10003; // the SDK's error codes (amazon-ivs-web-broadcast.d.ts)
const STREAM_KEY_INVALID_CHAR = 18000;
const INGEST_ENDPOINT_URL = 13001;
const CONNECT_TIMEOUT_MS = 30_000;

function loadSdk(url) {
  if (globalThis.IVSBroadcastClient) return Promise.resolve(globalThis.IVSBroadcastClient);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => (globalThis.IVSBroadcastClient
      ? resolve(globalThis.IVSBroadcastClient) : reject(new Error("it defined no IVSBroadcastClient")));
    script.onerror = () => reject(new Error(`${url} did not load`));
    document.head.append(script);
  });
}

export class IvsBroadcaster {
  constructor(ingestEndpoint, streamKey, callbacks, { sdkUrl = SDK_URL, preview = null } = {}) {
    this.ingestEndpoint = ingestEndpoint;
    this.streamKey = streamKey;
    this.cb = callbacks;
    this.sdkUrl = sdkUrl;
    this.preview = preview; // a <canvas>: the SDK draws what it sends there
    this.stopping = false;
    this.live = false;
    this.failed = false;
  }

  fail(code, message) {
    if (this.failed || this.stopping) return;
    this.failed = true;
    this.release();
    this.cb.onError({ code, message });
  }

  // Every SDK error is a BroadcastClientError {code, name, message}; these are the ones
  // a creator can do something about.
  failWith(error) {
    const code = error?.code;
    const text = `${error?.name || "Error"} ${code ?? ""}: ${error?.message || error}`.trim();
    if (code === INVALID_STREAM_KEY || code === STREAM_KEY_INVALID_CHAR) this.fail("wrong_key", text);
    else if (code === INGEST_ENDPOINT_URL) this.fail("bad_endpoint", text);
    else if (this.live) this.fail("dropped", text);
    else this.fail("ivs_unreachable", text);
  }

  async start(stream) {
    let sdk;
    try {
      sdk = await loadSdk(this.sdkUrl);
    } catch (error) {
      this.fail("sdk_missing", error.message);
      return;
    }
    if (!sdk.isSupported()) {
      this.fail("unsupported", "IVSBroadcastClient.isSupported() is false in this browser");
      return;
    }
    try {
      this.client = sdk.create({ streamConfig: sdk.BASIC_LANDSCAPE, ingestEndpoint: this.ingestEndpoint });
    } catch (error) {
      this.failWith(error);
      return;
    }
    const events = sdk.BroadcastClientEvents;
    this.client.on(events.CONNECTION_STATE_CHANGE, (state) => this.onState(state));
    this.client.on(events.ERROR, (error) => this.failWith(error));
    if (this.preview) this.client.attachPreview(this.preview);
    try {
      // Separate streams: the SDK mixes audio and composites video on its own.
      await this.client.addVideoInputDevice(new MediaStream(stream.getVideoTracks()), "camera", { index: 0 });
      if (stream.getAudioTracks().length) {
        await this.client.addAudioInputDevice(new MediaStream(stream.getAudioTracks()), "mic");
      }
      this.cb.onStatus(`connecting to IVS (${this.ingestEndpoint})…`);
      this.connecting = setTimeout(() => {
        if (!this.live) this.fail("ivs_unreachable", `no connection after ${CONNECT_TIMEOUT_MS / 1000} s`);
      }, CONNECT_TIMEOUT_MS);
      await this.client.startBroadcast(this.streamKey);
    } catch (error) {
      this.failWith(error);
    }
  }

  onState(state) {
    // Before "connected" a closed connection is only a step: startBroadcast's rejection
    // (or the ERROR event) says why, and CONNECT_TIMEOUT_MS catches a silent hang.
    if (state === "connected" && !this.live) {
      this.live = true;
      clearTimeout(this.connecting);
      this.cb.onLive({ streamId: null }); // IVS names the stream; the API tells it later
    } else if (this.live && ["failed", "closed"].includes(state)) {
      this.fail("dropped", `the WebRTC connection to IVS is ${state}`);
      return;
    }
    this.cb.onStatus(state === "disconnected" && this.live ? "IVS: reconnecting…" : `IVS: ${state}`);
  }

  release() {
    clearTimeout(this.connecting);
    try { this.client?.stopBroadcast(); } catch { /* never started */ }
    try { this.client?.delete(); } catch { /* already freed */ }
    this.client = null;
  }

  stop() {
    this.stopping = true;
    this.release();
    this.cb.onEnded({ streamId: null });
  }
}

export function broadcasterFor(config, channel, streamKey, callbacks, { preview } = {}) {
  if (config.broadcaster === "ivs") {
    return new IvsBroadcaster(channel.ingest_endpoint, streamKey, callbacks, {
      sdkUrl: config.ivsBroadcastSdk || SDK_URL, preview,
    });
  }
  return new LocalIngestBroadcaster(config.ingestUrl, streamKey, callbacks);
}
