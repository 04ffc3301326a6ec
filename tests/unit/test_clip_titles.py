"""Clip titles and tags (liveclips/domain/clip_titles.py)."""

from __future__ import annotations

from liveclips.domain.clip_titles import MAX_TITLE, clip_tags, clip_title


def test_the_program_leads_then_the_moment_and_where_in_the_show():
    evidence = {"chat_hype": 0.5, "loudness": 0.2}
    assert clip_title("auto", evidence, channel_name="Nebula", program_title="Speedrun Friday",
                      at_s=3725.0) == "Speedrun Friday: Hype moment at 1:02:05"  # fmt: skip
    assert (
        clip_title("auto", evidence, channel_name="Nebula", at_s=65)
        == "Nebula: Hype moment at 1:05"
    )
    assert clip_title("auto", {}) == "Highlight"


def test_people_s_picks_say_so():
    assert clip_title("marker", {"loudness": 1.0}, channel_name="N") == "N: Creator's pick"
    assert clip_title("manual", {}) == "Team pick"


def test_titles_are_bounded():
    assert len(clip_title("auto", {}, program_title="x" * 500)) == MAX_TITLE


def test_tags_program_first_then_kind_and_leading_signals_without_repeats():
    evidence = {"chat_rate": 0.4, "chat_unique": 0.3, "motion": 0.1, "viewers": 0.0}
    assert clip_tags("auto", evidence, [" Esports ", "CHAT", ""]) == ["esports", "chat", "auto"]
    assert clip_tags("marker", {"motion": 0.2, "scene": 0.1}) == ["marker", "action"]
