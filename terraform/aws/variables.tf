variable "region" {
  description = "IVS, IVS Chat and MediaConvert region; us-east-1 sits next to GCP us-east4."
  type        = string
  default     = "us-east-1"
}

variable "stage" {
  description = "serverless.yml stage (Lambda and role names); the same value as aws_stage in terraform/gcp."
  type        = string
  default     = "prod"
}

variable "bucket_prefix" {
  description = "Prefix that makes the global S3 names yours, e.g. \"acme-\"; the same value in terraform/gcp and serverless.yml (bucketPrefix)."
  type        = string
  default     = ""
}

variable "gcp_service_account_ids" {
  description = "terraform/gcp output service_account_unique_ids: the one Google identity each AWS role trusts."
  type        = map(string)
}

variable "media_domain" {
  description = "Viewers' media host name (CNAME to the distribution), e.g. media.example.com."
  type        = string
}

variable "media_certificate_arn" {
  description = "ACM certificate for media_domain, in us-east-1 (CloudFront reads only that region)."
  type        = string
}

variable "cloudfront_public_key_pem" {
  description = "Public half of the media URL signing key; the private half is only in GCP Secret Manager (liveclips-cloudfront-private-key)."
  type        = string
}

variable "ivs_playback_public_key_pem" {
  description = "Public half (ECDSA P-384) of the key that signs private channels' playback tokens."
  type        = string
}

variable "cors_origins" {
  description = "Web origins that may fetch media from the browser (the web studio and player)."
  type        = list(string)
  default     = []
}

variable "recordings_retention_days" {
  description = "IVS recordings are the source of clips and VOD titles; after this the VOD ladder in the media bucket remains."
  type        = number
  default     = 90
}

variable "uploads_retention_days" {
  description = "Creators' raw uploads, kept until long after their VOD title is READY."
  type        = number
  default     = 30
}
