"""Refresh-token families in Redis: one JSON value per family (one sign-in, one device),
kept until the family would expire, plus each user's set of family ids (sign out of all).

A rotation reads the family, applies the domain's rule (liveclips/domain/accounts.py
`rotate`) and writes it back under WATCH, so two uses of the same token race to one
winner: the loser finds the token no longer current and revokes the family, as a replay
must. A revoked family stays as a tombstone until it would have expired, so a later use
of any of its tokens is still told apart from a forged one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

import redis

from liveclips.adapters import redis_store
from liveclips.domain.accounts import (
    Family,
    FamilyLimits,
    Outcome,
    RefreshToken,
    Rotation,
    rotate,
)

A = TypeVar("A")

_ATTEMPTS = 5


def _family_key(family_id: str) -> str:
    # The hash tag keeps a family's key in one slot should Redis become a cluster.
    return f"acct:family:{{{family_id}}}"


def _user_key(user_id: str) -> str:
    return f"acct:user-families:{user_id}"


def _ttl_s(family: Family, now: datetime, limits: FamilyLimits) -> int:
    return max(1, int((family.expires_at(limits) - now).total_seconds()) + 1)


def save_new(family: Family, now: datetime, limits: FamilyLimits) -> None:
    pipe = redis_store.client().pipeline(transaction=True)
    pipe.set(_family_key(family.family_id), json.dumps(family.to_dict()),
             ex=_ttl_s(family, now, limits), nx=True)  # fmt: skip
    pipe.sadd(_user_key(family.user_id), family.family_id)
    pipe.expire(_user_key(family.user_id), int(limits.max_age.total_seconds()) + 1)
    created, _, _ = pipe.execute()
    if not created:
        raise ValueError(f"refresh family {family.family_id} exists already")


def load(family_id: str) -> Family | None:
    raw = redis_store.client().get(_family_key(family_id))
    return Family.from_dict(json.loads(str(raw))) if raw else None


def rotate_stored(
    presented: RefreshToken,
    successor: RefreshToken,
    access: tuple[str, datetime],
    now: datetime,
    limits: FamilyLimits,
) -> Rotation | None:
    """The outcome of presenting `presented` (None: no such family, or it expired); when
    it rotated, the family records `access` (jti, expiry) as issued under it."""

    def step(family: Family) -> tuple[Family, Rotation]:
        result = rotate(family, presented, successor, now, limits)
        if result.outcome is Outcome.ROTATED:
            rotated = result.family.with_access_token(access[0], access[1], now)
            result = replace(result, family=rotated)
        return result.family, result

    return _watched(presented.family_id, step, now, limits, write_unchanged=False)


def add_access_token(family_id: str, jti: str, expires_at: datetime, now: datetime,
                     limits: FamilyLimits) -> None:  # fmt: skip
    _update(family_id, lambda f: f.with_access_token(jti, expires_at, now), now, limits)


def revoke(family_id: str, now: datetime, limits: FamilyLimits) -> Family | None:
    """The family as it was before (None: gone already); revoked from now on."""
    return _update(family_id, lambda f: replace(f, revoked=True), now, limits)


def _update(
    family_id: str, change: Callable[[Family], Family], now: datetime, limits: FamilyLimits
) -> Family | None:
    return _watched(family_id, lambda f: (change(f), f), now, limits, write_unchanged=True)


def _watched(
    family_id: str,
    step: Callable[[Family], tuple[Family, A]],
    now: datetime,
    limits: FamilyLimits,
    *,
    write_unchanged: bool,
) -> A | None:
    """`step` on the stored family, written back in one optimistic transaction (None: no
    such family); a concurrent change makes it decide again on what that wrote."""
    key = _family_key(family_id)
    client = redis_store.client()
    for _ in range(_ATTEMPTS):
        with client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(key)
                raw = pipe.get(key)
                if not raw:
                    return None
                family = Family.from_dict(json.loads(str(raw)))
                updated, answer = step(family)
                pipe.multi()
                if write_unchanged or updated != family:
                    pipe.set(key, json.dumps(updated.to_dict()), ex=_ttl_s(updated, now, limits))
                pipe.execute()
                return answer
            except redis.WatchError:
                continue  # another use of this family won the race: decide again
    raise RuntimeError(f"refresh family {family_id} kept changing")


def families_of(user_id: str) -> list[str]:
    return sorted(str(f) for f in redis_store.client().smembers(_user_key(user_id)))


def forget(user_id: str, family_ids: list[str]) -> None:
    if family_ids:
        redis_store.client().srem(_user_key(user_id), *family_ids)
