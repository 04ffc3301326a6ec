# The engagement job (pipelines/engagement), streaming from the `engagement` pull
# subscription into the PostgreSQL-dialect analytics database. Launched from a flex
# template built from this repo (docs/deploy.md, step 6); draining on replace keeps
# in-flight windows.
resource "google_dataflow_flex_template_job" "engagement" {
  provider                     = google-beta
  count                        = var.dataflow_template == "" ? 0 : 1
  name                         = "liveclips-engagement"
  region                       = var.region
  container_spec_gcs_path      = var.dataflow_template
  service_account_email        = google_service_account.sa["dataflow"].email
  subnetwork                   = google_compute_subnetwork.main.self_link
  ip_configuration             = "WORKER_IP_PRIVATE"
  temp_location                = "${google_storage_bucket.dataflow.url}/temp"
  staging_location             = "${google_storage_bucket.dataflow.url}/staging"
  max_workers                  = 3
  machine_type                 = "n2-standard-2"
  enable_streaming_engine      = true
  additional_experiments       = ["use_network_tags=dataflow"]
  on_delete                    = "drain"
  skip_wait_on_job_termination = false

  parameters = {
    mode             = "streaming"
    subscription     = google_pubsub_subscription.pull["engagement"].id
    sink             = "spanner"
    spanner_project  = var.project
    spanner_instance = google_spanner_instance.main.name
    spanner_database = google_spanner_database.db["analytics"].name
  }
}
