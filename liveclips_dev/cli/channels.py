"""The CLI acting as a person of the local cloud: a bearer token from the local issuer,
and a creator's channel made through the API (channels have owners)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from liveclips_dev.localcloud.dev_issuer import request_token
from liveclips_dev.studio.channels import ensure_channel


def bearer(variables: Mapping[str, str], user: str, role: str) -> dict[str, str]:
    token = request_token(variables["LIVECLIPS_JWT_ISSUER"], user, role)
    return {"Authorization": f"Bearer {token}"}


def creator_channel(
    variables: Mapping[str, str], creator: str, name: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """`creator`'s channel called `name` (made if missing) and their request headers."""
    headers = bearer(variables, creator, "creator")
    return ensure_channel(variables["LIVECLIPS_API_URL"], headers, name), headers
