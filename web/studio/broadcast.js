// The one seam between the page and where a show goes. Both broadcasters take the
// camera/microphone MediaStream and the channel's stream key and tell the page what
// happens through the same callbacks:
//   onLive({streamId}), onStatus(text), onEnded({streamId, recordingPrefix, vodTitleId}),
//   onError({code, message})
// with code one of "wrong_key", "key_rotated", "already_live", "ingest_down", "dropped",
// "failed".

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
// amazon-ivs-web-broadcast, served with the page as window.IVSBroadcastClient). Not
// exercised locally: there is no IVS to reach.
export class IvsBroadcaster {
  constructor(ingestEndpoint, streamKey, callbacks) {
    this.ingestEndpoint = ingestEndpoint;
    this.streamKey = streamKey;
    this.cb = callbacks;
  }

  async start(stream) {
    const sdk = globalThis.IVSBroadcastClient;
    if (!sdk) {
      this.cb.onError({ code: "failed", message: "the IVS Web Broadcast SDK is not loaded" });
      return;
    }
    this.client = sdk.create({ streamConfig: sdk.STANDARD_LANDSCAPE, ingestEndpoint: this.ingestEndpoint });
    this.client.addVideoInputDevice(stream, "camera", { index: 0 });
    this.client.addAudioInputDevice(stream, "mic");
    this.client.on(sdk.BroadcastClientEvents.CONNECTION_STATE_CHANGE, (state) => {
      this.cb.onStatus(`IVS: ${state}`);
      if (state === "connected") this.cb.onLive({ streamId: null }); // the API names the stream
      if (state === "disconnected" && !this.stopping) {
        this.cb.onError({ code: "dropped", message: "the connection to IVS dropped" });
      }
    });
    try {
      await this.client.startBroadcast(this.streamKey);
    } catch (error) {
      this.cb.onError({ code: "failed", message: String(error) });
    }
  }

  stop() {
    this.stopping = true;
    this.client?.stopBroadcast();
    this.cb.onEnded({ streamId: null });
  }
}

export function broadcasterFor(config, channel, streamKey, callbacks) {
  if (config.broadcaster === "ivs") {
    return new IvsBroadcaster(channel.ingest_endpoint, streamKey, callbacks);
  }
  return new LocalIngestBroadcaster(config.ingestUrl, streamKey, callbacks);
}
