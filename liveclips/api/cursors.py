"""Opaque page cursors: the keyset of the last item served, as URL-safe base64 JSON.

Clients must treat a cursor as a token (pass back `next_cursor` as `cursor`); the API
may change what is inside. A cursor that does not decode to the expected fields is a
400 `invalid_cursor`, never a 500 or a silently restarted list.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import Query

from liveclips.api.errors import api_error

CursorParam = Annotated[
    str | None,
    Query(max_length=512, description="`next_cursor` of the previous page; omit for the first"),
]


def encode(**keyset: str | float | int) -> str:
    raw = json.dumps(keyset, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, **expected: type) -> dict[str, Any]:
    """The cursor's fields, each of the expected type, or a 400 naming the problem."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        keyset = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise api_error(400, "invalid_cursor", "the cursor is not one this API issued") from error
    if not isinstance(keyset, dict) or set(keyset) != set(expected):
        raise api_error(400, "invalid_cursor", "the cursor is not one this API issued")
    for name, kind in expected.items():
        value = keyset[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise api_error(400, "invalid_cursor", f"the cursor's {name} is malformed")
    return keyset
