# Viewers fetch clips, posters, VOD ladders and (instant clips) recording segments from
# here with URLs signed by the API; unsigned requests are refused at the edge.
resource "aws_cloudfront_origin_access_control" "s3" {
  name                              = "liveclips-${var.stage}"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_public_key" "media" {
  # A new key gets a new name, so rotation creates it before the old one goes.
  name        = "liveclips-${var.stage}-${substr(sha256(var.cloudfront_public_key_pem), 0, 8)}"
  encoded_key = var.cloudfront_public_key_pem
  comment     = "Signs liveclips media URLs; private half in GCP Secret Manager"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudfront_key_group" "media" {
  name  = "liveclips-${var.stage}"
  items = [aws_cloudfront_public_key.media.id]
}

resource "aws_cloudfront_response_headers_policy" "media" {
  name = "liveclips-${var.stage}-media"

  cors_config {
    access_control_allow_credentials = false
    access_control_max_age_sec       = 600
    origin_override                  = true
    access_control_allow_headers {
      items = ["Range"]
    }
    access_control_allow_methods {
      items = ["GET", "HEAD"]
    }
    access_control_allow_origins {
      items = length(var.cors_origins) > 0 ? var.cors_origins : ["https://${var.media_domain}"]
    }
  }

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

resource "aws_cloudfront_distribution" "media" {
  #checkov:skip=CKV_AWS_68:Every behaviour requires a signed URL and the origins are private S3 buckets; a WAF has no application to protect here and would bill per request on video segments.
  #checkov:skip=CKV2_AWS_47:Log4j rule set belongs to a WAF, which this distribution does not have (CKV_AWS_68).
  #checkov:skip=CKV_AWS_310:Single-region buckets by design (CKV_AWS_144 on the buckets): there is no second origin to fail over to.
  #checkov:skip=CKV_AWS_374:The audience is worldwide; rights-based geo limits, if ever needed, belong in the signed URL policy.
  #checkov:skip=CKV_AWS_305:No root object: the distribution serves media by key, never a site.
  enabled         = true
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = "PriceClass_100" # North America and Europe edges: the audience, at the lowest rate
  aliases         = [var.media_domain]
  comment         = "liveclips ${var.stage} media"

  origin {
    origin_id                = "media"
    domain_name              = aws_s3_bucket.bucket["liveclips-media"].bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.s3.id
  }

  origin {
    origin_id                = "recordings"
    domain_name              = aws_s3_bucket.bucket["liveclips-recordings"].bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.s3.id
  }

  default_cache_behavior {
    target_origin_id           = "media"
    viewer_protocol_policy     = "https-only"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.media.id
    trusted_key_groups         = [aws_cloudfront_key_group.media.id]
  }

  # IVS auto-record keys start with ivs/v1/ (instant clips play the recording's segments).
  ordered_cache_behavior {
    path_pattern               = "ivs/*"
    target_origin_id           = "recordings"
    viewer_protocol_policy     = "https-only"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.media.id
    trusted_key_groups         = [aws_cloudfront_key_group.media.id]
  }

  logging_config {
    bucket          = aws_s3_bucket.logs.bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.media_certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  depends_on = [aws_s3_bucket_ownership_controls.logs]
}
