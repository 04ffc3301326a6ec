terraform {
  required_version = ">= 1.6"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.20"
    }
    # google_dataflow_flex_template_job exists only in the beta provider.
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 6.20"
    }
  }

  # bucket and prefix come from -backend-config at init (docs/deploy.md, step 2).
  backend "gcs" {}
}

provider "google" {
  project        = var.project
  region         = var.region
  default_labels = { app = "liveclips" }
}

provider "google-beta" {
  project        = var.project
  region         = var.region
  default_labels = { app = "liveclips" }
}

data "google_project" "this" {}
