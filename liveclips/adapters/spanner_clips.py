"""Clips in Spanner: the state machine that makes a render happen once per clip.

RENDERING (a worker owns it; redelivery renders again, overwriting the same keys) ->
PUBLISHED (every output uploaded; a redelivered task stops at once), or FAILED after
the render queue's last attempt. The feed preset's
clip becomes visible earlier, as an instant clip, when PublishedAt and InstantKey are set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from google.cloud import spanner
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters import feed_cache
from liveclips.adapters.spanner import COMMIT_TS, _one, database, ensure_recording, rows_by_column
from liveclips.contracts.events import HighlightDetected
from liveclips.domain.clip_titles import clip_tags, clip_title
from liveclips.domain.programs import earliest_overlapping_start
from liveclips.errors import PermanentError

# FAILED: every attempt the render queue allows has failed (the task is dead-lettered).
ClipState = Literal["RENDERING", "PUBLISHED", "FAILED"]
_T = spanner.param_types


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


def give_up_after(recording_id: str, clip_id: str, max_attempts: int) -> bool:
    """After a failed render: True, with the clip now FAILED, when it has had its last
    attempt; False when Cloud Tasks is to try again."""

    def work(txn: Transaction) -> bool:
        row = _one(
            txn,
            "SELECT Attempts FROM Clips WHERE RecordingId = @rec AND ClipId = @clip",
            rec=recording_id,
            clip=clip_id,
        )
        if row is None or row[0] < max_attempts:
            return False
        txn.update(
            "Clips",
            columns=("RecordingId", "ClipId", "State"),
            values=[(recording_id, clip_id, "FAILED")],
        )
        return True

    result: bool = database().run_in_transaction(work)
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
    channel_name, program_title, program_tags = _context(txn, highlight)
    evidence = highlight.evidence
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
        "Title": clip_title(
            highlight.kind,
            evidence,
            channel_name=channel_name,
            program_title=program_title,
            at_s=highlight.moment_start_s,
        ),
        "Tags": clip_tags(highlight.kind, evidence, program_tags),
        **columns,
    }
    txn.insert("Clips", columns=tuple(row), values=[tuple(row.values())])


def _context(
    txn: Transaction, highlight: HighlightDetected
) -> tuple[str | None, str | None, list[str]]:
    """The channel's name and the program on air at the moment, when they are known."""
    at, channel = highlight.moment_ended_at, highlight.channel_id
    rows = list(
        txn.execute_sql(
            "SELECT ch.Name, p.Title, p.Tags FROM Channels AS ch"
            " LEFT JOIN Programs@{FORCE_INDEX=ProgramsByStart} AS p ON p.ChannelId = ch.ChannelId"
            " AND p.StartsAt > @earliest AND p.StartsAt <= @at AND p.EndsAt > @at"
            " WHERE ch.ChannelId = @channel ORDER BY p.StartsAt DESC LIMIT 1",
            params={"at": at, "earliest": earliest_overlapping_start(at), "channel": channel},
            param_types={"at": _T.TIMESTAMP, "earliest": _T.TIMESTAMP, "channel": _T.STRING},
        )
    )
    if not rows:
        return None, None, []
    row = rows[0]
    return row[0], row[1], list(row[2] or [])


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


def clip_row(recording_id: str, clip_id: str) -> dict[str, Any] | None:
    """Every column of one clip (hidden ones too), for the worker's tests and the CLI."""
    found = rows_by_column(
        "SELECT * FROM Clips WHERE RecordingId = @rec AND ClipId = @clip",
        rec=recording_id,
        clip=clip_id,
    )
    return found[0] if found else None


@dataclass(frozen=True)
class HiddenClip:
    clip_ids: list[str]  # the clip and the other presets of its highlight
    hidden_at: datetime
    reason: str


