"""The one declarative list of cloud resources the code uses.

Runtime code takes every topic, subscription and queue name from here; `liveclips local
up` provisions exactly this on the emulators; Terraform and serverless.yml must declare
the same names (a test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEAD_LETTER_TOPIC = "dead-letter"


@dataclass(frozen=True)
class PushSubscription:
    name: str
    topic: str
    function: str  # target in functions/gcp/main.py, served at <functions_url>/<function>
    ordered: bool = False
    max_delivery_attempts: int = 5
    ack_deadline_s: int = 60


@dataclass(frozen=True)
class PullSubscription:
    name: str
    topic: str
    ack_deadline_s: int = 60


TOPICS: tuple[str, ...] = (
    "ivs-events",
    "segments",
    "segment-analyses",
    "highlights",
    "clips",
    "chat-messages",
    "audience-samples",
    "stream-markers",
    "vod-jobs",
    "vod-assets",
    "uploads",
    "moderation-verdicts",
    "player-events",
    DEAD_LETTER_TOPIC,
)

PUSH_SUBSCRIPTIONS: tuple[PushSubscription, ...] = (
    PushSubscription("lifecycle", "ivs-events", "lifecycle", ordered=True),
    PushSubscription("analyze-segment", "segments", "analyze_segment", ordered=True),
    PushSubscription("detect-highlights", "segment-analyses", "detect_highlights", ordered=True),
    PushSubscription("index-feed", "clips", "index_feed"),
    # Unordered, unlike lifecycle: it waits (by retrying) for the last segments.
    PushSubscription("finish-highlights", "ivs-events", "finish_highlights"),
    # Live signals for the highlight engine, bucketed per second in Redis.
    PushSubscription("chat-signals", "chat-messages", "record_signal"),
    PushSubscription("audience-signals", "audience-samples", "record_signal"),
    PushSubscription("marker-signals", "stream-markers", "record_signal"),
    # On-demand titles: Recording End (or a finished upload) -> MediaConvert -> promotion.
    PushSubscription("start-vod", "ivs-events", "start_vod"),
    PushSubscription("ingest-upload", "uploads", "ingest_upload"),
    PushSubscription("promote-vod", "vod-jobs", "promote_vod", ordered=True),
    PushSubscription("upload-highlights", "vod-assets", "upload_highlights", ack_deadline_s=600),
)

# HTTP functions (Cloud Tasks targets), served at <functions_url>/<name>.
HTTP_FUNCTIONS: tuple[str, ...] = ("submit_vod_job",)

# Keeps every dead letter until someone looks at it; nothing consumes it automatically.
PULL_SUBSCRIPTIONS: tuple[PullSubscription, ...] = (
    PullSubscription("dead-letter-audit", DEAD_LETTER_TOPIC),
    # Pulled in batches by the moderation worker: one OpenAI request per batch.
    PullSubscription("moderate-chat", "chat-messages"),
    # The engagement Beam job's streaming source (pipelines/engagement).
    PullSubscription("engagement", "player-events"),
)

TASK_QUEUES: tuple[str, ...] = ("render-clips", "vod-jobs")

BUCKETS: tuple[str, ...] = ("liveclips-recordings", "liveclips-media", "liveclips-uploads")

# Powertools idempotency layout: partition key "id".
DYNAMODB_TABLES: tuple[str, ...] = ("liveclips-idempotency",)

SPANNER_INSTANCE = "liveclips"
# The DDL is not shipped: it is applied by Terraform (and by the local cloud).
_DDL = Path(__file__).resolve().parents[1] / "schemas" / "spanner"
SPANNER_DATABASES: dict[str, Path] = {
    "liveclips": _DDL / "liveclips.sql",
    "analytics": _DDL / "analytics.sql",
}

# Databases listed here are created in the PostgreSQL dialect (their DDL file is PG DDL).
SPANNER_POSTGRESQL_DATABASES: frozenset[str] = frozenset({"analytics"})
