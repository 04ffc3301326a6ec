"""Amazon IVS: creators' channels, their stream keys, and timed metadata into a live stream.

One client per process, its endpoint from configuration (locally the stand-in,
liveclips_dev/localcloud/ivs_standin.py). AWS's refusals that callers act on become the exceptions
below; anything else surfaces as IVS_ERRORS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from liveclips.adapters.config import settings
from liveclips.errors import PermanentError, TransientError

if TYPE_CHECKING:
    from mypy_boto3_ivs import IVSClient

IVS_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError)


class Throttled(TransientError):
    """IVS refused for rate (PutMetadata: 5 TPS per channel)."""


class NotBroadcasting(PermanentError):
    """The channel has no live stream."""


class NotFound(PermanentError):
    """No such channel or stream key in IVS."""


class QuotaExceeded(PermanentError):
    """E.g. a second stream key on a channel (IVS allows one)."""


# What a caller can only report as "IVS did not do it": refusals it has no answer for.
UNAVAILABLE: tuple[type[Exception], ...] = (NotFound, *IVS_ERRORS)

_MAPPED: dict[str, type[Exception]] = {
    "ThrottlingException": Throttled,
    "ChannelNotBroadcasting": NotBroadcasting,
    "ResourceNotFoundException": NotFound,
    "ServiceQuotaExceededException": QuotaExceeded,
}


@dataclass(frozen=True)
class StreamKey:
    arn: str
    value: str  # secret: for the creator's encoder, never stored by us


@dataclass(frozen=True)
class CreatedChannel:
    arn: str
    name: str
    latency_mode: str
    type: str
    authorized: bool
    playback_url: str
    ingest_endpoint: str
    stream_key: StreamKey

    @property
    def channel_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


@lru_cache(maxsize=1)
def client() -> IVSClient:
    config = settings()
    # No retries: a throttled PutMetadata must reach the creator as 429 at once, and a
    # failed call is the API client's to retry (503), not to stall a request on.
    return boto3.client(
        "ivs",
        endpoint_url=config.ivs_endpoint_url,
        region_name=config.aws_region,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=3, read_timeout=10),
    )


def _call(operation: str, **params: Any) -> Any:
    try:
        return getattr(client(), operation)(**params)
    except ClientError as error:
        mapped = _MAPPED.get(error.response.get("Error", {}).get("Code", ""))
        if mapped is not None:
            raise mapped(str(error)) from error
        raise


def create_channel(
    *, name: str, latency_mode: str, channel_type: str, private: bool, owner: str
) -> CreatedChannel:
    params: dict[str, Any] = {
        "name": name,
        "latencyMode": latency_mode,
        "type": channel_type,
        "authorized": private,
        "tags": {"owner": owner},
    }
    recording = settings().ivs_recording_configuration_arn
    if recording:
        params["recordingConfigurationArn"] = recording
    answer = _call("create_channel", **params)
    channel, key = answer["channel"], answer["streamKey"]
    return CreatedChannel(
        arn=channel["arn"],
        name=channel.get("name", name),
        latency_mode=channel.get("latencyMode", latency_mode),
        type=channel.get("type", channel_type),
        authorized=bool(channel.get("authorized", private)),
        playback_url=channel["playbackUrl"],
        ingest_endpoint=channel["ingestEndpoint"],
        stream_key=StreamKey(key["arn"], key["value"]),
    )


def delete_channel(arn: str) -> None:
    _call("delete_channel", arn=arn)


def stream_key_arns(channel_arn: str) -> list[str]:
    answer = _call("list_stream_keys", channelArn=channel_arn)
    return [key["arn"] for key in answer["streamKeys"]]


def delete_stream_key(arn: str) -> None:
    _call("delete_stream_key", arn=arn)


def create_stream_key(channel_arn: str, owner: str) -> StreamKey:
    key = _call("create_stream_key", channelArn=channel_arn, tags={"owner": owner})["streamKey"]
    return StreamKey(key["arn"], key["value"])


def put_metadata(channel_arn: str, metadata: str) -> None:
    """Timed metadata every viewer's player receives with the stream (≤ 1 KB)."""
    _call("put_metadata", channelArn=channel_arn, metadata=metadata)


def ingest_server(ingest_endpoint: str) -> str:
    """The RTMPS URL an encoder (OBS) streams to, as the IVS console shows it."""
    return f"rtmps://{ingest_endpoint}:443/app/"
