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

from liveclips import resources
from liveclips.domain.clip_presets import PresetName


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
    render_queue: str = resources.RENDER_QUEUE
    clip_worker_url: str = "http://127.0.0.1:8082/tasks/render"

    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")
    aws_region: str = Field(default="us-east-1", validation_alias="AWS_DEFAULT_REGION")
    media_bucket: str = "liveclips-media"
    recordings_bucket: str = "liveclips-recordings"
    idempotency_table: str = "liveclips-idempotency"

    # MediaConvert: AWS's regional endpoint unless set; locally the ffmpeg stand-in
    # (liveclips_dev/localcloud/mediaconvert.py) at AWS_ENDPOINT_URL_MEDIACONVERT, the variable
    # boto3 itself reads for a per-service endpoint.
    mediaconvert_endpoint_url: str | None = Field(
        default=None, validation_alias="AWS_ENDPOINT_URL_MEDIACONVERT"
    )
    mediaconvert_role_arn: str = "arn:aws:iam::000000000000:role/liveclips-mediaconvert"
    mediaconvert_queue_arn: str = "arn:aws:mediaconvert:us-east-1:000000000000:queues/Default"
    uploads_bucket: str = "liveclips-uploads"
    upload_url_ttl_s: int = 3600
    upload_max_bytes: int = 10 * 1024**3
    vod_queue: str = resources.VOD_QUEUE
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
    # The render queue's max_attempts (terraform/gcp/locals.tf): the worker dead-letters a
    # task whose last attempt failed, before Cloud Tasks would drop it silently.
    render_max_attempts: int = Field(default=10, ge=1)
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
    # stand-in (liveclips_dev/localcloud/openai_standin.py). Without a key, host prompts fall back
    # to the most-asked questions in chat and AI moderation stays pending.
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
    # IVS (channels, stream keys, timed metadata): AWS unless set; locally the stand-in
    # (liveclips_dev/localcloud/ivs_standin.py), which forwards channel calls to moto.
    ivs_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL_IVS")
    # Auto-record to S3 for every channel created; unset: channels do not record.
    ivs_recording_configuration_arn: str | None = None
    # Private channels' playback tokens (docs/studio.md): the private half of the key
    # pair imported into IVS, PEM (newlines may be written as \n); unset: no private
    # channels. Locally made by `liveclips local up`.
    ivs_playback_private_key: str | None = None
    ivs_playback_token_ttl_s: int = 600
    ivs_playback_allowed_origin: str = "*"
    # The PostgreSQL-dialect database the engagement job writes (schemas/spanner/analytics.sql).
    analytics_database: str = "analytics"

    # Bearer tokens (liveclips/api/auth.py): verified against the identity provider's JWKS; locally
    # the dev issuer (liveclips_dev/localcloud/dev_issuer.py). Leeway absorbs clock skew between
    # hosts.
    jwt_jwks_url: str = "http://127.0.0.1:8090/.well-known/jwks.json"
    jwt_issuer: str = "http://127.0.0.1:8090"
    jwt_audience: str = "liveclips-api"
    jwt_algorithms: list[str] = ["RS256", "ES256"]
    jwt_leeway_s: int = 30
    jwt_jwks_refetch_cooldown_s: float = 30.0
    # Requests per second (sustained, burst) per signed-in user and per client address.
    rate_user_per_s: float = 20.0
    rate_user_burst: int = 60
    rate_ip_per_s: float = 50.0
    rate_ip_burst: int = 150
    # Cloud Run's front end appends the client's address to X-Forwarded-For; elsewhere the
    # header is the client's own word and is ignored.
    trust_forwarded_for: bool = False
    max_body_bytes: int = 256 * 1024
    # The live audience signal (liveclips/services/audience.py): at most one AudienceSample per
    # stream this often, published by whichever API instance hears from a viewer first.
    audience_sample_s: int = Field(default=1, ge=1)

    # Playback URLs of clips (liveclips/adapters/playback_urls.py): CloudFront signed URLs when a
    # domain is set (the distribution's origin is the media bucket; key pair in a trusted
    # key group; the private key as PEM text, newlines may be written as \n), else S3
    # presigned URLs (locally).
    cloudfront_domain: str | None = None
    cloudfront_key_id: str | None = None
    cloudfront_private_key: str | None = None
    # The feed (docs/feed.md): a ranked snapshot serves scrolling for this long, the hot
    # one is re-ranked at least this often, a rendered page is reused this long (well under
    # signed_url_ttl_s: its URLs are signed when it is rendered).
    feed_snapshot_ttl_s: int = 3600
    feed_hot_ttl_s: int = 600
    feed_page_ttl_s: int = 120
    feed_snapshot_size: int = 1000
    feed_diversity_window: int = 4
    # Off only to measure the uncached path (bench/feed.py): every first page re-ranks.
    feed_cache: bool = True


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings()
