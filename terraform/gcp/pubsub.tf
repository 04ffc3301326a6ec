resource "google_pubsub_topic" "topic" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption at rest; the messages are short-lived event JSON (ids, times, paths), and a CMEK would add a key to rotate and a KMS call per publish for no reader it keeps out.
  for_each = toset(local.topics)
  name     = each.value
  # Dead letters wait here too, for a replay after a fix.
  message_retention_duration = each.value == local.dead_letter_topic ? "2678400s" : "86400s"
  depends_on                 = [google_project_service.enabled]
}

# Pushed to the function's URL with an OIDC token (the functions accept only
# authenticated calls); the body is the same push envelope the emulator sends locally,
# so functions/gcp/pubsub_entry.py handles both alike.
resource "google_pubsub_subscription" "push" {
  for_each                = local.push_subscriptions
  name                    = each.key
  topic                   = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds    = each.value.ack_deadline_s
  enable_message_ordering = each.value.ordered

  push_config {
    push_endpoint = google_cloudfunctions2_function.fn[each.value.function].url
    oidc_token {
      service_account_email = google_service_account.sa["pubsub-push"].email
      audience              = google_cloudfunctions2_function.fn[each.value.function].url
    }
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.topic[local.dead_letter_topic].id
    max_delivery_attempts = each.value.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = "${local.push_retry.minimum_backoff_s}s"
    maximum_backoff = "${local.push_retry.maximum_backoff_s}s"
  }

  expiration_policy {
    ttl = "" # never expires, however quiet a topic gets
  }
}

resource "google_pubsub_subscription" "pull" {
  for_each             = local.pull_subscriptions
  name                 = each.key
  topic                = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds = each.value.ack_deadline_s
  # The audit trail of dead letters keeps the longest Pub/Sub allows.
  message_retention_duration = each.key == "dead-letter-audit" ? "604800s" : "86400s"
  retain_acked_messages      = each.key == "dead-letter-audit"

  expiration_policy {
    ttl = ""
  }
}
