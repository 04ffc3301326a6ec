"""An instant clip: an HLS playlist over the recording's own segments, no media written.

It exists a second after the decision, the way Mux and Cloudflare instant clips do, and is
replaced in the feed when the rendered clip lands. It is as accurate as the playlist it
is cut from: IVS byte-range playlists address each ~2 s keyframe interval. The start is
made exact with EXT-X-START PRECISE (players begin playback at the moment itself).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from liveclips.domain.hls import MediaPlaylist, PlaylistSegment


def instant_manifest(
    playlist: MediaPlaylist,
    start_s: float,
    end_s: float,
    segment_url: Callable[[PlaylistSegment], str],
) -> str:
    chosen = [s for s in playlist.segments if s.end_s > start_s and s.start_s < end_s]
    if not chosen:
        raise ValueError(f"no segment of the playlist covers {start_s:.2f}-{end_s:.2f}s")
    byte_ranges = any(s.byte_range for s in chosen)
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{4 if byte_ranges else 3}",
        f"#EXT-X-TARGETDURATION:{math.ceil(max(s.duration_s for s in chosen))}",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        f"#EXT-X-START:TIME-OFFSET={start_s - chosen[0].start_s:.3f},PRECISE=YES",
    ]
    for segment in chosen:
        if segment.program_date_time is not None:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{_rfc3339_ms(segment.program_date_time)}")
        lines.append(f"#EXTINF:{segment.duration_s:.3f},")
        if segment.byte_range is not None:
            length, offset = segment.byte_range
            lines.append(f"#EXT-X-BYTERANGE:{length}@{offset}")
        lines.append(segment_url(segment))
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _rfc3339_ms(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
