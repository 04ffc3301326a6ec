"""Our own Pub/Sub event contracts (the AWS shapes live in aws_events.py).

Every message body is one of these models as JSON. The Pub/Sub attributes repeat the
envelope (`type`, `event_id`, `schema_version`, `occurred_at`) so subscribers can route
and dedupe without parsing the body; `envelope_attributes` is the only place that builds
them, `decode` the only place that checks them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from liveclips.contracts.aws_events import describe_validation_error
from liveclips.domain.clip_presets import FEED_PRESET, PresetName
from liveclips.domain.ids import clip_id
from liveclips.errors import PermanentError


class InvalidMessage(PermanentError, ValueError):
    """A message that can never be processed: it goes to the dead-letter topic."""


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    TYPE: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int] = 1

    event_id: str = Field(min_length=1, max_length=128, description="Stable id for dedupe")
    occurred_at: AwareDatetime = Field(description="Event time (not processing time)")

    def envelope_attributes(self) -> dict[str, str]:
        return {
            "type": self.TYPE,
            "event_id": self.event_id,
            "schema_version": str(self.SCHEMA_VERSION),
            "occurred_at": utc_rfc3339(self.occurred_at),
        }


class StreamStateChanged(DomainEvent):
    TYPE: ClassVar[str] = "stream.state_changed"

    channel_arn: str
    channel_id: str
    stream_id: str
    state: Literal["session_created", "started", "ended", "failed", "session_ended"]


class RecordingStateChanged(DomainEvent):
    TYPE: ClassVar[str] = "recording.state_changed"

    channel_arn: str
    channel_id: str
    stream_id: str
    recording_id: str
    status: Literal["started", "ended", "start_failed", "end_failed"]
    bucket: str
    key_prefix: str
    duration_ms: int | None = None


class LimitBreached(DomainEvent):
    TYPE: ClassVar[str] = "limit.breached"

    channel_arn: str
    limit_name: str
    limit_value: float
    exceeded_by: float | None = None


class SegmentReady(DomainEvent):
    """A recorded HLS media segment landed in S3 (from S3 Object Created)."""

    TYPE: ClassVar[str] = "segment.ready"

    bucket: str
    key: str
    size: int = Field(ge=0)
    recording_prefix: str
    recording_id: str
    channel_id: str
    rendition: str
    index: int = Field(ge=0)


class SegmentAnalyzed(DomainEvent):
    """Media signals of one recorded segment, on the recording's own time axis."""

    TYPE: ClassVar[str] = "segment.analyzed"

    bucket: str
    recording_prefix: str
    recording_id: str
    channel_id: str
    rendition: str
    index: int = Field(ge=0)
    start_s: float = Field(ge=0, description="Offset of the segment from recording start")
    duration_s: float = Field(gt=0)
    segment_started_at: AwareDatetime = Field(description="PROGRAM-DATE-TIME of the segment")
    loudness_step_s: float = Field(gt=0)
    momentary_lufs: list[float] = Field(
        description="EBU R128 momentary loudness sampled every loudness_step_s from start_s"
    )
    media_seconds: list[dict[str, float]] = Field(
        default_factory=list,
        description="Per second from start_s: loudness (max LUFS), scene (0..1), motion (0..1)",
    )


class HighlightDetected(DomainEvent):
    TYPE: ClassVar[str] = "highlight.detected"

    highlight_id: str
    clip_id: str
    bucket: str
    recording_prefix: str
    recording_id: str
    channel_id: str
    moment_start_s: float
    moment_end_s: float
    moment_ended_at: AwareDatetime
    clip_start_s: float = Field(ge=0)
    clip_end_s: float = Field(gt=0)
    score: float
    reason: str
    kind: Literal["auto", "marker", "manual"] = "auto"
    marquee: bool = Field(default=False, description="Waits for human approval")
    evidence: dict[str, float] = Field(
        default_factory=dict, description="Each signal's contribution to the score"
    )


class ClipPublished(DomainEvent):
    """A clip became playable: first as the instant playlist, then as the rendered clip."""

    TYPE: ClassVar[str] = "clip.published"
    SCHEMA_VERSION: ClassVar[int] = 2  # v2: one event per rendition (instant, rendered)

    clip_id: str
    highlight_id: str
    recording_id: str
    channel_id: str
    stream_id: str | None
    preset: PresetName
    rendition: Literal["instant", "rendered"]
    start_s: float
    end_s: float
    duration_s: float
    width: int | None = Field(description="None for an instant clip (the source's size)")
    height: int | None
    bucket: str
    key: str = Field(description="What a player opens: the MP4, or the instant playlist")
    hls_key: str | None = None
    poster_key: str | None = None
    thumbnails_key: str | None = Field(default=None, description="WebVTT of the sprite sheet")
    loudness_lufs: float | None = None
    moment_ended_at: AwareDatetime
    published_at: AwareDatetime = Field(description="When the clip first became visible")
    rendered_at: AwareDatetime | None = None


