"""A local RTMP ingest for OBS: ``rtmp://127.0.0.1:<port>/app/<stream key>``, the shape
of an IVS ingest URL (``rtmps://<ingest endpoint>:443/app/<stream key>``).

Each connection gets its own ffmpeg listening on a private port (``-listen 1``), and
this relays the bytes both ways. ffmpeg takes any stream name, so the key is read here
from the encoder's ``publish`` command on its way through (an AMF0 string right after the
command name, transaction id and null) and checked against the channels' current keys;
a wrong or revoked key (or a channel already live) closes the connection before any
media is recorded. From there
it is the browser ingest's path (liveclips_dev/localcloud/live_ingest.py): the same layout and
events.

RTMPS (``rtmps://127.0.0.1:<port>/app/<stream key>``, what OBS sends IVS on 443) is TLS
in front of the same handler: the TLS is ended here with a self-signed certificate made
at start (``self_signed_tls``), and the RTMP inside goes the same way, key check included.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import logging
import ssl
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from liveclips_dev.localcloud.live_ingest import LiveIngest, input_args
from liveclips_dev.localcloud.procs import free_ports

log = logging.getLogger("liveclips.rtmp_ingest")
_PUBLISH = b"\x02\x00\x07publish"
SNIFF_LIMIT = 64 * 1024  # the publish command comes within the first few packets
CONNECT_TIMEOUT_S = 10.0
KEY_RECHECK_S = 3.0  # how soon a live encoder whose key was rotated is cut off


def publish_name(data: bytes) -> str | None:
    """The stream name of the first AMF0 ``publish`` command in ``data``, if complete.

    The command is small, so it sits inside one RTMP chunk (encoders raise the chunk size
    to 4096 before publishing; the default 128 bytes holds it too)."""
    at = data.find(_PUBLISH)
    if at < 0:
        return None
    cursor = at + len(_PUBLISH)
    # transaction id (AMF0 number: 0x00 + 8 bytes), then the command object (null: 0x05)
    if len(data) < cursor + 10 + 3:
        return None
    cursor += 9
    if data[cursor] != 0x05:
        return ""
    cursor += 1
    if data[cursor] != 0x02:
        return ""
    (length,) = struct.unpack(">H", data[cursor + 1 : cursor + 3])
    name = data[cursor + 3 : cursor + 3 + length]
    if len(name) < length:
        return None
    return name.decode("utf-8", "replace").split("?", 1)[0]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, asyncio.CancelledError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    with contextlib.suppress(Exception):
        writer.close()


async def _connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CONNECT_TIMEOUT_S
    while True:
        try:
            return await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)


class RtmpIngest:
    """``await serve(host, port)``; ``channel_of_key`` and ``make_ingest`` are injected so
    the key check and the recording are the browser ingest's own."""

    def __init__(
        self,
        channel_of_key: Callable[[str], str | None],
        make_ingest: Callable[[Path, list[str]], LiveIngest],
        on_end: Callable[[str], None] = lambda _arn: None,
        key_is_current: Callable[[str, str], bool] | None = None,
        recheck_s: float = KEY_RECHECK_S,
    ) -> None:
        self._channel_of_key = channel_of_key
        self._make_ingest = make_ingest
        self._on_end = on_end
        self._key_is_current = key_is_current
        self._recheck_s = recheck_s
        self.refused: list[str] = []
        self.cut_off: list[str] = []  # channels whose encoder lost its key while live

    async def serve(
        self, host: str, port: int, tls: ssl.SSLContext | None = None
    ) -> asyncio.Server:
        return await asyncio.start_server(self._handle, host, port, ssl=tls)

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        private = free_ports(1)[0]
        workdir = Path(tempfile.mkdtemp(prefix="liveclips-rtmp-"))
        ingest = self._make_ingest(
            workdir, input_args("rtmp-listen", f"rtmp://127.0.0.1:{private}/app/live")
        )
        ingest.start(stdin=False)
        try:
            ffmpeg_r, ffmpeg_w = await _connect(private)
        except OSError:
            log.warning("rtmp ingest: ffmpeg did not listen")
            ingest.stop()
            client_w.close()
            return
        downstream = asyncio.create_task(_pipe(ffmpeg_r, client_w))
        seen = b""
        key: str | None = None
        try:
            while key is None:
                chunk = await client_r.read(65536)
                if not chunk:
                    break
                ffmpeg_w.write(chunk)
                await ffmpeg_w.drain()
                if len(seen) < SNIFF_LIMIT:
                    seen += chunk
                    key = publish_name(seen)
            arn = None if key is None else await asyncio.to_thread(self._channel_of_key, key)
            if arn is None:
                self.refused.append(key or "")
                log.warning("rtmp ingest: refused a wrong or revoked stream key")
                ingest.stop()
                return
            ingest.channel_arn = arn
            piping = asyncio.create_task(_pipe(client_r, ffmpeg_w))
            watching = asyncio.create_task(self._watch_key(key or "", arn))
            await asyncio.wait({piping, watching}, return_when=asyncio.FIRST_COMPLETED)
            watching.cancel()
            piping.cancel()
        finally:
            with contextlib.suppress(Exception):
                ffmpeg_w.close()
            with contextlib.suppress(Exception):
                client_w.close()
            downstream.cancel()
            result = await asyncio.to_thread(ingest.finish)
            log.info("rtmp ingest ended: %s", result)
            if ingest.channel_arn is not None:
                self._on_end(ingest.channel_arn)

    async def _watch_key(self, key: str, arn: str) -> None:
        """Returns once the key is no longer the channel's (rotated or deleted): as IVS
        does, the encoder is then cut off; what it sent so far is recorded and ended."""
        check = self._key_is_current
        if check is None:
            await asyncio.Event().wait()  # never set: nothing to check
            return
        while True:
            await asyncio.sleep(self._recheck_s)
            if not await asyncio.to_thread(check, key, arn):
                log.warning("rtmp ingest: the stream key was rotated; encoder cut off")
                self.cut_off.append(arn)
                return


def self_signed_tls(host: str, days: int = 30) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for ``host`` (an IP or a
    name). Dev only: an encoder trusts it with ``-tls_verify 0`` or takes the certificate
    as its CA (``ssl.get_server_certificate`` reads it off the port)."""
    from cryptography import x509  # noqa: PLC0415  # a dev dependency, only for RTMPS
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    try:
        san: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        san = x509.DNSName(host)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([san]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = Path(tempfile.mkdtemp(prefix="liveclips-rtmps-"))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def serve_in_thread(
    host: str, port: int, ingest: RtmpIngest, tls: ssl.SSLContext | None = None
) -> Any:
    """Run the RTMP (or, with ``tls``, RTMPS) server on its own event loop in a thread."""
    import threading  # noqa: PLC0415

    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(ingest.serve(host, port, tls))
        loop.run_forever()

    thread = threading.Thread(target=run, name="rtmp-ingest", daemon=True)
    thread.start()
    return loop
