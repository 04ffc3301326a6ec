"""Who may do what: roles and the ownership rule, with no web or cloud types.

Every signed-in person is at least a viewer (the feed, playback, their own progress);
creators also run channels; moderators are the content team (approvals, picks, the
moderation queue); admins may do everything, including acting on any creator's channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    CREATOR = "creator"
    MODERATOR = "moderator"
    ADMIN = "admin"


# Roles that may use a capability; ADMIN is in every set on purpose (support acts for
# anyone), so a route never lists it itself.
EVERYONE = frozenset(Role)
CREATORS = frozenset({Role.CREATOR, Role.ADMIN})
CONTENT_TEAM = frozenset({Role.MODERATOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Caller:
    """The verified bearer of a token."""

    user_id: str
    role: Role
    token_id: str
    issued_at: datetime
    expires_at: datetime

    def may_manage(self, owner_user_id: str | None) -> bool:
        """A creator acts on their own channels only; an admin on anyone's."""
        return self.role is Role.ADMIN or (
            self.role is Role.CREATOR and owner_user_id == self.user_id
        )
