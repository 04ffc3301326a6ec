# Channels are created per creator by the API (CreateChannel with this configuration);
# every channel auto-records HLS into the recordings bucket, which is what clips and
# VOD titles are made from.
resource "aws_ivs_recording_configuration" "main" {
  name = "liveclips"
  # A creator's dropped connection within a minute continues the same recording.
  recording_reconnect_window_seconds = 60

  destination_configuration {
    s3 {
      bucket_name = aws_s3_bucket.bucket["liveclips-recordings"].id
    }
  }

  thumbnail_configuration {
    recording_mode          = "INTERVAL"
    target_interval_seconds = 30
  }

  depends_on = [aws_s3_bucket_policy.bucket]
}

# Private channels' playback tokens are signed by the API with the private half (GCP
# Secret Manager: liveclips-ivs-playback-private-key); IVS checks them with this one.
resource "aws_ivs_playback_key_pair" "main" {
  name       = "liveclips-${var.stage}"
  public_key = var.ivs_playback_public_key_pem
}

# Chat transcripts for moderators' investigations; verdicts live in Spanner.
resource "aws_cloudwatch_log_group" "chat" {
  #checkov:skip=CKV_AWS_338:Chat messages are personal data: kept 30 days, not a year. The moderation audit trail is in Spanner (ChatVerdicts, ModerationEvents).
  name              = "/liveclips/${var.stage}/ivs-chat"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_ivschat_logging_configuration" "chat" {
  name = "liveclips-${var.stage}"
  destination_configuration {
    cloudwatch_logs {
      log_group_name = aws_cloudwatch_log_group.chat.name
    }
  }
}

# No rooms here: the API makes one per channel (CreateRoom in
# liveclips/adapters/ivschat_rooms.py, named after the channel), with the chatReview
# Lambda's warm alias as its message review handler, the fallback result, the limits of
# liveclips/domain/chat_rules.py and this logging configuration, all from its settings
# (terraform/gcp/run.tf). A fixed list of rooms here would be rooms of no channel.
