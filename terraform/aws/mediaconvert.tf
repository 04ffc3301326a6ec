# Our own queue: jobs are submitted to it (LIVECLIPS_MEDIACONVERT_QUEUE_ARN) and its
# finished jobs are the only ones the MediaConvert bridge forwards.
resource "aws_media_convert_queue" "main" {
  name         = "liveclips"
  pricing_plan = "ON_DEMAND"
  status       = "ACTIVE"
}

# The role MediaConvert runs each job as (LIVECLIPS_MEDIACONVERT_ROLE_ARN): read the
# show's recording or the upload, write the ladder into the media bucket.
resource "aws_iam_role" "mediaconvert" {
  name = "liveclips-mediaconvert"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "mediaconvert.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
}

resource "aws_iam_role_policy" "mediaconvert" {
  name = "media"
  role = aws_iam_role.mediaconvert.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["${local.bucket_arn["liveclips-recordings"]}/*", "${local.bucket_arn["liveclips-uploads"]}/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = ["${local.bucket_arn["liveclips-media"]}/*"]
      },
    ]
  })
}
