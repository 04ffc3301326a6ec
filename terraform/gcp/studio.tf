# The three web front ends (static files, no build) from one private bucket through Cloud
# CDN, behind one HTTPS load balancer that also fronts the API under /api/: each page calls
# api/v1/... on its own origin, as it does locally (no CORS). Paths are the local studio
# server's: the creators' studio (web/studio/) at /, the viewers' app (web/viewer/) at
# /viewer/, the content team's console (web/console/) at /console/, and the npm packages'
# built files the pages load at /vendor/<name>/. The files are uploaded by this module
# (google_storage_bucket_object below), so `terraform apply` after a change to web/
# deploys the pages; config.json points them at IVS and IVS Chat.
locals {
  web_root = "${path.module}/../../web"
  web_sites = {
    studio  = ""
    viewer  = "viewer/"
    console = "console/"
  }
  web_pages = merge([
    for site, prefix in local.web_sites : {
      for file in fileset("${local.web_root}/${site}", "*.{html,js,css,svg,webmanifest}") :
      "${prefix}${file}" => "${local.web_root}/${site}/${file}"
    }
  ]...)
  # Modules the studio and the viewer both import as ./shared/ (IVS Chat's protocol), at
  # each page's own ./shared/ as the local server mounts them.
  web_shared_under = ["", "viewer/"]
  web_shared = merge([
    for prefix in local.web_shared_under : {
      for file in fileset("${local.web_root}/shared", "*.js") :
      "${prefix}shared/${file}" => "${local.web_root}/shared/${file}"
    }
  ]...)
  # What the pages load from web/node_modules (pinned by web/package-lock.json; `make
  # setup` installs it, so apply from a set-up checkout), at the paths where the local
  # server mounts each package's dist/ (VENDORED in liveclips_dev/localcloud/browser_ingest.py).
  # tests/unit/test_web_hosting.py checks that every /vendor/ file a page names is here.
  web_vendored = {
    "vendor/hls/hls.min.mjs"                                  = "hls.js/dist/hls.min.mjs"
    "vendor/uplot/uPlot.iife.min.js"                          = "uplot/dist/uPlot.iife.min.js"
    "vendor/uplot/uPlot.min.css"                              = "uplot/dist/uPlot.min.css"
    "vendor/ivs-broadcast/amazon-ivs-web-broadcast.js"        = "amazon-ivs-web-broadcast/dist/amazon-ivs-web-broadcast.js"
    "vendor/ivs-player/assets/amazon-ivs-wasmworker.min.js"   = "amazon-ivs-player/dist/assets/amazon-ivs-wasmworker.min.js"
    "vendor/ivs-player/assets/amazon-ivs-wasmworker.min.wasm" = "amazon-ivs-player/dist/assets/amazon-ivs-wasmworker.min.wasm"
  }
  # Built by `npm run --prefix web build` (web/ivs-player.js, ADR 0018) into web/build/.
  web_built = {
    "vendor/ivs-player-build/ivs-player.min.js" = "ivs-player/ivs-player.min.js"
  }
  web_files = merge(
    local.web_pages,
    local.web_shared,
    { for key, file in local.web_vendored : key => "${local.web_root}/node_modules/${file}" },
    { for key, file in local.web_built : key => "${local.web_root}/build/${file}" },
  )
  web_types = {
    html        = "text/html; charset=utf-8"
    js          = "text/javascript; charset=utf-8"
    mjs         = "text/javascript; charset=utf-8"
    css         = "text/css; charset=utf-8"
    svg         = "image/svg+xml"
    webmanifest = "application/manifest+json"
    wasm        = "application/wasm"
  }
  # A page's folder answers with its index.html (a bucket has no directory index).
  web_index = {
    "/"         = "/index.html"
    "/viewer/"  = "/viewer/index.html"
    "/console/" = "/console/index.html"
  }
  # The IVS Chat messaging endpoint the viewer's chat connects to with its token.
  ivschat_messaging_url = "wss://edge.ivschat.${var.aws_region}.amazonaws.com"
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
  for_each       = local.web_files
  bucket         = google_storage_bucket.studio.name
  name           = each.key
  source         = each.value
  content_type   = local.web_types[regex("[a-z]+$", each.key)]
  cache_control  = "public, max-age=300" # a new page is live everywhere within 5 min
  detect_md5hash = filemd5(each.value)
}

# What the local server answers at /config.json, for all three pages: in production the
# studio broadcasts with the IVS Web Broadcast SDK to the channel's own ingest endpoint,
# the viewer plays with the IVS Player (bundled, ADR 0018) and its chat talks to IVS
# Chat's messaging endpoint.
resource "google_storage_bucket_object" "studio_config" {
  bucket        = google_storage_bucket.studio.name
  name          = "config.json"
  content_type  = "application/json"
  cache_control = "no-cache"
  content = jsonencode({
    broadcaster     = "ivs"
    rtmpServer      = ""
    chatUrl         = local.ivschat_messaging_url
    player          = "ivs"
    ivsPlayerScript = "/vendor/ivs-player-build/ivs-player.min.js"
  })
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

    route_rules {
      priority = 50
      service  = google_compute_backend_service.studio_events.id
      match_rules {
        full_path_match = "/events"
      }
    }

    dynamic "route_rules" {
      for_each = local.web_index
      content {
        priority = 2 + index(keys(local.web_index), route_rules.key)
        service  = google_compute_backend_bucket.studio.id
        match_rules {
          full_path_match = route_rules.key
        }
        route_action {
          url_rewrite {
            path_prefix_rewrite = route_rules.value
          }
        }
      }
    }

    # /viewer and /console without the slash: the pages' relative URLs need it.
    dynamic "route_rules" {
      for_each = [for path in keys(local.web_index) : path if path != "/"]
      content {
        priority = 10 + route_rules.key
        match_rules {
          full_path_match = trimsuffix(route_rules.value, "/")
        }
        url_redirect {
          path_redirect          = route_rules.value
          redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
          strip_query            = false
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
