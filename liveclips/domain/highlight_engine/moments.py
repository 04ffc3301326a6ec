"""From a run of fused seconds to the clip that shows the moment.

The moment is placed by media when media located it, else behind the chat burst it was
aligned from (chat_lag_s earlier, chat_tail_s before the burst fades), else by the run of
high fused scores; pre/post roll and quiet-point snapping then make it a clip.
"""

from __future__ import annotations

from collections.abc import Sequence

from liveclips.domain.highlight_engine import fusion
from liveclips.domain.highlight_engine.boundaries import Span, clip_window
from liveclips.domain.highlight_engine.config import MEDIA_SIGNALS, EngineConfig
from liveclips.domain.highlight_engine.fusion import Fused
from liveclips.domain.highlight_engine.normalize import weighted_mean
from liveclips.domain.highlight_engine.state import DetectorState, Region


def region_recs(state: DetectorState, region: Region) -> list[Fused]:
    span = range(region.start, region.last_high + 1)
    return [state.fused[s] for s in span if s in state.fused]


def locate(state: DetectorState, recs: Sequence[Fused], cfg: EngineConfig) -> tuple[Span, bool]:
    """The moment itself, and whether media placed it."""
    media = fusion.media_span(recs, cfg)
    if media is not None:
        return media, True
    burst = fusion.chat_burst(state.z, recs, state.norm.present, cfg)
    if burst is None:
        return (recs[0].s, recs[-1].s + 1), False
    onset, fade = burst
    behind = media_behind(state, onset, cfg)
    if behind is not None:
        return behind, True
    # As a viewer clips a reaction: from well before it began to just after, longer while
    # it lasts (chat_tail_s before it fades).
    return (onset - cfg.chat_lead_s, max(onset + cfg.chat_follow_s, fade - cfg.chat_tail_s)), False


def media_behind(state: DetectorState, onset: int, cfg: EngineConfig) -> Span | None:
    """The play a late chat reaction is about: the last run of media standing out in the
    chat_lead_s before the reaction began. Chat tells *that* something happened, 5-30 s
    late; the picture and the sound tell *when*."""

    def stands_out(s: int) -> bool:
        rec = state.fused.get(s)
        return rec is not None and rec.family["media"] >= cfg.locate_z

    stood_out = [s for s in range(onset - int(cfg.chat_lead_s), onset + 1) if stands_out(s)]
    if not stood_out:
        return None
    last = first = stood_out[-1]
    while last - first < cfg.max_clip_s:
        earlier = [s for s in range(first - int(cfg.max_gap_s) - 1, first) if stands_out(s)]
        if not earlier:
            break
        first = earlier[0]
    return first, last + 1


def window(state: DetectorState, span: Span, *, peak_s: float, now: int, cfg: EngineConfig) -> Span:
    """Snap and fit a clip decided at `now`: it may not end before now - decision_delay_s."""
    return clip_window(
        span[0],
        span[1],
        peak_s=peak_s,
        cfg=cfg,
        lufs=state.lufs,
        bounds=(0.0, now + 1.0),
        min_end=now - cfg.decision_delay_s,
    )


def candidate(
    state: DetectorState, recs: Sequence[Fused], now: int, cfg: EngineConfig
) -> Span | None:
    """The clip for this run if it is a believable moment, else None."""
    above = sum(1 for r in recs if r.score >= cfg.exit_score)
    if above < cfg.min_moment_s or not fusion.corroborated(recs, state.norm.present, cfg):
        return None
    peak = max(recs, key=lambda r: r.score)
    (start, end), _ = locate(state, recs, cfg)
    span = (start - cfg.pre_roll_s, end + cfg.post_roll_s)
    return window(state, span, peak_s=peak.s + 0.5, now=now, cfg=cfg)


def chat_strength(recs: Sequence[Fused]) -> float:
    """How big a reaction was: its chat score summed over the moment's seconds."""
    return sum(r.family["chat"] for r in recs)


def only_chat_sees(state: DetectorState, cfg: EngineConfig) -> bool:
    return fusion.present_witnesses(state.norm.present, cfg) == {"chat"}


def outranked(state: DetectorState, recs: Sequence[Fused], cfg: EngineConfig) -> bool:
    """Whether a moment only chat saw is weaker than the room's recent best, and so is
    one of the bursts a busy room has every few minutes rather than a highlight."""
    if not only_chat_sees(state, cfg):
        return False
    strength = chat_strength(recs)
    return sum(1 for _, v in state.chat_strengths if v > strength) >= cfg.chat_rank_top


def remember_reaction(state: DetectorState, recs: Sequence[Fused], cfg: EngineConfig) -> None:
    """Every reaction joins the room's history, kept or not: what counts as big is what
    this room has done lately, not what it was allowed to publish."""
    if only_chat_sees(state, cfg):
        state.chat_strengths.append((recs[-1].s, chat_strength(recs)))


def ready(state: DetectorState, region: Region, now: int, cfg: EngineConfig) -> bool:
    """Decide before the fused score falls? Yes once the room has calmed down after a
    corroborated moment (its chat tail adds nothing to the clip), and always before
    waiting longer would overrun the latency budget."""
    recs = region_recs(state, region)
    cand = candidate(state, recs, now, cfg)
    if cand is None:
        return False
    media = fusion.media_span(recs, cfg)
    if media is not None:
        # Media needs no alignment: judge the calm on the latest seconds themselves.
        after = [
            weighted_mean(state.z.get(u, {}), MEDIA_SIGNALS, cfg.weights, state.norm.present)[0]
            for u in range(media[1], now + 1)
        ]
        if len(after) >= cfg.max_gap_s and max(after) < cfg.locate_z:
            return True
        return now + 1 > cand[1] + cfg.decision_delay_s
    # Chat placed it: its end is chat_follow_s past the onset or the burst's fade, so the
    # clip can be decided as soon as all of it is recorded.
    return now + 1 > cand[1] + cfg.chat_settle_s


def marker_clip(
    state: DetectorState, m: int, basis: Sequence[Fused], now: int, cfg: EngineConfig
) -> tuple[Span, float, dict[str, float]]:
    """The clip a "clip that" at second m asks for, refined by the peak behind it if any."""
    if not basis:
        span = (m - cfg.marker_pre_s, m + cfg.marker_post_s)
        clip = window(state, span, peak_s=float(m), now=now, cfg=cfg)
        return clip, cfg.marker_score, {"marker": 1.0}
    peak = max(basis, key=lambda r: r.score)
    (start, end), by_media = locate(state, basis, cfg)
    # The creator reacts once the moment is over: the marker dates its end better than a
    # chat tail does, though not better than the media.
    end = end if by_media else m - cfg.marker_lag_s
    start = min(start, end - cfg.min_moment_s) - cfg.pre_roll_s
    clip = window(state, (start, end + cfg.post_roll_s), peak_s=peak.s + 0.5, now=now, cfg=cfg)
    evidence = {**fusion.evidence(peak, state.norm.present, cfg), "marker": 1.0}
    return clip, max(peak.score, cfg.marker_score), evidence
