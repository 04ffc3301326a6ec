"""The synthetic show: where moments are planted, and that they are clearly louder."""

from __future__ import annotations

import itertools

import pytest

from liveclips.media.ffmpeg import MediaError, ffprobe_json
from liveclips_dev.studio.synth import (
    PlantedMoment,
    default_moments,
    integrated_loudness,
    synthesize_show,
)


@pytest.mark.parametrize("duration_s", [60.0, 120.0, 300.0])
def test_default_moments_are_spaced_and_clear_of_the_edges(duration_s):
    moments = default_moments(duration_s)
    assert len(moments) >= int(duration_s // 40)
    assert all(m.end_s - m.start_s == 4.0 for m in moments)
    assert moments[0].start_s >= 25.0
    assert moments[-1].end_s <= duration_s - 10.0
    gaps = [b.start_s - a.start_s for a, b in itertools.pairwise(moments)]
    assert all(35.0 <= g <= 40.0 for g in gaps)


def test_a_show_too_short_for_moments_has_none():
    assert default_moments(30.0) == []


def test_planted_moments_are_much_louder_than_the_room(tmp_path):
    # GIVEN a short synthetic show with one moment
    moment = PlantedMoment(12.0, 16.0)
    video = synthesize_show(tmp_path / "show.mp4", 24.0, [moment], width=160, height=90)
    # THEN it is an H.264 + AAC 48 kHz file of the asked size and length
    probe = ffprobe_json(video, ["-show_entries", "stream=codec_name,width,sample_rate"])
    codecs = {s["codec_name"]: s for s in probe["streams"]}
    assert codecs["h264"]["width"] == 160
    assert codecs["aac"]["sample_rate"] == "48000"
    # AND the moment is at least 15 LU louder than the room around it
    loud = integrated_loudness(video, moment.start_s, moment.end_s)
    before = integrated_loudness(video, 2.0, 11.0)
    after = integrated_loudness(video, 17.0, 23.0)
    assert loud - max(before, after) >= 15.0
    assert -14.0 <= loud <= -9.0
    assert -37.0 <= before <= -29.0


def test_a_moment_outside_the_show_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="not inside"):
        synthesize_show(tmp_path / "x.mp4", 10.0, [PlantedMoment(8.0, 12.0)])


def test_ffmpeg_failures_carry_its_error_output(tmp_path):
    not_media = tmp_path / "notes.mp4"
    not_media.write_text("not a video")
    with pytest.raises(MediaError, match="Invalid data found"):
        integrated_loudness(not_media, 0.0, 1.0)
