"""Two-pass EBU R128 loudness normalisation with ffmpeg's loudnorm: reading pass one, planning
pass two.

Pass one runs loudnorm with print_format=json over the clip and reports what it measured.
Pass two feeds those measurements back so loudnorm can apply one constant gain ("linear")
instead of riding the gain and limiting peaks ("dynamic"), which audibly pumps speech and
music. loudnorm decides the mode itself, silently; `plan_loudnorm` predicts its decision with
the same arithmetic so the render can log why a clip was compressed.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Literal

from liveclips.errors import LiveclipsError

TARGET_I = -14.0  # LUFS: what the feed's players and the big platforms normalise to
TARGET_TP = -1.0  # dBTP: headroom for lossy encoding, which adds inter-sample peaks
TARGET_LRA = 11.0  # LU
# Below the BS.1770 absolute gate no 400 ms block counts, so the integrated loudness is
# undefined (loudnorm prints -inf): there is nothing to normalise.
SILENCE_LUFS = -70.0
# loudnorm's LRA option range in ffmpeg 5.1 (`ffmpeg -h filter=loudnorm`); some older builds
# stop at 20.
MAX_TARGET_LRA = 50.0
MIN_TARGET_LRA = 1.0
SHORT_INPUT_S = 3.0  # loudnorm's dynamic mode works on a 3 s window

Mode = Literal["linear", "dynamic", "silent"]

# loudnorm prints its report as the last {...} on stderr, after ffmpeg's own log lines.
_REPORT = re.compile(r"\{[^{}]*\"input_i\"[^{}]*\}")
_EBUR128_I = re.compile(r"Integrated loudness:\s*I:\s*(\S+) LUFS")
_EBUR128_PEAK = re.compile(r"True peak:\s*Peak:\s*(\S+) dBFS")


class LoudnessReportError(LiveclipsError, ValueError):
    """ffmpeg's output holds no loudness report to read."""


@dataclass(frozen=True)
class LoudnessMeasurement:
    """What loudnorm measured on its input; -inf loudness and peak mean digital silence."""

    integrated_lufs: float
    true_peak_dbtp: float
    lra_lu: float
    threshold_lufs: float
    target_offset_lu: float  # gain pass one still missed its target by (dynamic mode only)

    @property
    def is_silent(self) -> bool:
        return not math.isfinite(self.integrated_lufs) or self.integrated_lufs < SILENCE_LUFS


@dataclass(frozen=True)
class OutputLoudness:
    """Loudness of a finished clip, for its metadata; floored at -120.0 so it stays JSON."""

    integrated_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class LoudnormPlan:
    filter: str  # an -af value for pass two (audio leaves loudnorm at 192 kHz)
    mode: Mode  # what loudnorm will do with it
    reason: str


def loudnorm_report(stderr_text: str) -> dict[str, str]:
    """The last JSON report loudnorm (print_format=json) wrote to stderr, values as printed."""
    found = _REPORT.findall(stderr_text)
    if not found:
        raise LoudnessReportError("no loudnorm JSON report in ffmpeg's output")
    report: dict[str, str] = json.loads(found[-1])
    return report


def parse_loudnorm_json(stderr_text: str) -> LoudnessMeasurement:
    """The input measurements of a loudnorm print_format=json run (its first pass)."""
    report = loudnorm_report(stderr_text)
    try:
        # float() reads the "-inf"/"inf" loudnorm prints for silence.
        return LoudnessMeasurement(
            integrated_lufs=float(report["input_i"]),
            true_peak_dbtp=float(report["input_tp"]),
            lra_lu=float(report["input_lra"]),
            threshold_lufs=float(report["input_thresh"]),
            target_offset_lu=float(report["target_offset"]),
        )
    except (KeyError, ValueError) as exc:
        raise LoudnessReportError(f"unreadable loudnorm report {report}: {exc}") from exc


def parse_ebur128_summary(stderr_text: str) -> OutputLoudness:
    """Integrated loudness and true peak from the summary of ebur128=peak=true."""
    loudness = _EBUR128_I.findall(stderr_text)
    peak = _EBUR128_PEAK.findall(stderr_text)
    if not loudness or not peak:
        raise LoudnessReportError("no ebur128 summary with a true peak in ffmpeg's output")
    return OutputLoudness(_floored(loudness[-1]), _floored(peak[-1]))