class ChatMessagePosted(DomainEvent):
    """A chat message IVS Chat allowed; occurred_at is when it was sent."""

    TYPE: ClassVar[str] = "chat.message"

    channel_id: str
    message_id: str
    user_id: str
    text: str = Field(max_length=500)
    room_arn: str | None = Field(
        default=None, description="The IVS Chat room; None for chat from elsewhere (not moderated)"
    )


class AudienceSample(DomainEvent):
    """Live audience of a channel at occurred_at, from the player events."""

    TYPE: ClassVar[str] = "audience.sample"

    channel_id: str
    viewers: int = Field(ge=0)
    joins: int = Field(default=0, ge=0)
    reactions: int = Field(default=0, ge=0, description="Shares + reactions since last sample")


class StreamMarker(DomainEvent):
    """The creator pressed "clip that" in the studio (also sent as IVS timed metadata)."""

    TYPE: ClassVar[str] = "stream.marker"

    channel_id: str
    kind: Literal["clip"] = "clip"


class ChatModerated(DomainEvent):
    """The AI moderation's verdict on one chat message (and what was done about it)."""

    TYPE: ClassVar[str] = "moderation.verdict"

    room_arn: str
    channel_id: str
    message_id: str
    user_id: str
    action: Literal["allow", "delete", "delete_and_disconnect"]
    categories: list[str]
    top_score: float = Field(ge=0, le=1)
    acted: bool = Field(description="False when IVS Chat could not be told (retried)")


class VodRenditionOutput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    playlist_uri: str = Field(description="s3:// URI of the rendition's media playlist")
    width: int
    height: int
    duration_ms: int | None = None
    average_bitrate: int | None = None


class VodJobChanged(DomainEvent):
    """A MediaConvert job of ours finished (from MediaConvert Job State Change)."""

    TYPE: ClassVar[str] = "vod.job_changed"

    title_id: str
    attempt: int = Field(ge=1)
    job_id: str
    status: Literal["COMPLETE", "ERROR", "CANCELED"]
    master_uri: str | None = Field(default=None, description="s3:// URI; COMPLETE only")
    renditions: list[VodRenditionOutput] = Field(default_factory=list)
    frame_capture_uris: list[str] = Field(default_factory=list)
    error_code: int | None = None
    error_message: str | None = None


class VodReady(DomainEvent):
    """A title's outputs were validated and it is playable on demand."""

    TYPE: ClassVar[str] = "vod.ready"

    title_id: str
    kind: Literal["recording", "upload"]
    channel_id: str
    recording_id: str | None
    bucket: str
    master_key: str
    duration_ms: int


class UploadReceived(DomainEvent):
    """A creator's upload landed in the uploads bucket (from S3 Object Created)."""

    TYPE: ClassVar[str] = "upload.received"

    bucket: str
    key: str
    size: int
    upload_id: str


class SubmitVodJobTask(BaseModel):
    """Cloud Tasks body asking for a title's MediaConvert job (attempt n)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title_id: str
    attempt: int = Field(ge=1)


class RenderClipTask(BaseModel):
    """Body of a Cloud Task asking a clip worker to render one clip."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    highlight: HighlightDetected
    preset: PresetName = FEED_PRESET

    @property
    def clip_id(self) -> str:
        h = self.highlight
        return clip_id(h.recording_id, h.clip_start_s, h.clip_end_s, self.preset)


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.TYPE: cls
    for cls in (
        StreamStateChanged,
        RecordingStateChanged,
        LimitBreached,
        SegmentReady,
        SegmentAnalyzed,
        HighlightDetected,
        ClipPublished,
        ChatMessagePosted,
        AudienceSample,
        StreamMarker,
        ChatModerated,
        VodJobChanged,
        VodReady,
        UploadReceived,
    )
}

E = TypeVar("E", bound=DomainEvent)


def decode(expected: tuple[type[E], ...], data: bytes, attributes: dict[str, str]) -> E:
    """Parse a Pub/Sub message into one of `expected`, or say exactly why it cannot be."""
    kind = attributes.get("type")
    model = next((cls for cls in expected if kind == cls.TYPE), None)
    if model is None:
        accepted = ", ".join(cls.TYPE for cls in expected)
        raise InvalidMessage(f"attribute type={kind!r} is not one of: {accepted}")
    version = attributes.get("schema_version")
    if version != str(model.SCHEMA_VERSION):
        raise InvalidMessage(
            f"{model.TYPE}: schema_version={version!r} is not supported "
            f"(expected {model.SCHEMA_VERSION})"
        )
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        raise InvalidMessage(f"{model.TYPE}: {describe_validation_error(error)}") from error


def json_schemas() -> dict[str, dict[str, Any]]:
    """The checked-in JSON Schema files, by file name."""
    schemas = {f"{name}.json": cls.model_json_schema() for name, cls in EVENT_TYPES.items()}
    schemas["task.render_clip.json"] = RenderClipTask.model_json_schema()
    schemas["task.submit_vod_job.json"] = SubmitVodJobTask.model_json_schema()
    return schemas


def utc_rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
