"""Revoked bearer tokens, in Redis: single tokens (sign-out) until they would have
expired anyway, and "everything a user was issued before T" (sign out everywhere, bans)."""

from __future__ import annotations

from datetime import datetime

from liveclips.adapters import redis_store

# A user's cut-off outlives any token issued before it (tokens live at most a day).
_USER_CUTOFF_TTL_S = 2 * 24 * 3600


def _token_key(token_id: str) -> str:
    return f"auth:revoked:{token_id}"


def _user_key(user_id: str) -> str:
    return f"auth:not-before:{user_id}"


def revoke_token(token_id: str, expires_at: datetime, now: datetime) -> None:
    ttl_s = max(1, int((expires_at - now).total_seconds()) + 1)
    redis_store.client().set(_token_key(token_id), "1", ex=ttl_s)


def revoke_user(user_id: str, now: datetime) -> None:
    redis_store.client().set(_user_key(user_id), now.timestamp(), ex=_USER_CUTOFF_TTL_S)


def keys(token_id: str, user_id: str) -> tuple[str, str]:
    """What the API's admission script reads (liveclips/adapters/rate_limits.py): a token is revoked
    when the first exists or its issued-at is not after the second's cut-off."""
    return _token_key(token_id), _user_key(user_id)
