"""Lambda: MediaConvert Job State Change -> Google Pub/Sub (validate, dedupe, publish).

A finished job of ours (COMPLETE, ERROR, CANCELED) becomes vod.job_changed on the
vod-jobs topic, ordered per title; progress events and other teams' jobs are passed over.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from functions.aws.bridge import bridge
from liveclips.contracts.mediaconvert_translation import translate_job_event

logger = Logger(service="mediaconvert_bridge")
lambda_handler = bridge(logger, translate_job_event)
