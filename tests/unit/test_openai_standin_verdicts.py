"""The stand-in's deterministic moderation: keyword rules that see through a few common
disguises, and exact scores on request. (The full adversarial corpus belongs to the
inline chat review; this is only what the async path's tests lean on.)"""

from __future__ import annotations

import pytest

from liveclips_dev.localcloud.openai_models import BASELINE_SCORE, moderation_result, scores_for


def fullwidth(text: str) -> str:
    """The full-width forms (U+FF21 on) of the letters: they look alike, NFKC folds them."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in text)


@pytest.mark.parametrize(
    "text",
    [
        "I will kill you",
        "i will k1ll y0u",  # leetspeak
        fullwidth("i will kill you"),
        "ki\u200bll you",  # a zero-width space inside the word
        "k.i.l.l you",  # separators between the letters
    ],
)
def test_a_threat_is_threatening_harassment_however_it_is_written(text):
    scores = scores_for(text)
    assert scores["harassment/threatening"] == 0.96
    assert moderation_result(text)["flagged"]


@pytest.mark.parametrize(
    "text",
    ["this skill is killer", "Assassin's Creed run tonight?", "I'm dying of laughter", "gg wp"],
)
def test_ordinary_chat_is_not_flagged(text):
    result = moderation_result(text)
    assert not result["flagged"]
    assert set(result["category_scores"].values()) == {BASELINE_SCORE}


def test_a_marker_sets_one_score_exactly():
    scores = scores_for("totally normal #flag:sexual/minors=0.25")
    assert scores["sexual/minors"] == 0.25
    assert not moderation_result("#flag:violence=0.49")["flagged"]


def test_every_result_has_the_documented_keys_for_text_input():
    result = moderation_result("hello")
    assert set(result) == {"flagged", "categories", "category_scores",
                           "category_applied_input_types"}  # fmt: skip
    assert set(result["category_applied_input_types"]["violence"]) == {"text"}
