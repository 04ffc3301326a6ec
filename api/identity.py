"""Who is calling: a stop-gap until the API verifies JWTs.

There is no authentication yet, so the caller names its user in the `X-Liveclips-User`
header and is believed. When JWT verification lands (a later issue), `current_user`
returns the verified token's subject instead and the header is no longer read; routes
that depend on `current_user` do not change.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header, HTTPException

USER_HEADER = "X-Liveclips-User"
# Ids end up in Spanner keys (STRING(128)) and Redis keys: a closed alphabet keeps them
# printable and unambiguous.
_USER_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")


def current_user(
    user: Annotated[str | None, Header(alias=USER_HEADER)] = None,
) -> str:
    if user is None or not _USER_ID.fullmatch(user):
        raise HTTPException(
            401,
            detail={
                "code": "unauthenticated",
                "message": f"{USER_HEADER} must be 1-128 characters of A-Z a-z 0-9 _ . : @ -",
            },
        )
    return user
