"""The IVS stand-in as SERVICES registers it, in front of a moto server, through a real
boto3 `ivs` client: what it serves itself answers as AWS does, the rest is moto's."""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from liveclips_dev.localcloud import procs
from liveclips_dev.localcloud.emulators import REPO_ROOT, child_env, cloud_env, http_status
from liveclips_dev.localcloud.services import SERVICES
from liveclips_dev.studio.ivs_events import parse_channel_arn, stream_state_change

pytestmark = pytest.mark.integration
SERVICE = next(s for s in SERVICES if s.name == "ivs")


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    moto_port, port = procs.free_ports(2)
    logs = Path(tmp_path_factory.mktemp("ivs"))
    env = cloud_env(defaultdict(int, moto=moto_port, ivs=port))
    moto, _ = procs.spawn(
        "moto", [sys.executable, "-m", "moto.server", "-H", procs.LOCALHOST, "-p", str(moto_port)],
        logs / "moto.log", env=child_env({}), cwd=REPO_ROOT,
    )  # fmt: skip
    argv = [sys.executable, "-m", SERVICE.module, "--host", procs.LOCALHOST, "--port", str(port)]
    proc, _ = procs.spawn("ivs", argv, logs / "ivs.log", env=child_env(env), cwd=REPO_ROOT)
    try:
        procs.wait_ready(
            {
                "moto": (moto, lambda: http_status(moto_port, "/moto-api/data.json") == 200),
                "ivs": (proc, lambda: http_status(port, SERVICE.health_path) == 200),
            },
            60,
        )
        yield env["AWS_ENDPOINT_URL_IVS"]
    finally:
        procs.stop([proc, moto])


@pytest.fixture
def ivs(standin: str) -> Any:
    return boto3.client(
        "ivs", endpoint_url=standin, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106  # the stand-in's, as moto's
        config=Config(retries={"total_max_attempts": 1}),
    )  # fmt: skip


def code(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def go(
    standin: str, arn: str, event_name: str, stream_id: str = "st-1AbCdEfGhIjKlMnOpQrStUv"
) -> None:
    event = stream_state_change(
        parse_channel_arn(arn), event_name=event_name, stream_id=stream_id, at=datetime.now(UTC)
    )
    httpx.post(f"{standin}/_stream-events", json=event, timeout=5).raise_for_status()


def test_create_channel_is_moto_s_and_its_stream_key_is_remembered(ivs):
    created = ivs.create_channel(name="ana-show", latencyMode="LOW", type="STANDARD",
                                 authorized=True, tags={"owner": "ana"})  # fmt: skip

    arn, key = created["channel"]["arn"], created["streamKey"]
    assert ivs.get_channel(arn=arn)["channel"]["authorized"] is True  # forwarded to moto
    assert key["value"].startswith("sk_us-east-1_")
    listed = ivs.list_stream_keys(channelArn=arn)["streamKeys"]
    assert [k["arn"] for k in listed] == [key["arn"]]
    assert ivs.get_stream_key(arn=key["arn"])["streamKey"]["value"] == key["value"]


def test_one_stream_key_per_channel_so_rotation_deletes_first(ivs):
    arn = ivs.create_channel(name="rotate")["channel"]["arn"]
    old = ivs.list_stream_keys(channelArn=arn)["streamKeys"][0]["arn"]

    with pytest.raises(ClientError) as second:
        ivs.create_stream_key(channelArn=arn)
    ivs.delete_stream_key(arn=old)
    new = ivs.create_stream_key(channelArn=arn, tags={"owner": "ana"})["streamKey"]

    assert code(second) == ("ServiceQuotaExceededException", 402)
    assert new["arn"] != old and new["tags"] == {"owner": "ana"}
    assert [k["arn"] for k in ivs.list_stream_keys(channelArn=arn)["streamKeys"]] == [new["arn"]]
    with pytest.raises(ClientError) as gone:
        ivs.get_stream_key(arn=old)
    assert code(gone) == ("ResourceNotFoundException", 404)


def test_put_metadata_needs_a_live_stream_then_is_kept_and_throttled_at_5_tps(ivs, standin):
    arn = ivs.create_channel(name="live-one")["channel"]["arn"]
    with pytest.raises(ClientError) as offline:
        ivs.put_metadata(channelArn=arn, metadata='{"type":"clip_that"}')
    go(standin, arn, "Stream Start")

    stream = ivs.get_stream(channelArn=arn)["stream"]
    time.sleep(1.1)  # a fresh second for the rate window
    for i in range(5):
        ivs.put_metadata(channelArn=arn, metadata=f'{{"n":{i}}}')
    with pytest.raises(ClientError) as sixth:
        ivs.put_metadata(channelArn=arn, metadata='{"n":5}')
    kept = httpx.get(f"{standin}/_metadata", timeout=5).json()["metadata"]

    assert code(offline) == ("ChannelNotBroadcasting", 404)
    assert (stream["state"], stream["channelArn"]) == ("LIVE", arn)
    assert code(sixth) == ("ThrottlingException", 429)
    assert [m["metadata"] for m in kept if m["channelArn"] == arn] == [
        f'{{"n":{i}}}' for i in range(5)
    ]
    go(standin, arn, "Stream End")
    with pytest.raises(ClientError) as ended:
        ivs.get_stream(channelArn=arn)
    assert code(ended) == ("ChannelNotBroadcasting", 404)


@pytest.mark.parametrize(
    ("call", "params"),
    [
        ("put_metadata", {"channelArn": "arn:aws:s3:::bucket", "metadata": "x"}),
        ("delete_stream_key", {"arn": "arn:aws:ivs:us-east-1:1:channel/abc"}),
        ("list_stream_keys", {"channelArn": "not-an-arn"}),
    ],
)
def test_what_the_model_forbids_is_a_validation_exception(ivs, call, params):
    with pytest.raises(ClientError) as refused:
        getattr(ivs, call)(**params)
    assert code(refused) == ("ValidationException", 400)
    assert "does not match" in refused.value.response["Error"]["Message"]


def test_metadata_over_1_kb_and_unknown_channels_are_refused(ivs, standin):
    arn = ivs.create_channel(name="big")["channel"]["arn"]
    go(standin, arn, "Stream Start")
    with pytest.raises(ClientError) as big:
        ivs.put_metadata(channelArn=arn, metadata="x" * 1025)
    with pytest.raises(ClientError) as unknown:
        ivs.put_metadata(channelArn="arn:aws:ivs:us-east-1:123456789012:channel/nope", metadata="x")
    assert code(big) == ("ValidationException", 400)
    assert code(unknown) == ("ResourceNotFoundException", 404)


def test_a_deleted_channel_takes_its_keys_and_stream_with_it(ivs, standin):
    arn = ivs.create_channel(name="gone")["channel"]["arn"]
    go(standin, arn, "Stream Start")

    ivs.delete_channel(arn=arn)

    with pytest.raises(ClientError) as keys:
        ivs.list_stream_keys(channelArn=arn)
    assert code(keys) == ("ResourceNotFoundException", 404)
