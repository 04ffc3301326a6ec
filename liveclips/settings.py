"""Where every cloud endpoint and resource name comes from: the environment, never code.

Settings come in small pieces (GcpPiece, RedisPiece, AuthPiece, ...), and each deployable
has its class composed of the pieces it uses (ApiSettings, FunctionsSettings, ...; ADR
0013). A deployable builds its class when it starts (`require`): a variable it needs and
nobody set stops it right there, with the variable's name, instead of the deployable
talking to a default.

Outside local mode nothing defaults to a local endpoint: the URLs and names only a
deployment knows (the project, Redis, the clip worker, the token issuer) are empty until
set. Local mode is LIVECLIPS_LOCAL=1, which `liveclips local up` (with every other
variable, in `.liveclips/local.env`), the dev CLI and the tests set; there those take the
local cloud's usual addresses. In the cloud the variables come from Terraform and
serverless.yml. Emulator hosts use the names the official clients already understand
(PUBSUB_EMULATOR_HOST, SPANNER_EMULATOR_HOST, AWS_ENDPOINT_URL) so that a client built
from them behaves identically in tests.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import lru_cache
from typing import ClassVar, Literal, Self, TypeVar

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from liveclips import resources
from liveclips.domain.clip_presets import PresetName
from liveclips.errors import LiveclipsError

LOCAL_MODE_VARIABLE = "LIVECLIPS_LOCAL"

# What the fields only a deployment can know are in local mode: the local cloud's usual
# addresses (`liveclips local up` sets the real ones; these serve a bare `local` shell).
LOCAL_DEFAULTS: dict[str, str] = {
    "gcp_project": "liveclips-local",
    "clip_worker_url": "http://127.0.0.1:8082/tasks/render",
    "vod_submit_url": "http://127.0.0.1:8081/submit_vod_job",
    "redis_url": "redis://127.0.0.1:6379/0",
    "jwt_jwks_url": "http://127.0.0.1:8090/.well-known/jwks.json",
    "jwt_issuer": "http://127.0.0.1:8090",
}


def local_mode() -> bool:
    return os.environ.get(LOCAL_MODE_VARIABLE, "").strip().lower() in {"1", "true", "yes"}


class MissingSettings(LiveclipsError):
    """A deployable started without variables it needs; the message names them."""


class Piece(BaseSettings):
    """A group of settings read from the environment; pieces compose by inheritance."""

    model_config = SettingsConfigDict(env_prefix="LIVECLIPS_", extra="ignore")

    # The fields of this piece a deployable cannot run without (outside local mode).
    REQUIRED: ClassVar[frozenset[str]] = frozenset()
    # Whether a missing required field stops construction (a deployable's class) or is
    # left empty (Settings, which every adapter reads, whichever deployable runs it).
    CHECKED: ClassVar[bool] = True

    @classmethod
    def required(cls) -> frozenset[str]:
        return frozenset().union(*(vars(c).get("REQUIRED", frozenset()) for c in cls.__mro__))

    @classmethod
    def variable(cls, name: str) -> str:
        alias = cls.model_fields[name].validation_alias
        return alias if isinstance(alias, str) else f"LIVECLIPS_{name.upper()}"

    @model_validator(mode="after")
    def _deployment_values(self) -> Self:
        local = local_mode()
        missing = []
        for name in sorted(LOCAL_DEFAULTS.keys() & type(self).model_fields.keys()):
            if getattr(self, name):
                continue
            if local:
                setattr(self, name, LOCAL_DEFAULTS[name])
            elif self.CHECKED and name in self.required():
                missing.append(self.variable(name))
        if missing:
            raise MissingSettings(
                f"{type(self).__name__}: {', '.join(missing)} not set (required outside local"
                f" mode; {LOCAL_MODE_VARIABLE}=1 runs against the local cloud)"
            )
        return self


class GcpPiece(Piece):
    """Google Cloud: the project, Spanner, and the emulators' hosts (set locally only)."""

    gcp_project: str = ""
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
    # The PostgreSQL-dialect database the engagement job writes (schemas/spanner/analytics.sql).
    analytics_database: str = "analytics"

    REQUIRED: ClassVar[frozenset[str]] = frozenset({"gcp_project"})