def plan_loudnorm(
    measured: LoudnessMeasurement,
    *,
    target_i: float = TARGET_I,
    target_tp: float = TARGET_TP,
    target_lra: float = TARGET_LRA,
    duration_s: float | None = None,
) -> LoudnormPlan:
    """The second-pass filter for `measured` audio and the mode loudnorm will pick with it.

    Pass `duration_s` (the length of the measured span): under SHORT_INPUT_S loudnorm cannot
    run its dynamic mode, and ffmpeg 5.1's fallback for that case is broken (see below).
    """
    _check_targets(target_i, target_tp, target_lra)
    target_i, target_tp, target_lra = map(_two_places, (target_i, target_tp, target_lra))
    if measured.is_silent or not math.isfinite(measured.true_peak_dbtp):
        return LoudnormPlan(
            filter="anull",
            mode="silent",
            reason=(
                f"input is silent (integrated {measured.integrated_lufs} LUFS, below the "
                f"{SILENCE_LUFS:g} LUFS gate): no gain can reach {target_i:g} LUFS, "
                "audio passes through unchanged"
            ),
        )
    fed = _fed_back(measured)
    # Linear mode needs measured LRA <= target LRA; our LRA target is a ceiling we would
    # rather raise (up to loudnorm's maximum) than let the whole clip be compressed.
    lra_target = _two_places(max(target_lra, min(fed.lra, MAX_TARGET_LRA)))
    # The same double arithmetic loudnorm does on the same two-decimal values, so the
    # prediction flips exactly where loudnorm's does.
    gain = target_i - fed.i
    peak_after = fed.tp + gain
    blockers = []
    if peak_after > target_tp:
        blockers.append(
            f"a constant gain of {gain:+.2f} dB would put the true peak at {peak_after:+.2f} "
            f"dBTP, above the {target_tp:+.2f} dBTP ceiling"
        )
    if fed.lra > lra_target:
        blockers.append(
            f"the loudness range {fed.lra:.2f} LU exceeds the largest LRA target loudnorm "
            f"accepts ({MAX_TARGET_LRA:g} LU)"
        )
    if blockers and duration_s is not None and duration_s < SHORT_INPUT_S:
        # Dynamic mode needs a 3 s look-ahead; on shorter input ffmpeg 5.1 falls back to a
        # "linear" gain of (ceiling - peak) as linear amplitudes, i.e. about -20 dB and with
        # the polarity inverted. A plain volume at the most gain the peak allows is what
        # that fallback meant to do.
        peak_gain = _two_places(min(gain, target_tp - fed.tp))
        return LoudnormPlan(
            filter=f"volume={peak_gain:.2f}dB",
            mode="linear",
            reason=(
                f"{duration_s:.2f} s is too short for loudnorm's dynamic mode and "
                + " and ".join(blockers)
                + f"; a constant {peak_gain:+.2f} dB keeps the peak at {target_tp:+.2f} dBTP "
                f"and reaches only {fed.i + peak_gain:.2f} LUFS"
            ),
        )
    if blockers:
        mode: Mode = "dynamic"
        reason = " and ".join(blockers) + ": loudnorm will ride the gain and limit peaks"
    else:
        mode = "linear"
        reason = (
            f"one constant gain of {gain:+.2f} dB reaches {target_i:g} LUFS with the true "
            f"peak at {peak_after:+.2f} dBTP (ceiling {target_tp:+.2f})"
        )
    if lra_target > target_lra:
        reason += f"; LRA target raised from {target_lra:g} to {lra_target:g} LU to cover the "
        reason += "measured range"
    loudnorm = (
        f"loudnorm=I={target_i:.2f}:TP={target_tp:.2f}:LRA={lra_target:.2f}"
        f":measured_I={fed.i:.2f}:measured_TP={fed.tp:.2f}:measured_LRA={fed.lra:.2f}"
        f":measured_thresh={fed.thresh:.2f}:offset={fed.offset:.2f}"
        ":linear=true:print_format=summary"
    )
    return LoudnormPlan(filter=loudnorm, mode=mode, reason=reason)


@dataclass(frozen=True)
class _FedBack:
    i: float
    tp: float
    lra: float
    thresh: float
    offset: float


def _fed_back(measured: LoudnessMeasurement) -> _FedBack:
    """The measurements as pass two's options: two decimals, inside loudnorm's ranges."""
    # loudnorm reads 0 LUFS, 0 LU, -70 LUFS and 99 dBTP as "not measured" and then refuses
    # linear mode. A steady tone or music bed really measures LRA 0.00, so nudge each value
    # off its sentinel; only measured I and TP enter the linear gain, the others only gate it.
    thresh = _two_places(min(max(measured.threshold_lufs, -99.0), 0.0))
    offset = measured.target_offset_lu if math.isfinite(measured.target_offset_lu) else 0.0
    return _FedBack(
        i=_two_places(min(max(measured.integrated_lufs, -99.0), -0.01)),
        tp=_two_places(min(max(measured.true_peak_dbtp, -99.0), 98.99)),
        lra=_two_places(min(max(measured.lra_lu, 0.01), 99.0)),
        thresh=-70.01 if thresh == -70.0 else thresh,
        offset=_two_places(min(max(offset, -99.0), 99.0)),
    )


def _check_targets(target_i: float, target_tp: float, target_lra: float) -> None:
    # loudnorm rejects values outside these ranges and fails the whole render.
    if not -70.0 <= target_i <= -5.0:
        raise ValueError(f"target I {target_i} LUFS is outside loudnorm's -70..-5")
    if not -9.0 <= target_tp <= 0.0:
        raise ValueError(f"target TP {target_tp} dBTP is outside loudnorm's -9..0")
    if not MIN_TARGET_LRA <= target_lra <= MAX_TARGET_LRA:
        raise ValueError(f"target LRA {target_lra} LU is outside loudnorm's 1..50")


def _two_places(value: float) -> float:
    # The value ffmpeg will parse from the filter string.
    return float(f"{value:.2f}")


def _floored(text: str) -> float:
    value = float(text)
    return -120.0 if math.isnan(value) else max(value, -120.0)
