from __future__ import annotations

import dataclasses
import functools
import random
from collections import Counter
from pathlib import Path

import pytest

from liveclips_dev.evaluation.formats import ChatLine
from liveclips_dev.evaluation.generate import generate, show_plan, write_show
from liveclips_dev.evaluation.metrics import Interval
from liveclips_dev.evaluation.show import find_shows, load_show
from liveclips_dev.evaluation.synth_chat import QUIET_FACTOR, generate_chat, moment_reaction
from liveclips_dev.evaluation.synth_noise import KNOWN_BOTS
from liveclips_dev.evaluation.synth_plan import MOMENT_MAX_S, MOMENT_MIN_S, ShowPlan, inside
from liveclips_dev.evaluation.synth_react import LAG_MAX_S, LAG_MIN_S
from liveclips_dev.evaluation.synth_signals import (
    MARKER_DELAY_MAX_S,
    MARKER_DELAY_MIN_S,
    generate_markers,
    generate_viewers,
)

DEV_SET = Path(__file__).resolve().parents[2] / "datasets" / "highlights-dev"
SEEDS = range(8)


@functools.cache
def plans() -> tuple[ShowPlan, ...]:
    return tuple(show_plan(seed, i, with_video=False) for seed in SEEDS for i in range(3))


@functools.cache
def chat_of(plan: ShowPlan) -> tuple[ChatLine, ...]:
    return tuple(generate_chat(random.Random(plan.show_id), plan))


