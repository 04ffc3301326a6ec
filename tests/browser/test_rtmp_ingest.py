"""OBS's path: ffmpeg publishing to the local RTMP ingest as OBS would
(rtmp://127.0.0.1:<port>/app/<stream key>, and rtmps://, TLS in front of the same
ingest, as OBS sends IVS), into the same recording path as the browser; a wrong key, or a
second encoder on a live channel, is refused before anything is recorded."""

from __future__ import annotations

import ssl
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from liveclips_dev.cli.browser_show import create_channel, launch, sign_in
from tests.browser.conftest import recorded_keys, shot, wait_for_ended_recording
from tests.support import bearer

pytestmark = pytest.mark.browser
SHOW_S = 14


def _encoder(url: str, seconds: float, tls: list[str] | None = None) -> list[str]:
    """A test card and a tone, in real time, as OBS sends them (H.264 + AAC in FLV);
    ``tls`` are ffmpeg's TLS options for rtmps:// (-tls_verify, -ca_file)."""
    source = ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30"]
    source += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-c:a", "aac"]
    return ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", *source, "-t", str(seconds),
            *encode, "-f", "flv", *(tls or []), url]  # fmt: skip


def _publish(
    url: str, seconds: float, tls: list[str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        _encoder(url, seconds, tls), capture_output=True, timeout=seconds + 60, check=False
    )


def test_obs_streams_into_the_rtmp_ingest_and_a_wrong_key_is_refused(cloud: dict[str, str]) -> None:
    api, rtmp = cloud["LIVECLIPS_API_URL"], cloud["LIVECLIPS_RTMP_URL"]
    creator = bearer("obs-creator", "creator")
    made = httpx.post(
        f"{api}/v1/channels", json={"name": f"obs-{uuid.uuid4().hex[:6]}"}, headers=creator,
        timeout=30,
    ).json()  # fmt: skip
    channel, key = made["channel"], made["stream_key"]

    # GIVEN a wrong key THEN the ingest cuts the encoder off and records nothing
    refused = _publish(f"{rtmp}not-{key}", 4)
    assert refused.returncode != 0
    time.sleep(3)
    assert recorded_keys(channel) == []

    # WHEN OBS streams with the channel's key THEN the channel is live meanwhile
    encoder = subprocess.Popen(_encoder(f"{rtmp}{key}", SHOW_S))
    try:
        viewer = bearer("obs-viewer")

        def on_air() -> bool:
            page = httpx.get(f"{api}/v1/live", headers=viewer, timeout=10).json()
            return any(s.get("channel_id") == channel["id"] for s in page.get("streams", []))

        deadline = time.monotonic() + SHOW_S
        while not on_air() and time.monotonic() < deadline:
            time.sleep(1)
        assert on_air()
        # AND a second encoder on the live channel is refused, as IVS refuses it
        assert _publish(f"{rtmp}{key}", 3).returncode != 0
    finally:
        assert encoder.wait(timeout=SHOW_S + 60) == 0

    # AND the show is recorded in IVS's layout, ended as IVS ends a stream
    keys = wait_for_ended_recording(channel)
    assert any(k.endswith("/media/hls/720p30/0.ts") for k in keys), keys
    assert any(k.endswith("/media/hls/160p30/1.ts") for k in keys), keys


def test_rotating_the_key_cuts_off_a_live_encoder_and_keeps_what_it_sent(
    cloud: dict[str, str],
) -> None:
    api, rtmp = cloud["LIVECLIPS_API_URL"], cloud["LIVECLIPS_RTMP_URL"]
    creator = bearer("obs-rotator", "creator")
    made = httpx.post(
        f"{api}/v1/channels", json={"name": f"rot-{uuid.uuid4().hex[:6]}"}, headers=creator,
        timeout=30,
    ).json()  # fmt: skip
    channel, key = made["channel"], made["stream_key"]
    viewer = bearer("obs-rotation-viewer")

    def on_air() -> bool:
        page = httpx.get(f"{api}/v1/live", headers=viewer, timeout=10).json()
        return any(s.get("channel_id") == channel["id"] for s in page.get("streams", []))

    # GIVEN OBS live on the channel, past its first segment
    encoder = subprocess.Popen(_encoder(f"{rtmp}{key}", 60), stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not on_air() and time.monotonic() < deadline:
            time.sleep(1)
        assert on_air()
        time.sleep(11)
        # WHEN the creator rotates the key THEN the encoder is cut off within seconds
        rotated = httpx.post(
            f"{api}/v1/channels/{channel['id']}/stream-key", headers=creator, timeout=30
        )
        assert rotated.status_code == 200, rotated.text
        cut_at = time.monotonic()
        assert encoder.wait(timeout=20) != 0
        assert time.monotonic() - cut_at < 15
    finally:
        if encoder.poll() is None:
            encoder.kill()

    # AND what it sent is recorded and the stream ended
    keys = wait_for_ended_recording(channel)
    assert any(k.endswith("/media/hls/720p30/0.ts") for k in keys), keys


def _server_certificate(url: str, folder: Path) -> Path:
    """The RTMPS port's certificate, read off the port, to trust as the encoder's CA."""
    where = urlsplit(url)
    pem = folder / "rtmps-ca.pem"
    pem.write_text(ssl.get_server_certificate((where.hostname or "", where.port or 443)))
    return pem


def test_obs_streams_over_rtmps_and_a_wrong_key_is_refused_the_same_way(
    cloud: dict[str, str], tmp_path: Path
) -> None:
    api, rtmps = cloud["LIVECLIPS_API_URL"], cloud["LIVECLIPS_RTMPS_URL"]
    assert rtmps.startswith("rtmps://") and rtmps.endswith("/app/"), rtmps
    creator = bearer("obs-tls-creator", "creator")
    made = httpx.post(
        f"{api}/v1/channels", json={"name": f"tls-{uuid.uuid4().hex[:6]}"}, headers=creator,
        timeout=30,
    ).json()  # fmt: skip
    channel, key = made["channel"], made["stream_key"]
    ca = _server_certificate(rtmps, tmp_path)
    trusted = ["-tls_verify", "1", "-ca_file", str(ca)]

    # GIVEN an encoder that checks the certificate and knows no CA for it THEN TLS fails:
    # it is TLS, not plain RTMP on another port
    untrusted = _publish(f"{rtmps}{key}", 2, ["-tls_verify", "1"])
    assert untrusted.returncode != 0
    assert b"verification" in untrusted.stderr, untrusted.stderr

    # GIVEN a wrong key over TLS THEN it is cut off and nothing is recorded, as over RTMP
    refused = _publish(f"{rtmps}not-{key}", 4, trusted)
    assert refused.returncode != 0
    time.sleep(3)
    assert recorded_keys(channel) == []

    # WHEN OBS streams over RTMPS with the key THEN the show is recorded in IVS's layout
    sent = _publish(f"{rtmps}{key}", SHOW_S, trusted)
    assert sent.returncode == 0, sent.stderr
    keys = wait_for_ended_recording(channel)
    assert any(k.endswith("/media/hls/720p30/0.ts") for k in keys), keys


def test_the_studio_shows_both_obs_servers(
    cloud: dict[str, str], playwright_api: Any, tmp_path: Path
) -> None:
    context = launch(playwright_api, tmp_path / "profile", None)
    try:
        page = context.new_page()
        sign_in(page, cloud["LIVECLIPS_STUDIO_URL"], "obs-urls-creator")
        create_channel(page, f"urls-{uuid.uuid4().hex[:6]}")
        page.click("#studio summary")
        assert page.text_content("#obs-server") == cloud["LIVECLIPS_RTMPS_URL"]
        assert page.text_content("#obs-server-plain") == cloud["LIVECLIPS_RTMP_URL"]
        assert page.is_visible("#obs-server") and page.is_visible("#obs-server-plain")
        shot(page, "studio-obs-servers")
    finally:
        context.close()
