# What serverless.yml reads at deploy time (${ssm:...}): no values copied by hand.
resource "aws_ssm_parameter" "serverless" {
  #checkov:skip=CKV2_AWS_34:Resource ids and ARNs, not secrets (a StringList cannot be a SecureString); the one secret, the Redis URL, is in Secrets Manager.
  for_each = {
    "chat-review/subnet-ids"        = { type = "StringList", value = join(",", aws_subnet.private[*].id) }
    "chat-review/security-group-id" = { type = "String", value = aws_security_group.chat_review.id }
    "kms-key-arn"                   = { type = "String", value = aws_kms_key.main.arn }
    "mediaconvert-queue-arn"        = { type = "String", value = aws_media_convert_queue.main.arn }
  }
  name  = "/liveclips/${var.stage}/${each.key}"
  type  = each.value.type
  value = each.value.value
}

output "media_domain" {
  description = "terraform/gcp cloudfront_domain; point its DNS CNAME at distribution_domain."
  value       = var.media_domain
}

output "distribution_domain" {
  value = aws_cloudfront_distribution.media.domain_name
}

output "cloudfront_key_id" {
  description = "terraform/gcp cloudfront_key_id."
  value       = aws_cloudfront_public_key.media.id
}

output "recording_configuration_arn" {
  description = "Passed to IVS CreateChannel for every creator's channel."
  value       = aws_ivs_recording_configuration.main.arn
}

output "mediaconvert_queue_arn" {
  value = aws_media_convert_queue.main.arn
}

# For terraform/gcp (chat_logging_configuration_arn): the API names it on the rooms it makes.
output "chat_logging_configuration_arn" {
  value = aws_ivschat_logging_configuration.chat.arn
}

output "chat_review_handler_arn" {
  description = "What the API passes as each room's message review handler (terraform/gcp computes the same ARN)."
  value       = local.chat_review_function_arn
}

output "buckets" {
  value = local.bucket_name
}
