"""The studio's push channel (Cloud Run): a channel's highlights, clips, chat and
moderation verdicts as server-sent events, as they are published.

    python -m liveclips.studio_events.app --host 127.0.0.1 --port 8093

`GET /events?channel_id=…&token=…`: EventSource sends no headers, so the bearer token
comes in the URL; it is verified as the API verifies it, and only the channel's creator
(or an admin) and the content team may listen. The local studio server serves the same
endpoint (liveclips_dev/localcloud/browser_ingest.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import queue
import re
from collections.abc import AsyncIterator

import uvicorn
from fastapi import HTTPException
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from liveclips.api.auth import forbid_unless_manages, verify
from liveclips.api.ownership import channel
from liveclips.domain.access import CONTENT_TEAM
from liveclips.settings import StudioEventsSettings, require
from liveclips.studio_events.hub import Feed, Hub

log = logging.getLogger("liveclips.studio_events")
KEEPALIVE_S = 15.0  # a comment line, so proxies and load balancers keep the stream open
_CHANNEL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HUB = Hub()
FEED = Feed(HUB)


def _refused(error: HTTPException) -> JSONResponse:
    return JSONResponse({"detail": error.detail}, status_code=error.status_code)


def _may_listen(token: str, channel_id: str) -> None:
    caller = verify(token)
    found = channel(channel_id)
    if caller.role not in CONTENT_TEAM:
        forbid_unless_manages(caller, found.owner_user_id, f"channel {channel_id}")


async def events(request: Request) -> Response:
    channel_id = request.query_params.get("channel_id", "")
    if not _CHANNEL_ID.match(channel_id):
        detail = {"code": "invalid_channel_id", "message": "channel_id: 1-64 of A-Z a-z 0-9 _ -"}
        return JSONResponse({"detail": detail}, status_code=422)
    try:
        await run_in_threadpool(_may_listen, request.query_params.get("token", ""), channel_id)
    except HTTPException as error:
        return _refused(error)
    page = HUB.listen(channel_id)

    async def stream() -> AsyncIterator[str]:
        yield "event: ready\ndata: {}\n\n"
        try:
            while True:
                try:
                    event = await run_in_threadpool(page.get, True, KEEPALIVE_S)
                except queue.Empty:
                    yield ": keepalive\n\n"
                    continue
                kind = str(event.get("type", "message")).replace("\n", " ")
                yield f"event: {kind}\ndata: {json.dumps(event)}\n\n"
        finally:
            HUB.leave(channel_id, page)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok", "subscriptions": len(FEED.subscriptions)})


@contextlib.asynccontextmanager
async def _lifespan(_app: Starlette) -> AsyncIterator[None]:
    FEED.start()
    try:
        yield
    finally:
        FEED.stop()


app = Starlette(lifespan=_lifespan, routes=[Route("/healthz", healthz), Route("/events", events)])


def main() -> None:
    parser = argparse.ArgumentParser(description="the studio's server-sent events")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8093)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    require(StudioEventsSettings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
