# One service account per workload, each granted on the individual topic, subscription,
# queue, database or secret it uses: no project-wide data roles.
locals {
  service_accounts = {
    "functions"         = "Cloud Functions: the Pub/Sub and Cloud Tasks handlers"
    "clip-worker"       = "Cloud Run: clip render worker"
    "api"               = "Cloud Run: feed, studio and event-ingest API"
    "moderation-worker" = "Cloud Run: batched AI chat moderation"
    "studio-events"     = "Cloud Run: the studio pages' server-sent events"
    "dataflow"          = "Dataflow: engagement analytics job"
    "pubsub-push"       = "Identity in Pub/Sub push OIDC tokens"
    "tasks-invoker"     = "Identity in Cloud Tasks OIDC tokens"
    "functions-build"   = "Builds the functions' source"
  }

  # Who publishes where: the topics named in each workload's code.
  publishers = {
    "functions"         = ["segment-analyses", "highlights", "clips", "vod-assets", "creator-live", "dead-letter"]
    "clip-worker"       = ["clips", "dead-letter"]
    "api"               = ["stream-markers", "player-events", "audience-samples", "highlights", "clips", "comments", "dead-letter"]
    "moderation-worker" = ["moderation-verdicts", "dead-letter"]
    "dataflow"          = ["dead-letter"]
  }
  subscribers = {
    "moderation-worker" = ["moderate-chat", "moderate-comments"]
    # The live follower runs as the functions' identity (run.tf): the same detector path.
    "functions" = ["follow-live"]
    "dataflow"  = ["engagement"]
  }
  enqueuers = {
    "functions" = ["render-clips", "vod-jobs"]
    "api"       = ["render-clips"]
  }
  database_users = {
    "functions"         = ["liveclips"]
    "clip-worker"       = ["liveclips"]
    "api"               = ["liveclips"]
    "moderation-worker" = ["liveclips"]
    "studio-events"     = ["liveclips"]
    "dataflow"          = ["analytics"]
  }
  # The studio's reports read the engagement aggregates.
  database_readers = {
    "api" = ["analytics"]
  }
  # Runtime identities that write logs, metrics and traces.
  runtime_accounts = ["functions", "clip-worker", "api", "moderation-worker", "studio-events", "dataflow"]

  publisher_grants  = merge([for sa, topics in local.publishers : { for t in topics : "${sa}/${t}" => { sa = sa, topic = t } }]...)
  subscriber_grants = merge([for sa, subs in local.subscribers : { for s in subs : "${sa}/${s}" => { sa = sa, subscription = s } }]...)
  enqueuer_grants   = merge([for sa, queues in local.enqueuers : { for q in queues : "${sa}/${q}" => { sa = sa, queue = q } }]...)
  database_grants   = merge([for sa, dbs in local.database_users : { for d in dbs : "${sa}/${d}" => { sa = sa, database = d } }]...)
  reader_grants     = merge([for sa, dbs in local.database_readers : { for d in dbs : "${sa}/${d}" => { sa = sa, database = d } }]...)
  observability_grants = merge([
    for sa in local.runtime_accounts : {
      for role in ["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/cloudtrace.agent"] :
      "${sa}/${role}" => { sa = sa, role = role }
    }
  ]...)

  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_service_account" "sa" {
  for_each     = local.service_accounts
  account_id   = "liveclips-${each.key}"
  display_name = each.value
}

resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = local.publisher_grants
  topic    = google_pubsub_topic.topic[each.value.topic].name
  role     = "roles/pubsub.publisher"
  member   = google_service_account.sa[each.value.sa].member
}

resource "google_pubsub_subscription_iam_member" "subscriber" {
  for_each     = local.subscriber_grants
  subscription = google_pubsub_subscription.pull[each.value.subscription].name
  role         = "roles/pubsub.subscriber"
  member       = google_service_account.sa[each.value.sa].member
}

# Dataflow's Pub/Sub source reads the subscription's settings before it pulls.
resource "google_pubsub_subscription_iam_member" "dataflow_viewer" {
  subscription = google_pubsub_subscription.pull["engagement"].name
  role         = "roles/pubsub.viewer"
  member       = google_service_account.sa["dataflow"].member
}

resource "google_cloud_tasks_queue_iam_member" "enqueuer" {
  for_each = local.enqueuer_grants
  name     = google_cloud_tasks_queue.queue[each.value.queue].name
  location = var.region
  role     = "roles/cloudtasks.enqueuer"
  member   = google_service_account.sa[each.value.sa].member
}

# Tasks carry the tasks-invoker's OIDC token (queue-level override in tasks.tf).
resource "google_service_account_iam_member" "act_as_tasks_invoker" {
  for_each           = local.enqueuers
  service_account_id = google_service_account.sa["tasks-invoker"].name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.sa[each.key].member
}

resource "google_spanner_database_iam_member" "user" {
  for_each = local.database_grants
  instance = google_spanner_instance.main.name
  database = google_spanner_database.db[each.value.database].name
  role     = "roles/spanner.databaseUser"
  member   = google_service_account.sa[each.value.sa].member
}

resource "google_spanner_database_iam_member" "reader" {
  for_each = local.reader_grants
  instance = google_spanner_instance.main.name
  database = google_spanner_database.db[each.value.database].name
  role     = "roles/spanner.databaseReader"
  member   = google_service_account.sa[each.value.sa].member
}

resource "google_project_iam_member" "observability" {
  for_each = local.observability_grants
  project  = var.project
  role     = each.value.role
  member   = google_service_account.sa[each.value.sa].member
}

# Dataflow needs its worker role at project level: the service offers no narrower one.
resource "google_project_iam_member" "dataflow_worker" {
  project = var.project
  role    = "roles/dataflow.worker"
  member  = google_service_account.sa["dataflow"].member
}

# Building a 2nd gen function writes its image to the project's gcf-artifacts repository.
resource "google_project_iam_member" "functions_build" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer"])
  project  = var.project
  role     = each.value
  member   = google_service_account.sa["functions-build"].member
}

# Pub/Sub mints the push OIDC tokens and moves undeliverable messages to dead-letter.
resource "google_service_account_iam_member" "pubsub_mints_push_tokens" {
  service_account_id = google_service_account.sa["pubsub-push"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

resource "google_pubsub_topic_iam_member" "agent_dead_letters" {
  topic  = google_pubsub_topic.topic[local.dead_letter_topic].name
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_forwards" {
  for_each     = local.push_subscriptions
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# notify_follower sends creator.live through FCM HTTP v1 in this project (docs/social.md).
resource "google_project_iam_member" "functions_fcm" {
  project = var.project
  role    = "roles/firebasecloudmessaging.admin"
  member  = google_service_account.sa["functions"].member
}
