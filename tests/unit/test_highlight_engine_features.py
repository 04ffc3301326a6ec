"""Per-second features from raw chat, viewer counts and markers."""

from __future__ import annotations

import pytest

from domain.highlight_engine.features import (
    ChatMessage,
    chat_features,
    collapse,
    is_hype,
    marker_features,
    merge_features,
    message_key,
    viewer_features,
)


def said(*rows: tuple[float, str, str]) -> list[ChatMessage]:
    return [ChatMessage(t, user, text) for t, user, text in rows]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("loooool", "lol"), ("LOOOOL", "lol"), ("\uff2c\uff2f\uff2c", "lol"), ("Pogggers", "pogers")],
)
def test_text_is_normalised_before_it_is_compared(raw, normal):
    assert collapse(raw) == normal


@pytest.mark.parametrize(
    "text",
    ["lol", "LMAOOO", "hahahaha", "KEKW", "omg", "clip it", "wtf!!!", "😂", "🔥🔥", "NO WAY BRO",
     "poggers", "that was insane", "xD", "LUL LUL"],
)  # fmt: skip
def test_laughter_hype_and_shouting_are_hype(text):
    assert is_hype(text)


@pytest.mark.parametrize("text", ["hello everyone", "what mic is that", "ok", "brb", "I"])
def test_ordinary_chatter_is_not_hype(text):
    assert not is_hype(text)


def test_near_identical_messages_share_a_key():
    assert message_key("KEKW KEKW KEKW") == message_key("kekw") == message_key("Kekw!!")
    assert message_key("CLIP IT 🔥") == message_key("clip it 🔥🔥")
    assert message_key("clip it") != message_key("clip that")


def test_a_user_repeating_themselves_counts_once_per_30_s_and_once_per_second():
    chat = said(
        (1.0, "ann", "hi"), (1.5, "ann", "hi"), (20.0, "ann", "hi"),  # repeats: once
        (2.1, "bob", "a"), (2.2, "bob", "b"), (2.3, "bob", "c"),  # one a second
        (55.0, "ann", "hi"),  # 35 s after her last repeat: counts again
    )  # fmt: skip
    f = chat_features(chat, 60)

    assert sum(v["chat_rate"] for v in f.values()) == 3
    assert f[1]["chat_rate"] == 1 and f[2]["chat_rate"] == 1 and f[55]["chat_rate"] == 1


def test_chat_counts_unique_chatters_hype_and_storms_of_distinct_users():
    chat = said(
        (10.1, "a", "LOL"), (10.2, "b", "lool"), (10.3, "c", "what"), (11.0, "d", "LOL!!"),
        (12.0, "e", "spam"), (12.1, "e", "spam"), (12.2, "e", "spam"),
    )  # fmt: skip
    f = chat_features(chat, 20)

    assert f[10] == {
        "chat_rate": 3.0, "chat_unique": 3.0, "chat_hype": 2.0, "chat_storm": 2.0,
        "chat_raid": 0.0,
    }  # fmt: skip
    assert f[11]["chat_storm"] == 3.0  # a 5 s window: a, b and d laughed alike
    assert f[12]["chat_storm"] == 3.0 and f[12]["chat_rate"] == 1.0  # e's flood adds 1
    assert f[16]["chat_storm"] == 1.0 and f[19]["chat_rate"] == 0.0
    assert set(f) == set(range(20))


def test_a_raid_line_from_newcomers_is_set_apart_from_the_audience_reacting():
    regulars = said(*[(float(t), f"reg{t % 5}", f"hello {t}") for t in range(30)])
    raid = said(*[(30.0 + i * 0.3, f"raider{i}", "bigchannel RAID 💜") for i in range(20)])
    f = chat_features(regulars + raid, 40)

    assert sum(f[t]["chat_raid"] for t in range(30, 40)) >= 15
    assert max(f[t]["chat_storm"] for t in range(30, 40)) <= 4
    assert max(f[t]["chat_rate"] for t in range(32, 40)) <= 1


def test_a_moment_copypasta_among_varied_newcomer_reactions_is_not_a_raid():
    lines = ["LETS GOOO", "KEKW", "omg", "no way", "clip it", "LMAO"]
    burst = said(*[
        (20.0 + i * 0.2, f"lurker{i}", "CLIP IT 🔥" if i % 3 == 0 else lines[i % len(lines)])
        for i in range(30)
    ])  # fmt: skip
    f = chat_features(burst, 30)

    assert sum(v["chat_raid"] for v in f.values()) == 0
    assert max(v["chat_storm"] for v in f.values()) >= 5


def test_viewer_counts_carry_forward_and_joins_are_the_rises():
    f = viewer_features([(2.0, 100), (4.0, 130), (6.0, 120), (8.5, 125)], 10)

    assert 0 not in f and 1 not in f  # before the first sample, nothing is known
    assert f[2] == {"viewers": 100.0, "viewer_joins": 0.0}
    assert f[3]["viewers"] == 100.0
    assert f[4]["viewer_joins"] == 30.0 and f[6]["viewer_joins"] == 0.0
    assert f[8] == {"viewers": 125.0, "viewer_joins": 5.0}


def test_only_clip_requests_are_markers():
    f = marker_features([(12.7, "clip"), (30.0, "chapter"), (41.2, "poll")])
    assert f == {12: {"marker": 1.0}}


def test_merge_gives_every_second_of_the_show_once():
    seconds = merge_features(
        3.5, {0: {"loudness": -20.0}, 9: {"loudness": 0.0}}, {0: {"chat_rate": 2.0}}
    )

    assert [s.t for s in seconds] == [0, 1, 2, 3]
    assert seconds[0].values == {"loudness": -20.0, "chat_rate": 2.0}
    assert seconds[1].values == {}
