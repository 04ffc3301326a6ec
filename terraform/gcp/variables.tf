variable "project" {
  description = "GCP project id."
  type        = string
}

variable "region" {
  description = "Region for everything regional. us-east4 (N. Virginia) sits next to AWS us-east-1, where IVS, S3 and the Lambdas are, so cross-cloud calls stay ~1-2 ms."
  type        = string
  default     = "us-east4"
}

variable "image" {
  description = "The service image (Dockerfile) in Artifact Registry, by digest: REGION-docker.pkg.dev/PROJECT/liveclips/app@sha256:..."
  type        = string
}

variable "functions_source_object" {
  description = "Object name of the functions' source zip in the functions-source bucket (docs/deploy.md, step 5)."
  type        = string
}

variable "dataflow_template" {
  description = "gs:// path of the engagement job's flex template spec (docs/deploy.md, step 6); empty: no job yet."
  type        = string
  default     = ""
}

variable "aws_account_id" {
  description = "The AWS account that runs IVS, S3, MediaConvert and the Lambdas."
  type        = string
}

variable "aws_region" {
  type    = string
  default = "us-east-1"
}

variable "aws_stage" {
  description = "serverless.yml stage; part of the Lambda role names trusted in wif.tf."
  type        = string
  default     = "prod"
}

variable "bucket_prefix" {
  description = "Prefix of the S3 bucket names (S3 names are global); the same value as in terraform/aws."
  type        = string
  default     = ""
}

variable "jwt_issuer" {
  description = "The identity provider that signs the apps' bearer tokens."
  type        = string
}

variable "jwt_jwks_url" {
  type = string
}

variable "jwt_audience" {
  type    = string
  default = "liveclips-api"
}

variable "cloudfront_domain" {
  description = "Media distribution domain (terraform/aws output media_domain); empty until AWS is applied."
  type        = string
  default     = ""
}

variable "cloudfront_key_id" {
  description = "CloudFront public key id that signs media URLs (terraform/aws output cloudfront_key_id)."
  type        = string
  default     = ""
}

variable "ivs_recording_configuration_arn" {
  description = "terraform/aws output recording_configuration_arn: every new channel auto-records with it."
  type        = string
  default     = ""
}

variable "ivs_playback_allowed_origin" {
  description = "Origin allowed to play private channels (playback token claim); * for any."
  type        = string
  default     = "*"
}

variable "spanner_processing_units" {
  description = "100 PUs (a tenth of a node) carries both databases at launch; raise with load."
  type        = number
  default     = 100
}

variable "redis_memory_gb" {
  type    = number
  default = 1
}

variable "api_max_instances" {
  type    = number
  default = 20
}

variable "clip_worker_max_instances" {
  description = "Upper bound on parallel renders (one clip per instance at a time)."
  type        = number
  default     = 30
}

variable "studio_domain" {
  description = "The web studio's host name (DNS A record to the output studio_ip); its managed certificate is issued for it."
  type        = string
}

variable "chat_room_fallback_result" {
  description = "What IVS Chat does with a message of the rooms the API makes when the review handler fails or is late (200 ms): ALLOW or DENY."
  type        = string
  default     = "DENY"

  validation {
    condition     = contains(["ALLOW", "DENY"], var.chat_room_fallback_result)
    error_message = "chat_room_fallback_result is ALLOW or DENY."
  }
}

variable "chat_logging_configuration_arn" {
  description = "terraform/aws output chat_logging_configuration_arn: where the rooms' transcripts go; empty until terraform/aws has run (rooms then keep none)."
  type        = string
  default     = ""
}

# APNs token authentication for the iOS app (docs/social.md); empty: no iOS pushes.
variable "apns_team_id" {
  type    = string
  default = ""
}

variable "apns_key_id" {
  type    = string
  default = ""
}

variable "apns_topic" {
  description = "The iOS app's bundle id"
  type        = string
  default     = ""
}
