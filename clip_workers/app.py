"""Cloud Run service the render queue's tasks are delivered to.

Cloud Tasks retries every non-2xx answer, so the status code says what should happen
next: 200 done (or already done), 503 retry later (the recording has not reached the
clip's end yet), and a body that can never be rendered is dead-lettered and answered
200 so that it is not retried forever.
"""

from __future__ import annotations

import argparse
import logging

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from adapters import pubsub
from clip_workers.render import render
from domain.hls import NotYetAvailable
from schemas.aws_events import describe_validation_error
from schemas.events import RenderClipTask

log = logging.getLogger("liveclips.clip_worker")
app = FastAPI(title="liveclips clip worker")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/tasks/render")
async def render_task(request: Request) -> JSONResponse:
    body = await request.body()
    try:
        task = RenderClipTask.model_validate_json(body)
    except ValidationError as error:
        reason = f"render task: {describe_validation_error(error)}"
        log.warning("rejected: %s", reason)
        pubsub.dead_letter(body, reason=reason, source="clip_worker")
        return JSONResponse({"status": "dead_lettered", "reason": reason})
    try:
        # Sync work (ffmpeg, blocking clients) runs in the threadpool, not the event loop.
        outcome = await run_in_threadpool(render, task)
    except NotYetAvailable as pending:
        return JSONResponse({"status": "retry", "reason": str(pending)}, status_code=503)
    return JSONResponse({"status": outcome.status, "clip_id": outcome.clip_id, "key": outcome.key})


def main() -> None:
    parser = argparse.ArgumentParser(description="liveclips clip worker")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
