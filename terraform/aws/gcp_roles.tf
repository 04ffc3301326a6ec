# One role per GCP workload that calls AWS, assumed with that service account's Google
# ID token (deploy/aws_web_identity.py): the trust names the account's unique id, so no
# other Google identity, and no stored key, can use it.
locals {
  recordings = local.bucket_arn["liveclips-recordings"]
  media      = local.bucket_arn["liveclips-media"]
  uploads    = local.bucket_arn["liveclips-uploads"]

  gcp_role_statements = {
    # Segment analysis, instant clips, VOD submission and validation, upload ingest.
    "functions" = [
      { Action = ["s3:GetObject"], Resource = ["${local.recordings}/*", "${local.uploads}/*", "${local.media}/*"] },
      { Action = ["s3:PutObject"], Resource = ["${local.media}/*"] },
      { Action = ["mediaconvert:CreateJob"], Resource = [aws_media_convert_queue.main.arn, "arn:aws:mediaconvert:${local.region}:${local.account}:presets/*", "arn:aws:mediaconvert:${local.region}:${local.account}:jobTemplates/*"] },
      { Action = ["mediaconvert:GetJob"], Resource = ["arn:aws:mediaconvert:${local.region}:${local.account}:jobs/*"] },
      { Action = ["iam:PassRole"], Resource = [aws_iam_role.mediaconvert.arn], Condition = { StringEquals = { "iam:PassedToService" = "mediaconvert.amazonaws.com" } } },
    ]
    # Cuts from the recording, uploads the clip's outputs.
    "clip-worker" = [
      { Action = ["s3:GetObject"], Resource = ["${local.recordings}/*", "${local.media}/*"] },
      { Action = ["s3:PutObject"], Resource = ["${local.media}/*"] },
    ]
    # Creators' channels and stream keys (liveclips/adapters/ivs.py), timed metadata, uploads by
    # presigned POST.
    "api" = [
      {
        Action = [
          "ivs:CreateChannel", "ivs:GetChannel", "ivs:DeleteChannel", "ivs:CreateStreamKey",
          "ivs:DeleteStreamKey", "ivs:PutMetadata", "ivs:TagResource",
        ]
        Resource = [
          "arn:aws:ivs:${local.region}:${local.account}:channel/*",
          "arn:aws:ivs:${local.region}:${local.account}:stream-key/*",
          aws_ivs_recording_configuration.main.arn,
        ]
      },
      { Action = ["ivs:ListStreams", "ivs:ListStreamKeys"], Resource = ["*"] }, # list calls: IVS scopes them to no resource
      { Action = ["s3:PutObject"], Resource = ["${local.uploads}/*"] },
      { Action = ["s3:GetObject"], Resource = ["${local.media}/*", "${local.recordings}/*"] },
      # A chat room per channel, made with a channel_id tag and the transcripts' logging
      # configuration (liveclips/adapters/ivschat_rooms.py), and viewers' chat tokens.
      {
        Action   = ["ivschat:CreateRoom", "ivschat:TagResource", "ivschat:CreateChatToken"]
        Resource = ["arn:aws:ivschat:${local.region}:${local.account}:room/*"]
      },
      { Action = ["ivschat:CreateRoom"], Resource = [aws_ivschat_logging_configuration.chat.arn] },
      { Action = ["ivschat:ListRooms"], Resource = ["*"] }, # a list call: IVS Chat scopes it to no resource
    ]
    # The AI moderation's actions in chat.
    "moderation-worker" = [
      { Action = ["ivschat:DeleteMessage", "ivschat:DisconnectUser"], Resource = ["arn:aws:ivschat:${local.region}:${local.account}:room/*"] },
    ]
  }
}

resource "aws_iam_role" "gcp" {
  for_each             = local.gcp_role_statements
  name                 = "liveclips-gcp-${each.key}"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "accounts.google.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          # azp and sub of a service account's ID token are its unique id; oaud is the
          # audience deploy/aws_web_identity.py asks for.
          "accounts.google.com:aud"  = var.gcp_service_account_ids[each.key]
          "accounts.google.com:sub"  = var.gcp_service_account_ids[each.key]
          "accounts.google.com:oaud" = "sts.amazonaws.com"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy" "gcp" {
  for_each = local.gcp_role_statements
  name     = "liveclips"
  role     = aws_iam_role.gcp[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [for s in each.value : merge({ Effect = "Allow" }, s)]
  })
}
