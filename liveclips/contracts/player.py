"""What the mobile app reports about playback, as the ingest API accepts it.

A batch of these arrives at `POST /v1/events`; each accepted one is published to
`player-events` with its `event_id` (Beam's id_label: a resent batch is counted once) and
`event_time` (Beam's timestamp_attribute: windows follow when it happened, not when it
arrived) as Pub/Sub attributes. The user is the authenticated caller, never the body.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

PlayerEventKind = Literal[
    "heartbeat",  # every ~10 s while playing
    "play_start",  # first frame shown: ttff_ms
    "stall",  # rebuffering: stall_ms
    "stop",
    "clip_impression",  # a clip was on screen in the feed
    "clip_play",
    "share",
    "live_join",
    "live_leave",
]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
# What each kind must say about: a title (VOD), a clip, or a live stream.
_NEEDS: dict[str, tuple[str, ...]] = {
    "clip_impression": ("clip_id",),
    "clip_play": ("clip_id",),
    "share": (),  # a clip or a title
    "live_join": ("stream_id",),
    "live_leave": ("stream_id",),
}
MAX_BATCH = 100


class PlayerEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: Id = Field(description="Client-made, unique per event: resends are deduplicated")
    kind: PlayerEventKind
    occurred_at: AwareDatetime
    session_id: Id = Field(description="One playback session (one player instance)")
    channel_id: Id | None = None
    stream_id: Id | None = None
    title_id: Id | None = None
    clip_id: Id | None = None
    position_s: float | None = Field(default=None, ge=0, le=7 * 24 * 3600)
    duration_s: float | None = Field(default=None, gt=0, le=7 * 24 * 3600)
    ttff_ms: int | None = Field(default=None, ge=0, le=120_000)
    stall_ms: int | None = Field(default=None, ge=0, le=3_600_000)
    platform: Literal["ios", "android", "web"] | None = None

    @model_validator(mode="after")
    def _says_what_it_is_about(self) -> PlayerEvent:
        for needed in _NEEDS.get(self.kind, ()):
            if getattr(self, needed) is None:
                raise ValueError(f"{self.kind} events need {needed}")
        if self.kind == "play_start" and self.ttff_ms is None:
            raise ValueError("play_start events need ttff_ms")
        if self.kind == "stall" and self.stall_ms is None:
            raise ValueError("stall events need stall_ms")
        if not (self.stream_id or self.title_id or self.clip_id):
            raise ValueError("an event is about a stream_id, a title_id or a clip_id")
        return self


class PlayerEventBatch(BaseModel):
    """The body of POST /v1/events: events are checked one by one, so one bad event does
    not cost the good ones (they are answered per index)."""

    model_config = ConfigDict(extra="forbid")

    events: list[dict[str, object]] = Field(min_length=1, max_length=MAX_BATCH)


class PublishedPlayerEvent(PlayerEvent):
    """What goes on the topic: the event plus the authenticated user."""

    user_id: Id
