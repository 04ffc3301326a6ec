"""A local stand-in for the IVS live playback URL: static HTTP over the live directory."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from liveclips.domain.hls import HLS_MEDIA_TYPE

LIVE_PLAYLIST = "playlist.m3u8"


class _LiveHandler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain dict
        **SimpleHTTPRequestHandler.extensions_map,
        ".m3u8": HLS_MEDIA_TYPE,
        ".ts": "video/mp2t",
    }

    def end_headers(self) -> None:
        # Players must re-fetch the sliding playlist; browsers play from another origin.
        if self.path.split("?", 1)[0].endswith(".m3u8"):
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per segment fetch would drown the studio's own output


def serve_live(directory: Path) -> tuple[str, Callable[[], None]]:
    """Serve ``directory`` on 127.0.0.1 at a free port; returns (playlist URL, stop)."""
    directory.mkdir(parents=True, exist_ok=True)
    handler = partial(_LiveHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    url = f"http://{host!s}:{port}/{LIVE_PLAYLIST}"

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return url, stop


@contextmanager
def live_server(directory: Path) -> Iterator[str]:
    """``with live_server(dir) as url:`` serves for the block's duration."""
    url, stop = serve_live(directory)
    try:
        yield url
    finally:
        stop()
