"""Bodies of the public HTTP API (mobile feed)."""

from __future__ import annotations

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
    width: int
    height: int
    url: str = Field(description="Signed, expiring playback URL of the MP4")
    published_at: AwareDatetime
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
