"""Playlists and thumbnail tracks of rendered clips, with every reference signed.

Objects are private. A signed URL covers one object, so the relative segment URIs of an
HLS playlist (or the sprite of a WebVTT track) would lose the signature: these routes
serve the text with each reference replaced by its own expiring signed URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Response

from adapters import s3, spanner_clips
from domain.hls import HLS_MEDIA_TYPE, rewrite_uris
from domain.thumbnails import rewrite_sprite_uris

router = APIRouter(prefix="/v1/clips", tags=["clips"])


@router.get("/{recording_id}/{clip_id}/hls.m3u8", response_class=Response)
def clip_hls(recording_id: str, clip_id: str) -> Response:
    bucket, key = _object(recording_id, clip_id, "HlsKey")
    text = rewrite_uris(s3.read_bytes(bucket, key).decode(), signer_beside(bucket, key))
    return Response(text, media_type=HLS_MEDIA_TYPE)


@router.get("/{recording_id}/{clip_id}/thumbnails.vtt", response_class=Response)
def clip_thumbnails(recording_id: str, clip_id: str) -> Response:
    bucket, key = _object(recording_id, clip_id, "ThumbnailsKey")
    text = rewrite_sprite_uris(s3.read_bytes(bucket, key).decode(), signer_beside(bucket, key))
    return Response(text, media_type="text/vtt")


def _object(recording_id: str, clip_id: str, column: str) -> tuple[str, str]:
    row: dict[str, Any] | None = spanner_clips.clip_row(recording_id, clip_id)
    if row is None or row.get("State") != "PUBLISHED" or not row.get(column):
        raise HTTPException(
            404, {"code": "clip_not_rendered", "message": f"clip {clip_id} has no rendered output"}
        )
    return str(row["Bucket"]), str(row[column])


def signer_beside(bucket: str, key: str) -> Callable[[str], str]:
    """Signs a URI relative to the object at `key`, as a playlist or track names it."""
    folder = key.rsplit("/", 1)[0]
    return lambda uri: s3.signed_url(bucket, f"{folder}/{uri}")
