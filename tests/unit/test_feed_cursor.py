"""Opaque cursors (liveclips/domain/feed_cursor.py) and the search text
(liveclips/domain/search_text.py)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.feed_cursor import (
    FeedCursor,
    InvalidCursor,
    SearchCursor,
    decode_feed,
    decode_search,
    encode_feed,
    encode_search,
    query_digest,
)
from liveclips.domain.search_text import search_query, search_terms

snapshot_ids = st.text("0123456789abcdef", min_size=32, max_size=32)


@given(snapshot_ids, st.integers(0, 100_000))
def test_feed_cursors_round_trip(snapshot_id, offset):
    cursor = FeedCursor(snapshot_id, offset)
    encoded = encode_feed(cursor)
    assert decode_feed(encoded) == cursor
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@given(st.integers(1, 10**17), st.integers(0, 100_000), st.text(min_size=1))
def test_search_cursors_round_trip(read_at_us, offset, query):
    cursor = SearchCursor(read_at_us, offset, query_digest(query))
    assert decode_search(encode_search(cursor)) == cursor


@given(st.text(max_size=120))
def test_anything_else_is_refused_not_crashed_on(text):
    for decode in (decode_feed, decode_search):
        with contextlib.suppress(InvalidCursor):
            decode(text)


def test_cursors_of_one_kind_are_not_the_other():
    feed = encode_feed(FeedCursor("a" * 32, 3))
    search = encode_search(SearchCursor(10, 3, "0" * 16))
    with pytest.raises(InvalidCursor):
        decode_search(feed)
    with pytest.raises(InvalidCursor):
        decode_feed(search)
    with pytest.raises(InvalidCursor):
        decode_feed(encode_feed(FeedCursor("a" * 32, 100_001)))


def test_search_text_becomes_plain_words():
    assert search_terms('"Final -Round" (OR fin*)') == ["final", "round", "or", "fin"]
    assert search_terms("élan Élan snake_case 🙂") == ["élan", "snake", "case"]
    assert search_query(search_terms("x " * 40)) == "x"
    assert len(search_terms(" ".join(f"w{i}" for i in range(40)))) == 16
