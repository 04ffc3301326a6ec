"""Clips in Spanner: the state machine that makes a render happen once per clip.

RENDERING (a worker owns it; redelivery renders again, overwriting the same keys) ->
PUBLISHED (every output uploaded; a redelivered task stops at once). The feed preset's
clip becomes visible earlier, as an instant clip, when PublishedAt and InstantKey are set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from google.cloud import spanner
from google.cloud.spanner_v1.transaction import Transaction

from adapters.spanner import COMMIT_TS, _one, database, ensure_recording
from schemas.events import HighlightDetected

ClipState = Literal["RENDERING", "PUBLISHED"]


@dataclass(frozen=True)
class ClipRef:
    clip_id: str
    stream_id: str | None
    preset: str


@dataclass(frozen=True)
class Claim(ClipRef):
    previous: ClipState | None
    published_at: datetime | None  # set once the clip is visible (instant or rendered)


@dataclass(frozen=True)
class RenderedOutputs:
    bucket: str
    mp4_key: str
    hls_key: str | None
    poster_key: str | None
    thumbnails_key: str | None
    duration_s: float
    width: int
    height: int
    size_bytes: int
    loudness_lufs: float | None
    true_peak_dbtp: float | None
    loudness_mode: str
    cut_mode: str
    render_s: float


def claim(highlight: HighlightDetected, clip_id: str, preset: str) -> Claim:
    """Own the render unless the clip is already PUBLISHED."""

    def work(txn: Transaction) -> Claim:
        stream_id = ensure_recording(txn, highlight).stream_id
        row = _one(
            txn,
            "SELECT State, Attempts, PublishedAt FROM Clips"
            " WHERE RecordingId = @rec AND ClipId = @clip",
            rec=highlight.recording_id,
            clip=clip_id,
        )
        previous: ClipState | None = row[0] if row else None
        published_at: datetime | None = row[2] if row else None
        claimed = Claim(clip_id, stream_id, preset, previous, published_at)
        if previous == "PUBLISHED":
            return claimed
        if row:
            txn.update(
                "Clips",
                columns=("RecordingId", "ClipId", "State", "Attempts"),
                values=[(highlight.recording_id, clip_id, "RENDERING", row[1] + 1)],
            )
        else:
            _insert(txn, highlight, claimed, Attempts=1)
        return claimed

    result: Claim = database().run_in_transaction(work)
    return result


def publish_instant(
    highlight: HighlightDetected, preset: str, bucket: str, key: str
) -> tuple[ClipRef, datetime] | None:
    """Make the highlight's clip visible as its instant playlist, unless it is already
    visible (instant or rendered); returns the clip and its publication time."""
    clip_id = highlight.clip_id
    now = datetime.now(UTC)

    def work(txn: Transaction) -> tuple[ClipRef, datetime] | None:
        stream_id = ensure_recording(txn, highlight).stream_id
        row = _one(
            txn,
            "SELECT PublishedAt FROM Clips WHERE RecordingId = @rec AND ClipId = @clip",
            rec=highlight.recording_id,
            clip=clip_id,
        )
        if row and row[0] is not None:
            return None
        clip = ClipRef(clip_id, stream_id, preset)
        visible = {"Bucket": bucket, "InstantKey": key, "PublishedAt": now}
        if row:
            txn.update(
                "Clips",
                columns=("RecordingId", "ClipId", *visible),
                values=[(highlight.recording_id, clip_id, *visible.values())],
            )
        else:  # before any render claimed it: Attempts counts renders only
            _insert(txn, highlight, clip, Attempts=0, **visible)
        return clip, now

    result: tuple[ClipRef, datetime] | None = database().run_in_transaction(work)
    return result


def _insert(txn: Transaction, highlight: HighlightDetected, clip: ClipRef, **columns: Any) -> None:
    row = {
        "RecordingId": highlight.recording_id,
        "ClipId": clip.clip_id,
        "State": "RENDERING",
        "HighlightId": highlight.highlight_id,
        "ChannelId": highlight.channel_id,
        "StreamId": clip.stream_id,
        "Preset": clip.preset,
        "StartS": highlight.clip_start_s,
        "EndS": highlight.clip_end_s,
        "MomentEndedAt": highlight.moment_ended_at,
        "CreatedAt": COMMIT_TS,
        **columns,
    }
    txn.insert("Clips", columns=tuple(row), values=[tuple(row.values())])


def publish_rendered(
    recording_id: str, clip_id: str, outputs: RenderedOutputs
) -> tuple[datetime, datetime]:
    """Flip to PUBLISHED; returns (first visible at, rendered at)."""
    rendered_at = datetime.now(UTC)

    def work(txn: Transaction) -> datetime:
        row = _one(
            txn,
            "SELECT PublishedAt FROM Clips WHERE RecordingId = @rec AND ClipId = @clip",
            rec=recording_id,
            clip=clip_id,
        )
        published_at: datetime = row[0] if row and row[0] else rendered_at
        txn.update(
            "Clips",
            columns=(
                "RecordingId", "ClipId", "State", "Bucket", "ObjectKey", "HlsKey", "PosterKey",
                "ThumbnailsKey", "DurationS", "Width", "Height", "SizeBytes", "LoudnessLufs",
                "TruePeakDbtp", "LoudnessMode", "CutMode", "RenderSeconds", "PublishedAt",
                "RenderedAt",
            ),
            values=[
                (
                    recording_id, clip_id, "PUBLISHED", outputs.bucket, outputs.mp4_key,
                    outputs.hls_key, outputs.poster_key, outputs.thumbnails_key,
                    outputs.duration_s, outputs.width, outputs.height, outputs.size_bytes,
                    outputs.loudness_lufs, outputs.true_peak_dbtp, outputs.loudness_mode,
                    outputs.cut_mode, outputs.render_s, published_at, rendered_at,
                )
            ],
        )  # fmt: skip
        return published_at

    first_visible: datetime = database().run_in_transaction(work)
    return first_visible, rendered_at


_FEED_COLUMNS = {
    "clip_id": "ClipId",
    "recording_id": "RecordingId",
    "channel_id": "ChannelId",
    "stream_id": "StreamId",
    "preset": "Preset",
    "start_s": "StartS",
    "end_s": "EndS",
    "duration_s": "COALESCE(DurationS, EndS - StartS)",
    "width": "Width",
    "height": "Height",
    "bucket": "Bucket",
    "key": "COALESCE(ObjectKey, InstantKey)",
    "hls_key": "HlsKey",
    "poster_key": "PosterKey",
    "thumbnails_key": "ThumbnailsKey",
    "rendition": "IF(State = 'PUBLISHED', 'rendered', 'instant')",
    "moment_ended_at": "MomentEndedAt",
    "published_at": "PublishedAt",
    "rendered_at": "RenderedAt",
}


def visible_clips(preset: str, limit: int) -> list[dict[str, Any]]:
    """The newest visible clips of a preset, instant or rendered (the feed's fallback)."""
    sql = (
        f"SELECT {', '.join(_FEED_COLUMNS.values())} FROM Clips@{{FORCE_INDEX=ClipsByPublishedAt}}"  # noqa: S608
        " WHERE Preset = @preset AND PublishedAt IS NOT NULL ORDER BY PublishedAt DESC"
        " LIMIT @limit"
    )
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            sql,
            params={"preset": preset, "limit": limit},
            param_types={"preset": spanner.param_types.STRING, "limit": spanner.param_types.INT64},
        )
        return [dict(zip(_FEED_COLUMNS, row, strict=True)) for row in rows]


def clip_row(recording_id: str, clip_id: str) -> dict[str, Any] | None:
    """Every column of one clip, for the worker's tests and the CLI."""
    with database().snapshot() as snapshot:
        results = snapshot.execute_sql(
            "SELECT * FROM Clips WHERE RecordingId = @rec AND ClipId = @clip",
            params={"rec": recording_id, "clip": clip_id},
            param_types={"rec": spanner.param_types.STRING, "clip": spanner.param_types.STRING},
        )
        rows = list(results)
        if not rows:
            return None
        return dict(zip([field.name for field in results.fields], rows[0], strict=True))
