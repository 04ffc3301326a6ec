# SSE-S3 rather than a KMS key: IVS writes recordings as its service-linked role,
# MediaConvert and CloudFront (OAC) read them, and every HLS segment fetched would be a
# KMS request; the buckets are private and reached only through signed URLs.
resource "aws_s3_bucket" "bucket" {
  #checkov:skip=CKV_AWS_145:SSE-S3 on purpose (see the comment above): a CMK would need grants for IVS, MediaConvert and CloudFront and bill a KMS request per segment served.
  #checkov:skip=CKV_AWS_144:Single-region by design (IVS and MediaConvert are regional); versioning guards against deletion, and a replica would double the largest cost line. Accepted in docs/deploy.md.
  for_each = local.buckets
  bucket   = local.bucket_name[each.key]
}

resource "aws_s3_bucket_public_access_block" "bucket" {
  for_each                = local.buckets
  bucket                  = aws_s3_bucket.bucket[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "bucket" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.bucket[each.key].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "bucket" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.bucket[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "bucket" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.bucket[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "bucket" {
  for_each      = local.buckets
  bucket        = aws_s3_bucket.bucket[each.key].id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${each.key}/"
}

# Segments, uploads and recording-ended.json reach the Lambdas through EventBridge
# (rules in serverless.yml), not through per-bucket notifications.
resource "aws_s3_bucket_notification" "bucket" {
  for_each    = local.buckets
  bucket      = aws_s3_bucket.bucket[each.key].id
  eventbridge = true
}

resource "aws_s3_bucket_lifecycle_configuration" "bucket" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.bucket[each.key].id

  rule {
    id     = "housekeeping"
    status = "Enabled"
    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    dynamic "transition" {
      for_each = local.buckets[each.key].tier_after_days > 0 ? [1] : []
      content {
        days          = local.buckets[each.key].tier_after_days
        storage_class = "INTELLIGENT_TIERING" # old clips and shows are rarely watched
      }
    }

    dynamic "expiration" {
      for_each = local.buckets[each.key].expire_days > 0 ? [1] : []
      content {
        days = local.buckets[each.key].expire_days
      }
    }
  }

  # Working files of the media bucket, by prefix: a crashed render's pieces under
  # scratch/ (clip_workers/pieces.py), and the live follower's segment copies under live/
  # that instant clips play until the recording and the rendered clip replace them
  # (docs/adr/0016-live-segments.md).
  dynamic "rule" {
    for_each = { for prefix, days in local.buckets[each.key].expire_prefixes : prefix => days }
    content {
      id     = "expire-${trimsuffix(rule.key, "/")}"
      status = "Enabled"
      filter {
        prefix = rule.key
      }
      expiration {
        days = rule.value
      }
    }
  }
}

data "aws_iam_policy_document" "bucket" {
  for_each = local.buckets

  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arn[each.key], "${local.bucket_arn[each.key]}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # Viewers read media and (instant clips) recordings only through CloudFront.
  dynamic "statement" {
    for_each = each.key == "liveclips-uploads" ? [] : [1]
    content {
      sid       = "CloudFrontReads"
      actions   = ["s3:GetObject"]
      resources = ["${local.bucket_arn[each.key]}/*"]
      principals {
        type        = "Service"
        identifiers = ["cloudfront.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "AWS:SourceArn"
        values   = [aws_cloudfront_distribution.media.arn]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "bucket" {
  for_each   = local.buckets
  bucket     = aws_s3_bucket.bucket[each.key].id
  policy     = data.aws_iam_policy_document.bucket[each.key].json
  depends_on = [aws_s3_bucket_public_access_block.bucket]
}

# S3 server access logs and CloudFront standard logs.
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_18:The log bucket itself: logging it into itself would loop.
  #checkov:skip=CKV_AWS_145:CloudFront standard logging cannot write to SSE-KMS buckets.
  #checkov:skip=CKV_AWS_144:Access logs are diagnostic; losing a region's logs with the region is acceptable.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to new log objects.
  bucket = "${var.bucket_prefix}liveclips-logs-${local.account}"
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# CloudFront standard logging writes with ACLs, so this bucket keeps them enabled.
resource "aws_s3_bucket_ownership_controls" "logs" {
  #checkov:skip=CKV2_AWS_65:CloudFront standard logging writes through the bucket ACL, so ACLs stay enabled on this log-only bucket (public access is still blocked).
  bucket = aws_s3_bucket.logs.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire"
    status = "Enabled"
    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }

    expiration {
      days = 90
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }
  }
}
