"""What must hold after any show, whatever went wrong during it: nothing lost, nothing
doubled, nothing half done, every stream final, every malformed input kept with its
reason. `violations()` lists what does not hold, in words a failing test can print."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from liveclips.adapters import s3, spanner, spanner_vod
from liveclips.adapters.config import settings
from liveclips.domain.clip_presets import FEED_PRESET
from liveclips.services import vod
from liveclips.services.highlights import rendered_presets
from liveclips_dev.studio.run import StudioRun

if TYPE_CHECKING:
    from tests.faults.harness import Run

_CLIP_KEYS = ("ObjectKey", "HlsKey", "PosterKey", "ThumbnailsKey", "InstantKey")


def _clips(recording_id: str) -> list[dict[str, Any]]:
    columns = ", ".join(("ClipId", "HighlightId", "Preset", "State", "StartS", "EndS",
                         "Bucket", "RenderedAt", *_CLIP_KEYS))  # fmt: skip
    sql = f"SELECT {columns} FROM Clips WHERE RecordingId = @r"  # noqa: S608
    return spanner.rows_by_column(sql, r=recording_id)


def _approved(recording_id: str) -> set[str]:
    found = spanner.rows_by_column(
        "SELECT HighlightId FROM HighlightCandidates WHERE RecordingId = @r"
        " AND Status = 'APPROVED'",
        r=recording_id,
    )
    return {r["HighlightId"] for r in found}


def _final_states(studio: StudioRun, recording_id: str) -> list[str]:
    problems = []
    stream = spanner.stream(studio.broadcast.stream_id)
    if stream is None or stream.state != "ENDED" or stream.started_at is None:
        problems.append(f"stream {studio.broadcast.stream_id} is not final: {stream}")
    elif stream.ended_at is None or stream.ended_at <= stream.started_at:
        problems.append(f"stream {stream.stream_id} ended before it started: {stream}")
    recording = spanner.rows_by_column(
        "SELECT State FROM Recordings WHERE RecordingId = @r", r=recording_id
    )
    if [r["State"] for r in recording] != ["ENDED"]:
        problems.append(f"recording {recording_id} is not final: {recording}")
    title = spanner_vod.get(vod.title_id_for_recording(recording_id))
    if title is None or title.state != "READY":
        problems.append(f"the show's on-demand title is not READY: {title and title.state}")
    return problems


def _covering(planted_start: float, planted_end: float, clips: list[dict[str, Any]]) -> set[str]:
    return {
        c["HighlightId"]
        for c in clips
        if c["Preset"] == FEED_PRESET and c["StartS"] <= planted_start and c["EndS"] >= planted_end
    }


def settled(studio: StudioRun, recording_id: str) -> bool:
    """Everything the show set off has finished (or will never finish on its own)."""
    clips = _clips(recording_id)
    approved = _approved(recording_id)
    rendered = {(c["HighlightId"], c["Preset"]) for c in clips if c["RenderedAt"] is not None}
    return (
        not _final_states(studio, recording_id)
        and all(_covering(m.start_s, m.end_s, clips) for m in studio.moments)
        and all((h, p) in rendered for h in approved for p in rendered_presets())
    )


def chat_verdicts(room_id: str) -> list[str]:
    """Message ids of the verdicts stored for a chat room, one row per verdict."""
    return [
        r["MessageId"]
        for r in spanner.rows_by_column(
            "SELECT MessageId FROM ChatVerdicts WHERE RoomId = @r", r=room_id
        )
    ]


def violations(run: Run) -> list[str]:
    clips = _clips(run.recording_id)
    approved = _approved(run.recording_id)
    problems = _final_states(run.studio, run.recording_id)

    for moment in run.studio.moments:
        covering = _covering(moment.start_s, moment.end_s, clips)
        if len(covering) != 1:
            problems.append(f"planted {moment} is in {len(covering)} highlights' clips, not 1")

    per_preset = Counter((c["HighlightId"], c["Preset"]) for c in clips)
    for highlight in approved:
        for preset in rendered_presets():
            if per_preset[(highlight, preset)] != 1:
                count = per_preset[(highlight, preset)]
                problems.append(f"highlight {highlight} has {count} {preset} clips, not 1")
    for clip in clips:
        missing = [k for k in _CLIP_KEYS[:4] if not clip[k]]
        if clip["State"] != "PUBLISHED" or clip["RenderedAt"] is None or missing:
            problems.append(f"half-made clip {clip['ClipId']}: {clip['State']}, missing {missing}")
        if clip["HighlightId"] not in approved:
            problems.append(f"clip {clip['ClipId']} of a highlight that is not approved")

    problems += _orphans(run, clips)
    problems += _dead_letter_problems(run)
    return problems


def _orphans(run: Run, clips: list[dict[str, Any]]) -> list[str]:
    """Objects under the show's clip folder that no published row names, and names that
    no object backs."""
    prefix = f"clips/{run.channel_id}/{run.recording_id}/"
    client = s3.client()
    stored: set[str] = set()
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=settings().media_bucket, Prefix=prefix
    ):
        stored |= {item["Key"] for item in page.get("Contents", [])}
    published = {c["ClipId"] for c in clips if c["State"] == "PUBLISHED"}
    problems = [
        f"orphan object {key}" for key in sorted(stored)
        if key[len(prefix):].split("/", 1)[0] not in published
    ]  # fmt: skip
    named = {c[k] for c in clips for k in _CLIP_KEYS if c[k]}
    problems += [f"a clip row names {key}, which is not stored" for key in sorted(named - stored)]
    return problems


def _dead_letter_problems(run: Run) -> list[str]:
    problems = []
    for kind, marker in run.markers.items():
        found = [m for m in run.dead_letters if marker in m.data.decode(errors="replace")]
        if not found:
            problems.append(f"the malformed {kind} input is not in the dead-letter topic")
        problems += [
            f"the malformed {kind} input was dead-lettered without a reason"
            for m in found
            if not m.attributes.get("dead_letter_reason")
        ]
    for letter in run.dead_letters:
        text = letter.data.decode(errors="replace")
        if run.channel_id in text and not any(marker in text for marker in run.markers.values()):
            reason = letter.attributes.get("dead_letter_reason")
            problems.append(f"a message of this show was dead-lettered: {reason}: {text[:200]}")
    return problems
