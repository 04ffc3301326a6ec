"""A tiny video for a planned show, rendered by one ffmpeg lavfi run.

160x90 at 10 fps with a mostly still picture and 5 kb/s mono Opus keeps a few minutes
under ~250 KB, because the dev set lives in git. The picture is a room with a host who
sways; true moments are louder (crowd noise scaled by strength) with fast motion and,
usually, a cut to another scene. Loud music segments are as loud as a moment but the
picture does not change.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from liveclips.media.ffmpeg import run_ffmpeg
from liveclips_dev.evaluation.metrics import Interval
from liveclips_dev.evaluation.synth_plan import Moment, ShowPlan

WIDTH, HEIGHT, FPS = 160, 90, 10
SAMPLE_RATE = 16_000
AUDIO_BITRATE = "5k"


def _between(spans: Iterable[Moment | Interval], weight: str = "1") -> str:
    terms = [f"{weight}*between(t,{s.start:.2f},{s.end:.2f})" for s in spans]
    return "+".join(terms) or "0"


def _color(rng: random.Random, low: int, high: int) -> str:
    return "0x" + "".join(f"{rng.randint(low, high):02x}" for _ in range(3))


def _video_chain(rng: random.Random, plan: ShowPlan) -> str:
    host = _color(rng, 0x90, 0xE0)
    steps = [
        # The host sways a little all the time: some baseline motion, never zero.
        f"drawbox=x='60+8*sin(t/2.3)':y='32+3*sin(t/1.7)':w=28:h=40:color={host}:t=fill",
    ]
    for m in plan.moments:
        span = f"between(t,{m.start:.2f},{m.end:.2f})"
        if rng.random() < 0.4 + 0.6 * m.strength:
            steps.append(
                f"drawbox=x=0:y=0:w=iw:h=ih:color={_color(rng, 0x30, 0xF0)}:t=fill:enable='{span}'"
            )
        speed = round(80 + 220 * m.strength)
        steps.append(
            f"drawbox=x='mod(t*{speed},iw)':y=10:w=24:h=70:color=white:t=fill:enable='{span}'"
        )
    return f"[0:v]{','.join(steps)},format=yuv420p[v]"


def _audio_chain(rng: random.Random, plan: ShowPlan) -> str:
    d, sr = f"{plan.duration_s:.2f}", SAMPLE_RATE
    # Levels measured with ebur128: room + host about -35..-27 LUFS, moments -22..-10,
    # music -16..-11 (as loud as a good moment).
    bed = round(rng.uniform(0.15, 0.3), 3)
    # anoisesrc picks a random seed unless told: fixed seeds keep the render reproducible.
    seeds = [rng.randint(1, 2**31 - 1) for _ in range(3)]
    crowd = "+".join(
        f"{0.06 + 0.44 * m.strength:.3f}*between(t,{m.start:.2f},{m.end:.2f})" for m in plan.moments
    )
    music = f"({_between(plan.music)})"
    tone_gain = round(rng.uniform(0.8, 1.8), 2)  # sine's own amplitude is 1/8
    root = rng.choice([262.0, 294.0, 330.0, 392.0])
    return ";".join(
        [
            # Room tone plus a host who talks in phrases and pauses.
            f"anoisesrc=color=pink:amplitude={bed}:seed={seeds[0]}:sample_rate={sr}:d={d},"
            "volume=volume='0.5+0.5*gt(sin(2*PI*0.37*t)+sin(2*PI*0.11*t),0)':eval=frame[bed]",
            f"anoisesrc=color=white:amplitude=1:seed={seeds[1]}:sample_rate={sr}:d={d},"
            f"volume=volume='{crowd}':eval=frame[crowd]",
            *(
                f"sine=frequency={root * ratio:.1f}:sample_rate={sr}:d={d},"
                f"volume=volume='{tone_gain}*{music}':eval=frame[m{i}]"
                for i, ratio in enumerate((1.0, 1.26, 1.5))
            ),
            f"anoisesrc=color=pink:amplitude=1:seed={seeds[2]}:sample_rate={sr}:d={d},"
            f"volume=volume='0.25*{music}*gt(sin(2*PI*2*t),0.7)':eval=frame[drums]",
            "[bed][crowd][m0][m1][m2][drums]amix=inputs=6:normalize=0:duration=first[a]",
        ]
    )


def render_video(rng: random.Random, plan: ShowPlan, out: Path) -> Path:
    background = _color(rng, 0x20, 0x60)
    graph = f"{_video_chain(rng, plan)};{_audio_chain(rng, plan)}"
    run_ffmpeg(
        [
            "-f", "lavfi",
            "-i", f"color=c={background}:s={WIDTH}x{HEIGHT}:r={FPS}:d={plan.duration_s:.2f}",
            "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", "veryslow", "-crf", "38", "-g", "300",
            "-pix_fmt", "yuv420p",
            "-c:a", "libopus", "-b:a", AUDIO_BITRATE, "-frame_duration", "120", "-ac", "1",
            "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact",
            "-t", f"{plan.duration_s:.2f}", str(out),
        ]
    )  # fmt: skip
    return out