def hide_clip(clip_id: str, reason: str) -> HiddenClip | None:
    """Take a clip down, with every other preset of its highlight (the same moment), and
    make the feed cache forget them. None for an unknown clip. Hiding again changes
    nothing: the first HiddenAt and reason stay."""
    now = datetime.now(UTC)

    def work(txn: Transaction) -> HiddenClip | None:
        found = _one(
            txn,
            "SELECT RecordingId, HighlightId FROM Clips@{FORCE_INDEX=ClipsById}"
            " WHERE ClipId = @clip",
            clip=clip_id,
        )
        if found is None:
            return None
        recording_id, highlight_id = found
        siblings = list(
            txn.execute_sql(
                "SELECT ClipId, HiddenAt, HiddenReason FROM Clips"
                " WHERE RecordingId = @rec AND HighlightId = @highlight",
                params={"rec": recording_id, "highlight": highlight_id},
                param_types={"rec": _T.STRING, "highlight": _T.STRING},
            )
        )
        visible = [(recording_id, c, now, reason) for c, at, _ in siblings if at is None]
        if visible:
            txn.update(
                "Clips",
                columns=("RecordingId", "ClipId", "HiddenAt", "HiddenReason"),
                values=visible,
            )
        first = next(((at, why) for c, at, why in siblings if c == clip_id and at), (now, reason))
        return HiddenClip(clip_ids=[c for c, _, _ in siblings], hidden_at=first[0], reason=first[1])

    hidden: HiddenClip | None = database().run_in_transaction(work)
    if hidden is not None:
        feed_cache.take_down(hidden.clip_ids)
    return hidden


@dataclass(frozen=True)
class TakenDown:
    clip_id: str
    recording_id: str
    channel_id: str
    stream_id: str | None
    title: str | None
    start_s: float
    end_s: float
    hidden_at: datetime
    reason: str


_TAKEN_DOWN = (
    "SELECT ClipId, RecordingId, ChannelId, StreamId, Title, StartS, EndS, HiddenAt,"
    " HiddenReason FROM Clips"
)


def taken_down(
    preset: str, limit: int, after: tuple[datetime, str] | None = None
) -> list[TakenDown]:
    """Clips of one preset that the content team took down, the latest first; `after` is
    the last one seen (its HiddenAt and ClipId). Few rows: a scan is fine for now."""
    where = ["Preset = @preset", "HiddenAt IS NOT NULL"]
    params: dict[str, Any] = {"preset": preset, "limit": limit}
    types: dict[str, Any] = {"preset": _T.STRING, "limit": _T.INT64}
    if after is not None:
        where.append("(HiddenAt < @at OR (HiddenAt = @at AND ClipId > @id))")
        params.update(at=after[0], id=after[1])
        types.update(at=_T.TIMESTAMP, id=_T.STRING)
    conditions = " AND ".join(where)  # constants of this function; values are parameters
    sql = f"{_TAKEN_DOWN} WHERE {conditions} ORDER BY HiddenAt DESC, ClipId LIMIT @limit"
    with database().snapshot() as snapshot:
        rows = list(snapshot.execute_sql(sql, params=params, param_types=types))
    return [
        TakenDown(clip, rec, channel, stream, title, start, end, at, why or "")
        for clip, rec, channel, stream, title, start, end, at, why in rows
    ]


@dataclass(frozen=True)
class RestoredClip:
    clip_ids: list[str]  # the clip and the other presets of its highlight


class NotTakenDown(PermanentError, ValueError):
    """Restoring a clip nobody took down."""


def restore_clip(clip_id: str) -> RestoredClip | None:
    """Undo a take-down: the clip and every other preset of its moment are visible again
    (in the feed if their highlight is approved). None for an unknown clip; NotTakenDown
    when it is not hidden."""

    def work(txn: Transaction) -> RestoredClip | None:
        found = _one(
            txn,
            "SELECT RecordingId, HighlightId, HiddenAt FROM Clips@{FORCE_INDEX=ClipsById}"
            " WHERE ClipId = @clip",
            clip=clip_id,
        )
        if found is None:
            return None
        recording_id, highlight_id, hidden_at = found
        if hidden_at is None:
            raise NotTakenDown(f"clip {clip_id} is not taken down")
        siblings = [
            row[0]
            for row in txn.execute_sql(
                "SELECT ClipId FROM Clips WHERE RecordingId = @rec AND HighlightId = @highlight",
                params={"rec": recording_id, "highlight": highlight_id},
                param_types={"rec": _T.STRING, "highlight": _T.STRING},
            )
        ]
        txn.update(
            "Clips",
            columns=("RecordingId", "ClipId", "HiddenAt", "HiddenReason"),
            values=[(recording_id, c, None, None) for c in siblings],
        )
        return RestoredClip(clip_ids=siblings)

    restored: RestoredClip | None = database().run_in_transaction(work)
    if restored is not None:
        feed_cache.restore(restored.clip_ids)
    return restored
