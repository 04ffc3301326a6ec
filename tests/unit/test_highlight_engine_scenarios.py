"""The highlight engine on small synthetic shows: moments it must find, false alarms it
must ignore.

Raw chat, viewers and media are generated here, then turned into features by the real
builders, so these tests cover features.py, the detector and offline.py together.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from liveclips.domain.highlight_engine.features import (
    ChatMessage,
    chat_features,
    marker_features,
    merge_features,
    viewer_features,
)
from liveclips.domain.highlight_engine.offline import detect_show
from liveclips.domain.highlight_engine.types import Detection, ManualPick, ShowInputs

REGULARS = [f"regular{i}" for i in range(60)]
CHATTER = ["hi", "how are you", "nice", "what game is this", "first time here", "ok", "brb"]
LAUGHS = ["LOL", "lmaooo", "KEKW", "omg", "😂😂", "no way!!!", "hahaha", "clip it", "POGGERS"]
Span = tuple[int, int]


@dataclass
class Show:
    """A show plan: which signals exist and what happens when."""

    duration_s: int = 300
    moments: list[Span] = field(default_factory=list)  # true moments: loud, chat laughs
    media: bool = True
    chat: bool = True
    viewers: bool = False
    music: list[Span] = field(default_factory=list)  # as loud as a moment, nobody reacts
    raid_at: int | None = None  # 50 newcomers paste one line; viewers jump
    spam: Span | None = None  # one user floods
    quiet: Span | None = None  # chat nearly stops
    markers: list[int] = field(default_factory=list)
    picks: list[tuple[float, float]] = field(default_factory=list)
    chat_lag_s: int = 3
    seed: int = 7

    def build(self) -> ShowInputs:
        rng = random.Random(self.seed)
        parts: list[dict[int, dict[str, float]]] = []
        lufs: list[float] = []
        if self.media:
            media, lufs = self._media(rng)
            parts.append(media)
        if self.chat:
            parts.append(chat_features(self._chat(rng), self.duration_s))
        if self.viewers:
            parts.append(viewer_features(self._viewers(rng), self.duration_s))
        if self.markers:
            parts.append(marker_features([(m + 0.5, "clip") for m in self.markers]))
        picks = [ManualPick(a, b, f"pick-{i}") for i, (a, b) in enumerate(self.picks)]
        return ShowInputs(
            duration_s=float(self.duration_s),
            seconds=merge_features(self.duration_s, *parts),
            momentary_lufs=lufs,
            manual_picks=picks,
        )

    def detect(self) -> list[Detection]:
        return detect_show(self.build())

    def _media(self, rng: random.Random) -> tuple[dict[int, dict[str, float]], list[float]]:
        out: dict[int, dict[str, float]] = {}
        lufs: list[float] = []
        for t in range(self.duration_s):
            moment, music = _inside(t, self.moments), _inside(t, self.music)
            level = -14.0 if moment else -16.0 if music else -30.0
            # Speech: phrases with pauses, which is where clips should be cut.
            tenths = [level + rng.gauss(0, 1.5) - 12.0 * (i in (4, 5)) for i in range(10)]
            lufs += tenths
            cut = moment and not _inside(t - 1, self.moments)
            out[t] = {
                "loudness": max(tenths),
                "motion": rng.uniform(0.08, 0.15) if moment else rng.uniform(0.02, 0.04),
                "scene": rng.uniform(0.4, 0.8) if cut else rng.uniform(0.0, 0.03),
            }
        return out, lufs

    def _chat(self, rng: random.Random) -> list[ChatMessage]:
        msgs = []
        for t in range(self.duration_s):
            reacting = any(
                a + self.chat_lag_s <= t < b + self.chat_lag_s + 3 for a, b in self.moments
            )
            quiet = self.quiet is not None and _inside(t, [self.quiet])
            rate = 9.0 if reacting else 0.1 if quiet else 1.5
            for _ in range(_poisson(rng, rate)):
                text = rng.choice(LAUGHS if reacting and rng.random() < 0.8 else CHATTER)
                msgs.append(ChatMessage(t + rng.random(), rng.choice(REGULARS), text))
        if self.raid_at is not None:
            for i in range(50):
                at = self.raid_at + rng.uniform(0, 6)
                msgs.append(ChatMessage(at, f"raider{i}", "bigchannel RAID 💜 bigchannel RAID"))
        if self.spam is not None:
            a, b = self.spam
            msgs += [ChatMessage(a + k * 0.2, "spammer", "LOL LOL LOL") for k in range((b - a) * 5)]
        return msgs

    def _viewers(self, rng: random.Random) -> list[tuple[float, int]]:
        count, samples = 200, []
        for t in range(0, self.duration_s, 2):
            count += rng.randint(-3, 3) + (120 if t == self.raid_at else 0)
            samples.append((float(t), count))
        return samples


def _inside(t: int, spans: list[Span]) -> bool:
    return any(a <= t < b for a, b in spans)


def _poisson(rng: random.Random, lam: float) -> int:
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def overlap_iou(d: Detection, span: tuple[float, float]) -> float:
    a, b = span
    inter = min(d.end_s, b) - max(d.start_s, a)
    return max(inter, 0.0) / (max(d.end_s, b) - min(d.start_s, a))


def found(detections: list[Detection], moments: list[Span]) -> bool:
    """One detection per moment, each covering its moment (IoU >= 0.3), nothing else."""
    return len(detections) == len(moments) and all(
        any(overlap_iou(d, m) >= 0.3 for d in detections) for m in moments
    )


MOMENTS: list[Span] = [(60, 66), (150, 158), (240, 245)]


def test_a_loud_moment_with_lagging_chat_is_one_detection_covering_it():
    detections = Show(moments=[(120, 127)]).detect()

    assert found(detections, [(120, 127)])
    (d,) = detections
    assert d.kind == "auto"
    assert d.start_s <= 120.0 and d.end_s >= 126.0
    # The evidence names both witnesses: the room and the chat.
    assert d.evidence["loudness"] > 0 and d.evidence["chat_hype"] > 0


def test_a_chat_only_show_finds_its_moments_from_the_chat_alone():
    detections = Show(moments=MOMENTS, media=False).detect()
    # Chat cannot date a moment to the second, so the clip is what a viewer would cut: it
    # starts well before the reaction and has a feed clip's length, around the moment.
    assert len(detections) == len(MOMENTS)
    for d, (start, end) in zip(detections, MOMENTS, strict=True):
        assert d.start_s <= start and d.end_s >= end
        assert 20.0 <= d.end_s - d.start_s <= 60.0


def test_chat_reacting_long_after_a_play_places_the_clip_on_the_play():
    # GIVEN chat that starts reacting 20 s after a short play, past the fusion's alignment
    (d,) = Show(duration_s=300, moments=[(120, 126)], chat_lag_s=20).detect()
    # THEN the clip is the play the room reacted to, not the 25 s before the reaction
    assert 115.0 <= d.start_s <= 120.0 and d.end_s >= 126.0


def test_a_video_only_show_finds_its_moments_from_the_media_alone():
    assert found(Show(moments=MOMENTS, chat=False).detect(), MOMENTS)


def test_loud_music_nobody_reacts_to_is_not_a_highlight():
    assert Show(music=[(100, 130)]).detect() == []


def test_a_raid_is_not_a_highlight_with_or_without_video():
    assert Show(raid_at=120, viewers=True).detect() == []
    assert Show(raid_at=120, viewers=True, media=False).detect() == []


def test_one_user_flooding_chat_is_not_a_highlight():
    assert Show(spam=(100, 140), media=False).detect() == []
    assert Show(spam=(100, 140)).detect() == []


def test_a_quiet_stretch_does_not_turn_chat_noise_into_moments():
    assert Show(quiet=(60, 220), media=False).detect() == []


def test_moments_still_stand_out_between_false_alarms():
    show = Show(moments=MOMENTS, music=[(100, 125)], raid_at=190, viewers=True, spam=(20, 40))
    assert found(show.detect(), MOMENTS)


def test_a_creator_marker_alone_makes_a_clip_of_the_20_s_before_it():
    (d,) = Show(markers=[130]).detect()

    assert d.kind == "marker"
    assert d.start_s <= 130.5 - 18.0 and 130.5 < d.end_s <= 130.5 + 5.0


def test_a_marker_after_a_moment_claims_that_moment():
    (d,) = Show(moments=[(100, 108)], markers=[111]).detect()

    assert d.kind == "marker"
    assert overlap_iou(d, (100, 108)) >= 0.5


def test_a_manual_pick_wins_over_the_automatic_detection_it_overlaps():
    detections = Show(moments=[(100, 108)], picks=[(97.0, 112.0)]).detect()

    assert [(d.kind, d.start_s, d.end_s) for d in detections] == [("manual", 97.0, 112.0)]


def test_clips_are_cut_at_quiet_points_when_loudness_is_known():
    (d,) = Show(moments=[(120, 127)]).detect()
    # The synthetic speech pauses at x.4-x.5 s in every second.
    for edge in (d.start_s, d.end_s):
        assert round(edge % 1.0, 1) in (0.4, 0.5)
