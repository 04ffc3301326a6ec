"""Lambda: IVS + S3 EventBridge events -> Google Pub/Sub (validate, dedupe, publish).

Stream and recording state changes go to the lifecycle topic, recorded segments and
creators' uploads to their own topics (liveclips/contracts/ivs_translation.py says which).
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from functions.aws.bridge import bridge
from liveclips.contracts.ivs_translation import translate

logger = Logger(service="ivs_bridge")
lambda_handler = bridge(logger, translate)
