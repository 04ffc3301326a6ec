"""Encoding a long clip's chunks on other Cloud Run instances.

One instance renders a clip; on a 2 vCPU instance x264 already uses both CPUs, so more
speed comes only from more instances. With fan-out on, the instance that owns the render
puts its indexed source in the media bucket (under scratch/, which a lifecycle rule
empties) and POSTs each chunk to the worker service's /pieces/encode; with Cloud Run's
concurrency at 1, every concurrent request is served by its own instance. The owner
meanwhile makes the audio, then joins the pieces it gets back (liveclips.media.render).

Locally the "service" is a list of worker URLs taken in turn (bench/clip_fanout.py runs
one worker process per CPU to stand for instances of one vCPU).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict
from pathlib import Path

import httpx
from pydantic import BaseModel, ConfigDict

from liveclips.adapters import s3
from liveclips.media.render import PieceJob

_TIMEOUT_S = 600.0  # a chunk is at most render_chunk_s of video; generous all the same


class PieceRequest(BaseModel):
    """Body of POST /pieces/encode."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bucket: str
    source_key: str
    start_s: float
    end_s: float
    clip_start_s: float
    frame_s: float
    anchor_s: float
    picture: str | None

    def job(self) -> PieceJob:
        return PieceJob(self.start_s, self.end_s, self.clip_start_s, self.frame_s,
                        self.anchor_s, self.picture)  # fmt: skip


class RemotePieces:
    """A liveclips.media.render.PieceEncoder that sends each piece to the next worker URL."""

    def __init__(self, urls: list[str], *, bucket: str, scratch_prefix: str) -> None:
        if not urls:
            raise ValueError("fan-out needs at least one worker URL")
        self._urls = itertools.cycle(urls)
        self._bucket, self._prefix = bucket, scratch_prefix
        self._lock = threading.Lock()
        self._uploaded: dict[Path, str] = {}

    def __call__(self, source: Path, job: PieceJob, target: Path) -> Path:
        body = PieceRequest(bucket=self._bucket, source_key=self._upload(source), **asdict(job))
        with self._lock:
            url = next(self._urls)
        answer = httpx.post(
            f"{url.rstrip('/')}/pieces/encode",
            content=body.model_dump_json(),
            headers={"Content-Type": "application/json"},
            timeout=_TIMEOUT_S,
        )
        answer.raise_for_status()
        target.write_bytes(answer.content)
        return target

    def cleanup(self) -> None:
        for key in self._uploaded.values():
            s3.client().delete_object(Bucket=self._bucket, Key=key)

    def _upload(self, source: Path) -> str:
        with self._lock:  # every piece of a render shares the one upload
            if source not in self._uploaded:
                key = f"{self._prefix}{source.name}"
                s3.upload(source, self._bucket, key, "video/mp4")
                self._uploaded[source] = key
            return self._uploaded[source]
