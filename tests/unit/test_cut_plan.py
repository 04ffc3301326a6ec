"""Which stretches of a clip are copied and which re-encoded."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liveclips.domain.cut_plan import frames_between, plan_cut

FRAME = 1 / 30
GOP_2S = [i * 2.0 for i in range(30)]  # IVS: a keyframe every 2 s


def test_cuts_on_keyframes_copy_everything():
    plan = plan_cut(GOP_2S, 4.0, 20.0, frame_s=FRAME, copy_allowed=True)
    assert plan.mode == "copy"
    assert plan.copied_s == pytest.approx(16.0)
    assert plan.encoded_s == 0


def test_a_cut_between_keyframes_encodes_only_the_boundary_gops():
    # GIVEN a 30 s clip starting 0.5 s after a keyframe and ending 1.2 s after one
    plan = plan_cut(GOP_2S, 4.5, 35.2, frame_s=FRAME, copy_allowed=True)

    # THEN the head up to the next keyframe and the tail after the last are encoded
    assert plan.mode == "smart"
    assert [p.copy for p in plan.pieces] == [False, True, False]
    head, middle, tail = plan.pieces
    assert head.start_s == 4.5 and head.end_s == pytest.approx(6.0 - FRAME / 2)
    assert middle.end_s == pytest.approx(34.0 - FRAME / 2)
    assert tail.end_s == 35.2
    assert plan.encoded_s == pytest.approx(1.5 + 1.2)


def test_a_cropped_picture_is_encoded_throughout_in_keyframe_aligned_chunks():
    plan = plan_cut(GOP_2S, 1.0, 31.0, frame_s=FRAME, copy_allowed=False, chunk_s=10.0)
    assert plan.mode == "chunked"
    assert plan.copied_s == 0
    inner_cuts = [p.start_s + FRAME / 2 for p in plan.pieces[1:]]
    assert all(round(c, 6) in GOP_2S for c in inner_cuts)
    assert all(7.0 <= p.duration_s <= 13.0 for p in plan.pieces)


def test_short_clips_and_single_keyframe_gaps_are_one_encode():
    assert plan_cut(GOP_2S, 1.0, 15.0, frame_s=FRAME, copy_allowed=False, chunk_s=10).mode == (
        "encode"
    )
    assert plan_cut(GOP_2S, 0.5, 1.5, frame_s=FRAME, copy_allowed=True).mode == "encode"


def test_a_clip_shorter_than_a_frame_is_refused():
    with pytest.raises(ValueError, match="shorter than one frame"):
        plan_cut(GOP_2S, 3.0, 3.01, frame_s=FRAME, copy_allowed=True)


def test_a_clip_from_the_start_of_the_source_copies_from_its_first_keyframe():
    # GIVEN a fetched segment whose first frame (a keyframe) is 37.6 ms in, as IVS's are
    keyframes = [0.0376 + 2.0 * i for i in range(5)]

    # WHEN a clip starts on the segment's bound
    plan = plan_cut(keyframes, 0.0, 4.0, frame_s=FRAME, copy_allowed=True)

    # THEN no piece lies before the first frame (it would hold no frame at all)
    assert plan.mode == "smart"
    assert plan.pieces[0].copy
    assert plan.pieces[0].start_s == pytest.approx(0.0376 - FRAME / 2)


@given(
    start=st.floats(0, 40),
    first_frame=st.floats(0, 0.1),
    length=st.floats(0.2, 20),
    copy=st.booleans(),
    chunk=st.sampled_from([None, 3.0, 10.0]),
    gop=st.sampled_from([1.0, 2.0, 4.2]),
)
def test_every_encoded_piece_holds_a_frame(*, start, first_frame, length, copy, chunk, gop):
    keyframes = [first_frame + i * gop for i in range(int(70 / gop))]
    if start + length - max(start, first_frame - FRAME / 2) < FRAME:
        return  # shorter than a frame once the part before the stream is dropped
    plan = plan_cut(
        keyframes, start, start + length, frame_s=FRAME, copy_allowed=copy, chunk_s=chunk
    )
    stream_start = first_frame - FRAME / 2  # no frame exists before the first one
    for piece in plan.pieces:
        if not piece.copy:
            begin = max(piece.start_s, stream_start)
            frames = frames_between(begin, piece.end_s, anchor_s=first_frame, frame_s=FRAME)
            assert piece.end_s > begin and frames >= 1, piece


@given(
    start=st.floats(0, 40),
    length=st.floats(0.2, 20),
    copy=st.booleans(),
    chunk=st.sampled_from([None, 3.0, 10.0]),
    gop=st.sampled_from([1.0, 2.0, 4.2]),
)
def test_pieces_tile_the_clip_exactly_whatever_the_input(start, length, copy, chunk, gop):
    keyframes = [i * gop for i in range(int(70 / gop))]
    plan = plan_cut(
        keyframes, start, start + length, frame_s=FRAME, copy_allowed=copy, chunk_s=chunk
    )
    pieces = plan.pieces
    assert pieces[0].start_s <= start + FRAME / 2
    assert pieces[0].start_s >= start - FRAME  # a keyframe half a frame early is the start frame
    assert pieces[-1].end_s == start + length
    for before, after in itertools.pairwise(pieces):
        assert before.end_s == pytest.approx(after.start_s)
    assert all(p.duration_s > 0 for p in pieces)
    assert not any(p.copy for p in pieces) or copy


def test_frames_are_counted_on_the_stream_s_own_grid():
    # frames at 0.023, 0.056, ... (a stream that starts 23 ms in)
    assert frames_between(2.0, 22.0, anchor_s=0.023, frame_s=FRAME) == 600
    assert frames_between(0.0, 0.023, anchor_s=0.023, frame_s=FRAME) == 0
    assert frames_between(0.0, 0.024, anchor_s=0.023, frame_s=FRAME) == 1


@given(start=st.floats(0, 30), cuts=st.lists(st.floats(0.1, 5), min_size=1, max_size=6))
def test_frame_counts_of_adjacent_pieces_add_up(start, cuts):
    bounds = [start]
    for length in cuts:
        bounds.append(bounds[-1] + length)
    pieces = sum(
        frames_between(a, b, anchor_s=0.023, frame_s=FRAME) for a, b in itertools.pairwise(bounds)
    )
    assert pieces == frames_between(bounds[0], bounds[-1], anchor_s=0.023, frame_s=FRAME)
