"""Bodies of the public HTTP API (mobile feed)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints


class FeedClip(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    stream_id: str | None
    channel_id: str
    recording_id: str
    start_s: float = Field(description="Clip start on the recording's time axis")
    end_s: float
    duration_s: float
    rendition: Literal["instant", "rendered"] = Field(
        description="instant: a playlist over the recording, replaced by the rendered clip"
    )
    width: int | None = Field(description="None while instant (the source's own size)")
    height: int | None
    url: str = Field(description="Signed, expiring playback URL: the MP4, or the instant HLS")
    hls_url: str | None = Field(description="Signed HLS playlist of the rendered clip")
    poster_url: str | None
    thumbnails_url: str | None = Field(description="WebVTT of the scrubbing sprite sheet")
    published_at: AwareDatetime = Field(description="When the clip first became playable")
    rendered_at: AwareDatetime | None = Field(description="When the rendered clip replaced it")
    moment_ended_at: AwareDatetime
    title: str | None = Field(default=None, description="Program or channel, and the moment")
    tags: list[str] = Field(default_factory=list)
    stats: ClipStats | None = Field(default=None, description="Engagement so far")


class FeedPage(BaseModel):
    clips: list[FeedClip]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page (same ranking, whatever was "
        "published since); null on the last page"
    )
    urls_expire_at: AwareDatetime = Field(
        description="The signed URLs in this page stop working then: fetch again before"
    )


class HighlightView(BaseModel):
    id: str
    recording_id: str
    channel_id: str
    kind: str
    status: str
    score: float
    start_s: float = Field(description="Clip window start on the recording's time axis")
    end_s: float
    reason: str
    evidence: dict[str, float]


class ManualPickRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_s: float = Field(ge=0, description="Start on the stream's time axis, seconds")
    end_s: float = Field(gt=0)


# Title and session ids are also parts of Redis keys: no ':' keeps those unambiguous.
ID_PATTERN = r"^[A-Za-z0-9_-]+$"


class ProgressReport(BaseModel):
    """A player's heartbeat: every ~10 s while playing, and once on pause, stop or end."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["vod", "clip"]
    session_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=ID_PATTERN,
        description="New for every playback (a UUID); a play counts once per session",
    )
    position_s: float = Field(ge=0, allow_inf_nan=False)
    duration_s: float = Field(gt=0, allow_inf_nan=False)
    final: bool = Field(
        False, description="Pause, stop or end: saved at once instead of every ~10 s"
    )


class ProgressSaved(BaseModel):
    position_s: float
    saved: bool = Field(description="Written durably now (otherwise within ~10 s)")
    play_counted: bool = Field(description="This report made the session count as a play")
    plays: int = Field(description="Plays of the title so far")


class ResumePoint(BaseModel):
    title_id: str
    position_s: float = Field(description="Where to start: 0 when finished or never watched")
    duration_s: float | None
    updated_at: AwareDatetime | None


class ContinueWatchingTitle(BaseModel):
    title_id: str
    title: str | None
    position_s: float
    duration_s: float
    fraction: float = Field(description="Share watched, 0..1, for the progress bar")
    updated_at: AwareDatetime
    poster_url: str | None = Field(description="Signed, expiring")
    master_url: str = Field(description="HLS master playlist, every reference signed")


class ContinueWatchingPage(BaseModel):
    titles: list[ContinueWatchingTitle]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel_id: str = Field(min_length=1, max_length=64, pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    content_type: str = Field(description="video/mp4, video/quicktime, video/webm, ...")
    size_bytes: int = Field(gt=0, description="Exact size of the file to upload")


class UploadTicketView(BaseModel):
    upload_id: str = Field(description="Also the VOD title id")
    url: str = Field(description="POST the file here as multipart/form-data")
    fields: dict[str, str] = Field(description="Form fields to send before the file")
    expires_at: AwareDatetime


class VodRenditionView(BaseModel):
    name: str
    width: int
    height: int
    bandwidth: int = Field(description="Peak bits per second, from the master playlist")


class VodTitleView(BaseModel):
    id: str
    kind: str = Field(description="recording (a live show) or upload")
    channel_id: str
    recording_id: str | None
    title: str | None
    state: str = Field(description="UPLOADING, PENDING, TRANSCODING, RETRYING, READY, FAILED")
    duration_s: float | None
    poster_url: str | None = Field(description="Signed, expiring")
    hls_url: str | None = Field(description="Master playlist (READY only); references signed")
    renditions: list[VodRenditionView]
    error: str | None = Field(description="Why it FAILED")


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["uphold", "overturn"]
    note: str = Field(default="", max_length=1000)


class AppealBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=1000, description="Why the verdict is wrong")


class VerdictView(BaseModel):
    room_id: str
    message_id: str
    channel_id: str
    user_id: str
    text: str
    sent_at: AwareDatetime
    flagged: bool
    categories: list[str]
    top_score: float
    action: str = Field(description="allow, delete or delete_and_disconnect")
    reason: str
    model: str
    review_state: str = Field(description="NONE, OPEN, UPHELD, OVERTURNED or APPEALED")
    flagged_at: AwareDatetime
    history: list[dict[str, Any]] | None = Field(
        default=None, description="AI verdict, decisions and appeals, oldest first"
    )


class ModerationQueuePage(BaseModel):
    items: list[VerdictView]
    next_after: AwareDatetime | None = Field(description="Pass as `after` for the next page")


