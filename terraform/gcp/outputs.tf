output "api_url" {
  value = google_cloud_run_v2_service.svc["api"].uri
}

# terraform/aws takes these as gcp_service_account_ids: each becomes the only identity
# its AWS role trusts.
output "service_account_unique_ids" {
  value = { for sa in keys(local.aws_role_arn) : sa => google_service_account.sa[sa].unique_id }
}

# The Lambdas' Google credential configuration (no secret in it: the AWS role's own
# credentials are the proof). serverless.yml packages it as deploy/gcp-credentials.json.
output "lambda_credential_config" {
  value = jsonencode({
    type               = "external_account"
    audience           = "//iam.googleapis.com/${google_iam_workload_identity_pool_provider.aws.name}"
    subject_token_type = "urn:ietf:params:aws:token-type:aws4_request"
    token_url          = "https://sts.googleapis.com/v1/token"
    credential_source = {
      environment_id                 = "aws1"
      region_url                     = "http://169.254.169.254/latest/meta-data/placement/availability-zone"
      url                            = "http://169.254.169.254/latest/meta-data/iam/security-credentials"
      regional_cred_verification_url = "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15"
    }
  })
}

output "artifact_registry" {
  value = "${var.region}-docker.pkg.dev/${var.project}/${google_artifact_registry_repository.images.repository_id}"
}

output "functions_source_bucket" {
  value = google_storage_bucket.functions_source.name
}

output "dataflow_bucket" {
  value = google_storage_bucket.dataflow.name
}

# The web studio's load balancer: point var.studio_domain's A record here.
output "studio_ip" {
  value = google_compute_global_address.studio.address
}
