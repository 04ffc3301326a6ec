"""Playlists and thumbnail tracks of rendered clips, with every reference signed.

Objects are private. A signed URL covers one object, so the relative segment URIs of an
HLS playlist (or the sprite of a WebVTT track) would lose the signature: these routes
serve the text with each reference replaced by a signed URL (liveclips/adapters/playback_urls.py:
one CloudFront policy for the clip's folder in the cloud, S3 presigned URLs locally).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from liveclips.adapters import playback_urls, s3, spanner_clips
from liveclips.api.auth import AnyCaller
from liveclips.api.errors import api_error, documented
from liveclips.domain.hls import HLS_MEDIA_TYPE, rewrite_uris
from liveclips.domain.thumbnails import rewrite_sprite_uris

router = APIRouter(prefix="/v1/clips", tags=["clips"])
RecordingId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
ClipId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get(
    "/{recording_id}/{clip_id}/hls.m3u8", response_class=Response, responses=documented(404, 410)
)
def clip_hls(recording_id: RecordingId, clip_id: ClipId, _caller: AnyCaller) -> Response:
    bucket, key = _object(recording_id, clip_id, "HlsKey")
    text = rewrite_uris(s3.read_bytes(bucket, key).decode(), signer_beside(bucket, key))
    return Response(text, media_type=HLS_MEDIA_TYPE)


@router.get(
    "/{recording_id}/{clip_id}/thumbnails.vtt",
    response_class=Response,
    responses=documented(404, 410),
)
def clip_thumbnails(recording_id: RecordingId, clip_id: ClipId, _caller: AnyCaller) -> Response:
    bucket, key = _object(recording_id, clip_id, "ThumbnailsKey")
    text = rewrite_sprite_uris(s3.read_bytes(bucket, key).decode(), signer_beside(bucket, key))
    return Response(text, media_type="text/vtt")


def _object(recording_id: str, clip_id: str, column: str) -> tuple[str, str]:
    row: dict[str, Any] | None = spanner_clips.clip_row(recording_id, clip_id)
    if row is not None and row.get("HiddenAt") is not None:
        raise api_error(410, "clip_removed", f"clip {clip_id} was taken down")
    if row is None or row.get("State") != "PUBLISHED" or not row.get(column):
        raise api_error(404, "clip_not_rendered", f"clip {clip_id} has no rendered output")
    return str(row["Bucket"]), str(row[column])


def signer_beside(bucket: str, key: str) -> Callable[[str], str]:
    """Signs a URI relative to the object at `key`, as a playlist or track names it."""
    return playback_urls.folder_signer(bucket, key.rsplit("/", 1)[0])
