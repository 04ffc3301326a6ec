"""Accounts in Spanner (the system of record): users, their password hashes, and the
external identities mapped to them. Schema: schemas/spanner/liveclips.sql (Users...)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from google.api_core import exceptions
from google.cloud import spanner
from google.cloud.spanner_v1.transaction import Transaction

from liveclips.adapters.spanner import COMMIT_TS, _one, database
from liveclips.errors import LiveclipsError

_STRING = spanner.param_types.STRING


class EmailTaken(LiveclipsError):
    """An account with this (normalised) email exists already."""


@dataclass(frozen=True)
class PasswordLogin:
    user_id: str
    role: str
    password_hash: str


@dataclass(frozen=True)
class User:
    user_id: str
    role: str


# The emulator cannot tell that `Email = @email` excludes NULLs, so it refuses the
# null-filtered index without this hint; Cloud Spanner ignores the hint.
_BY_EMAIL_INDEX = (
    "Users@{FORCE_INDEX=UsersByEmail,spanner_emulator.disable_query_null_filtered_index_check=true}"
)
_BY_EMAIL = (
    f"SELECT u.UserId, u.Role, p.PasswordHash FROM {_BY_EMAIL_INDEX} AS u"  # noqa: S608
    " JOIN PasswordCredentials AS p ON p.UserId = u.UserId WHERE u.Email = @email"
)
_EMAIL_TAKEN = f"SELECT UserId FROM {_BY_EMAIL_INDEX} WHERE Email = @email"  # noqa: S608


def create_password_user(user_id: str, email: str, role: str, password_hash: str) -> None:
    """The user and their credential in one transaction: both or neither (EmailTaken)."""

    def work(txn: Transaction) -> None:
        if _one(txn, _EMAIL_TAKEN, email=email):
            raise EmailTaken(f"an account with {email} exists")
        txn.insert("Users", columns=("UserId", "Email", "Role", "CreatedAt"),
                   values=[(user_id, email, role, COMMIT_TS)])  # fmt: skip
        txn.insert("PasswordCredentials", columns=("UserId", "PasswordHash", "UpdatedAt"),
                   values=[(user_id, password_hash, COMMIT_TS)])  # fmt: skip

    try:
        database().run_in_transaction(work)
    except (exceptions.AlreadyExists, exceptions.FailedPrecondition) as error:
        # A concurrent sign-up with the same email committed first (the unique index).
        if "UsersByEmail" in str(error) or "Unique index" in str(error):
            raise EmailTaken(f"an account with {email} exists") from error
        raise


def password_login(email: str) -> PasswordLogin | None:
    with database().snapshot() as snapshot:
        rows = list(
            snapshot.execute_sql(_BY_EMAIL, params={"email": email}, param_types={"email": _STRING})
        )
    return PasswordLogin(*rows[0]) if rows else None


def replace_password_hash(user_id: str, password_hash: str) -> None:
    with database().batch() as batch:
        batch.update("PasswordCredentials", columns=("UserId", "PasswordHash", "UpdatedAt"),
                     values=[(user_id, password_hash, COMMIT_TS)])  # fmt: skip


def user(user_id: str) -> User | None:
    with database().snapshot() as snapshot:
        rows = list(
            snapshot.read(
                "Users", columns=("UserId", "Role"), keyset=spanner.KeySet(keys=[[user_id]])
            )
        )
    return User(*rows[0]) if rows else None


def federated_user(issuer: str, subject: str, email: str | None, role: str) -> User:
    """Our user for an external identity, made (with `role`) the first time it is seen;
    two first requests at once make one user (the transaction re-reads the mapping)."""

    def work(txn: Transaction) -> User:
        found = _one(
            txn,
            "SELECT f.UserId, u.Role FROM FederatedIdentities AS f JOIN Users AS u"
            " ON u.UserId = f.UserId WHERE f.Issuer = @issuer AND f.Subject = @subject",
            issuer=issuer,
            subject=subject,
        )
        if found:
            return User(*found)
        user_id = str(uuid.uuid4())
        txn.insert("Users", columns=("UserId", "Email", "Role", "CreatedAt"),
                   values=[(user_id, None, role, COMMIT_TS)])  # fmt: skip
        txn.insert("FederatedIdentities",
                   columns=("Issuer", "Subject", "UserId", "Email", "CreatedAt"),
                   values=[(issuer, subject, user_id, email, COMMIT_TS)])  # fmt: skip
        return User(user_id, role)

    made: User = database().run_in_transaction(work)
    return made
