# Memorystore is reachable only inside this network: Cloud Run and the functions reach
# it through the connector; everything public (AWS, OpenAI) leaves directly.
resource "google_compute_network" "main" {
  name                    = "liveclips"
  auto_create_subnetworks = false
  depends_on              = [google_project_service.enabled]
}

resource "google_compute_subnetwork" "main" {
  name                     = "liveclips-${var.region}"
  region                   = var.region
  network                  = google_compute_network.main.id
  ip_cidr_range            = "10.10.0.0/20"
  private_ip_google_access = true # Dataflow workers have no public IP

  log_config {
    aggregation_interval = "INTERVAL_5_MIN"
    flow_sampling        = 0.1
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

resource "google_vpc_access_connector" "serverless" {
  name          = "liveclips"
  region        = var.region
  network       = google_compute_network.main.name
  ip_cidr_range = "10.8.0.0/28"
  machine_type  = "e2-micro"
  min_instances = 2
  max_instances = 3
}

# Beam shuffles between streaming workers on these ports.
resource "google_compute_firewall" "dataflow_internal" {
  name        = "liveclips-dataflow-internal"
  network     = google_compute_network.main.name
  direction   = "INGRESS"
  source_tags = ["dataflow"]
  target_tags = ["dataflow"]

  allow {
    protocol = "tcp"
    ports    = ["12345-12346"]
  }
}