def test_same_seed_same_files_and_other_seeds_differ(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", count=3, seed=5, duration_s=90)
    again = generate(tmp_path / "b", count=3, seed=5, duration_s=90)
    other = generate(tmp_path / "c", count=3, seed=6, duration_s=90)
    for x, y, z in zip(first, again, other, strict=True):
        assert sorted(p.name for p in x.iterdir()) == sorted(p.name for p in y.iterdir())
        for path in x.iterdir():
            assert path.read_bytes() == (y / path.name).read_bytes(), path.name
        assert (x / "chat.jsonl").read_bytes() != (z / "chat.jsonl").read_bytes()


def test_generated_shows_load_and_labels_are_the_moments(tmp_path: Path) -> None:
    for show_dir in generate(tmp_path, count=4, seed=3):
        show = load_show(show_dir)
        plan = show_plan(3, int(show.id.rsplit("-", 1)[1]), with_video=False)
        assert show.labels is not None
        assert [(s.start, s.end) for s in show.labels] == [(m.start, m.end) for m in plan.moments]


def test_moments_are_varied_separate_and_inside_the_show() -> None:
    lengths = []
    for plan in plans():
        assert plan.moments
        for m in plan.moments:
            assert 0 < m.start < m.end <= plan.duration_s
            assert MOMENT_MIN_S <= m.end - m.start <= MOMENT_MAX_S + 0.01
            lengths.append(m.end - m.start)
        for a, b in zip(plan.moments, plan.moments[1:], strict=False):
            assert b.start - a.end >= 30.0  # room for most of the lagged reaction
    assert max(lengths) - min(lengths) > 15.0


def test_bursts_lag_their_moment_and_are_in_the_rooms_own_tokens() -> None:
    before = during = 0
    rooms: list[set[str]] = []
    for plan in plans():
        chat = chat_of(plan)
        times = [c.t for c in chat]
        for m in plan.moments:
            r = moment_reaction(random.Random(m.start), m)
            assert LAG_MIN_S <= r.lag_s <= LAG_MAX_S
            assert m.start <= r.action_s <= m.end
        # Measured: the first 8 s of the play vs 8 s just after it, when chat has caught up.
        for m in plan.moments:
            before += sum(m.start <= t < m.start + 8 for t in times)
            during += sum(m.end + 4 <= t < m.end + 12 for t in times)
        rooms.append({tok for c in chat for tok in c.text.split() if tok[:1].isupper()})
    assert during > 1.5 * before
    assert len(rooms[0] & rooms[1]) < 0.3 * len(rooms[0] | rooms[1])


def test_short_shows_have_bots_commands_notices_and_chinese_rooms() -> None:
    chats = [chat_of(p) for p in plans()]
    assert all(any(c.user in KNOWN_BOTS for c in chat) for chat in chats)
    assert sum(any(c.kind == "notice" for c in chat) for chat in chats) >= len(chats) // 2
    assert any(any(c.text.startswith("!") for c in chat) for chat in chats)
    assert any(any("\u4e00" <= ch <= "\u9fff" for c in chat for ch in c.text) for chat in chats)


def test_raiders_are_new_users_posting_one_identical_message() -> None:
    raids = [p for p in plans() if p.raid_t is not None]
    assert raids
    for plan in raids:
        assert plan.raid_t is not None
        chat = chat_of(plan)
        raid_lines = [c for c in chat if "RAID" in c.text and c.kind == "message"]
        raiders = {c.user for c in raid_lines}
        assert len(raiders) >= 15
        assert len({c.text for c in raid_lines}) == 1
        assert len(raid_lines) == len(raiders)  # each raider posts it once
        earlier = {c.user for c in chat if c.t < plan.raid_t}
        assert not raiders & earlier
        assert all(plan.raid_t <= c.t <= plan.raid_t + 25.0 for c in raid_lines)
        assert any(c.kind == "notice" and c.t == plan.raid_t for c in chat)


def test_spam_is_one_user_repeating_one_message() -> None:
    spammy = [p for p in plans() if p.spam]
    assert spammy
    for plan in spammy:
        chat = chat_of(plan)
        for span in plan.spam:
            said = Counter((c.user, c.text) for c in chat if span.start <= c.t < span.end)
            # One message from one user at least every 2 s, for the whole span.
            assert said.most_common(1)[0][1] >= (span.end - span.start) / 2.0 - 1


def test_quiet_stretches_are_quiet() -> None:
    quiet_rate, normal_rate, quiet_s, normal_s = 0, 0, 0.0, 0.0
    for plan in plans():
        if not plan.quiet:
            continue
        # Away from moments' reactions, spam and the raid, talk follows the room's level.
        busy = tuple(Interval(m.start, m.end + 75) for m in plan.moments) + plan.spam
        if plan.raid_t is not None:
            busy += (Interval(plan.raid_t, plan.raid_t + 40),)
        for c in chat_of(plan):
            if not inside(c.t, busy) and c.kind == "message" and c.user not in KNOWN_BOTS:
                if inside(c.t, plan.quiet):
                    quiet_rate += 1
                else:
                    normal_rate += 1
        quiet_s += sum(s.end - s.start for s in plan.quiet)
        normal_s += plan.duration_s - sum(s.end - s.start for s in plan.quiet)
    assert quiet_rate / quiet_s < 3 * QUIET_FACTOR * normal_rate / normal_s


def test_viewers_jump_on_a_raid_and_markers_follow_moments() -> None:
    for plan in plans():
        viewers = generate_viewers(random.Random(plan.show_id), plan)
        assert viewers[0].t == 0.0
        if plan.raid_t is not None:
            before = max(v.count for v in viewers if plan.raid_t - 10 <= v.t < plan.raid_t)
            after = max(v.count for v in viewers if plan.raid_t + 6 <= v.t < plan.raid_t + 12)
            assert after - before >= 25
        for marker in generate_markers(random.Random(plan.show_id), plan):
            if marker.kind != "clip":
                continue
            delays = [marker.t - m.end for m in plan.moments]
            assert any(MARKER_DELAY_MIN_S - 0.01 <= d <= MARKER_DELAY_MAX_S + 0.01 for d in delays)


def test_dev_set_is_big_enough_small_enough_and_loads() -> None:
    shows = find_shows(DEV_SET)
    assert len(shows) >= 20
    total = sum(f.stat().st_size for f in DEV_SET.rglob("*") if f.is_file())
    assert total < 3 * 1024 * 1024
    videos = list(DEV_SET.glob("*/video.mp4"))
    assert len(videos) >= 5
    assert all(v.stat().st_size <= 250 * 1024 for v in videos)
    loaded = [load_show(s) for s in shows]
    assert all(show.labels for show in loaded)
    assert any(show.chat is None for show in loaded)


@pytest.mark.parametrize("index", [0, 1, 7, 16])
def test_dev_set_is_what_the_readme_command_writes(tmp_path: Path, index: int) -> None:
    """The committed text files match the generator (video is checked by size only)."""
    plan = show_plan(1, index, with_video=index < 6)
    plan = dataclasses.replace(plan, signals=plan.signals - {"video"})
    fresh = write_show(plan, tmp_path, seed=1, index=index)
    for path in fresh.iterdir():
        assert path.read_bytes() == (DEV_SET / fresh.name / path.name).read_bytes(), path.name
