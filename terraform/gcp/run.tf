# The Cloud Run services, one image (Dockerfile), `python -m <module>` each.
locals {
  # `iss` of the tokens our accounts sign: the API's public address, behind the studio's
  # load balancer (studio.tf routes /api/ to it).
  accounts_issuer = "https://${var.studio_domain}/api"
  run_settings = {
    # One render per instance (ffmpeg takes both CPUs); scale-out is the parallelism.
    "clip-worker" = {
      public      = false, min = 0, max = var.clip_worker_max_instances, cpu = "2", memory = "4Gi",
      concurrency = 1, cpu_idle = true, timeout = "900s", redis = false
      # Chunks stay on the instance: /pieces/encode calls carry no ID token yet.
      env     = { LIVECLIPS_RENDER_FAN_OUT_URLS = "[]" }
      secrets = {}
    }
    # The public API: every route checks the caller's bearer JWT itself (liveclips/api/auth.py).
    "api" = {
      public      = true, min = 1, max = var.api_max_instances, cpu = "2", memory = "1Gi",
      concurrency = 80, cpu_idle = true, timeout = "60s", redis = true
      env = merge(
        {
          LIVECLIPS_JWT_JWKS_URL                = var.jwt_jwks_url
          LIVECLIPS_JWT_ISSUER                  = var.jwt_issuer
          LIVECLIPS_JWT_AUDIENCE                = var.jwt_audience
          LIVECLIPS_ACCOUNTS_ISSUER             = local.accounts_issuer
          LIVECLIPS_ANALYTICS_DATABASE          = "analytics"
          LIVECLIPS_IVS_PLAYBACK_ALLOWED_ORIGIN = var.ivs_playback_allowed_origin
          # Cloud Run's front end appends the caller's address (liveclips/adapters/config.py).
          LIVECLIPS_TRUST_FORWARDED_FOR = "true"
          # A uvicorn process per vCPU: p99 10 ms at 500 req/s on 2 (docs/benchmarks.md).
          WEB_CONCURRENCY = "2"
          # The rooms it makes per channel: every message reviewed by the chatReview
          # Lambda's warm alias (serverless.yml), named as terraform/aws/locals.tf names it.
          LIVECLIPS_CHAT_REVIEW_HANDLER_ARN   = "arn:aws:lambda:${var.aws_region}:${var.aws_account_id}:function:liveclips-aws-${var.aws_stage}-chatReview:provisioned"
          LIVECLIPS_CHAT_ROOM_FALLBACK_RESULT = var.chat_room_fallback_result
        },
        var.chat_logging_configuration_arn == "" ? {} : {
          LIVECLIPS_CHAT_LOGGING_CONFIGURATION_ARN = var.chat_logging_configuration_arn
        },
        # Unset until terraform/aws has run: channels then do not record, and media URLs
        # are S3-presigned rather than CloudFront-signed (liveclips/adapters/config.py).
        var.ivs_recording_configuration_arn == "" ? {} : {
          LIVECLIPS_IVS_RECORDING_CONFIGURATION_ARN = var.ivs_recording_configuration_arn
        },
        var.cloudfront_domain == "" ? {} : {
          LIVECLIPS_CLOUDFRONT_DOMAIN = var.cloudfront_domain
          LIVECLIPS_CLOUDFRONT_KEY_ID = var.cloudfront_key_id
        },
      )
      secrets = {
        LIVECLIPS_CLOUDFRONT_PRIVATE_KEY   = "cloudfront-private-key"
        LIVECLIPS_IVS_PLAYBACK_PRIVATE_KEY = "ivs-playback-private-key"
        LIVECLIPS_ACCOUNT_SIGNING_KEYS     = "account-signing-keys"
        OPENAI_API_KEY                     = "openai-api-key"
        REDIS_URL                          = "redis-url"
      }
    }
    # A pull loop, not a request handler: CPU stays allocated, and one instance, since a
    # user's recent violations are remembered per process (docs/moderation.md).
    "moderation-worker" = {
      public      = false, min = 1, max = 1, cpu = "1", memory = "512Mi",
      concurrency = 10, cpu_idle = false, timeout = "60s", redis = false
      env         = {}
      secrets     = { OPENAI_API_KEY = "openai-api-key" }
    }
    # The studio pages' server-sent events (liveclips/studio_events/): long-lived streams,
    # many per instance; its own pull subscriptions keep CPU allocated (studio_events.tf).
    "studio-events" = {
      public      = true, min = 1, max = var.studio_events_max_instances, cpu = "1", memory = "512Mi",
      concurrency = 1000, cpu_idle = false, timeout = "3600s", redis = true
      env = {
        LIVECLIPS_JWT_JWKS_URL    = var.jwt_jwks_url
        LIVECLIPS_JWT_ISSUER      = var.jwt_issuer
        LIVECLIPS_JWT_AUDIENCE    = var.jwt_audience
        LIVECLIPS_ACCOUNTS_ISSUER = local.accounts_issuer
      }
      secrets = {
        LIVECLIPS_ACCOUNT_SIGNING_KEYS = "account-signing-keys"
        REDIS_URL                      = "redis-url"
      }
    }
    # One follow loop per live recording, polling its live playlist every 0.5 s: CPU stays
    # allocated, at least one instance; more share the recordings by Redis leases. It runs
    # the highlight functions' own path (analysis, detector, instant clips, render tasks),
    # so it runs as their identity (docs/adr/0016-live-segments.md).
    "live-follower" = {
      public      = false, min = 1, max = var.live_follower_max_instances, cpu = "2", memory = "1Gi",
      concurrency = 10, cpu_idle = false, timeout = "60s", redis = true, identity = "functions"
      env         = { LIVECLIPS_LIVE_FOLLOW_POLL_S = "0.5" }
      secrets = {
        LIVECLIPS_IVS_PLAYBACK_PRIVATE_KEY = "ivs-playback-private-key"
        REDIS_URL                          = "redis-url"
      }
    }
  }
}

