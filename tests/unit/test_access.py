"""Who may manage a channel: its creator, or an admin; nobody else, whatever their role."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liveclips.domain.access import CONTENT_TEAM, CREATORS, Caller, Role

T = datetime(2026, 11, 23, tzinfo=UTC)


def caller(role: Role, user: str = "ana") -> Caller:
    return Caller(user_id=user, role=role, token_id="jti-1", issued_at=T, expires_at=T)  # noqa: S106


@pytest.mark.parametrize(
    ("role", "owner", "allowed"),
    [
        (Role.CREATOR, "ana", True),
        (Role.CREATOR, "ben", False),
        (Role.CREATOR, None, False),
        (Role.ADMIN, "ben", True),
        (Role.MODERATOR, "ana", False),  # a moderator who owns a channel still needs CREATOR
        (Role.VIEWER, "ana", False),
    ],
)
def test_only_the_owning_creator_or_an_admin_manages_a_channel(role, owner, allowed):
    assert caller(role).may_manage(owner) is allowed


def test_admins_are_in_every_privileged_group_and_viewers_in_none():
    assert Role.ADMIN in CREATORS and Role.ADMIN in CONTENT_TEAM
    assert Role.VIEWER not in CREATORS | CONTENT_TEAM
