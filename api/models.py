"""Bodies of the public HTTP API (mobile feed)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


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


class FeedPage(BaseModel):
    clips: list[FeedClip]
    next_before: float | None = Field(
        description="Pass as `before` to get the next (older) page; null on the last page"
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
