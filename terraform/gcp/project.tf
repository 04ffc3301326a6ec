resource "google_project_service" "enabled" {
  for_each = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudtasks.googleapis.com",
    "compute.googleapis.com",
    "dataflow.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "pubsub.googleapis.com",
    "redis.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "spanner.googleapis.com",
    "sts.googleapis.com",
    "vpcaccess.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "images" {
  #checkov:skip=CKV_GCP_84:Holds the service image built from this public-dependency repo; Google-managed encryption suffices and a CMEK would only add key operations.
  repository_id = "liveclips"
  location      = var.region
  format        = "DOCKER"
  depends_on    = [google_project_service.enabled]
}

# Deterministic URLs (https://NAME-PROJECT_NUMBER.REGION.run.app) for Cloud Run services
# and 2nd gen functions: services can name each other without a dependency cycle.
locals {
  run_url = {
    for name in concat(keys(local.services), [for f in local.functions : replace(f, "_", "-")]) :
    name => "https://${name}-${data.google_project.this.number}.${var.region}.run.app"
  }
}
