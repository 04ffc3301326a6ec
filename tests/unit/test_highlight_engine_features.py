"""Per-second features from raw chat, viewer counts and markers."""

from __future__ import annotations

import pytest

from liveclips.domain.highlight_engine.features import (
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
    ["LMAOOO", "hahahaha", "KEKW", "wtf!!!", "😂", "🔥🔥", "NO WAY BRO", "LUL LUL", "77777",
     "哈哈哈哈", "ㅋㅋㅋㅋ", "wwwww", "????", "草草草", "\uff01\uff01"],
)  # fmt: skip
def test_lines_shaped_like_a_reaction_are_hype_in_any_script(text):
    assert is_hype(text)


@pytest.mark.parametrize(
    "text", ["hello everyone", "what mic is that", "ok", "brb", "I", "lol", "加油", "xqcL"]
)
def test_ordinary_chatter_and_lone_words_are_not_hype_by_their_shape(text):
    # "lol" or a room's own emote count as reactions only when others type them too.
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
        "chat_rate": 3.0, "chat_unique": 3.0, "chat_hype": 1.0, "chat_storm": 2.0,
        "chat_raid": 0.0,
    }  # fmt: skip
    assert f[11]["chat_storm"] == 3.0  # a 5 s window: a, b and d laughed alike
    assert f[11]["chat_hype"] == 1.0  # d is the third to type "lol" within 8 s: an echo
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


def test_a_token_of_the_rooms_own_becomes_a_reaction_once_three_people_type_it():
    # GIVEN an emote no list knows, typed by three people within the echo window
    chat = said((1.0, "a", "xqcL"), (3.0, "b", "xqcL xqcL"), (5.0, "c", "XQCL"),
                (20.0, "d", "xqcL"))  # fmt: skip
    # WHEN the features are built
    f = chat_features(chat, 30)
    # THEN the third typing is an echo; the lone one 15 s later is not
    assert [f[t]["chat_hype"] for t in (1, 3, 5, 20)] == [0.0, 0.0, 1.0, 0.0]


def test_cjk_reactions_echo_through_their_characters():
    chat = said((1.0, "a", "笑死"), (1.5, "b", "笑死我"), (2.0, "c", "太好笑"))
    assert chat_features(chat, 5)[2]["chat_hype"] == 1.0


def test_long_lines_never_echo():
    line = "the team should have rotated to the dragon pit earlier"
    chat = said(*[(1.0 + i, f"u{i}", line) for i in range(5)])
    assert sum(v["chat_hype"] for v in chat_features(chat, 10).values()) == 0


def test_notices_bots_commands_and_links_are_not_the_audience():
    chat = [
        ChatMessage(1.0, "gifter", "gifted 5 Tier 1 subs!", kind="notice"),
        ChatMessage(1.1, "ann", "!uptime"),
        ChatMessage(1.2, "Nightbot", "Follow the socials"),
        ChatMessage(1.3, "clipperbot", "new clip posted"),
        ChatMessage(1.4, "bob", "look https://example.com/x"),
        ChatMessage(1.5, "cat", "hello"),
    ]
    f = chat_features(chat, 3)
    assert f[1]["chat_rate"] == 1.0 and f[1]["chat_unique"] == 1.0
