"""Reading loudnorm/ebur128 reports and planning loudnorm's second pass (no ffmpeg here)."""

from __future__ import annotations

import math

import pytest

from liveclips.domain.loudness import (
    MAX_TARGET_LRA,
    LoudnessMeasurement,
    LoudnessReportError,
    parse_ebur128_summary,
    parse_loudnorm_json,
    plan_loudnorm,
)

# The shape loudnorm=print_format=json leaves on stderr: ffmpeg's log, then the report.
MEASURING_LOG = """\
Input #0, lavfi, from 'sine=f=440:d=8':
  Duration: N/A, start: 0.000000, bitrate: 705 kb/s
Output #0, null, to 'pipe:':
size=N/A time=00:00:08.00 bitrate=N/A speed=61x
[Parsed_loudnorm_0 @ 0x55c9d6e59280]
{
\t"input_i" : "-31.20",
\t"input_tp" : "-27.51",
\t"input_lra" : "0.00",
\t"input_thresh" : "-41.20",
\t"output_i" : "-14.04",
\t"output_tp" : "-10.27",
\t"output_lra" : "0.00",
\t"output_thresh" : "-24.04",
\t"normalization_type" : "dynamic",
\t"target_offset" : "0.04"
}
"""
SILENT_LOG = """\
[Parsed_loudnorm_0 @ 0x559b7800fb80]
{
\t"input_i" : "-inf",
\t"input_tp" : "-inf",
\t"input_lra" : "0.00",
\t"input_thresh" : "-70.00",
\t"output_i" : "-inf",
\t"output_tp" : "-inf",
\t"output_lra" : "0.00",
\t"output_thresh" : "-70.00",
\t"normalization_type" : "dynamic",
\t"target_offset" : "inf"
}
"""
EBUR128_SUMMARY = """\
[Parsed_ebur128_0 @ 0x559301260180] Summary:

  Integrated loudness:
    I:         -14.2 LUFS
    Threshold: -24.2 LUFS

  Loudness range:
    LRA:         0.0 LU
    Threshold: -34.2 LUFS
    LRA low:   -14.2 LUFS
    LRA high:  -14.2 LUFS

  True peak:
    Peak:      -10.5 dBFS
"""


def measured(
    i: float = -30.0, tp: float = -26.0, lra: float = 3.0, offset: float = 0.1
) -> LoudnessMeasurement:
    return LoudnessMeasurement(
        integrated_lufs=i, true_peak_dbtp=tp, lra_lu=lra, threshold_lufs=i - 10,
        target_offset_lu=offset,
    )  # fmt: skip


def options(filter_text: str) -> dict[str, float]:
    """The numeric key=value options of a `loudnorm=k=v:k=v` filter."""
    name, _, args = filter_text.partition("=")
    assert name == "loudnorm"
    pairs = (arg.split("=", 1) for arg in args.split(":"))
    return {k: float(v) for k, v in pairs if k not in {"linear", "print_format"}}


def test_first_pass_report_is_read_from_the_end_of_stderr() -> None:
    got = parse_loudnorm_json(MEASURING_LOG)
    assert got == LoudnessMeasurement(-31.20, -27.51, 0.0, -41.20, 0.04)
    assert not got.is_silent


def test_silence_reads_as_infinite_and_silent() -> None:
    got = parse_loudnorm_json(SILENT_LOG)
    assert got.integrated_lufs == -math.inf
    assert got.target_offset_lu == math.inf
    assert got.is_silent


def test_output_without_a_report_is_an_error() -> None:
    with pytest.raises(LoudnessReportError):
        parse_loudnorm_json("Conversion failed!\n")
    with pytest.raises(LoudnessReportError):
        parse_loudnorm_json('{\n"input_i" : "-20.0"\n}')  # truncated report


def test_ebur128_summary_gives_integrated_and_true_peak() -> None:
    got = parse_ebur128_summary(EBUR128_SUMMARY)
    assert (got.integrated_lufs, got.true_peak_dbtp) == (-14.2, -10.5)
    silent = parse_ebur128_summary(EBUR128_SUMMARY.replace("-10.5 dBFS", "-inf dBFS"))
    assert silent.true_peak_dbtp == -120.0  # finite, so it can be stored as JSON