class HostPromptsView(BaseModel):
    stream_id: str
    source: str = Field(description="openai, chat (most-asked questions) or rate_limited")
    prompts: list[str]
    note: str = Field(description="Why the fallback was used, or when the next may come")
    at: AwareDatetime


class RejectedEvent(BaseModel):
    index: int = Field(description="Position in the batch")
    event_id: str | None
    reason: str


class EventsAccepted(BaseModel):
    accepted: int
    rejected: list[RejectedEvent]


class ViewersNow(BaseModel):
    stream_id: str
    viewers: int = Field(description="Playback sessions heard from in the last 30 s")


class Revoked(BaseModel):
    user_id: str
    scope: Literal["token", "all_tokens"]


# --- creator studio, live-now directory, content team (docs/studio.md) ---

ChannelName = Annotated[str, StringConstraints(min_length=1, max_length=128,
                                               pattern=r"^[A-Za-z0-9_-]+$")]  # fmt: skip


class ChannelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ChannelName = Field(description="IVS's channel name rules: letters, digits, - and _")
    private: bool = Field(False, description="Playback only with a token (GET /v1/live)")
    latency_mode: Literal["LOW", "NORMAL"] = "LOW"
    type: Literal["STANDARD", "BASIC", "ADVANCED_SD", "ADVANCED_HD"] = "STANDARD"


class ChannelView(BaseModel):
    id: str
    arn: str
    name: str
    owner_user_id: str
    private: bool
    latency_mode: str
    type: str
    playback_url: str
    ingest_endpoint: str
    ingest_server: str = Field(description="RTMPS URL for the encoder (OBS: Server)")
    created_at: AwareDatetime | None


class ChannelCreated(BaseModel):
    channel: ChannelView
    stream_key: str = Field(description="Shown this once (OBS: Stream Key); rotate if lost")


class ChannelPage(BaseModel):
    channels: list[ChannelView]
    next_cursor: str | None


class StreamKeyRotated(BaseModel):
    channel_id: str
    stream_key: str = Field(description="Shown this once; the previous key stopped working")
    ingest_server: str


ProgramTag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]


class ProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    tags: list[ProgramTag] = Field(default_factory=list, max_length=10)
    starts_at: AwareDatetime = Field(description="In the future")
    duration_s: int = Field(gt=0, le=12 * 3600, description="At most 12 h")


class ProgramView(BaseModel):
    id: str
    channel_id: str
    title: str
    tags: list[str]
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class ProgramPage(BaseModel):
    programs: list[ProgramView]
    next_cursor: str | None


class MarkerAccepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    marker_id: str = Field(description="Also in the timed metadata viewers' players receive")


class ManualClipRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    last_s: float = Field(30.0, ge=5.0, le=120.0, description="Seconds before now to clip")


class ManualClipAccepted(BaseModel):
    highlight_id: str
    clip_id: str = Field(description="The feed clip's id once rendered (GET /v1/studio/clips)")
    stream_id: str
    recording_id: str
    start_s: float = Field(description="On the recording's time axis")
    end_s: float
    status: str


class StudioClip(BaseModel):
    id: str
    highlight_id: str
    recording_id: str
    stream_id: str | None
    channel_id: str
    preset: str
    state: str = Field(description="RENDERING, PUBLISHED or FAILED")
    start_s: float
    end_s: float
    duration_s: float
    created_at: AwareDatetime
    published_at: AwareDatetime | None = Field(description="Playable (instant, then rendered)")
    rendered_at: AwareDatetime | None
    hidden: bool = Field(description="Taken down by the content team: not in any feed")
    hidden_reason: str | None
    poster_url: str | None = Field(description="Signed, expiring")


class StudioClipPage(BaseModel):
    clips: list[StudioClip]
    next_cursor: str | None


class AnalyticsTotals(BaseModel):
    watch_hours: float
    peak_viewers: int = Field(description="The highest of the channels' daily peaks")
    clip_plays: int
    clip_shares: int


class AnalyticsDay(AnalyticsTotals):
    day: date


class StudioAnalytics(BaseModel):
    channel_ids: list[str]
    since: date
    until: date
    days: list[AnalyticsDay] = Field(description="Days with activity, oldest first")
    totals: AnalyticsTotals


class LiveStreamView(BaseModel):
    stream_id: str
    channel_id: str
    channel_name: str
    program_title: str | None = Field(description="The program scheduled when it started")
    started_at: AwareDatetime
    viewers: int = Field(description="Playback sessions heard from in the last 30 s")
    private: bool
    playback_url: str = Field(description="IVS playback URL; private: with ?token=")


class LivePage(BaseModel):
    streams: list[LiveStreamView]
    next_cursor: str | None


class TakedownRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class TakedownView(BaseModel):
    clip_id: str
    hidden_clip_ids: list[str] = Field(description="The clip in every preset of its moment")
    hidden_at: AwareDatetime = Field(description="When it was first taken down")
    reason: str = Field(description="The first take-down's reason (a repeat changes nothing)")


class ClipStats(BaseModel):
    """Distinct viewers (HyperLogLog estimates, ~1 % error), not events."""

    impressions: int = Field(description="Saw it in the feed")
    plays: int
    completions: int = Field(description="Watched at least 90 %")
    shares: int


class ClipDetail(FeedClip):
    preset: str = Field(description="vertical (the feed's), square, landscape, ...")
    urls_expire_at: AwareDatetime


class SearchPage(BaseModel):
    clips: list[FeedClip] = Field(description="Best match first")
    next_cursor: str | None = Field(description="Pass as `cursor` with the same `q`")
    urls_expire_at: AwareDatetime


FeedClip.model_rebuild()
