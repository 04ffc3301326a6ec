"""Where the subject of a clip is, left to right, a few times per second.

One ffmpeg process decodes the clip into small grayscale frames (ANALYSIS_WIDTH wide) at
`sample_fps`; each sample then takes the largest frontal face OpenCV's Haar cascade finds
and, failing that, where motion concentrates. Nothing standing out gives the centre with
confidence 0, which the crop planner treats as "keep what you had" (liveclips/domain/reframe.py).
The samples are noisy on purpose: the planner's median and dead zone do the smoothing.

Cost: decoding is most of it (every reference frame must be decoded even at 4 samples
per second), so non-reference frames and the deblocking filter are skipped, and faces are
searched for twice a second rather than in every sample.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import cv2
import cv2.data
import numpy as np
from numpy.typing import NDArray

from liveclips.domain.reframe import CENTRE, SubjectSample
from liveclips.media.ffmpeg import MediaError, ffmpeg_stdout

ANALYSIS_WIDTH = 320  # the Haar cascade's 24 px face is 1/7.5 of a 16:9 frame's height
FACE_CONFIDENCE = 0.9
FACE_PERIOD_S = 0.5  # a face moves little in half a second; searching costs ~4 ms a frame
MOTION_CONFIDENCE = 0.7  # at most: motion is also hands, screens and passers-by
# alt2 rather than the default cascade: on a test portrait at 320 px it found the face in
# every frame where default found it in one, with no false alarms on busy test patterns,
# and it rejects faster.
_FACE_CASCADE = "haarcascade_frontalface_alt2.xml"
_FACE_MIN_PX = 24  # the cascade's own window; smaller faces are not in the model
# Luma steps below this are compression and sensor noise, not something moving.
_MOTION_STEP = 15
# Less than this share of moving pixels is nothing happening; more is a cut or a camera
# move, where the difference says nothing about where the subject is.
_MOTION_SHARE = (0.001, 0.5)
_MOTION_BAND = 0.1  # of the width: about a person; motion is looked for in such a band
_PGM_HEADER = re.compile(rb"P5\s+(?P<width>\d+)\s+(?P<height>\d+)\s+255\s")

Frame = NDArray[np.uint8]
Box = tuple[int, int, int, int]  # x, y, width, height in frame pixels
FaceFinder = Callable[[Frame], Sequence[Box]]


def subject_samples(
    source: Path, *, seek_s: float, duration_s: float, sample_fps: float = 4.0
) -> list[SubjectSample]:
    """The subject's horizontal position in [seek_s, seek_s + duration_s) of `source`.

    Sample k is at t_s = k / sample_fps, clip-relative, the `t` of a crop filter that
    runs after an input seek to seek_s.
    """
    if sample_fps <= 0 or duration_s <= 0:
        raise ValueError("sample_fps and duration_s must be positive")
    piped = ffmpeg_stdout(
        [
            "-skip_loop_filter:v", "all", "-skip_frame:v", "noref",
            "-ss", f"{seek_s:.3f}", "-t", f"{duration_s:.3f}", "-i", str(source),
            "-map", "0:v:0", "-an", "-sn", "-dn",
            # Area averaging keeps texture from aliasing into fake motion.
            # A smaller source (a 160p rendition) is analysed as it is, never upscaled.
            "-vf", f"fps={sample_fps:g},scale='min({ANALYSIS_WIDTH},iw)':-2:flags=area,format=gray",
            # PGM frames carry their size, which saves an ffprobe run (~0.1 s) per clip.
            "-f", "image2pipe", "-c:v", "pgm", "-",
        ]
    )  # fmt: skip
    frames = _pgm_frames(piped)
    return track_subject(frames, sample_fps)


def track_subject(
    frames: Sequence[Frame] | NDArray[np.uint8],
    sample_fps: float,
    *,
    find_faces: FaceFinder | None = None,
) -> list[SubjectSample]:
    """One sample per grayscale frame, frame k at k / sample_fps seconds."""
    find = find_faces or haar_faces
    face_every = max(1, round(FACE_PERIOD_S * sample_fps))
    samples: list[SubjectSample] = []
    face: float | None = None
    previous: Frame | None = None
    for k, frame in enumerate(frames):
        width = frame.shape[1]
        if k % face_every == 0:
            face = _largest_face_x(find(frame), width)
        moving = _motion_x(previous, frame) if previous is not None else None
        previous = frame
        t_s = k / sample_fps
        if face is not None:
            samples.append(SubjectSample(t_s, face, FACE_CONFIDENCE))
        elif moving is not None:
            samples.append(SubjectSample(t_s, moving[0], moving[1]))
        else:
            samples.append(SubjectSample(t_s, CENTRE, 0.0))
    return samples


def _pgm_frames(piped: bytes) -> NDArray[np.uint8]:
    """Concatenated binary PGMs of one size as a (frames, height, width) array."""
    if not piped:
        return np.zeros((0, 0, 0), np.uint8)
    header = _PGM_HEADER.match(piped)
    if header is None:
        raise MediaError(f"ffmpeg did not write PGM frames: {piped[:20]!r}")
    width, height = int(header["width"]), int(header["height"])
    size = header.end() + width * height
    count = len(piped) // size
    # Every frame repeats the same header, so the pixels are a fixed-stride view.
    frames = np.frombuffer(piped, np.uint8, count * size).reshape(count, size)
    return frames[:, header.end() :].reshape(count, height, width)


def haar_faces(frame: Frame) -> list[Box]:
    """Frontal faces in a grayscale frame, by the Haar cascade that ships in the wheel."""
    # minNeighbors 5 and a 1.2 pyramid step: OpenCV's usual trade of misses for false
    # alarms at about half the cost of 1.1; the planner's median drops stray detections.
    found = _cascade().detectMultiScale(
        frame, scaleFactor=1.2, minNeighbors=5, minSize=(_FACE_MIN_PX, _FACE_MIN_PX)
    )
    return [(int(x), int(y), int(w), int(h)) for x, y, w, h in found]


@cache
def _cascade() -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades, _FACE_CASCADE)
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():  # OpenCV 5 dropped the cascades; the pin keeps 4.x
        raise MediaError(f"OpenCV could not load its face cascade {path}")
    return cascade


def _largest_face_x(faces: Sequence[Box], width: int) -> float | None:
    if not faces:
        return None
    x, _, w, _ = max(faces, key=lambda box: box[2] * box[3])
    return (x + w / 2) / width


def _motion_x(previous: Frame, frame: Frame) -> tuple[float, float] | None:
    """Centre and confidence of the densest band of change between two frames."""
    moving = np.abs(frame.astype(np.int16) - previous.astype(np.int16)) > _MOTION_STEP
    share = float(moving.mean())
    if not _MOTION_SHARE[0] <= share <= _MOTION_SHARE[1]:
        return None
    columns = moving.sum(axis=0).astype(np.float64)
    width = columns.size
    band = max(1, round(width * _MOTION_BAND))
    # The densest band, not the centroid of all motion: two movers on either side must
    # not put the subject on the empty middle between them.
    peak = int(np.argmax(np.convolve(columns, np.ones(band), mode="same")))
    lo, hi = max(0, peak - band), min(width, peak + band + 1)
    local = columns[lo:hi]
    centre = float((np.arange(lo, hi) + 0.5) @ local / local.sum())
    concentration = float(local.sum() / columns.sum())
    return centre / width, MOTION_CONFIDENCE * concentration
