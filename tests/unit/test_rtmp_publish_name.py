"""The RTMP ingest reads the stream key from the encoder's AMF0 publish command."""

from __future__ import annotations

import struct

from liveclips_dev.localcloud.rtmp_ingest import publish_name


def _publish(name: str) -> bytes:
    encoded = name.encode()
    return (
        b"\x02\x00\x07publish"
        + b"\x00"
        + struct.pack(">d", 5.0)
        + b"\x05"
        + b"\x02"
        + struct.pack(">H", len(encoded))
        + encoded
        + b"\x02\x00\x04live"
    )


def test_the_key_is_read_from_the_publish_command_among_other_bytes():
    data = b"\x03" * 40 + _publish("sk_us-east-1_abc?token=x") + b"\x00" * 8
    assert publish_name(data) == "sk_us-east-1_abc"


def test_an_incomplete_command_waits_for_more_bytes():
    whole = _publish("sk_us-east-1_abcdef")
    for cut in range(1, len(whole) - len(b"\x02\x00\x04live")):
        assert publish_name(whole[:cut]) is None, cut


def test_a_malformed_command_gives_no_key():
    assert publish_name(b"\x02\x00\x07publish" + b"\x00" * 9 + b"\x02\x00\x00" + b"x" * 4) == ""
