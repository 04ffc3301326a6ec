"""Generated chat has the measured properties of real Twitch chat (field report).

Each test measures one property on freshly generated shows, so a regression in the
generator (a tidy rate, a fixed vocabulary, instant reactions) fails here. Seeds are
neither the dev seed (1) nor the held-out evaluation seeds (101-110).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from functools import cache
from pathlib import Path

from liveclips_dev.evaluation.formats import ChatLine
from liveclips_dev.evaluation.generate import write_room_show
from liveclips_dev.evaluation.synth_noise import KNOWN_BOTS
from liveclips_dev.evaluation.synth_room import RoomShow, generate_room_show

LONG_DEV = Path(__file__).resolve().parents[2] / "datasets" / "highlights-long-dev"


@cache
def show(seed: int, style: str = "clips", language: str = "en", hours: float = 3.0) -> RoomShow:
    return generate_room_show(seed, hours, style, language)  # type: ignore[arg-type]


def counts(s: RoomShow, window_s: float) -> list[int]:
    c = Counter(int(line.t // window_s) for line in s.chat)
    return [c.get(i, 0) for i in range(int(s.duration_s // window_s))]


def is_machine(line: ChatLine) -> bool:
    """Bots, the platform's notices and !commands: chat that is no audience reaction."""
    bot = line.user in KNOWN_BOTS or line.user.lower().endswith(("bot", "_helper", "guard"))
    return line.kind == "notice" or bot or line.text.startswith("!")


def reaction_tokens(s: RoomShow, top: int = 20) -> set[str]:
    """The room's most used tokens that are not plain lowercase words or mentions."""
    tokens = Counter(
        tok
        for line in s.chat
        if not is_machine(line)
        for tok in line.text.split()
        if not (tok.isascii() and tok.islower() and tok.isalpha()) and not tok.startswith("@")
    )
    return {t for t, _ in tokens.most_common(top)}


