# Workload identity federation both ways: no cloud holds a key of the other.
#
# AWS -> GCP: the Lambdas' roles (serverless.yml, iamRoleStatementsName) exchange their
# own AWS credentials at Google STS and publish as that role, on exactly the topics in
# local.lambda_publishers. GCP -> AWS: each service account below gets one AWS role,
# whose trust policy names the account's unique id (terraform/aws/gcp_roles.tf).
locals {
  aws_role_arn = {
    for sa in ["functions", "clip-worker", "api", "moderation-worker"] :
    sa => "arn:aws:iam::${var.aws_account_id}:role/liveclips-gcp-${sa}"
  }

  lambda_role = {
    for name in keys(local.lambda_publishers) : name => "liveclips-${var.aws_stage}-${name}"
  }
  lambda_grants = merge([
    for name, topics in local.lambda_publishers : { for t in topics : "${name}/${t}" => { lambda = name, topic = t } }
  ]...)
}

resource "google_iam_workload_identity_pool" "aws" {
  workload_identity_pool_id = "liveclips-aws"
  display_name              = "liveclips AWS Lambdas"
  depends_on                = [google_project_service.enabled]
}

resource "google_iam_workload_identity_pool_provider" "aws" {
  #checkov:skip=CKV_GCP_125:The check is for GitHub Actions OIDC providers and fails on any provider without an oidc block; this is an AWS provider, narrowed by attribute_condition to our Lambda roles.
  workload_identity_pool_id          = google_iam_workload_identity_pool.aws.workload_identity_pool_id
  workload_identity_pool_provider_id = "aws"
  display_name                       = "AWS account ${var.aws_account_id}"

  aws {
    account_id = var.aws_account_id
  }

  # Google's documented mapping: an assumed role's session ARN becomes its role ARN.
  attribute_mapping = {
    "google.subject"     = "assertion.arn"
    "attribute.aws_role" = "assertion.arn.contains('assumed-role') ? assertion.arn.extract('{account_arn}assumed-role/') + 'assumed-role/' + assertion.arn.extract('assumed-role/{role_name}/') : assertion.arn"
  }
  # Only our Lambda roles may exchange tokens at all.
  attribute_condition = "attribute.aws_role.startsWith('arn:aws:sts::${var.aws_account_id}:assumed-role/liveclips-${var.aws_stage}-')"
}

resource "google_pubsub_topic_iam_member" "lambda_publisher" {
  for_each = local.lambda_grants
  topic    = google_pubsub_topic.topic[each.value.topic].name
  role     = "roles/pubsub.publisher"
  member   = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.aws.name}/attribute.aws_role/arn:aws:sts::${var.aws_account_id}:assumed-role/${local.lambda_role[each.value.lambda]}"
}
