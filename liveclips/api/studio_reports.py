"""What a creator sees of their own channels in the studio: every clip (rendering,
published or taken down, with the reason) and the daily engagement rollups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from liveclips.adapters import s3, spanner_analytics, spanner_channels, spanner_creator_clips
from liveclips.api import pagination
from liveclips.api.auth import CreatorCaller
from liveclips.api.errors import documented
from liveclips.api.models import (
    AnalyticsDay,
    AnalyticsTotals,
    StudioAnalytics,
    StudioClip,
    StudioClipPage,
)
from liveclips.api.ownership import managed_channel
from liveclips.domain.access import Caller
from liveclips.domain.clip_presets import FEED_PRESET

router = APIRouter(prefix="/v1/studio", tags=["creator studio"])
ChannelFilter = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="One of your channels (admins: anyone's); absent: all of yours",
    ),
]


def _channel_ids(caller: Caller, channel_id: str | None) -> list[str]:
    if channel_id is not None:
        return [managed_channel(caller, channel_id).channel_id]
    return spanner_channels.ids_owned_by(caller.user_id)


def _clip(row: dict[str, Any]) -> StudioClip:
    bucket, poster = row["Bucket"], row["PosterKey"]
    return StudioClip(
        id=row["ClipId"],
        highlight_id=row["HighlightId"],
        recording_id=row["RecordingId"],
        stream_id=row["StreamId"],
        channel_id=row["ChannelId"],
        preset=row["Preset"],
        state=row["State"],
        start_s=row["StartS"],
        end_s=row["EndS"],
        duration_s=row["DurationS"] or row["EndS"] - row["StartS"],
        created_at=row["CreatedAt"],
        published_at=row["PublishedAt"],
        rendered_at=row["RenderedAt"],
        hidden=row["HiddenAt"] is not None,
        hidden_reason=row["HiddenReason"],
        poster_url=s3.signed_url(bucket, poster) if bucket and poster else None,
    )


@router.get("/clips", response_model=StudioClipPage, responses=documented(400, 404))
def studio_clips(
    caller: CreatorCaller,
    channel_id: ChannelFilter = None,
    cursor: pagination.Cursor = None,
    limit: pagination.Limit = 20,
) -> StudioClipPage:
    """Clips of the caller's channels, newest first, in every state, taken-down ones with
    the content team's reason."""
    rows = spanner_creator_clips.of_channels(
        _channel_ids(caller, channel_id), FEED_PRESET, limit, pagination.decode(cursor)
    )
    keys = [(row["CreatedAt"], row["ClipId"]) for row in rows]
    return StudioClipPage(
        clips=[_clip(row) for row in rows], next_cursor=pagination.next_cursor(keys, limit)
    )


@router.get("/analytics", response_model=StudioAnalytics, responses=documented(404))
def studio_analytics(
    caller: CreatorCaller,
    days: Annotated[int, Query(ge=1, le=90, description="Today and the days before")] = 7,
    channel_id: ChannelFilter = None,
) -> StudioAnalytics:
    """Watch hours, peak viewers, clip plays and shares per day (UTC) over the caller's
    channels, from the engagement job's daily rollups."""
    ids = _channel_ids(caller, channel_id)
    until = datetime.now(UTC).date()
    since = until - timedelta(days=days - 1)
    found = spanner_analytics.creator_days(ids, since, until)
    per_day = [
        AnalyticsDay(
            day=d.day,
            watch_hours=round(d.watch_seconds / 3600, 3),
            peak_viewers=d.peak_viewers,
            clip_plays=d.clip_plays,
            clip_shares=d.clip_shares,
        )
        for d in found
    ]
    totals = AnalyticsTotals(
        watch_hours=round(sum(d.watch_seconds for d in found) / 3600, 3),
        peak_viewers=max((d.peak_viewers for d in found), default=0),
        clip_plays=sum(d.clip_plays for d in found),
        clip_shares=sum(d.clip_shares for d in found),
    )
    return StudioAnalytics(channel_ids=ids, since=since, until=until, days=per_day, totals=totals)