class TasksPiece(Piece):
    """Cloud Tasks: the queues and the HTTP targets their tasks are sent to."""

    render_queue: str = resources.RENDER_QUEUE
    clip_worker_url: str = ""
    vod_queue: str = resources.VOD_QUEUE
    vod_submit_url: str = ""
    # A failed job is resubmitted after base, 4x base, ... until the attempts run out.
    vod_max_attempts: int = 3
    vod_retry_base_s: float = 60.0

    REQUIRED: ClassVar[frozenset[str]] = frozenset({"clip_worker_url", "vod_submit_url"})


class AwsPiece(Piece):
    """AWS: the endpoint (moto locally), buckets, the idempotency table, MediaConvert."""

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


class RedisPiece(Piece):
    """The Redis every hot path shares (feed cache, signals, limits)."""

    redis_url: str = Field(default="", validation_alias="REDIS_URL")

    REQUIRED: ClassVar[frozenset[str]] = frozenset({"redis_url"})


class ChatReviewPiece(Piece):
    """The chat review Lambda's answer when it cannot read a request."""

    # What the chat review handler answers a request it cannot read (IVS applies the
    # room's own fallbackResult only when the handler fails or is late).
    chat_review_fallback: Literal["ALLOW", "DENY"] = "DENY"


class RenderPiece(Piece):
    """Rendering clips: the source rendition, presets, attempts, chunking."""

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
    # Presets the feed does not play render this much after the feed's (a later
    # schedule_time): a backlog of sharing renders never delays a feed clip (ADR 0016).
    sharing_render_delay_s: float = 20.0
    # The live follower polls each live playlist this often (liveclips/services/live_segments.py).
    live_follow_poll_s: float = 0.5
    signed_url_ttl_s: int = 3600


class OpenAIPiece(Piece):
    """OpenAI, for chat moderation and host prompts."""

    # OpenAI (chat moderation, host prompts): api.openai.com unless set; locally the
    # stand-in (liveclips_dev/localcloud/openai_standin.py). Without a key, host prompts fall back
    # to the most-asked questions in chat and AI moderation stays pending.
    openai_base_url: str | None = None
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    # Per request, no SDK retries: our backoff and breaker decide (docs/moderation.md).
    openai_timeout_s: float = 2.0
    moderation_model: str = "omni-moderation-latest"
    prompts_model: str = "gpt-4o-mini"


class IvsPiece(Piece):
    """IVS and IVS Chat: control planes, recording, playback tokens."""

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
    # Rooms the API makes per channel (liveclips/adapters/ivschat_rooms.py): every message
    # goes through this review handler first, the chatReview Lambda's warm alias
    # (terraform/aws output chat_review_handler_arn); unset (locally): rooms without one.
    chat_review_handler_arn: str | None = None
    # What IVS Chat does with a message when that handler fails or is later than 200 ms.
    chat_room_fallback_result: Literal["ALLOW", "DENY"] = "DENY"
    # Where the rooms' transcripts go (terraform/aws output chat_logging_configuration_arn);
    # unset: rooms keep no transcript.
    chat_logging_configuration_arn: str | None = None


class AuthPiece(Piece):
    """The API's bearer tokens, rate limits and request limits."""

    # Bearer tokens (liveclips/api/auth.py): verified against the identity provider's JWKS; locally
    # the dev issuer (liveclips_dev/localcloud/dev_issuer.py). Leeway absorbs clock skew between
    # hosts.
    jwt_jwks_url: str = ""
    jwt_issuer: str = ""
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

    REQUIRED: ClassVar[frozenset[str]] = frozenset({"jwt_jwks_url", "jwt_issuer"})


class SigningKeySetting(BaseModel):
    """One of our issuer's RS256 private keys (ADR 0017): `kid` names it in tokens and the
    JWKS; it signs from `active_from` until the next key's `active_from`, and is published
    (and accepted) for an access token's lifetime after that."""

    kid: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    private_key_pem: str = Field(min_length=1)
    active_from: datetime


class FederatedIssuer(BaseModel):
    """An external identity provider whose tokens map to our users (Cognito, Firebase
    Auth, Auth0...): its `iss`, where its keys are, and which claims say what."""

    issuer: str = Field(min_length=1)
    jwks_url: str = Field(min_length=1)
    audience: str = Field(min_length=1)
    # Cognito's access tokens carry the app client in `client_id`, not `aud`.
    audience_claim: str = "aud"
    subject_claim: str = "sub"
    email_claim: str | None = "email"
    # Unset: the role is our user's own (Users.Role), never the provider's word.
    role_claim: str | None = None
    algorithms: list[Literal["RS256", "ES256"]] = Field(default=["RS256"], min_length=1)


