"""The processes `liveclips local up` starts after the emulators: our deployables and the
stand-ins of the services the emulators lack."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppService:
    """An HTTP process of ours, run as `python -m <module> --host H --port P`."""

    name: str
    module: str
    health_path: str


# Started by `liveclips local up` after the emulators, in this order.
SERVICES: tuple[AppService, ...] = (
    AppService("functions", "liveclips_dev.localcloud.function_host", "/healthz"),
    AppService("clip-worker", "clip_workers.app", "/healthz"),
    AppService("api", "liveclips.api.app", "/healthz"),
    # MediaConvert's local stand-in: runs each job's settings with ffmpeg.
    AppService("mediaconvert", "liveclips_dev.localcloud.mediaconvert", "/healthz"),
    # OpenAI's local stand-in: moderation and structured chat completions, deterministic.
    AppService("openai", "liveclips_dev.localcloud.openai_standin", "/healthz"),
    # IVS Chat's local stand-in: DeleteMessage / DisconnectUser (moto has no ivschat).
    AppService("ivschat", "liveclips_dev.localcloud.ivschat", "/healthz"),
    # IVS's local stand-in: stream keys, streams and timed metadata; channels go to moto.
    AppService("ivs", "liveclips_dev.localcloud.ivs_standin", "/healthz"),
    # Pulls chat-messages in batches for the AI moderation (Cloud Run in the cloud).
    AppService("moderation-worker", "liveclips.moderation_worker.app", "/healthz"),
    # The studio pages' server-sent events (Cloud Run in the cloud).
    AppService("studio-events", "liveclips.studio_events.app", "/healthz"),
    # The web studio (web/studio/), the browser's live ingest; /events passed through.
    AppService("studio-web", "liveclips_dev.localcloud.browser_ingest", "/healthz"),
    # Dataflow's local stand-in: the engagement Beam job, streaming, on the DirectRunner;
    # healthy at once, the job starts behind it (docs/adr/0015-local-engagement-job.md).
    AppService("engagement-job", "liveclips_dev.localcloud.engagement_job", "/healthz"),
    # Follows each live recording's ~2 s live segments for the highlight detector (ADR 0016).
    AppService("live-follower", "liveclips.live_follower.app", "/healthz"),
)
