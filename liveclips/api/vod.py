"""On-demand titles: a creator's upload, a title's state and ladder, and its HLS.

Objects are private and a signed URL covers one object, so the playlists are served
here: the master with each rendition pointing back at this API, each rendition with
every segment signed (as liveclips/api/clip_media.py does for clips).
"""

from __future__ import annotations

import posixpath
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response

from liveclips.adapters import s3, spanner_vod
from liveclips.adapters.config import settings
from liveclips.adapters.spanner_vod import VodTitle
from liveclips.api.auth import AnyCaller, CreatorCaller
from liveclips.api.clip_media import signer_beside
from liveclips.api.errors import documented
from liveclips.api.models import (
    ID_PATTERN,
    UploadRequest,
    UploadTicketView,
    VodRenditionView,
    VodTitleView,
)
from liveclips.api.ownership import managed_channel
from liveclips.domain.hls import HLS_MEDIA_TYPE, rewrite_uris
from liveclips.services import uploads

router = APIRouter(prefix="/v1", tags=["video on demand"])
TitleId = Annotated[str, Path(min_length=1, max_length=36, pattern=ID_PATTERN)]
Rendition = Annotated[str, Path(pattern=r"^[A-Za-z0-9_]{1,64}\.m3u8$")]


@router.post(
    "/uploads", response_model=UploadTicketView, status_code=201, responses=documented(400, 404)
)
def request_upload(body: UploadRequest, caller: CreatorCaller) -> UploadTicketView:
    """A presigned S3 form upload for a past broadcast on one of the caller's channels;
    POST the file to `url` with `fields` (the policy caps the size at `size_bytes`).
    Processing starts when it lands."""
    managed_channel(caller, body.channel_id)
    try:
        ticket = uploads.request_upload(
            channel_id=body.channel_id,
            title=body.title,
            content_type=body.content_type,
            size_bytes=body.size_bytes,
        )
    except ValueError as error:
        raise HTTPException(422, {"code": "invalid_upload", "message": str(error)}) from error
    return UploadTicketView(
        upload_id=ticket.upload_id, url=ticket.url, fields=ticket.fields,
        expires_at=ticket.expires_at,
    )  # fmt: skip


@router.get("/vod/{title_id}", response_model=VodTitleView, responses=documented(404))
def title_detail(title_id: TitleId, request: Request, _caller: AnyCaller) -> VodTitleView:
    title = _title(title_id)
    ready = title.state == "READY"
    return VodTitleView(
        id=title.title_id,
        kind=title.kind,
        channel_id=title.channel_id,
        recording_id=title.recording_id,
        title=title.title,
        state=title.state,
        duration_s=title.duration_ms / 1000 if title.duration_ms else None,
        poster_url=_poster(title),
        hls_url=f"{str(request.base_url).rstrip('/')}/v1/vod/{title_id}/master.m3u8"
        if ready
        else None,
        renditions=[
            VodRenditionView(name=r.name, width=r.width, height=r.height, bandwidth=r.bandwidth)
            for r in (spanner_vod.renditions(title_id) if ready else [])
        ],
        error=title.last_error if title.state == "FAILED" else None,
    )


@router.get("/vod/{title_id}/master.m3u8", response_class=Response, responses=documented(404, 409))
def master_playlist(title_id: TitleId, request: Request, _caller: AnyCaller) -> Response:
    title = _ready(title_id)
    assert title.bucket and title.master_key  # noqa: S101  # READY titles have both
    base = f"{str(request.base_url).rstrip('/')}/v1/vod/{title_id}"
    text = rewrite_uris(
        s3.read_bytes(title.bucket, title.master_key).decode(), lambda uri: f"{base}/{uri}"
    )
    return Response(text, media_type=HLS_MEDIA_TYPE)


@router.get("/vod/{title_id}/{rendition}", response_class=Response, responses=documented(404, 409))
def rendition_playlist(title_id: TitleId, rendition: Rendition, _caller: AnyCaller) -> Response:
    title = _ready(title_id)
    key = next(
        (r.playlist_key for r in spanner_vod.renditions(title_id)
         if posixpath.basename(r.playlist_key) == rendition),
        None,
    )  # fmt: skip
    if key is None or title.bucket is None:
        raise HTTPException(404, {"code": "rendition_not_found", "message": rendition})
    text = rewrite_uris(s3.read_bytes(title.bucket, key).decode(), signer_beside(title.bucket, key))
    return Response(text, media_type=HLS_MEDIA_TYPE)


def _title(title_id: str) -> VodTitle:
    title = spanner_vod.get(title_id)
    if title is None:
        raise HTTPException(404, {"code": "title_not_found", "message": title_id})
    return title


def _ready(title_id: str) -> VodTitle:
    title = _title(title_id)
    if title.state != "READY":
        raise HTTPException(
            409, {"code": "title_not_ready", "message": f"{title_id} is {title.state}"}
        )
    return title


def _poster(title: VodTitle) -> str | None:
    # Job outputs and an upload's ingest poster both live in the media bucket.
    return s3.signed_url(settings().media_bucket, title.poster_key) if title.poster_key else None
