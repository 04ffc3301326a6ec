"""Cloud Spanner: highlight candidates and the content team's decisions on them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from google.cloud import spanner
from google.cloud.spanner_v1.data_types import JsonObject
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters.spanner import COMMIT_TS, database, ensure_recording, read_recording
from liveclips.contracts.events import HighlightDetected
from liveclips.domain.lifecycle import RecordingRecord
from liveclips.errors import TransientError

Status = Literal["APPROVED", "PENDING_APPROVAL", "REJECTED"]


@dataclass(frozen=True)
class Candidate:
    highlight: HighlightDetected
    status: Status


def record(highlight: HighlightDetected, status: Status) -> Status:
    """Store a candidate once; a redelivery keeps the status a person may have set since."""

    def work(txn: Transaction) -> Status:
        ensure_recording(txn, highlight)
        existing = _find(txn, highlight.highlight_id)
        if existing is not None:
            return existing.status
        txn.insert(
            "HighlightCandidates",
            columns=(
                "RecordingId", "HighlightId", "Kind", "Status", "MomentStartS", "MomentEndS",
                "MomentEndedAt", "Score", "Reason", "ClipId", "Payload", "DetectedAt",
            ),
            values=[(
                highlight.recording_id, highlight.highlight_id, highlight.kind, status,
                highlight.moment_start_s, highlight.moment_end_s, highlight.moment_ended_at,
                highlight.score, highlight.reason, highlight.clip_id,
                JsonObject(json.loads(highlight.model_dump_json())), COMMIT_TS,
            )],
        )  # fmt: skip
        return status

    result: Status = database().run_in_transaction(work)
    return result


def _find(txn: Any, highlight_id: str) -> Candidate | None:
    rows = list(
        txn.execute_sql(
            "SELECT Payload, Status FROM HighlightCandidates@{FORCE_INDEX=HighlightsById}"
            " WHERE HighlightId = @id",
            params={"id": highlight_id},
            param_types={"id": spanner.param_types.STRING},
        )
    )
    if not rows:
        return None
    payload, status = rows[0]
    return Candidate(HighlightDetected.model_validate(dict(payload)), status)


def find(highlight_id: str) -> Candidate | None:
    with database().snapshot() as snapshot:
        return _find(snapshot, highlight_id)


class DecisionConflict(TransientError, RuntimeError):
    pass


def decide(highlight_id: str, status: Literal["APPROVED", "REJECTED"]) -> Candidate | None:
    """Approve or reject a pending candidate; deciding the same way twice is a no-op."""

    def work(txn: Transaction) -> Candidate | None:
        candidate = _find(txn, highlight_id)
        if candidate is None or candidate.status == status:
            return candidate
        if candidate.status != "PENDING_APPROVAL":
            raise DecisionConflict(f"highlight {highlight_id} is already {candidate.status}")
        txn.update(
            "HighlightCandidates",
            columns=("RecordingId", "HighlightId", "Status", "DecidedAt"),
            values=[(candidate.highlight.recording_id, highlight_id, status, COMMIT_TS)],
        )
        return Candidate(candidate.highlight, status)

    result: Candidate | None = database().run_in_transaction(work)
    return result


def pending(limit: int) -> list[HighlightDetected]:
    sql = (
        "SELECT Payload FROM HighlightCandidates@{FORCE_INDEX=HighlightsByStatus}"
        " WHERE Status = 'PENDING_APPROVAL' ORDER BY DetectedAt DESC LIMIT @limit"
    )
    with database().snapshot() as snapshot:
        rows = snapshot.execute_sql(
            sql, params={"limit": limit}, param_types={"limit": spanner.param_types.INT64}
        )
        return [HighlightDetected.model_validate(dict(row[0])) for row in rows]


def recording_of_stream(stream_id: str) -> RecordingRecord | None:
    # Two reads: the snapshot must be multi-use.
    with database().snapshot(multi_use=True) as snapshot:
        rows = list(
            snapshot.execute_sql(
                "SELECT RecordingId FROM Recordings@{FORCE_INDEX=RecordingsByStream}"
                " WHERE StreamId = @id",
                params={"id": stream_id},
                param_types={"id": spanner.param_types.STRING},
            )
        )
        return read_recording(snapshot, rows[0][0]) if rows else None
