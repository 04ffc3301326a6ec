"""Lost/duplicated accounting and percentiles of the load bench (bench/show_accounting.py)."""

from __future__ import annotations

import pytest

from bench.show_accounting import (
    Clip,
    Highlight,
    Moment,
    account_show,
    covers,
    max_overlap,
    percentile,
    repeats,
    round_totals,
    summarize,
)

T0 = 1_800_000_000.0
PRESETS = ("vertical", "landscape")
MOMENT = Moment(26.0, 30.0, ended_at=T0 + 30.0)


def highlight(hid: str = "h1", start: float = 26.0, end: float = 30.0, **kw: object) -> Highlight:
    fields: dict[str, object] = {"status": "APPROVED", "detected_at": T0 + 32.0} | kw
    return Highlight(hid, start_s=start, end_s=end, **fields)  # type: ignore[arg-type]


def clip(
    hid: str = "h1",
    preset: str = "vertical",
    start: float = 25.0,
    end: float = 31.0,
    *,
    rendered: float | None = T0 + 45.0,
    published: float | None = T0 + 33.0,
    cid: str | None = None,
) -> Clip:
    return Clip(
        clip_id=cid or f"{hid}-{preset}-{start}",
        highlight_id=hid,
        preset=preset,
        state="PUBLISHED" if rendered is not None else "RENDERING",
        start_s=start,
        end_s=end,
        published_at=published,
        rendered_at=rendered,
    )


def account(highlights: list[Highlight], clips: list[Clip], moments: list[Moment] | None = None):
    return account_show(
        moments or [MOMENT], highlights, clips, presets=PRESETS, feed_preset="vertical"
    )


def test_a_moment_clipped_in_every_preset_is_found_once_with_its_latencies():
    got = account([highlight()], [clip(), clip(preset="landscape", published=None)])
    assert got.lost == 0
    assert got.missing_presets == {}
    assert got.duplicate_clips == {}
    assert got.duplicate_highlights == 0
    (result,) = got.moments
    assert (result.detected_s, result.instant_s, result.rendered_s) == (2.0, 3.0, 15.0)


def test_a_moment_without_a_feed_clip_is_lost_even_when_another_preset_covers_it():
    got = account([highlight()], [clip(preset="landscape")])
    assert got.lost == 1
    assert got.missing_presets == {"h1": ["vertical"]}
    assert got.moments[0].instant_s is None


def test_a_clip_that_misses_part_of_the_moment_does_not_cover_it():
    assert covers(26.4, 29.6, MOMENT)  # within the whole-second slack
    assert not covers(27.0, 40.0, MOMENT)
    got = account([highlight(start=28.0)], [clip(start=28.0, end=40.0)])
    assert got.lost == 1


def test_an_instant_clip_counts_as_found_but_its_rendered_latency_is_unknown():
    got = account([highlight()], [clip(rendered=None), clip(preset="landscape")])
    assert got.lost == 0
    assert got.moments[0].rendered_s is None
    assert got.missing_presets == {"h1": ["vertical"]}


def test_two_highlights_on_one_moment_and_two_clips_of_one_preset_are_duplicates():
    highlights = [highlight("h1"), highlight("h2", start=27.0, end=31.0)]
    clips = [
        clip("h1"),
        clip("h1", start=25.5, cid="again"),
        clip("h1", "landscape"),
        clip("h2"),
        clip("h2", "landscape"),
    ]
    got = account(highlights, clips)
    assert got.duplicate_highlights == 1
    assert got.duplicate_clips == {"h1/vertical": 2}
    assert round_totals([got])["duplicate_clips"] == 1


def test_first_covering_clip_sets_the_latency_and_false_alarms_are_counted_apart():
    highlights = [highlight("h1"), highlight("far", start=5.0, end=9.0)]
    clips = [clip(published=T0 + 40.0), clip("h1", start=24.0, published=T0 + 35.0, cid="b")]
    got = account(highlights, clips)
    assert got.moments[0].instant_s == 5.0
    assert got.extra_highlights == ("far",)


def test_rejected_highlights_are_ignored_and_pending_ones_reported():
    got = account([highlight(status="REJECTED"), highlight("p", status="PENDING_APPROVAL")], [])
    assert got.moments[0].highlight_ids == ("p",)
    assert got.pending == ("p",)
    assert got.missing_presets == {}


def test_round_totals_add_up_over_shows():
    found = account([highlight()], [clip(), clip(preset="landscape")])
    lost = account([], [])
    totals = round_totals([found, lost])
    assert (totals["moments"], totals["lost"], totals["presets_missing"]) == (2, 1, 0)
    assert totals["instant_s"] == {"n": 1, "p50": 3.0, "p95": 3.0, "max": 3.0}
    assert totals["decision_to_instant_s"] == {"n": 1, "p50": 1.0, "p95": 1.0, "max": 1.0}
    assert totals["decision_to_rendered_s"]["max"] == 13.0


def test_percentile_interpolates_like_numpy():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 95) == pytest.approx(8.8)
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summarize_skips_missing_values_and_repeats_finds_duplicates():
    assert summarize([None, None]) is None
    assert summarize([2.0, None, 4.0]) == {"n": 2, "p50": 3.0, "p95": 3.9, "max": 4.0}
    assert repeats(["a", "b", "a", "c", "a"]) == {"a": 3}


def test_max_overlap_counts_intervals_open_at_once_and_back_to_back_is_not_overlap():
    assert max_overlap([]) == 0
    assert max_overlap([(0.0, 5.0), (5.0, 9.0), (9.0, 12.0)]) == 1
    assert max_overlap([(0.0, 5.0), (4.0, 9.0), (4.5, 4.8)]) == 3
