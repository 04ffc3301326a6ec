"""Pages ordered by a time and an id (channels, programs, live streams, a creator's clips),
with the opaque cursors of liveclips/api/cursors.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from google.api_core.datetime_helpers import DatetimeWithNanoseconds

from liveclips.api import cursors
from liveclips.api.errors import api_error

Limit = Annotated[int, Query(ge=1, le=100, description="Items per page")]
Cursor = cursors.CursorParam
_Nanos: Any = DatetimeWithNanoseconds  # the client library's, unannotated


def encode(at: datetime, key: str) -> str:
    # Commit timestamps have nanoseconds; a cursor cut to microseconds could skip rows.
    stamp = at.rfc3339() if isinstance(at, _Nanos) else at.isoformat()
    return cursors.encode(at=stamp, key=key)


def decode(cursor: str | None) -> tuple[datetime, str] | None:
    if cursor is None:
        return None
    fields = cursors.decode(cursor, at=str, key=str)
    try:
        at: datetime = _Nanos.from_rfc3339(fields["at"])
    except ValueError:
        try:
            at = datetime.fromisoformat(fields["at"])
        except ValueError as error:
            raise api_error(400, "invalid_cursor", "the cursor's at is malformed") from error
    if at.tzinfo is None:
        raise api_error(400, "invalid_cursor", "the cursor's at is malformed")
    return at, fields["key"]


def next_cursor(keys: list[tuple[datetime, str]], limit: int) -> str | None:
    """A cursor after the last item of a full page (more may follow); None at the end."""
    return encode(*keys[-1]) if keys and len(keys) >= limit else None
