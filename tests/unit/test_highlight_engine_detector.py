"""LiveDetector's contracts: latency, no peeking, resumable state, budget, invariants."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liveclips.domain.highlight_engine.config import EngineConfig
from liveclips.domain.highlight_engine.detector import LiveDetector
from liveclips.domain.highlight_engine.offline import detect_show, fused_scores
from liveclips.domain.highlight_engine.policy import Emitted
from liveclips.domain.highlight_engine.types import Detection, SecondFeatures, ShowInputs
from tests.unit.test_highlight_engine_scenarios import MOMENTS, Show

BUSY = Show(
    duration_s=420,
    moments=[*MOMENTS, (330, 342), (380, 384)],
    music=[(100, 120)],
    raid_at=200,
    viewers=True,
    spam=(20, 40),
    markers=[161, 300],
)


def live(inputs: ShowInputs, det: LiveDetector | None = None, start: int = 0) -> list[Detection]:
    """Feed seconds from `start` on, loudness first, as the live pipeline does."""
    det = det or LiveDetector()
    out: list[Detection] = []
    for second in inputs.seconds[start:]:
        i = second.t * 10
        det.push_loudness(float(second.t), inputs.momentary_lufs[i : i + 10])
        out += det.push(second)
    return out + det.finish()


def test_every_decision_is_made_within_the_decision_delay_after_the_clip_ends():
    cfg = EngineConfig()
    detections = detect_show(BUSY.build(), cfg)

    assert {d.kind for d in detections} == {"auto", "marker"}
    for d in detections:
        assert d.start_s < d.end_s <= d.decided_at_s + 1.0
        assert d.decided_at_s <= d.end_s + cfg.decision_delay_s


def test_a_decision_does_not_change_whatever_happens_after_it():
    inputs = BUSY.build()
    for d in detect_show(inputs)[::2]:
        # GIVEN a different future: silence and an empty chat after the decision
        cut = int(d.decided_at_s) + 1
        calm = [
            s if s.t < cut else SecondFeatures(s.t, dict.fromkeys(s.values, 0.0))
            for s in inputs.seconds
        ]
        # THEN the same detection is made at the same time
        assert d in detect_show(replace(inputs, seconds=calm))


@pytest.mark.parametrize("cut", [152, 163, 333])  # calm, inside a moment, at a marker
def test_state_saved_mid_show_and_restored_decides_exactly_the_same(cut):
    inputs = BUSY.build()
    uninterrupted = live(inputs)

    det = LiveDetector()
    first = []
    for second in inputs.seconds[:cut]:
        det.push_loudness(float(second.t), inputs.momentary_lufs[second.t * 10 :][:10])
        first += det.push(second)
    stored = json.dumps(det.to_dict())  # what Redis keeps between segments
    resumed = LiveDetector.from_dict(json.loads(stored))

    assert first + live(inputs, resumed, start=cut) == uninterrupted


def test_an_unknown_state_version_is_refused():
    state = LiveDetector().to_dict() | {"v": 999}
    with pytest.raises(ValueError, match="version"):
        LiveDetector.from_dict(state)


def test_seconds_must_arrive_in_order():
    det = LiveDetector()
    det.push(SecondFeatures(5, {"chat_rate": 1.0}))
    with pytest.raises(ValueError, match="increase"):
        det.push(SecondFeatures(5, {"chat_rate": 1.0}))


def test_the_hourly_budget_keeps_automatic_clips_to_the_cap():
    moments = [(40 + 30 * i, 46 + 30 * i) for i in range(10)]
    show = Show(duration_s=360, moments=moments, media=False)
    # The room-relative rank test would hold back most of ten equal reactions; the
    # budget is what this test is about.
    unranked = EngineConfig(chat_rank_top=100)
    cfg = replace(unranked, max_clips_per_hour=4)

    capped = [d for d in detect_show(show.build(), cfg) if d.kind == "auto"]
    uncapped = [d for d in detect_show(show.build(), unranked) if d.kind == "auto"]

    assert len(uncapped) >= 8
    assert len(capped) == 4
    # Once half the budget is spent, a newcomer must beat the hour's median.
    assert min(d.score for d in capped[2:]) >= sorted(d.score for d in capped[:2])[0]


def _chat_only_room(lengths: list[int]) -> list[Detection]:
    moments = [(60 + 70 * i, 60 + 70 * i + n) for i, n in enumerate(lengths)]
    show = Show(duration_s=60 + 70 * len(lengths) + 40, moments=moments, media=False)
    return [d for d in show.detect() if d.kind == "auto"]


def test_a_chat_only_reaction_outranked_by_the_rooms_recent_best_is_not_clipped():
    # GIVEN a chat-only room whose reactions each last less than the one before
    # WHEN the fifth comes, four stronger ones are within the rank window
    shrinking = _chat_only_room([17, 16, 15, 14, 13, 10, 9])
    # THEN the four strongest are clipped and the weaker ones are a busy room's bursts
    assert len(shrinking) == EngineConfig().chat_rank_top
    assert max(d.start_s for d in shrinking) < 60 + 70 * 5


def test_a_chat_only_reaction_bigger_than_the_rooms_recent_ones_is_always_clipped():
    growing = _chat_only_room([9, 10, 13, 14, 15, 16, 17])
    assert len(growing) == 7


def test_a_marker_for_a_moment_already_clipped_adds_no_duplicate():
    # The marker comes late: the moment's clip is already out when it is decided.
    detections = Show(moments=[(100, 108)], markers=[118]).detect()
    assert len(detections) == 1


def test_the_best_detections_are_flagged_marquee():
    cfg = EngineConfig(marquee_min_history=3, marquee_quantile=0.7, min_clip_s=1.0)
    out = Emitted()

    def offer(i: int, score: float) -> bool:
        (d,) = out.offer(
            (10.0 * i, 10.0 * i + 5), score, kind="auto", evidence={}, now=10.0 * i + 6, cfg=cfg
        )
        return d.marquee

    # Without history only the absolute bar counts.
    assert [offer(0, 2.0), offer(1, 3.0), offer(2, cfg.marquee_score)] == [False, False, True]
    # With it, the top of this show's own scores is marquee too.
    assert offer(3, 4.0) is False
    assert offer(4, 4.4) is True


def test_config_refuses_inverted_hysteresis_and_a_delay_too_short_for_chat():
    with pytest.raises(ValueError, match="hysteresis"):
        EngineConfig(enter_score=1.0, exit_score=2.0)
    with pytest.raises(ValueError, match="decision_delay_s"):
        EngineConfig(decision_delay_s=3.0)


def test_fused_scores_trace_the_show_second_by_second():
    inputs = Show(duration_s=200, moments=[(120, 127)]).build()
    scores = fused_scores(inputs)

    assert len(scores) == 200
    assert max(scores[118:130]) > EngineConfig().enter_score > max(scores[:100])


SIGNALS = ["loudness", "scene", "motion", "chat_rate", "chat_unique", "chat_hype",
           "chat_storm", "chat_raid", "viewers", "viewer_joins", "reactions", "marker"]  # fmt: skip


@st.composite
def shows(draw: st.DrawFn) -> ShowInputs:
    duration = draw(st.integers(min_value=1, max_value=150))
    names = draw(st.sets(st.sampled_from(SIGNALS), max_size=6))
    value = st.one_of(
        st.floats(min_value=-120.0, max_value=50.0),
        st.sampled_from([0.0, 1.0, 30.0, float("nan"), float("inf")]),
    )
    seconds = [
        SecondFeatures(t, {n: draw(value) for n in names if draw(st.booleans())})
        for t in range(duration)
    ]
    lufs = draw(st.lists(st.floats(min_value=-120.0, max_value=0.0), max_size=duration * 10))
    return ShowInputs(duration_s=duration - draw(st.floats(0.0, 0.9)), seconds=seconds,
                      momentary_lufs=lufs)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shows(), st.booleans())
def test_any_feature_stream_gives_sane_detections(inputs, eager):
    cfg = EngineConfig(enter_score=0.5, exit_score=0.2) if eager else EngineConfig()
    detections = detect_show(inputs, cfg)

    assert detections == sorted(detections, key=lambda d: (d.start_s, d.end_s))
    for d in detections:
        assert 0.0 <= d.start_s < d.end_s <= inputs.duration_s
        assert d.decided_at_s <= d.end_s + cfg.decision_delay_s
    for a, b in itertools.pairwise(detections):
        assert a.end_s <= b.start_s  # deduplicated: no two clips share a second
