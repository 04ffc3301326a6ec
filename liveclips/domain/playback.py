"""Watch progress: what a viewer's position reports credit, when a play counts, and
when a title is still worth resuming.

Reports are heartbeats from one playback session (~every 10 s while playing, and once
more on pause, stop or end), timed by the server's clock when they arrive. Only forward
progress the wall clock can explain is credited: whatever a seek skips over never is, so
scrubbing to the end of a film does not make a play.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

Kind = Literal["vod", "clip"]

# Watched seconds a session needs before it counts as a play.
PLAY_THRESHOLD_S: dict[Kind, float] = {"vod": 30.0, "clip": 3.0}
# A title shorter than its threshold could never count otherwise.
SHORT_TITLE_FRACTION = 0.9

# Players offer up to 2x speed: faster progress than that is a seek, not watching.
MAX_PLAYBACK_RATE = 2.0
# Server arrival times jitter by network latency; one allowance per session, never per
# report, so a client spamming tiny reports cannot mint seconds.
SLACK_S = 2.0
# A longer silence was a pause or a backgrounded app: it credits no more than this, so
# resuming after an hour cannot turn a forward seek into watched time.
MAX_REPORT_GAP_S = 30.0

RESUME_MIN_S = 5.0  # below this the viewer barely started: offer the title from the top
FINISHED_FRACTION = 0.95  # the credits are rolling: the title is done

# Spanner holds one row per (user, title) but heartbeats arrive every ~10 s from every
# viewer; writing each one would make durable writes scale with watch time, not with
# titles watched. Coalesced positions are at most one interval stale, and the final
# report of a pause/stop/end is always written, so resuming lands where the viewer left.
DURABLE_WRITE_INTERVAL_S = 10.0
# Heartbeats ~10 s apart arrive 9.9 s apart as often as 10.1 s: without this half of
# them would be skipped and positions would be saved every ~20 s instead.
_WRITE_JITTER_S = 1.0


@dataclass(frozen=True)
class Report:
    kind: Kind
    position_s: float
    duration_s: float
    at_s: float  # server clock, epoch seconds
    final: bool = False


@dataclass(frozen=True)
class Session:
    """What one playback session has earned so far (kept in Redis between reports)."""

    position_s: float
    reported_at_s: float
    watched_s: float = 0.0  # credited, i.e. plausibly watched
    active_s: float = 0.0  # wall time that can have been spent watching (gaps capped)
    counted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        return cls(
            position_s=float(data["position_s"]),
            reported_at_s=float(data["reported_at_s"]),
            watched_s=float(data["watched_s"]),
            active_s=float(data["active_s"]),
            counted=bool(data["counted"]),
        )


@dataclass(frozen=True)
class Step:
    session: Session
    credited_s: float
    play_counted: bool  # this report is the one that crossed the threshold


def play_threshold_s(kind: Kind, duration_s: float) -> float:
    return min(PLAY_THRESHOLD_S[kind], SHORT_TITLE_FRACTION * duration_s)


def clamp_position(position_s: float, duration_s: float) -> float:
    return min(max(position_s, 0.0), duration_s)


def advance(session: Session | None, report: Report) -> Step:
    """Fold one report into its session. The first report only anchors the session."""
    position = clamp_position(report.position_s, report.duration_s)
    if session is None:
        return Step(Session(position_s=position, reported_at_s=report.at_s), 0.0, False)
    elapsed = min(max(report.at_s - session.reported_at_s, 0.0), MAX_REPORT_GAP_S)
    active = session.active_s + elapsed
    progress = position - session.position_s
    plausible = 0.0 < progress <= elapsed * MAX_PLAYBACK_RATE + SLACK_S
    # Capped by the wall time the whole session had, not this report's: jitter evens out.
    budget = max(active + SLACK_S - session.watched_s, 0.0)
    credited = min(progress, budget) if plausible else 0.0
    moved = replace(
        session,
        position_s=position,
        reported_at_s=max(report.at_s, session.reported_at_s),
        watched_s=session.watched_s + credited,
        active_s=active,
    )
    threshold = play_threshold_s(report.kind, report.duration_s)
    crossed = not session.counted and moved.watched_s >= threshold
    return Step(replace(moved, counted=session.counted or crossed), credited, crossed)


def should_write_durably(last_written_at_s: float | None, report: Report) -> bool:
    if report.final or last_written_at_s is None:
        return True
    return report.at_s - last_written_at_s >= DURABLE_WRITE_INTERVAL_S - _WRITE_JITTER_S


def in_progress(position_s: float, duration_s: float) -> bool:
    """Worth a place in continue-watching."""
    return RESUME_MIN_S < position_s < FINISHED_FRACTION * duration_s


def resume_position(position_s: float, duration_s: float) -> float:
    """Where playback should start: from the top for a finished or barely started title."""
    return position_s if in_progress(position_s, duration_s) else 0.0