def test_the_rate_swings_tenfold_over_a_long_show() -> None:
    for seed, style in ((31, "clips"), (32, "reel")):
        windows = sorted(counts(show(seed, style), 300.0))
        p5, p95 = windows[len(windows) // 20], windows[-1 - len(windows) // 20]
        assert p95 >= 10 * max(1, p5), (seed, p5, p95)


def test_seconds_range_from_under_half_a_message_to_over_thirty() -> None:
    s = show(31)
    per_minute = counts(s, 60.0)
    assert min(per_minute) < 30  # some minute averages < 0.5 msg/s
    assert max(counts(s, 1.0)) > 30  # some second has > 30 messages
    # ... and the room's median second is neither
    assert 0.3 < statistics.median(counts(s, 10.0)) / 10 < 30


def test_chat_lags_the_play_by_5_to_30_s_and_builds_then_fades() -> None:
    reactions = [r for seed in (31, 32) for p in show(seed).plays for r in p.reactions]
    lags = sorted(r.lag_s for r in reactions)
    assert len(lags) >= 20
    assert all(5.0 <= lag <= 30.0 for lag in lags)
    assert lags[len(lags) // 10] < 9.0 and lags[-1 - len(lags) // 10] > 15.0  # it varies
    assert all(2.0 <= r.build_s <= 7.0 and 10.0 <= r.decay_s <= 40.0 for r in reactions)
    # Measured in the chat: quiet when the play happens, loud once the reaction peaks.
    s, at_action, at_peak = show(31), 0, 0
    times = sorted(line.t for line in s.chat)
    for r in (r for p in s.plays for r in p.reactions if r.gain >= 3):
        peak = r.onset_s + r.build_s
        at_action += sum(r.action_s <= t < r.action_s + 4 for t in times)
        at_peak += sum(peak - 2 <= t < peak + 2 for t in times)
    assert at_peak > 2 * at_action


def test_bots_commands_and_platform_notices_are_a_real_share() -> None:
    for seed in (31, 33):
        s = show(seed)
        machine = [line for line in s.chat if is_machine(line)]
        assert 0.03 <= len(machine) / len(s.chat) <= 0.25
        assert any(line.kind == "notice" and "gifted" in line.text for line in machine)
        assert any(line.text.startswith("!") for line in machine)
        assert any(line.user in KNOWN_BOTS for line in machine)


def test_each_room_reacts_in_its_own_tokens() -> None:
    a, b, c = reaction_tokens(show(31)), reaction_tokens(show(34)), reaction_tokens(show(35))
    for x, y in ((a, b), (a, c), (b, c)):
        assert len(x & y) / len(x | y) < 0.3
    assert any(any(ch.isdigit() for ch in tok) or len(set(tok)) == 1 for tok in a | b | c)


def test_a_chinese_room_talks_chinese_and_reacts_with_english_emotes_too() -> None:
    s = show(36, "reel", "zh")
    cjk = sum(any("\u4e00" <= ch <= "\u9fff" for ch in line.text) for line in s.chat)
    assert cjk > 0.4 * len(s.chat)
    tokens = reaction_tokens(s)
    assert any(t.isascii() for t in tokens) and any(not t.isascii() for t in tokens)


def test_labels_last_like_real_highlights() -> None:
    clips = [lab.end - lab.start for seed in (31, 33) for lab in show(seed).labels]
    reels = [lab.end - lab.start for seed in (32, 34) for lab in show(seed, "reel").labels]
    assert len(clips) >= 10 and len(reels) >= 5
    assert all(20.0 <= d <= 180.0 for d in clips + reels)
    assert 25.0 <= statistics.median(clips) <= 40.0  # a ~30 s Twitch clip, medians of 3+
    assert max(reels) - min(reels) > 40.0


def test_not_every_play_is_loud_and_not_every_burst_is_a_play() -> None:
    s = show(31)
    gains = [p.reactions[0].gain for p in s.plays]
    assert min(gains) < 1.7 and max(gains) > 4.0
    # 30 s windows three times busier than the 5 minutes before them, outside any label
    per30 = counts(s, 30.0)
    bursts = [
        i
        for i in range(10, len(per30))
        if per30[i] > 3 * max(5.0, statistics.median(per30[i - 10 : i]))
        and not any(lab.start - 60 <= i * 30 <= lab.end + 60 for lab in s.labels)
    ]
    assert len(bursts) >= 3


def test_chatters_are_heavy_tailed() -> None:
    s = show(31)
    by_user = Counter(line.user for line in s.chat if not is_machine(line))
    ranked = [n for _, n in by_user.most_common()]
    assert sum(ranked[: len(ranked) // 100]) >= 0.25 * sum(ranked)  # top 1 %: a quarter+
    assert statistics.median(ranked) <= 3
    per_minute = Counter((line.user, int(line.t // 60)) for line in s.chat)
    assert max(per_minute.values()) >= 30  # someone writes 30 messages in a minute
    assert any(line.text.startswith("@") for line in s.chat)
    assert any("https://" in line.text for line in s.chat)


def test_a_long_show_is_deterministic_fast_and_as_big_as_a_real_one() -> None:
    started = time.perf_counter()
    s = generate_room_show(37, 8.0, "clips", "en")
    assert time.perf_counter() - started < 15.0
    assert 45_000 <= len(s.chat) <= 110_000
    again = generate_room_show(37, 8.0, "clips", "en")
    assert (s.chat, s.labels) == (again.chat, again.labels)
    assert generate_room_show(38, 8.0, "clips", "en").chat != s.chat


def test_the_committed_long_dev_set_is_what_the_generator_writes(tmp_path: Path) -> None:
    for index in range(4):
        written = write_room_show(tmp_path, seed=1, index=index, hours=1.5)
        for name in ("show.json", "chat.jsonl", "labels.json"):
            committed = LONG_DEV / written.name / name
            assert (written / name).read_bytes() == committed.read_bytes(), committed
