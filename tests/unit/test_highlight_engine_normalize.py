"""Baselines from the past only, floored spreads, and scores over present signals."""

from __future__ import annotations

import json
import random

import pytest

from liveclips.domain.highlight_engine.config import CHAT_SIGNALS, DEFAULT_WEIGHTS, EngineConfig
from liveclips.domain.highlight_engine.normalize import Normalizer, weighted_mean

CFG = EngineConfig()


def feed(norm: Normalizer, name: str, values: list[float]) -> list[float]:
    return [norm.push({name: v}).get(name, 0.0) for v in values]


def test_nothing_scores_before_the_baseline_has_warmed_up():
    z = feed(Normalizer(CFG), "loudness", [-30.0] * (CFG.warmup_s - 1) + [-5.0])
    assert z == [0.0] * CFG.warmup_s


def test_a_spike_scores_against_the_past_and_barely_moves_the_baseline():
    rng = random.Random(1)
    room = [-30.0 + rng.gauss(0, 1.0) for _ in range(60)]
    norm = Normalizer(CFG)
    feed(norm, "loudness", room)

    spike = feed(norm, "loudness", [-12.0] * 10)
    after = feed(norm, "loudness", [-24.0])

    assert spike[0] == CFG.z_cap  # 18 LU above the room
    assert spike[-1] > 4.0  # ten loud seconds are still not "normal"
    assert 2.0 < after[0] < 4.0  # 6 LU above a baseline that stayed near -30


def test_a_long_loud_play_stands_out_to_its_end_and_a_lasting_change_becomes_normal():
    rng = random.Random(2)
    norm = Normalizer(CFG)
    feed(norm, "loudness", [-30.0 + rng.gauss(0, 1.0) for _ in range(90)])

    # GIVEN a play 8 LU above the room for 40 s: its seconds stay out of the baseline
    play = feed(norm, "loudness", [-22.0 + rng.gauss(0, 1.0) for _ in range(40)])
    assert min(play) > 2.5
    # WHEN the show stays that loud for minutes, it is the new normal
    later = feed(norm, "loudness", [-22.0 + rng.gauss(0, 1.0) for _ in range(150)])
    assert max(later[-30:]) < 2.0


def test_a_quiet_chat_does_not_make_one_message_look_like_a_storm():
    norm = Normalizer(CFG)
    z = feed(norm, "chat_rate", [0.0] * 60 + [1.0])
    assert z[-1] <= 1.0 / (CFG.std_floors["chat_rate"] * CFG.chat_smooth_s) + 1e-9


def test_busy_chat_needs_a_proportionally_bigger_burst():
    quiet, busy = Normalizer(CFG), Normalizer(CFG)
    feed(quiet, "chat_unique", [2.0] * 60)
    feed(busy, "chat_unique", [40.0] * 60)

    assert feed(quiet, "chat_unique", [8.0] * 3)[-1] > feed(busy, "chat_unique", [46.0] * 3)[-1]


def test_only_more_than_usual_counts_and_nothing_runs_away():
    norm = Normalizer(CFG)
    feed(norm, "loudness", [-20.0] * 30)
    assert feed(norm, "loudness", [-60.0, -120.0, float("nan"), 0.0]) == [0.0, 0.0, 0.0, CFG.z_cap]


def test_present_signals_are_those_the_show_has_and_weights_renormalise():
    norm = Normalizer(CFG)
    norm.push({"chat_rate": 1.0, "chat_hype": 0.0, "marker": 1.0, "unknown": 3.0})
    assert norm.present == {"chat_rate", "chat_hype"}

    z = {"chat_rate": 3.0, "chat_hype": 3.0}
    score, total = weighted_mean(z, CHAT_SIGNALS, DEFAULT_WEIGHTS, norm.present)
    assert score == pytest.approx(3.0)  # the same scale as a show with every signal
    assert total == pytest.approx(DEFAULT_WEIGHTS["chat_rate"] + DEFAULT_WEIGHTS["chat_hype"])
    assert weighted_mean(z, ("loudness",), DEFAULT_WEIGHTS, norm.present) == (0.0, 0.0)


def test_baselines_survive_a_json_round_trip():
    norm = Normalizer(CFG)
    feed(norm, "chat_rate", [float(i % 4) for i in range(50)])
    copy = Normalizer.from_dict(json.loads(json.dumps(norm.to_dict())), CFG)

    later = [6.0, 1.0, 9.0]
    assert feed(copy, "chat_rate", later) == feed(norm, "chat_rate", later)
