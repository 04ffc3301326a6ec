"""Every route, every role: who may call what, from a table written here by hand (not
read from the code), so a route that lets the wrong role in fails. Ownership of a
channel (a creator acting on another creator's) is tested with each studio route."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from liveclips.api.app import app
from liveclips.domain.access import Role
from tests.support import bearer, unlimited_rates

pytestmark = pytest.mark.integration

ALL = frozenset(Role)
CREATORS = frozenset({Role.CREATOR, Role.ADMIN})
TEAM = frozenset({Role.MODERATOR, Role.ADMIN})
TEAM_OR_CREATOR = CREATORS | TEAM  # a creator's own stream, or any stream for the team
ADMIN = frozenset({Role.ADMIN})
PUBLIC: frozenset[Role] = frozenset()  # no token needed

WHO_MAY: dict[str, frozenset[Role]] = {
    "GET /healthz": PUBLIC,
    "POST /v1/auth/logout": ALL,
    "POST /v1/admin/users/{user_id}/revoke-tokens": ADMIN,
    # accounts (liveclips/api/accounts.py): signing up and in need no token
    "POST /v1/accounts": PUBLIC,
    "POST /v1/sessions": PUBLIC,
    "POST /v1/sessions/refresh": PUBLIC,
    "GET /.well-known/jwks.json": PUBLIC,
    "DELETE /v1/sessions/current": ALL,
    "DELETE /v1/sessions": ALL,
    # viewers
    "GET /v1/feed": ALL,
    "GET /v1/clips/{clip_id}": ALL,
    "GET /v1/search": ALL,
    "GET /v1/clips/{recording_id}/{clip_id}/hls.m3u8": ALL,
    "GET /v1/clips/{recording_id}/{clip_id}/thumbnails.vtt": ALL,
    "PUT /v1/me/progress/{title_id}": ALL,
    "GET /v1/me/progress/{title_id}": ALL,
    "GET /v1/me/continue-watching": ALL,
    "GET /v1/vod": ALL,
    "GET /v1/vod/{title_id}": ALL,
    "GET /v1/vod/{title_id}/master.m3u8": ALL,
    "GET /v1/vod/{title_id}/{rendition}": ALL,
    "POST /v1/events": ALL,
    "GET /v1/streams/{stream_id}/viewers": ALL,
    "POST /v1/channels/{channel_id}/chat-token": ALL,
    # an author appeals their own message; reading a verdict: its author or the team
    "POST /v1/moderation/rooms/{room_id}/messages/{message_id}/appeal": ALL,
    "GET /v1/moderation/rooms/{room_id}/messages/{message_id}": ALL,
    # creators, on their own channels
    "POST /v1/uploads": CREATORS,
    "POST /v1/streams/{stream_id}/markers": CREATORS,
    "GET /v1/streams/{stream_id}/prompts": TEAM_OR_CREATOR,
    "POST /v1/streams/{stream_id}/clips": CREATORS,
    "POST /v1/channels": CREATORS,
    "GET /v1/channels": CREATORS,
    "GET /v1/channels/{channel_id}": CREATORS,
    "POST /v1/channels/{channel_id}/stream-key": CREATORS,
    "POST /v1/channels/{channel_id}/programs": CREATORS,
    "GET /v1/channels/{channel_id}/programs": CREATORS,
    "GET /v1/studio/clips": CREATORS,
    "GET /v1/studio/analytics": CREATORS,
    "GET /v1/live": ALL,
    # a channel's chat by hand: its owner, or the content team
    "POST /v1/channels/{channel_id}/chat/messages/{message_id}/delete": TEAM_OR_CREATOR,
    "POST /v1/channels/{channel_id}/chat/users/{user_id}/disconnect": TEAM_OR_CREATOR,
    # the content team
    "GET /v1/highlights/pending": TEAM,
    "POST /v1/highlights/{highlight_id}/approve": TEAM,
    "POST /v1/highlights/{highlight_id}/reject": TEAM,
    "POST /v1/streams/{stream_id}/picks": TEAM,
    "POST /v1/clips/{clip_id}/takedown": TEAM,
    "GET /v1/takedowns": TEAM,
    "GET /v1/highlights/{highlight_id}/preview.m3u8": TEAM,
    "POST /v1/clips/{clip_id}/restore": TEAM,
    "GET /v1/moderation/queue": TEAM,
    "POST /v1/moderation/rooms/{room_id}/messages/{message_id}/decision": TEAM,
    # the social layer (docs/social.md): any viewer follows, comments, reports; an
    # author or the content team deletes a comment (checked by the route)
    "PUT /v1/me/follows/{channel_id}": ALL,
    "DELETE /v1/me/follows/{channel_id}": ALL,
    "GET /v1/me/follows": ALL,
    "GET /v1/me/live": ALL,
    "PUT /v1/me/devices": ALL,
    "POST /v1/clips/{subject_id}/comments": ALL,
    "GET /v1/clips/{subject_id}/comments": ALL,
    "POST /v1/vod/{subject_id}/comments": ALL,
    "GET /v1/vod/{subject_id}/comments": ALL,
    "DELETE /v1/comments/{comment_id}": ALL,
    "POST /v1/comments/{comment_id}/reports": ALL,
    # a clip's share page: anyone with the link
    "GET /c/{clip_id}": PUBLIC,
}

# Public routes whose body is the credentials: {} is invalid input, not a missing token.
TAKES_CREDENTIALS = {"POST /v1/accounts", "POST /v1/sessions", "POST /v1/sessions/refresh"}
# Public routes naming a thing: the sample names nothing, so its page is a 404.
NAMES_A_THING = {"GET /c/{clip_id}"}

# Path values that pass each parameter's pattern and name nothing that exists.
_SAMPLES = {"rendition": "none.m3u8"}


def _served() -> dict[str, str]:
    """'METHOD /path' -> a concrete URL for every operation in the served document."""
    operations = {}
    for path, methods in app.openapi()["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: _SAMPLES.get(m.group(1), "nothing404"), path)
        for method in methods:
            operations[f"{method.upper()} {path}"] = url
    return operations


@pytest.fixture(scope="module")
def http(emulators) -> Iterator[TestClient]:
    with unlimited_rates():
        yield TestClient(app)


def test_the_table_names_every_served_route_and_nothing_else():
    assert set(WHO_MAY) == set(_served())


@pytest.mark.parametrize("operation", sorted(WHO_MAY))
def test_each_role_is_let_in_or_refused_as_the_table_says(http, operation):
    method, url = operation.split(" ", 1)[0], _served()[operation]
    allowed = WHO_MAY[operation]

    anonymous = http.request(method, url, json={})
    if allowed is PUBLIC:
        # Sign-up and sign-in refuse the empty body, but never for want of a token.
        assert (
            anonymous.status_code < 400
            or (operation in TAKES_CREDENTIALS and anonymous.status_code == 422)
            or (operation in NAMES_A_THING and anonymous.status_code == 404)
        ), anonymous.text
        return
    assert anonymous.status_code == 401, anonymous.text
    for role in Role:
        # A user per operation: the sign-out route must not revoke the next test's token.
        user = f"matrix-{role}-{sorted(WHO_MAY).index(operation)}"
        answer = http.request(method, url, json={}, headers=bearer(user, role))
        if role in allowed:
            assert answer.status_code not in (401, 403), (role, answer.text)
        else:
            assert answer.status_code == 403, (role, answer.text)
            assert answer.json()["detail"]["code"] == "forbidden"
