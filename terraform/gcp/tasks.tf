# Every task carries the tasks-invoker's OIDC token (a queue-level override), so the
# targets stay private and the code that enqueues (liveclips/adapters/tasks.py) needs no auth logic.
resource "google_cloud_tasks_queue" "queue" {
  for_each = local.task_queues
  name     = each.key
  location = var.region

  rate_limits {
    max_concurrent_dispatches = each.value.max_concurrent
  }

  retry_config {
    max_attempts  = each.value.max_attempts
    min_backoff   = "${each.value.min_backoff_s}s"
    max_backoff   = "${each.value.max_backoff_s}s"
    max_doublings = each.value.max_doublings
  }

  http_target {
    oidc_token {
      service_account_email = google_service_account.sa["tasks-invoker"].email
      audience              = local.run_url[replace(each.value.target, "_", "-")]
    }
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.enabled]
}
