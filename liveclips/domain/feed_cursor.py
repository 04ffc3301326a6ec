"""Opaque page cursors: what the next page continues from, strictly parsed.

A feed cursor names a ranked snapshot and an offset in it; a search cursor names the
Spanner read timestamp of the first page, the offset and a digest of the query (a
cursor is only valid with the query it came from). Both are base64url without padding.
They carry no secret and need no signature: a forged one names a snapshot or a time
that does not exist (410) or an offset past the end (an empty page), nothing more.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from liveclips.errors import PermanentError

MAX_OFFSET = 100_000
_B64URL = re.compile(r"^[A-Za-z0-9_-]{4,96}$")
_FEED = re.compile(r"^f1\.([0-9a-f]{32})\.(0|[1-9][0-9]{0,5})$")
_SEARCH = re.compile(r"^s1\.([1-9][0-9]{0,17})\.(0|[1-9][0-9]{0,5})\.([0-9a-f]{16})$")


class InvalidCursor(PermanentError, ValueError):
    """Not a cursor this API issued."""


@dataclass(frozen=True)
class FeedCursor:
    snapshot_id: str
    offset: int


@dataclass(frozen=True)
class SearchCursor:
    read_at_us: int  # the first page's read timestamp, µs since the epoch
    offset: int
    query_digest: str


def encode_feed(cursor: FeedCursor) -> str:
    return _encode(f"f1.{cursor.snapshot_id}.{cursor.offset}")


def decode_feed(text: str) -> FeedCursor:
    match = _FEED.match(_decode(text))
    if not match or int(match[2]) > MAX_OFFSET:
        raise InvalidCursor("not a feed cursor")
    return FeedCursor(match[1], int(match[2]))


def query_digest(normalized_query: str) -> str:
    return hashlib.sha256(normalized_query.encode()).hexdigest()[:16]


def encode_search(cursor: SearchCursor) -> str:
    return _encode(f"s1.{cursor.read_at_us}.{cursor.offset}.{cursor.query_digest}")


def decode_search(text: str) -> SearchCursor:
    match = _SEARCH.match(_decode(text))
    if not match or int(match[2]) > MAX_OFFSET:
        raise InvalidCursor("not a search cursor")
    return SearchCursor(int(match[1]), int(match[2]), match[3])


def _encode(plain: str) -> str:
    return base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")


def _decode(text: str) -> str:
    if not _B64URL.match(text):
        raise InvalidCursor("a cursor is base64url")
    try:
        plain = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidCursor("a cursor is base64url") from error
    # One spelling per cursor: no slack bits in the last character.
    if base64.urlsafe_b64encode(plain).decode().rstrip("=") != text:
        raise InvalidCursor("not a canonical cursor")
    return plain.decode("latin-1")
