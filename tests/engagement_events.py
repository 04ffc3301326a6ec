"""Hand-made player events for the engagement pipeline's tests."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
T0_S = T0.timestamp()
_ids = itertools.count(1)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def event(kind: str, seconds: float, session: str = "s1", **fields: Any) -> dict[str, Any]:
    return {
        "event_id": fields.pop("event_id", f"ev{next(_ids)}"),
        "kind": kind,
        "occurred_at": at(seconds).isoformat(),
        "session_id": session,
        "user_id": fields.pop("user_id", f"u-{session}"),
        **fields,
    }


def raw(kind: str, seconds: float, session: str = "s1", **fields: Any) -> bytes:
    return json.dumps(event(kind, seconds, session, **fields)).encode()
