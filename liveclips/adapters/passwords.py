"""Password hashes: argon2id through argon2-cffi (ADR 0017), at most a few at once.

Parameters are RFC 9106's second recommendation (argon2-cffi's default profile): t=3,
m=64 MiB, p=4. A hash records its parameters, so raising them later only needs
`needs_rehash` at the next sign-in. Each hash holds 64 MiB for ~0.1 s: a semaphore
bounds how many run at once per process, so a burst of sign-ins queues instead of
exhausting the instance's memory (the rate limits keep the queue short).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from liveclips.adapters.config import settings

PARAMETERS = profiles.RFC_9106_LOW_MEMORY


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher.from_parameters(PARAMETERS)


@lru_cache(maxsize=1)
def _slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(settings().password_hash_concurrency)


def _bytes(password: str) -> bytes:
    # JSON may carry lone surrogates: they are bytes like any other here, never a crash.
    return password.encode("utf-8", "surrogatepass")


def hash_password(password: str) -> str:
    with _slots():
        return _hasher().hash(_bytes(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no stored hash (unknown email) the same work is
    done against a dummy hash and the answer is False, so both take as long."""
    with _slots():
        try:
            matched = _hasher().verify(stored_hash or _dummy_hash_unlocked(), _bytes(password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    return matched and stored_hash is not None


def _dummy_hash_unlocked() -> str:
    # Called holding a slot: the dummy must not wait for another one.
    if not _dummy_cache:
        _dummy_cache.append(_hasher().hash("not-a-password: only makes unknown emails slow"))
    return _dummy_cache[0]


_dummy_cache: list[str] = []


def warm_up() -> None:
    """Make the dummy hash before the first sign-in (so that one is not slower)."""
    with _slots():
        _dummy_hash_unlocked()


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
