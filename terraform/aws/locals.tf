# The S3 buckets the code uses, as plain data, named as in liveclips/resources.py
# (tests/unit/test_infrastructure_agreement.py compares the two). The physical name is
# var.bucket_prefix + key, since S3 names are global.
locals {
  buckets = {
    # IVS auto-record output: the clip workers' source while live and the VOD source after.
    "liveclips-recordings" = { expire_days = var.recordings_retention_days, tier_after_days = 30, expire_prefixes = {} }
    # Clips, posters, sprites and VOD ladders: what viewers fetch through CloudFront.
    "liveclips-media" = { expire_days = 0, tier_after_days = 30, expire_prefixes = { "scratch/" = 1, "live/" = 30 } }
    # Creators' uploads (presigned POST); MediaConvert reads each once.
    "liveclips-uploads" = { expire_days = var.uploads_retention_days, tier_after_days = 0, expire_prefixes = {} }
  }

  bucket_name = { for key in keys(local.buckets) : key => "${var.bucket_prefix}${key}" }
  bucket_arn  = { for key, name in local.bucket_name : key => "arn:aws:s3:::${name}" }

  # Named as serverless.yml names the functions (service-stage-function); the alias is the
  # one its provisionedConcurrency keeps warm.
  chat_review_function_arn = "arn:aws:lambda:${local.region}:${local.account}:function:liveclips-aws-${var.stage}-chatReview:provisioned"
}
