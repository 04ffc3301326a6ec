"""A synthetic show: moving test video, a quiet room, and a few planted loud "moments".

The planted moments are the ground truth for highlight detection: the audio is a quiet
room bed (about -33 LUFS) and each moment is crowd-like noise plus pulsing tone bursts
(about -11 LUFS), with a tinted band on screen so a human can spot them too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from liveclips.media.ffmpeg import run_ffmpeg

MOMENT_EVERY_S = 35.0
MOMENT_LENGTH_S = 4.0
QUIET_HEAD_S = 25.0  # the highlight engine learns the room for its first ~20 s
QUIET_TAIL_S = 10.0

# Amplitudes measured with ebur128 to land the bed near -33 LUFS and moments near -11 LUFS.
_BED_NOISE_AMPLITUDE = 0.12
_BED_TONE_VOLUME = 0.04
_CROWD_AMPLITUDE = 0.36
_BURST_VOLUME = 0.15
_SAMPLE_RATE = 48_000

_INTEGRATED_RE = re.compile(r"Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf) LUFS")


@dataclass(frozen=True)
class PlantedMoment:
    start_s: float
    end_s: float


def default_moments(duration_s: float) -> list[PlantedMoment]:
    """One 4 s moment every 35 s, clear of the first 25 s and the last 10 s."""
    moments: list[PlantedMoment] = []
    start = QUIET_HEAD_S + 5.0
    while start + MOMENT_LENGTH_S <= duration_s - QUIET_TAIL_S:
        moments.append(PlantedMoment(start, start + MOMENT_LENGTH_S))
        start += MOMENT_EVERY_S
    return moments


def _during_moments(moments: Sequence[PlantedMoment]) -> str:
    """An ffmpeg expression that is 1 inside any moment and 0 elsewhere."""
    if not moments:
        return "0"
    return "+".join(f"between(t,{m.start_s:.3f},{m.end_s:.3f})" for m in moments)


def _filter_graph(duration_s: float, moments: Sequence[PlantedMoment], fps: int) -> str:
    during = _during_moments(moments)
    d = f"{duration_s:.3f}"
    sr = _SAMPLE_RATE
    return ";".join(
        [
            f"[0:v]drawbox=x=0:y=ih*2/3:w=iw:h=ih/3:color=red@0.6:t=fill:enable='{during}',"
            f"format=yuv420p,fps={fps}[v]",
            # The room: pink noise plus a faint hum, so silence detection never triggers.
            f"anoisesrc=color=pink:amplitude={_BED_NOISE_AMPLITUDE}:sample_rate={sr}:d={d}[bed]",
            f"sine=frequency=110:sample_rate={sr}:d={d},volume={_BED_TONE_VOLUME}[hum]",
            # The crowd: broadband noise gated to the moments.
            f"anoisesrc=color=white:amplitude={_CROWD_AMPLITUDE}:sample_rate={sr}:d={d},"
            f"volume=volume='{during}':eval=frame[crowd]",
            # Claps/horns: a tone pulsing at 5 Hz, also gated to the moments.
            f"sine=frequency=880:sample_rate={sr}:d={d},"
            f"volume=volume='{_BURST_VOLUME}*({during})*gt(sin(2*PI*5*t),0)':eval=frame[burst]",
            "[bed][hum][crowd][burst]amix=inputs=4:normalize=0:duration=first[a]",
        ]
    )


def synthesize_show(
    out: Path,
    duration_s: float,
    moments: Sequence[PlantedMoment],
    *,
    width: int = 1280,
    height: int = 720,
    fps: int = 30,
) -> Path:
    """Render the show to ``out`` (MP4, H.264 + AAC 48 kHz) in one ffmpeg run; returns ``out``."""
    if duration_s <= 0:
        raise ValueError(f"duration must be positive, got {duration_s}")
    for moment in moments:
        if not 0 <= moment.start_s < moment.end_s <= duration_s:
            raise ValueError(f"moment {moment} is not inside the {duration_s:.1f} s show")
    out.parent.mkdir(parents=True, exist_ok=True)
    run_ffmpeg(
        [
            "-f", "lavfi",
            "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={duration_s:.3f}",
            "-filter_complex", _filter_graph(duration_s, moments, fps),
            "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "32", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-ar", str(_SAMPLE_RATE), "-b:a", "128k",
            "-movflags", "+faststart",
            "-t", f"{duration_s:.3f}",
            str(out),
        ]
    )  # fmt: skip
    return out


def integrated_loudness(media: Path, start_s: float, end_s: float) -> float:
    """EBU R128 integrated loudness (LUFS) of ``media`` between two instants."""
    stderr = run_ffmpeg(
        [
            "-ss", f"{start_s:.3f}", "-t", f"{end_s - start_s:.3f}", "-i", str(media),
            "-vn", "-af", "ebur128=framelog=verbose", "-f", "null", "-",
        ],
        log_level="info",  # the summary ebur128 prints is an info-level log line
    ).stderr  # fmt: skip
    match = _INTEGRATED_RE.search(stderr)
    if match is None:
        raise ValueError(f"no ebur128 summary in ffmpeg output for {media}")
    return float("-inf") if match.group(1) == "-inf" else float(match.group(1))
