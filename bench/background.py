"""Work a benchmark keeps doing beside the measured path (pulling events, approving)."""

from __future__ import annotations

import threading
from typing import Self


class Background:
    """Runs `run(stop)` in a daemon thread while the `with` block lasts."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, args=(self._stop,), daemon=True)

    def run(self, stop: threading.Event) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
