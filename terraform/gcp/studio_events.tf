# The studio pages' server-sent events (liveclips/studio_events/; docs/studio-web.md): a
# Cloud Run service in run.tf (run_settings["studio-events"]) behind the studio's load
# balancer at /events. Each instance makes its own pull subscription of each topic below
# at start (and deletes it at shutdown; a day idle expires what a crash left), so it may
# create, read and delete subscriptions in the project, and attach them to those topics.
variable "studio_events_max_instances" {
  type    = number
  default = 5
}

locals {
  # liveclips/studio_events/hub.py EVENT_TOPICS.
  studio_event_topics = ["highlights", "clips", "chat-messages", "moderation-verdicts"]
}

resource "google_project_iam_custom_role" "studio_events_subscriptions" {
  role_id     = "liveclipsStudioEventsSubscriptions"
  title       = "liveclips studio events: its own pull subscriptions"
  permissions = ["pubsub.subscriptions.create", "pubsub.subscriptions.delete", "pubsub.subscriptions.consume", "pubsub.subscriptions.get"]
}

resource "google_project_iam_member" "studio_events_subscriptions" {
  project = var.project
  role    = google_project_iam_custom_role.studio_events_subscriptions.id
  member  = "serviceAccount:${google_service_account.sa["studio-events"].email}"
}

resource "google_pubsub_topic_iam_member" "studio_events_attach" {
  for_each = toset(local.studio_event_topics)
  topic    = google_pubsub_topic.topic[each.value].name
  role     = "roles/pubsub.subscriber" # pubsub.topics.attachSubscription
  member   = "serviceAccount:${google_service_account.sa["studio-events"].email}"
}

resource "google_compute_region_network_endpoint_group" "studio_events" {
  name                  = "liveclips-studio-events"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloud_run_v2_service.svc["studio-events"].name
  }
}

resource "google_compute_backend_service" "studio_events" {
  name                  = "liveclips-studio-events"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  enable_cdn            = false # a stream per page, for its caller only
  timeout_sec           = 3600  # the streams stay open (keepalive comments every 15 s)

  backend {
    group = google_compute_region_network_endpoint_group.studio_events.id
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}
