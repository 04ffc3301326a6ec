"""Where every cloud endpoint and resource name comes from: the environment, never code.

Locally `liveclips local up` writes these variables to `.liveclips/local.env`; in the
cloud they are set by Terraform / serverless.yml. Emulator hosts use the names the
official clients already understand (PUBSUB_EMULATOR_HOST, SPANNER_EMULATOR_HOST,
AWS_ENDPOINT_URL) so that a client built from them behaves identically in tests.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.clip_presets import PresetName


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIVECLIPS_", extra="ignore")

    gcp_project: str = "liveclips-local"
    gcp_location: str = "us-central1"
    pubsub_emulator_host: str | None = Field(default=None, validation_alias="PUBSUB_EMULATOR_HOST")
    spanner_emulator_host: str | None = Field(
        default=None, validation_alias="SPANNER_EMULATOR_HOST"
    )
    spanner_instance: str = "liveclips"
    spanner_database: str = "liveclips"
    tasks_emulator_host: str | None = Field(
        default=None, validation_alias="CLOUD_TASKS_EMULATOR_HOST"
    )
    render_queue: str = "render-clips"
    clip_worker_url: str = "http://127.0.0.1:8082/tasks/render"

    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")
    aws_region: str = Field(default="us-east-1", validation_alias="AWS_DEFAULT_REGION")
    media_bucket: str = "liveclips-media"
    recordings_bucket: str = "liveclips-recordings"
    idempotency_table: str = "liveclips-idempotency"

    # MediaConvert: AWS's regional endpoint unless set; locally the ffmpeg stand-in
    # (localcloud/mediaconvert.py) at AWS_ENDPOINT_URL_MEDIACONVERT, the variable boto3
    # itself reads for a per-service endpoint.
    mediaconvert_endpoint_url: str | None = Field(
        default=None, validation_alias="AWS_ENDPOINT_URL_MEDIACONVERT"
    )
    mediaconvert_role_arn: str = "arn:aws:iam::000000000000:role/liveclips-mediaconvert"
    mediaconvert_queue_arn: str = "arn:aws:mediaconvert:us-east-1:000000000000:queues/Default"
    uploads_bucket: str = "liveclips-uploads"
    upload_url_ttl_s: int = 3600
    upload_max_bytes: int = 10 * 1024**3
    vod_queue: str = "vod-jobs"
    vod_submit_url: str = "http://127.0.0.1:8081/submit_vod_job"
    # A failed job is resubmitted after base, 4x base, ... until the attempts run out.
    vod_max_attempts: int = 3
    vod_retry_base_s: float = 60.0

    # What the chat review handler answers a request it cannot read (IVS applies the
    # room's own fallbackResult only when the handler fails or is late).
    chat_review_fallback: Literal["ALLOW", "DENY"] = "DENY"

    redis_url: str = Field(default="redis://127.0.0.1:6379/0", validation_alias="REDIS_URL")

    # Clips are cut from this rendition when the recording offers it, else the best below.
    clip_max_height: int = 720
    # Every highlight is rendered in the feed preset (with its instant clip) and these.
    clip_presets: list[PresetName] = Field(default=["vertical", "landscape"], min_length=1)
    # Long clips are encoded in chunks of about this length in parallel (on workers with 4+
    # CPUs: clip_workers.render.MIN_CPUS_FOR_CHUNKS); 0 disables it.
    render_chunk_s: float = 10.0
    # Worker URLs that encode a long clip's chunks on other instances (in the cloud: the
    # clip worker service itself, run with concurrency 1); empty: chunks stay here.
    render_fan_out_urls: list[str] = Field(default_factory=list)
    render_fan_out_min_s: float = 20.0
    # Instant clips point at the recording's segments with signed URLs this long-lived.
    instant_clip_ttl_s: int = 24 * 3600
    signed_url_ttl_s: int = 3600

    # OpenAI (chat moderation, host prompts): api.openai.com unless set; locally the
    # stand-in (localcloud/openai_standin.py). Without a key, host prompts fall back to
    # the most-asked questions in chat and AI moderation stays pending.
    openai_base_url: str | None = None
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    # Per request, no SDK retries: our backoff and breaker decide (docs/moderation.md).
    openai_timeout_s: float = 2.0
    moderation_model: str = "omni-moderation-latest"
    prompts_model: str = "gpt-4o-mini"
    # IVS Chat's control plane (DeleteMessage, DisconnectUser): AWS unless set.
    ivschat_endpoint_url: str | None = Field(
        default=None, validation_alias="AWS_ENDPOINT_URL_IVSCHAT"
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings()
