# The resource names the code uses, as plain data. They mirror liveclips/resources.py
# (which provisions the emulators): tests/unit/test_infrastructure_agreement.py parses
# this file and fails when the two lists disagree in either direction.
locals {
  dead_letter_topic = "dead-letter"

  topics = [
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
    "creator-live",
    "comments",
    "dead-letter",
  ]

  # Pushed to the Cloud Function named by `function` (its entry point in
  # functions/gcp/main.py). Ordered ones deliver one message per channel at a time.
  push_subscriptions = {
    "lifecycle"         = { topic = "ivs-events", function = "lifecycle", ordered = true, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "analyze-segment"   = { topic = "segments", function = "analyze_segment", ordered = true, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "detect-highlights" = { topic = "segment-analyses", function = "detect_highlights", ordered = true, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "index-feed"        = { topic = "clips", function = "index_feed", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "finish-highlights" = { topic = "ivs-events", function = "finish_highlights", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "chat-signals"      = { topic = "chat-messages", function = "record_signal", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "audience-signals"  = { topic = "audience-samples", function = "record_signal", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "marker-signals"    = { topic = "stream-markers", function = "record_signal", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "start-vod"         = { topic = "ivs-events", function = "start_vod", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "ingest-upload"     = { topic = "uploads", function = "ingest_upload", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "promote-vod"       = { topic = "vod-jobs", function = "promote_vod", ordered = true, max_delivery_attempts = 5, ack_deadline_s = 60 }
    "upload-highlights" = { topic = "vod-assets", function = "upload_highlights", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 600 }
    "notify-follower"   = { topic = "creator-live", function = "notify_follower", ordered = false, max_delivery_attempts = 5, ack_deadline_s = 60 }
  }

  # The same backoff the emulators get (liveclips_dev/localcloud/provision.py).
  push_retry = { minimum_backoff_s = 1, maximum_backoff_s = 30 }

  pull_subscriptions = {
    # Keeps every dead letter until someone looks at it.
    "dead-letter-audit" = { topic = "dead-letter", ack_deadline_s = 60 }
    "moderate-chat"     = { topic = "chat-messages", ack_deadline_s = 60 }
    "engagement"        = { topic = "player-events", ack_deadline_s = 60 }
    "moderate-comments" = { topic = "comments", ack_deadline_s = 60 }
    # Recording Start / End for the live follower (docs/adr/0016-live-segments.md).
    "follow-live" = { topic = "ivs-events", ack_deadline_s = 60 }
  }

  # Cloud Tasks targets, served as HTTP functions.
  http_functions = ["submit_vod_job"]

  # One function per entry point; underscores are not allowed in the deployed name.
  functions = toset(concat(distinct([for s in values(local.push_subscriptions) : s.function]), local.http_functions))

  # Retries the worker can afford: it is idempotent (ADR 0002), and a clip nobody sees
  # within minutes of the moment has lost most of its value.
  task_queues = {
    "render-clips" = { max_attempts = 10, min_backoff_s = 1, max_backoff_s = 60, max_doublings = 4, max_concurrent = 50, target = "clip-worker" }
    # VOD resubmissions have their own schedule (liveclips/services/vod.py); these retries only
    # cover a submit call that failed on the way.
    "vod-jobs" = { max_attempts = 5, min_backoff_s = 10, max_backoff_s = 300, max_doublings = 3, max_concurrent = 10, target = "submit_vod_job" }
  }

  spanner_instance = "liveclips"
  spanner_databases = {
    "liveclips" = { ddl_file = "liveclips.sql", dialect = "GOOGLE_STANDARD_SQL" }
    "analytics" = { ddl_file = "analytics.sql", dialect = "POSTGRESQL" }
  }

  # Cloud Run services, each `python -m <module>` from the one image (Dockerfile).
  services = {
    "clip-worker"       = { module = "clip_workers.app", health_path = "/healthz" }
    "api"               = { module = "liveclips.api.app", health_path = "/healthz" }
    "moderation-worker" = { module = "liveclips.moderation_worker.app", health_path = "/healthz" }
    "live-follower"     = { module = "liveclips.live_follower.app", health_path = "/healthz" }
    "studio-events"     = { module = "liveclips.studio_events.app", health_path = "/healthz" }
  }

  # Lambda roles (serverless.yml, iamRoleStatementsName) and the topics each publishes
  # to, through workload identity federation (wif.tf).
  lambda_publishers = {
    "ivs-bridge"          = ["ivs-events", "segments", "uploads", "dead-letter"]
    "chat-review"         = ["chat-messages", "dead-letter"]
    "mediaconvert-bridge" = ["vod-jobs", "dead-letter"]
  }
}
