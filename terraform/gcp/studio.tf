# The creators' web studio (web/studio/: static files, no build) from a private bucket
# through Cloud CDN, behind one HTTPS load balancer that also fronts the API under /api/:
# the page calls api/v1/... on its own origin, as it does locally (no CORS). The files are
# uploaded by this module (google_storage_bucket_object below), so `terraform apply`
# after a change to web/studio/ deploys the page; config.json points the page at IVS.
locals {
  studio_root  = "${path.module}/../../web/studio"
  studio_files = fileset(local.studio_root, "*.{html,js,css}")
  studio_types = {
    html = "text/html; charset=utf-8"
    js   = "text/javascript; charset=utf-8"
    css  = "text/css; charset=utf-8"
  }
}

resource "google_storage_bucket" "studio" {
  name                        = "${var.project}-liveclips-studio"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced" # no allUsers: only Cloud CDN's fill account reads

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 5
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  logging {
    log_bucket = google_storage_bucket.access_logs.name
  }
}

# Cloud CDN fills its cache from the private bucket as its own service agent.
resource "google_storage_bucket_iam_member" "studio_cdn_fill" {
  bucket = google_storage_bucket.studio.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:service-${data.google_project.this.number}@cloud-cdn-fill.iam.gserviceaccount.com"
}

resource "google_storage_bucket_object" "studio" {
  for_each       = local.studio_files
  bucket         = google_storage_bucket.studio.name
  name           = each.value
  source         = "${local.studio_root}/${each.value}"
  content_type   = local.studio_types[regex("[a-z]+$", each.value)]
  cache_control  = "public, max-age=300" # a new page is live everywhere within 5 min
  detect_md5hash = filemd5("${local.studio_root}/${each.value}")
}

# What the local server answers at /config.json: in production the page broadcasts with
# the IVS Web Broadcast SDK to the channel's own ingest endpoint.
resource "google_storage_bucket_object" "studio_config" {
  bucket        = google_storage_bucket.studio.name
  name          = "config.json"
  content_type  = "application/json"
  cache_control = "no-cache"
  content       = jsonencode({ broadcaster = "ivs", rtmpServer = "" })
}

resource "google_compute_backend_bucket" "studio" {
  name             = "liveclips-studio"
  bucket_name      = google_storage_bucket.studio.name
  enable_cdn       = true
  compression_mode = "AUTOMATIC"

  cdn_policy {
    cache_mode        = "USE_ORIGIN_HEADERS"
    negative_caching  = true
    serve_while_stale = 86400
  }

  depends_on = [google_storage_bucket_iam_member.studio_cdn_fill]
}

# The API's Cloud Run service as a load balancer backend, /api/ stripped on the way.
resource "google_compute_region_network_endpoint_group" "api" {
  name                  = "liveclips-api"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloud_run_v2_service.svc["api"].name
  }
}

resource "google_compute_backend_service" "api" {
  name                  = "liveclips-api"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  enable_cdn            = false # every answer depends on the caller's bearer token

  backend {
    group = google_compute_region_network_endpoint_group.api.id
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

resource "google_compute_url_map" "studio" {
  name            = "liveclips-studio"
  default_service = google_compute_backend_bucket.studio.id

  host_rule {
    hosts        = [var.studio_domain]
    path_matcher = "studio"
  }

  path_matcher {
    name            = "studio"
    default_service = google_compute_backend_bucket.studio.id

    route_rules {
      priority = 1
      service  = google_compute_backend_service.api.id
      match_rules {
        prefix_match = "/api/"
      }
      route_action {
        url_rewrite {
          path_prefix_rewrite = "/"
        }
      }
    }
  }
}

resource "google_compute_managed_ssl_certificate" "studio" {
  name = "liveclips-studio"

  managed {
    domains = [var.studio_domain]
  }
}

resource "google_compute_ssl_policy" "studio" {
  name            = "liveclips-studio"
  profile         = "RESTRICTED"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "studio" {
  name             = "liveclips-studio"
  url_map          = google_compute_url_map.studio.id
  ssl_certificates = [google_compute_managed_ssl_certificate.studio.id]
  ssl_policy       = google_compute_ssl_policy.studio.id
}

resource "google_compute_global_address" "studio" {
  name = "liveclips-studio"
}

resource "google_compute_global_forwarding_rule" "studio" {
  name                  = "liveclips-studio"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.studio.id
  port_range            = "443"
  target                = google_compute_target_https_proxy.studio.id
}