def test_quiet_steady_audio_is_planned_linear_with_the_measurements_fed_back() -> None:
    # GIVEN a -30 LUFS input whose peaks stay 20 dB under the ceiling after +16 dB
    m = measured(i=-30.0, tp=-26.0, lra=3.0, offset=0.1)
    # WHEN planning the second pass
    plan = plan_loudnorm(m)
    # THEN loudnorm gets the targets and every measurement back, and will stay linear
    opts = options(plan.filter)
    assert (opts["I"], opts["TP"], opts["LRA"]) == (-14.0, -1.0, 11.0)
    assert opts["measured_I"] == m.integrated_lufs
    assert opts["measured_TP"] == m.true_peak_dbtp
    assert opts["measured_LRA"] == m.lra_lu
    assert opts["measured_thresh"] == m.threshold_lufs
    assert opts["offset"] == m.target_offset_lu
    assert ":linear=true:" in plan.filter
    assert plan.mode == "linear"
    assert "+16.00 dB" in plan.reason


def test_peaks_that_the_gain_would_push_over_the_ceiling_mean_dynamic() -> None:
    # GIVEN loud, peaky audio: +2.5 dB of gain would take a -0.2 dBTP peak to +2.3 dBTP
    plan = plan_loudnorm(measured(i=-16.5, tp=-0.2, lra=2.0))
    assert plan.mode == "dynamic"
    assert "true peak at +2.30 dBTP" in plan.reason
    assert plan.filter.startswith("loudnorm=")


@pytest.mark.parametrize(("tp", "mode"), [(-7.0, "linear"), (-6.99, "dynamic")])
def test_the_ceiling_itself_is_still_linear_as_in_loudnorm(tp: float, mode: str) -> None:
    # loudnorm goes linear when measured_TP + (I - measured_I) <= TP: -7 + 6 lands on -1.
    assert plan_loudnorm(measured(i=-20.0, tp=tp)).mode == mode


def test_a_wide_loudness_range_raises_the_lra_target_instead_of_compressing() -> None:
    plan = plan_loudnorm(measured(i=-24.0, tp=-20.0, lra=16.5))
    assert options(plan.filter)["LRA"] == 16.5
    assert plan.mode == "linear"
    assert "LRA target raised from 11 to 16.5" in plan.reason


def test_a_range_beyond_loudnorms_largest_lra_target_is_dynamic() -> None:
    plan = plan_loudnorm(measured(i=-30.0, tp=-20.0, lra=MAX_TARGET_LRA + 5))
    assert options(plan.filter)["LRA"] == MAX_TARGET_LRA
    assert plan.mode == "dynamic"
    assert "loudness range" in plan.reason


def test_values_loudnorm_reads_as_not_measured_are_nudged_off_them() -> None:
    # A steady tone measures LRA 0.00, and I -60 puts the gate threshold at exactly -70:
    # loudnorm takes either for "not measured" and silently refuses linear mode.
    opts = options(plan_loudnorm(measured(i=-60.0, tp=-50.0, lra=0.0)).filter)
    assert opts["measured_LRA"] > 0
    assert opts["measured_thresh"] not in (-70.0, 0.0)
    assert options(plan_loudnorm(measured(i=0.0, tp=-0.5)).filter)["measured_I"] < 0


def test_silence_is_passed_through_not_normalised() -> None:
    plan = plan_loudnorm(parse_loudnorm_json(SILENT_LOG))
    assert plan.mode == "silent"
    assert plan.filter == "anull"
    assert "silent" in plan.reason


def test_below_the_absolute_gate_counts_as_silence() -> None:
    assert plan_loudnorm(measured(i=-75.0, tp=-60.0)).mode == "silent"


def test_short_peaky_input_gets_a_peak_limited_constant_gain_not_loudnorm() -> None:
    # GIVEN 2 s of audio that linear mode cannot take to -14 LUFS within the ceiling
    plan = plan_loudnorm(measured(i=-16.5, tp=-0.2), duration_s=2.0)
    # THEN a plain volume puts the peak on the ceiling, and says how loud that gets
    assert plan.filter == "volume=-0.80dB"
    assert plan.mode == "linear"
    assert "-17.30 LUFS" in plan.reason
    # ...while 3 s is enough for loudnorm's own dynamic mode
    assert plan_loudnorm(measured(i=-16.5, tp=-0.2), duration_s=3.0).mode == "dynamic"
    # ...and a short clip that linear mode can handle still goes through loudnorm
    assert plan_loudnorm(measured(), duration_s=2.0).filter.startswith("loudnorm=")


@pytest.mark.parametrize(
    "targets", [{"target_i": -4.0}, {"target_tp": 0.5}, {"target_lra": 0.5}, {"target_lra": 51}]
)
def test_targets_loudnorm_would_reject_are_refused_up_front(targets: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="outside loudnorm"):
        plan_loudnorm(measured(), **targets)
