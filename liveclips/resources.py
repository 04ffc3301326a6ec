"""The one declarative list of cloud resources the code uses.

Runtime code takes every topic, subscription and queue name from here; `liveclips local
up` provisions exactly this on the emulators; Terraform and serverless.yml must declare
the same names (a test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

DEAD_LETTER_TOPIC: Final = "dead-letter"


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


# Topics, by what they carry. Code names a topic by its constant, never by its string.
IVS_EVENTS_TOPIC: Final = "ivs-events"
SEGMENTS_TOPIC: Final = "segments"
SEGMENT_ANALYSES_TOPIC: Final = "segment-analyses"
HIGHLIGHTS_TOPIC: Final = "highlights"
CLIPS_TOPIC: Final = "clips"
CHAT_MESSAGES_TOPIC: Final = "chat-messages"
AUDIENCE_SAMPLES_TOPIC: Final = "audience-samples"
STREAM_MARKERS_TOPIC: Final = "stream-markers"
VOD_JOBS_TOPIC: Final = "vod-jobs"
VOD_ASSETS_TOPIC: Final = "vod-assets"
UPLOADS_TOPIC: Final = "uploads"
MODERATION_VERDICTS_TOPIC: Final = "moderation-verdicts"
PLAYER_EVENTS_TOPIC: Final = "player-events"
# The social layer (docs/social.md): one creator.live per follower on go-live, and
# comments on their way to the AI moderation.
CREATOR_LIVE_TOPIC: Final = "creator-live"
COMMENTS_TOPIC: Final = "comments"

TOPICS: tuple[str, ...] = (
    IVS_EVENTS_TOPIC,
    SEGMENTS_TOPIC,
    SEGMENT_ANALYSES_TOPIC,
    HIGHLIGHTS_TOPIC,
    CLIPS_TOPIC,
    CHAT_MESSAGES_TOPIC,
    AUDIENCE_SAMPLES_TOPIC,
    STREAM_MARKERS_TOPIC,
    VOD_JOBS_TOPIC,
    VOD_ASSETS_TOPIC,
    UPLOADS_TOPIC,
    MODERATION_VERDICTS_TOPIC,
    PLAYER_EVENTS_TOPIC,
    CREATOR_LIVE_TOPIC,
    COMMENTS_TOPIC,
    DEAD_LETTER_TOPIC,
)

PUSH_SUBSCRIPTIONS: tuple[PushSubscription, ...] = (
    PushSubscription("lifecycle", IVS_EVENTS_TOPIC, "lifecycle", ordered=True),
    PushSubscription("analyze-segment", SEGMENTS_TOPIC, "analyze_segment", ordered=True),
    PushSubscription(
        "detect-highlights", SEGMENT_ANALYSES_TOPIC, "detect_highlights", ordered=True
    ),
    PushSubscription("index-feed", CLIPS_TOPIC, "index_feed"),
    # Unordered, unlike lifecycle: it waits (by retrying) for the last segments.
    PushSubscription("finish-highlights", IVS_EVENTS_TOPIC, "finish_highlights"),
    # Live signals for the highlight engine, bucketed per second in Redis.
    PushSubscription("chat-signals", CHAT_MESSAGES_TOPIC, "record_signal"),
    PushSubscription("audience-signals", AUDIENCE_SAMPLES_TOPIC, "record_signal"),
    PushSubscription("marker-signals", STREAM_MARKERS_TOPIC, "record_signal"),
    # On-demand titles: Recording End (or a finished upload) -> MediaConvert -> promotion.
    PushSubscription("start-vod", IVS_EVENTS_TOPIC, "start_vod"),
    PushSubscription("ingest-upload", UPLOADS_TOPIC, "ingest_upload"),
    PushSubscription("promote-vod", VOD_JOBS_TOPIC, "promote_vod", ordered=True),
    PushSubscription(
        "upload-highlights", VOD_ASSETS_TOPIC, "upload_highlights", ack_deadline_s=600
    ),
    # Push notifications: one creator.live per follower, delivered by FCM / APNs.
    PushSubscription("notify-follower", CREATOR_LIVE_TOPIC, "notify_follower"),
)

# HTTP functions (Cloud Tasks targets), served at <functions_url>/<name>.
HTTP_FUNCTIONS: tuple[str, ...] = ("submit_vod_job",)

DEAD_LETTER_AUDIT_SUBSCRIPTION: Final = "dead-letter-audit"
MODERATE_CHAT_SUBSCRIPTION: Final = "moderate-chat"
ENGAGEMENT_SUBSCRIPTION: Final = "engagement"
MODERATE_COMMENTS_SUBSCRIPTION: Final = "moderate-comments"
# Recording Start / End for the live follower (liveclips/live_follower/; ADR 0016).
FOLLOW_LIVE_SUBSCRIPTION: Final = "follow-live"

PULL_SUBSCRIPTIONS: tuple[PullSubscription, ...] = (
    # Keeps every dead letter until someone looks at it; nothing consumes it automatically.
    PullSubscription(DEAD_LETTER_AUDIT_SUBSCRIPTION, DEAD_LETTER_TOPIC),
    # Pulled in batches by the moderation worker: one OpenAI request per batch.
    PullSubscription(MODERATE_CHAT_SUBSCRIPTION, CHAT_MESSAGES_TOPIC),
    # The engagement Beam job's streaming source (pipelines/engagement).
    PullSubscription(ENGAGEMENT_SUBSCRIPTION, PLAYER_EVENTS_TOPIC),
    # Comments the inline rules let through, judged in batches by the AI moderation.
    PullSubscription(MODERATE_COMMENTS_SUBSCRIPTION, COMMENTS_TOPIC),
    # The live follower: one follow loop per live recording, from Recording Start.
    PullSubscription(FOLLOW_LIVE_SUBSCRIPTION, IVS_EVENTS_TOPIC),
)

RENDER_QUEUE: Final = "render-clips"
VOD_QUEUE: Final = "vod-jobs"
TASK_QUEUES: tuple[str, ...] = (RENDER_QUEUE, VOD_QUEUE)

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
