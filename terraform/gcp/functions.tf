# One 2nd gen function per entry point in functions/gcp/main.py, all from the same
# source zip (deploy/package-functions.sh: the packages, requirements.lock as
# requirements.txt, a root main.py that re-exports functions/gcp/main.py).
locals {
  # A function answers within its longest subscription's ack deadline, or Pub/Sub
  # would redeliver while it still works.
  function_timeout_s = {
    for f in local.functions : f => max(concat(
      [for s in values(local.push_subscriptions) : s.ack_deadline_s if s.function == f],
      [contains(local.http_functions, f) ? 300 : 60]
    )...)
  }

  shared_env = {
    LIVECLIPS_GCP_PROJECT            = var.project
    LIVECLIPS_GCP_LOCATION           = var.region
    LIVECLIPS_SPANNER_INSTANCE       = local.spanner_instance
    LIVECLIPS_SPANNER_DATABASE       = "liveclips"
    LIVECLIPS_RENDER_QUEUE           = "render-clips"
    LIVECLIPS_VOD_QUEUE              = "vod-jobs"
    LIVECLIPS_CLIP_WORKER_URL        = "${local.run_url["clip-worker"]}/tasks/render"
    LIVECLIPS_VOD_SUBMIT_URL         = local.run_url["submit-vod-job"]
    LIVECLIPS_RECORDINGS_BUCKET      = "${var.bucket_prefix}liveclips-recordings"
    LIVECLIPS_MEDIA_BUCKET           = "${var.bucket_prefix}liveclips-media"
    LIVECLIPS_UPLOADS_BUCKET         = "${var.bucket_prefix}liveclips-uploads"
    LIVECLIPS_MEDIACONVERT_ROLE_ARN  = "arn:aws:iam::${var.aws_account_id}:role/liveclips-mediaconvert"
    LIVECLIPS_MEDIACONVERT_QUEUE_ARN = "arn:aws:mediaconvert:${var.aws_region}:${var.aws_account_id}:queues/liveclips"
    AWS_DEFAULT_REGION               = var.aws_region
    # AWS credentials from the service account's identity (deploy/aws_web_identity.py).
    AWS_CONFIG_FILE = "/workspace/deploy/aws-config"
  }
}

resource "google_storage_bucket" "functions_source" {
  name                        = "${var.project}-liveclips-functions-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 5
    }
    action {
      type = "Delete"
    }
  }

  logging {
    log_bucket = google_storage_bucket.access_logs.name
  }
}

resource "google_storage_bucket_iam_member" "build_reads_source" {
  bucket = google_storage_bucket.functions_source.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.sa["functions-build"].member
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions
  name     = replace(each.key, "_", "-")
  location = var.region

  build_config {
    runtime         = "python311"
    entry_point     = each.key
    service_account = google_service_account.sa["functions-build"].id
    source {
      storage_source {
        bucket = google_storage_bucket.functions_source.name
        object = var.functions_source_object
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.sa["functions"].email
    ingress_settings                 = "ALLOW_INTERNAL_ONLY" # Pub/Sub push and Cloud Tasks count as internal
    all_traffic_on_latest_revision   = true
    available_memory                 = "2Gi" # ffmpeg analysis of a 10 s segment
    available_cpu                    = "1"
    max_instance_request_concurrency = 1
    min_instance_count               = 0
    max_instance_count               = 50
    timeout_seconds                  = local.function_timeout_s[each.key]
    vpc_connector                    = google_vpc_access_connector.serverless.id
    vpc_connector_egress_settings    = "PRIVATE_RANGES_ONLY"

    environment_variables = merge(local.shared_env, {
      # Pub/Sub handlers keep the background-event signature: the push envelope is turned
      # into (event, context) by functions-framework, as on the emulator.
      FUNCTION_SIGNATURE_TYPE = contains(local.http_functions, each.key) ? "http" : "event"
      LIVECLIPS_AWS_ROLE_ARN  = local.aws_role_arn["functions"]
      # creator.live pushes (notify_follower, docs/social.md): FCM in this project, APNs
      # with the app's token key when one is configured.
      LIVECLIPS_FCM_PROJECT = var.project
      }, var.apns_key_id == "" ? {} : {
      LIVECLIPS_APNS_TEAM_ID = var.apns_team_id
      LIVECLIPS_APNS_KEY_ID  = var.apns_key_id
      LIVECLIPS_APNS_TOPIC   = var.apns_topic
    })

    dynamic "secret_environment_variables" {
      for_each = var.apns_key_id == "" ? {} : { LIVECLIPS_APNS_PRIVATE_KEY = "apns-private-key" }
      content {
        key        = secret_environment_variables.key
        project_id = var.project
        secret     = google_secret_manager_secret.secret[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }

    secret_environment_variables {
      key        = "REDIS_URL"
      project_id = var.project
      secret     = google_secret_manager_secret.secret["redis-url"].secret_id
      version    = "latest"
    }

    secret_volumes {
      mount_path = "/secrets/redis-ca"
      project_id = var.project
      secret     = google_secret_manager_secret.secret["redis-ca"].secret_id
      versions {
        path    = "ca.pem"
        version = "latest"
      }
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.accessor,
    google_secret_manager_secret_version.redis,
  ]
}

# Only Pub/Sub's and Cloud Tasks' identities may call the functions.
resource "google_cloud_run_v2_service_iam_member" "push_invokes" {
  for_each = toset([for s in values(local.push_subscriptions) : s.function])
  name     = google_cloudfunctions2_function.fn[each.value].name
  location = var.region
  role     = "roles/run.invoker"
  member   = google_service_account.sa["pubsub-push"].member
}

resource "google_cloud_run_v2_service_iam_member" "tasks_invoke_functions" {
  for_each = toset(local.http_functions)
  name     = google_cloudfunctions2_function.fn[each.value].name
  location = var.region
  role     = "roles/run.invoker"
  member   = google_service_account.sa["tasks-invoker"].member
}