resource "google_cloud_run_v2_service" "svc" {
  for_each            = local.services
  name                = each.key
  location            = var.region
  ingress             = local.run_settings[each.key].public ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY"
  deletion_protection = false

  template {
    service_account                  = google_service_account.sa[try(local.run_settings[each.key].identity, each.key)].email
    timeout                          = local.run_settings[each.key].timeout
    max_instance_request_concurrency = local.run_settings[each.key].concurrency

    scaling {
      min_instance_count = local.run_settings[each.key].min
      max_instance_count = local.run_settings[each.key].max
    }

    vpc_access {
      connector = google_vpc_access_connector.serverless.id
      egress    = "PRIVATE_RANGES_ONLY"
    }

    containers {
      image   = var.image
      command = ["python", "-m", each.value.module]
      args    = ["--host", "0.0.0.0", "--port", "8080"]

      resources {
        limits   = { cpu = local.run_settings[each.key].cpu, memory = local.run_settings[each.key].memory }
        cpu_idle = local.run_settings[each.key].cpu_idle
      }

      ports {
        container_port = 8080
      }

      dynamic "env" {
        for_each = merge(local.shared_env, { LIVECLIPS_AWS_ROLE_ARN = local.aws_role_arn[try(local.run_settings[each.key].identity, each.key)] }, local.run_settings[each.key].env)
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.run_settings[each.key].secrets
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.secret[env.value].secret_id
              version = "latest"
            }
          }
        }
      }

      dynamic "volume_mounts" {
        for_each = local.run_settings[each.key].redis ? [1] : []
        content {
          name       = "redis-ca"
          mount_path = "/secrets/redis-ca"
        }
      }

      startup_probe {
        http_get {
          path = each.value.health_path
        }
        period_seconds    = 2
        failure_threshold = 30
      }

      liveness_probe {
        http_get {
          path = each.value.health_path
        }
        period_seconds = 30
      }
    }

    dynamic "volumes" {
      for_each = local.run_settings[each.key].redis ? [1] : []
      content {
        name = "redis-ca"
        secret {
          secret = google_secret_manager_secret.secret["redis-ca"].secret_id
          items {
            version = "latest"
            path    = "ca.pem"
          }
        }
      }
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.accessor,
    google_secret_manager_secret_version.redis,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "public_api" {
  #checkov:skip=CKV_GCP_102:The API is the mobile apps' and web studio's public endpoint; each route verifies the caller's bearer JWT (liveclips/api/auth.py) and rate-limits it, so Cloud Run IAM cannot be the gate.
  name     = google_cloud_run_v2_service.svc["api"].name
  location = var.region
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_v2_service_iam_member" "tasks_invoke_worker" {
  name     = google_cloud_run_v2_service.svc["clip-worker"].name
  location = var.region
  role     = "roles/run.invoker"
  member   = google_service_account.sa["tasks-invoker"].member
}
