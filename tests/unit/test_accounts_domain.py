"""The accounts domain (liveclips/domain/accounts.py): emails, passwords, refresh-token
families (rotation, reuse revokes the family) and the signing key ring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from liveclips.domain.accounts import (
    AccountProblem,
    FamilyLimits,
    KeyTimes,
    Outcome,
    RefreshToken,
    access_claims,
    key_ring,
    new_refresh_token,
    normalize_email,
    parse_refresh_token,
    password_problems,
    rotate,
    start_family,
)

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
LIMITS = FamilyLimits(idle=timedelta(days=30), max_age=timedelta(days=90))
FAMILY_ID = "a" * 32


def token(generation: int, fill: int) -> RefreshToken:
    return new_refresh_token(FAMILY_ID, generation, bytes([fill]) * 32)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("  Ana@Example.COM ", "ana@example.com"),
        ("ana+clips@mail.example.org", "ana+clips@mail.example.org"),
        ("\uff21\uff2e\uff21@example.com", "ana@example.com"),  # full-width ANA folds (NFKC)
    ],
)
def test_emails_are_normalised_to_one_account_key(raw: str, normal: str) -> None:
    assert normalize_email(raw) == normal


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ("ana.example.com", "exactly one @"),
        ("ana@@example.com", "exactly one @"),
        ("a na@example.com", "mailbox"),
        (".ana@example.com", "mailbox"),
        ("an..a@example.com", "mailbox"),
        ("ana@localhost", "domain"),
        ("ana@-example.com", "domain"),
        ("ana@10.0.0.1", "not an address"),
        ("a" * 250 + "@example.com", "longer than"),
    ],
)
def test_a_bad_email_is_refused_naming_what_is_wrong(raw: str, why: str) -> None:
    with pytest.raises(AccountProblem, match=why):
        normalize_email(raw)


def test_a_long_enough_uncommon_password_passes() -> None:
    assert password_problems("correct horse battery", "ana@example.com", min_length=10) == []


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short", "at least 10"),
        ("x" * 300, "at most 256"),
        ("Password123", "most common"),
        ("ana@example.com", "not be the email"),
        ("aaaaaaaaaaaa", "repeated"),
        ("long enough\x00here", "control characters"),
    ],
)
def test_a_weak_password_is_refused_naming_why(password: str, why: str) -> None:
    found = password_problems(password, "ana@example.com", min_length=10)
    assert any(why in problem for problem in found), found


def test_a_refresh_token_round_trips_and_keeps_only_a_digest() -> None:
    first = new_refresh_token(FAMILY_ID, 0, b"\x01" * 32)
    parsed = parse_refresh_token(str(first))
    assert parsed == first
    assert first.secret not in first.digest and len(first.digest) == 64


@pytest.mark.parametrize(
    "text",
    ["", "rt1", "rt2." + "a" * 32 + ".0." + "A" * 43, "rt1.xyz.0." + "A" * 43,
     "rt1." + "a" * 32 + ".-1." + "A" * 43, "rt1." + "a" * 32 + ".0.short"],
)  # fmt: skip
def test_text_that_is_not_a_refresh_token_is_refused(text: str) -> None:
    with pytest.raises(AccountProblem):
        parse_refresh_token(text)


def test_the_current_token_rotates_to_the_next_generation() -> None:
    first, second = token(0, 1), token(1, 2)
    family = start_family(FAMILY_ID, "u1", "viewer", first, NOW)
    later = NOW + timedelta(minutes=15)
    rotation = rotate(family, first, second, later, LIMITS)
    assert rotation.outcome is Outcome.ROTATED
    assert rotation.family.generation == 1 and rotation.family.last_used_at == later
    assert rotation.family.current_digest == second.digest


def test_a_rotated_token_used_again_revokes_the_family() -> None:
    first, second, third = token(0, 1), token(1, 2), token(2, 3)
    family = start_family(FAMILY_ID, "u1", "viewer", first, NOW)
    rotated = rotate(family, first, second, NOW, LIMITS).family
    replay = rotate(rotated, first, token(1, 9), NOW, LIMITS)
    assert replay.outcome is Outcome.REUSED and replay.family.revoked
    # The family's current token is worthless from then on, for the victim too.
    after = rotate(replay.family, second, third, NOW, LIMITS)
    assert after.outcome is Outcome.REVOKED


def test_a_guessed_secret_for_the_current_generation_revokes_the_family() -> None:
    first = token(0, 1)
    family = start_family(FAMILY_ID, "u1", "viewer", first, NOW)
    forged = token(0, 7)
    assert rotate(family, forged, token(1, 2), NOW, LIMITS).outcome is Outcome.REUSED


def test_a_family_expires_when_idle_and_at_its_maximum_age() -> None:
    first, second = token(0, 1), token(1, 2)
    family = start_family(FAMILY_ID, "u1", "viewer", first, NOW)
    idle = NOW + LIMITS.idle
    assert rotate(family, first, second, idle, LIMITS).outcome is Outcome.EXPIRED
    kept_alive = family
    at = NOW
    generation = 0
    current = first
    while at < NOW + LIMITS.max_age - timedelta(days=20):
        at += timedelta(days=20)
        successor = token(generation + 1, (generation + 2) % 250)
        kept_alive = rotate(kept_alive, current, successor, at, LIMITS).family
        generation, current = generation + 1, successor
    assert kept_alive.expires_at(LIMITS) == NOW + LIMITS.max_age


def test_a_family_remembers_only_its_live_access_tokens() -> None:
    family = start_family(FAMILY_ID, "u1", "viewer", token(0, 1), NOW)
    family = family.with_access_token("j1", NOW + timedelta(minutes=15), NOW)
    later = NOW + timedelta(minutes=20)
    family = family.with_access_token("j2", later + timedelta(minutes=15), later)
    assert [jti for jti, _ in family.live_access_tokens(later)] == ["j2"]
    assert type(family).from_dict(family.to_dict()) == family


def test_access_claims_last_the_given_lifetime_and_name_the_session() -> None:
    claims = access_claims(issuer="iss", audience="aud", user_id="u1", role="viewer",
                           session_id=FAMILY_ID, token_id="j",  # noqa: S106
                           now=NOW,
                           ttl=timedelta(minutes=15))  # fmt: skip
    assert claims["exp"] - claims["iat"] == 900
    assert claims["sid"] == FAMILY_ID and claims["nbf"] == claims["iat"]


OVERLAP = timedelta(minutes=16)


def ring(now: datetime, revoked: tuple[str, ...] = ()) -> tuple[str | None, tuple[str, ...]]:
    keys = [
        KeyTimes("k1", NOW - timedelta(days=30)),
        KeyTimes("k2", NOW),
        KeyTimes("k3", NOW + timedelta(days=30)),
    ]
    found = key_ring(keys, revoked, now, OVERLAP)
    return found.signing, found.published


def test_the_newest_active_key_signs_and_the_next_is_published_early() -> None:
    assert ring(NOW - timedelta(days=1)) == ("k1", ("k1", "k2", "k3"))
    assert ring(NOW) == ("k2", ("k1", "k2", "k3"))


def test_a_superseded_key_is_retired_after_an_access_token_lifetime() -> None:
    assert ring(NOW + OVERLAP - timedelta(seconds=1))[1] == ("k1", "k2", "k3")
    assert ring(NOW + OVERLAP) == ("k2", ("k2", "k3"))


def test_a_revoked_key_is_neither_used_nor_published() -> None:
    assert ring(NOW, revoked=("k2",)) == ("k1", ("k1", "k3"))
    assert ring(NOW, revoked=("k1", "k2", "k3")) == (None, ())


def test_two_keys_with_one_kid_are_refused() -> None:
    with pytest.raises(ValueError, match="distinct"):
        key_ring([KeyTimes("k", NOW), KeyTimes("k", NOW)], (), NOW, OVERLAP)
