"""Cloud Run service the render queue's tasks are delivered to.

Cloud Tasks retries every non-2xx answer, so the status code says what should happen
next: 200 done (or already done), 503 retry later (the recording has not reached the
clip's end yet), 500 retry (anything else, until the last attempt), and a body that can
never be rendered (a PermanentError, or a failure on the last attempt) is dead-lettered
and answered 200 so that it is not retried forever (liveclips.delivery). Nothing here
blocks the event loop: renders, Spanner reads and the dead-letter publish run in threads.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from clip_workers.pieces import PieceRequest
from clip_workers.render import render
from liveclips.adapters import s3, spanner_clips
from liveclips.adapters.config import settings
from liveclips.contracts.aws_events import describe_validation_error
from liveclips.contracts.events import RenderClipTask
from liveclips.delivery import DeadLettered, deliver_async, validate_json
from liveclips.domain.hls import NotYetAvailable
from liveclips.errors import PermanentError
from liveclips.media.render import encode_piece
from liveclips.settings import ClipWorkerSettings, require

log = logging.getLogger("liveclips.clip_worker")
# Fails the start, naming what is missing, when a variable the worker needs is not set.
require(ClipWorkerSettings)
app = FastAPI(title="liveclips clip worker")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


class GaveUp(PermanentError):
    """A render that failed on its task's last attempt: nothing is left to retry."""

    def __init__(self, reason: str, clip_id: str) -> None:
        super().__init__(reason)
        self.clip_id = clip_id


@app.post("/tasks/render")
async def render_task(request: Request) -> JSONResponse:
    body = await request.body()
    outcome = await deliver_async(
        body,
        source="clip_worker",
        validate=lambda: validate_json(RenderClipTask, body, "render task"),
        handle=_render,
    )
    if isinstance(outcome, DeadLettered):
        if isinstance(outcome.error, GaveUp):
            log.error("clip %s: %s", outcome.error.clip_id, outcome.reason)
            return JSONResponse(
                {"status": "failed", "clip_id": outcome.error.clip_id, "reason": outcome.reason}
            )
        return JSONResponse({"status": "dead_lettered", "reason": outcome.reason})
    return outcome


async def _render(task: RenderClipTask) -> JSONResponse:
    try:
        # Sync work (ffmpeg, blocking clients) runs in the threadpool, not the event loop.
        outcome = await run_in_threadpool(render, task)
    except NotYetAvailable as pending:
        return JSONResponse({"status": "retry", "reason": str(pending)}, status_code=503)
    except PermanentError:
        raise
    except Exception as error:
        if not await run_in_threadpool(_last_attempt, task):
            raise  # a 500: Cloud Tasks tries again with backoff
        raise GaveUp(f"render failed on its last attempt: {error!r}", task.clip_id) from error
    return JSONResponse({"status": outcome.status, "clip_id": outcome.clip_id, "key": outcome.key})


def _last_attempt(task: RenderClipTask) -> bool:
    return spanner_clips.give_up_after(
        task.highlight.recording_id, task.clip_id, settings().render_max_attempts
    )


@app.post("/pieces/encode")
async def encode_piece_task(request: Request) -> Response:
    """One chunk of another instance's render (clip_workers/pieces.py): the MPEG-TS back."""
    try:
        piece = PieceRequest.model_validate_json(await request.body())
    except ValidationError as error:
        return JSONResponse({"detail": describe_validation_error(error)}, status_code=422)
    data = await run_in_threadpool(_encode_piece, piece)
    return Response(data, media_type="video/MP2T")


def _encode_piece(piece: PieceRequest) -> bytes:
    with tempfile.TemporaryDirectory(prefix="piece-") as scratch:
        source = Path(scratch) / "source.mp4"
        source.write_bytes(s3.read_bytes(piece.bucket, piece.source_key))
        return encode_piece(source, piece.job(), Path(scratch) / "piece.ts").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description="liveclips clip worker")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
