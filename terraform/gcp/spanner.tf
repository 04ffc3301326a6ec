# DDL comes from the same files that create the emulator's databases. Comments are
# removed first (some contain ';'), then each ';' ends a statement: the agreement test
# checks this gives exactly liveclips_dev/localcloud/ddl.py's statements. Spanner DDL here is
# append-only: add ALTER/CREATE statements at the end of the file, never edit old ones.
locals {
  ddl = {
    for db, spec in local.spanner_databases : db => [
      for s in split(";", replace(file("${path.module}/../../schemas/spanner/${spec.ddl_file}"), "/--[^\\n]*/", "")) :
      trimspace(s) if trimspace(s) != ""
    ]
  }
}

resource "google_spanner_instance" "main" {
  name             = local.spanner_instance
  config           = "regional-${var.region}"
  display_name     = "liveclips"
  processing_units = var.spanner_processing_units
  depends_on       = [google_project_service.enabled]
}

resource "google_spanner_database" "db" {
  #checkov:skip=CKV_GCP_93:Google-managed encryption at rest. A CMEK would add a KMS key ring, Spanner service-agent grants and key-rotation operations for data that is not regulated; revisit with a compliance requirement.
  for_each                 = local.spanner_databases
  instance                 = google_spanner_instance.main.name
  name                     = each.key
  database_dialect         = each.value.dialect
  ddl                      = local.ddl[each.key]
  version_retention_period = "3d" # point-in-time recovery window
  deletion_protection      = true # Terraform refuses to destroy it
  enable_drop_protection   = true # and so does Spanner, for any caller
}
