from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from liveclips.domain.chat_rules import MAX_LENGTH, RoomPolicy, Traffic, review
from liveclips.domain.chat_text import skeleton, visible, words

CALM = Traffic(user_count=1, room_count=1, duplicate=False)
DEFAULT = RoomPolicy()


def test_disguises_come_off():
    assert visible("\uff46\uff55\uff4c\uff4c") == "full"  # full-width, NFKC
    assert visible("z\u0336a\u0337l\u0338g\u0335o") == "zalgo"  # combining marks
    assert visible("a\u200bb\u202ec") == "abc"  # zero-width and bidi override
    assert skeleton("F.u.u.u.c.K") == "fuck"
    assert skeleton("$h1t") == "shit"
    assert skeleton("\u0455\u04bb\u0456t") == "shit"  # Cyrillic dze, shha, i


def test_single_letters_are_joined_into_a_word_in_reading_order():
    assert [w.form for w in words("say k y s now")] == ["say", "k", "y", "s", "kys", "now"]


def test_a_shorter_word_never_spells_a_longer_term():
    room = RoomPolicy.build(redacted=("ass",))
    assert review("as if", room, CALM).content == "as if"
    assert review("a s s", room, CALM).content == "* * *"
    assert review("asss", room, CALM).content == "****"


def test_rate_limits_and_floods_deny_with_the_reason():
    room = RoomPolicy.build(user_limit=3, room_limit=10)
    assert review("hi", room, Traffic(4, 1, False)).reasons == ("rate: user over 3 messages",)
    assert review("hi", room, Traffic(1, 11, False)).reasons == ("rate: room over 10 messages",)
    assert review("hi", room, Traffic(1, 1, True)).reasons == ("flood: same message repeated",)
    assert review("hi", room, Traffic(3, 10, False)).result == "ALLOW"


def test_without_counters_the_text_rules_still_apply():
    assert review("kys", DEFAULT, None).result == "DENY"
    assert review("hello", DEFAULT, None).result == "ALLOW"


def test_a_room_adds_terms_to_the_baseline_never_replaces_it():
    room = RoomPolicy.build(denied=("spoiler",))
    assert review("big spoiler ahead", room, CALM).result == "DENY"
    assert review("kys", room, CALM).result == "DENY"


def test_links_deny_unless_the_room_allows_them_or_their_domain():
    assert review("see example.com", DEFAULT, CALM).result == "DENY"
    assert review("see example.com", RoomPolicy.build(links="allow"), CALM).result == "ALLOW"
    allowed = RoomPolicy.build(allowed_domains=("example.com",))
    assert review("see www.example.com/x", allowed, CALM).result == "ALLOW"
    assert review("see evil-example.com", allowed, CALM).result == "DENY"


def test_redaction_says_so_and_keeps_the_rest():
    decision = review("well fuck me", DEFAULT, CALM)
    assert (decision.result, decision.content, decision.changed) == ("ALLOW", "well **** me", True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=MAX_LENGTH + 20))
def test_any_text_gets_an_answer_and_a_redaction_never_changes_length(text):
    decision = review(text, DEFAULT, CALM)
    assert decision.result in ("ALLOW", "DENY")
    if decision.changed:
        assert len(decision.content) == len(visible(text))
    if decision.result == "DENY":
        assert decision.reasons
