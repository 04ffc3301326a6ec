# Feed cache, live highlight signals, API rate limits and token revocations. volatile-lru:
# under memory pressure only keys with a TTL (caches, counters) are evicted, never a
# revocation.
resource "google_redis_instance" "cache" {
  name                    = "liveclips"
  region                  = var.region
  tier                    = "STANDARD_HA"
  memory_size_gb          = var.redis_memory_gb
  redis_version           = "REDIS_7_2"
  authorized_network      = google_compute_network.main.id
  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"
  redis_configs           = { maxmemory-policy = "volatile-lru" }

  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = "ONE_HOUR"
  }

  maintenance_policy {
    weekly_maintenance_window {
      day = "TUESDAY"
      start_time {
        hours = 9 # 09:00 UTC: the quietest hour for US evening shows
      }
    }
  }

  depends_on = [google_project_service.enabled]
}
