"""Loudness measurements with ffmpeg: loudnorm's first pass, and a check of a finished clip.

The plan for pass two is made from the measurement by liveclips.domain.loudness.plan_loudnorm.
"""

from __future__ import annotations

from pathlib import Path

from liveclips.domain.loudness import (
    TARGET_I,
    TARGET_LRA,
    TARGET_TP,
    LoudnessMeasurement,
    OutputLoudness,
    parse_ebur128_summary,
    parse_loudnorm_json,
)
from liveclips.media.ffmpeg import run_ffmpeg

# Pass one runs with pass two's default targets: its target_offset (the gain it still
# missed by) is only meaningful for the same targets.
_FIRST_PASS = f"loudnorm=I={TARGET_I}:TP={TARGET_TP}:LRA={TARGET_LRA}:print_format=json"
# framelog=verbose moves the 10-per-second frame lines below the "info" level we read the
# summary at; true-peak mode oversamples 4x, as BS.1770 asks.
_METER = "ebur128=peak=true:framelog=verbose"


def measure(
    source: Path, *, seek_s: float = 0, duration_s: float | None = None
) -> LoudnessMeasurement:
    """Loudnorm's first pass over the audio of `source` from seek_s for duration_s (else to
    the end); pass the same span the render cuts, or the plan is for different audio.

    MediaError if ffmpeg fails, e.g. when the file has no audio stream.
    """
    # The first audio stream, as renders map it (not ffmpeg's pick, the one with most channels).
    done = run_ffmpeg(
        [*_span(seek_s, duration_s), "-i", str(source), "-map", "0:a:0",
         "-af", _FIRST_PASS, "-f", "null", "-"],
        log_level="info",
    )  # fmt: skip
    return parse_loudnorm_json(done.stderr)


def measure_output(path: Path) -> OutputLoudness:
    """Integrated loudness and true peak of a finished file, for the clip's metadata.

    Metered with ebur128 rather than loudnorm, so a render is checked by an independent
    meter running at the file's own sample rate. Silence reads -70.0 LUFS (ebur128's floor)
    and -120.0 dBTP.
    """
    done = run_ffmpeg(
        ["-i", str(path), "-map", "0:a:0", "-af", _METER, "-f", "null", "-"],
        log_level="info",
    )
    return parse_ebur128_summary(done.stderr)


def _span(seek_s: float, duration_s: float | None) -> list[str]:
    # As input options, so that only this span is decoded and metered.
    seek = ["-ss", f"{seek_s:.6f}"] if seek_s else []
    return [*seek, "-t", f"{duration_s:.6f}"] if duration_s is not None else seek
