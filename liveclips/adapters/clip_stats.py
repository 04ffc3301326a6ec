"""Per-clip engagement in Redis: distinct viewers who saw, played, finished and shared.

One HyperLogLog per (clip, metric): adding a viewer twice (a replay, a resent batch)
changes nothing, so nobody can pump a clip alone, and a count costs ~12 KB at most
however many viewers (0.81 % standard error). Keys live 14 days after the last event:
by then the feed's gravity has buried the clip whatever its counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from redis.client import Pipeline

from liveclips.adapters import redis_store
from liveclips.domain.feed_ranking import METRICS, Engagement, Metric

_TTL_S = 14 * 24 * 3600


def _key(clip_id: str, metric: Metric) -> str:
    return f"clip:{clip_id}:{metric}"


def stage(pipe: Pipeline, actions: Iterable[tuple[str, Metric, str]]) -> None:
    """Queue (clip, metric, user) on a caller's pipeline: counted in its round trip."""
    users: dict[str, set[str]] = {}
    for clip_id, metric, user_id in actions:
        users.setdefault(_key(clip_id, metric), set()).add(user_id)
    for key, who in users.items():
        pipe.pfadd(key, *sorted(who))
        pipe.expire(key, _TTL_S)


def counts(clip_ids: Sequence[str]) -> dict[str, Engagement]:
    """Every metric of every clip, in one round trip."""
    pipe = redis_store.client().pipeline(transaction=False)
    stage_counts(pipe, clip_ids)
    return read_counts(clip_ids, pipe.execute())


def stage_counts(pipe: Pipeline, clip_ids: Sequence[str]) -> None:
    for clip_id in clip_ids:
        for metric in METRICS:
            pipe.pfcount(_key(clip_id, metric))


def read_counts(clip_ids: Sequence[str], replies: Sequence[object]) -> dict[str, Engagement]:
    """The Engagement of each clip from the replies of stage_counts, in order."""
    width = len(METRICS)
    return {
        clip_id: Engagement(**{m: int(str(replies[i * width + j])) for j, m in enumerate(METRICS)})
        for i, clip_id in enumerate(clip_ids)
    }
