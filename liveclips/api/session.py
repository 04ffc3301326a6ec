"""Signing out: this token (sign-out) or every token of a user (admins: bans, leaks)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path

from liveclips.adapters import revocations
from liveclips.api.auth import AdminCaller, AnyCaller
from liveclips.api.models import Revoked

router = APIRouter(prefix="/v1", tags=["sessions"])
UserId = Annotated[str, Path(min_length=1, max_length=128)]


@router.post("/auth/logout", response_model=Revoked)
def logout(caller: AnyCaller) -> Revoked:
    """The presented token stops working at once (until now it would have to expire)."""
    revocations.revoke_token(caller.token_id, caller.expires_at, datetime.now(UTC))
    return Revoked(user_id=caller.user_id, scope="token")


@router.post("/admin/users/{user_id}/revoke-tokens", response_model=Revoked)
def revoke_user_tokens(user_id: UserId, _admin: AdminCaller) -> Revoked:
    """Every token issued to `user_id` until now stops working; new sign-ins still work."""
    revocations.revoke_user(user_id, datetime.now(UTC))
    return Revoked(user_id=user_id, scope="all_tokens")