class AccountsPiece(Piece):
    """Our own issuer (liveclips/api/accounts.py): sign-up, sign-in, refresh, keys."""

    # `iss` of the tokens we sign (the API's public URL in a deployment).
    accounts_issuer: str = "liveclips-accounts"
    # JSON list of SigningKeySetting (Secret Manager in the cloud; PEM newlines may be
    # written as \n). Empty: in local mode one key is made per process; outside it,
    # sign-up and sign-in answer 503.
    account_signing_keys: list[SigningKeySetting] = Field(default_factory=list)
    # Kids whose tokens are refused at once and which are never published (a leaked key).
    account_revoked_kids: list[str] = Field(default_factory=list)
    access_token_ttl_s: int = Field(default=900, ge=60, le=3600)
    # A refresh family lives while used at least this often, and never longer than max.
    refresh_idle_ttl_s: int = Field(default=30 * 24 * 3600, ge=60)
    refresh_max_ttl_s: int = Field(default=90 * 24 * 3600, ge=60)
    password_min_length: int = Field(default=10, ge=8)
    # Sign-in and sign-up attempts per email and per client address (sustained, burst).
    rate_sign_in_email_per_s: float = 5 / 300
    rate_sign_in_email_burst: int = 10
    rate_accounts_ip_per_s: float = 0.5
    rate_accounts_ip_burst: int = 20
    # Password hashes computed at once per process: bounds memory (64 MiB each).
    password_hash_concurrency: int = Field(default=2, ge=1)
    # JSON list of FederatedIssuer.
    federated_issuers: list[FederatedIssuer] = Field(default_factory=list)


class FeedPiece(Piece):
    """The feed: audience samples, playback URLs, snapshots and page cache."""

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


class Settings(
    GcpPiece,
    TasksPiece,
    AwsPiece,
    RedisPiece,
    ChatReviewPiece,
    RenderPiece,
    OpenAIPiece,
    IvsPiece,
    AuthPiece,
    AccountsPiece,
    FeedPiece,
):
    """Every setting, as the shared adapters read them (settings()): whichever deployable
    runs an adapter, it was checked at start by that deployable's class."""

    CHECKED: ClassVar[bool] = False


# One class per deployable: the pieces it uses; building it at start checks them.
class FunctionsSettings(GcpPiece, TasksPiece, AwsPiece, RedisPiece, RenderPiece, OpenAIPiece):
    """Cloud Functions (functions/gcp/main.py)."""


class ClipWorkerSettings(GcpPiece, AwsPiece, RenderPiece):
    """The Cloud Run render service (clip_workers/); no Redis (terraform/gcp/run.tf)."""


class ApiSettings(
    GcpPiece,
    TasksPiece,
    AwsPiece,
    RedisPiece,
    RenderPiece,
    OpenAIPiece,
    IvsPiece,
    AuthPiece,
    AccountsPiece,
    FeedPiece,
):
    """The HTTP API (liveclips/api/)."""


class ModerationWorkerSettings(GcpPiece, OpenAIPiece, IvsPiece):
    """The Cloud Run pull loop of the AI moderation (liveclips/moderation_worker/)."""


class StudioEventsSettings(GcpPiece, RedisPiece, AuthPiece, AccountsPiece):
    """The studio pages' server-sent events (liveclips/studio_events/): the API's token
    check and channel lookup, and its own Pub/Sub subscriptions."""


class BridgeSettings(GcpPiece, AwsPiece):
    """The IVS and MediaConvert bridge Lambdas (functions/aws/*_bridge.py)."""


class ChatReviewSettings(GcpPiece, RedisPiece, ChatReviewPiece):
    """IVS Chat's message review Lambda (functions/aws/chat_review.py)."""


DEPLOYABLES: tuple[type[Piece], ...] = (
    FunctionsSettings,
    ClipWorkerSettings,
    ApiSettings,
    ModerationWorkerSettings,
    StudioEventsSettings,
    BridgeSettings,
    ChatReviewSettings,
)

P = TypeVar("P", bound=Piece)


def require(deployable: type[P]) -> P:
    """The deployable's settings, or MissingSettings naming every variable it lacks. Called
    where the deployable starts, so a misconfigured one fails its start, not a request."""
    return deployable()


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings()
