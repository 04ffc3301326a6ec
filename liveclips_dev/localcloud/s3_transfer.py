"""Moving a transcode's input and outputs between S3 and a scratch directory."""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path

from liveclips.adapters import s3
from liveclips.domain.hls import parse_media_playlist

_CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/MP2T"}


def download_input(uri: str, into: Path) -> Path:
    """The object, or a media playlist with every segment it names, as local files.

    Raises OSError when S3 cannot give it (missing object, no access).
    """
    bucket, key = s3.split_uri(uri)
    into.mkdir(parents=True, exist_ok=True)
    try:
        body = s3.read_bytes(bucket, key)
        local = into / posixpath.basename(key)
        local.write_bytes(body)
        if key.endswith(".m3u8"):
            base = posixpath.dirname(key)
            # Byte-range playlists name one file many times: fetch each once.
            for uri_ in dict.fromkeys(s.uri for s in parse_media_playlist(body.decode()).segments):
                (into / uri_).parent.mkdir(parents=True, exist_ok=True)
                (into / uri_).write_bytes(s3.read_bytes(bucket, posixpath.join(base, uri_)))
    except s3.STORAGE_ERRORS as exc:
        raise OSError(f"s3://{bucket}/{key}: {exc}") from exc
    return local


def upload_tree(local_dir: Path, uri: str) -> list[str]:
    """Upload every file under local_dir below the s3:// prefix `uri`; return the keys."""
    bucket, prefix = s3.split_uri(uri)
    keys = []
    for path in sorted(p for p in local_dir.rglob("*") if p.is_file()):
        key = f"{prefix}{path.relative_to(local_dir).as_posix()}"
        content_type = _CONTENT_TYPES.get(path.suffix) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        s3.upload(path, bucket, key, content_type)
        keys.append(key)
    return keys
