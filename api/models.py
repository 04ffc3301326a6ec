"""Bodies of the public HTTP API (mobile feed)."""

from __future__ import annotations

from typing import Literal

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
