from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from liveclips.domain.highlight_engine.types import Detection, ShowInputs
from liveclips_dev.evaluation.runner import evaluate_show, p95
from liveclips_dev.evaluation.show import ShowFormatError
from liveclips_dev.evaluation.timeline import draw_timeline


def chat_spike_detector(inputs: ShowInputs) -> Sequence[Detection]:
    """Stand-in: any second with 3+ messages is a 6 s moment starting 3 s earlier."""
    return [
        Detection(
            start_s=s.t - 3.0, end_s=s.t + 3.0, score=1.0, kind="auto", decided_at_s=s.t + 5.0
        )
        for s in inputs.seconds
        if s.values.get("chat_rate", 0.0) >= 3
    ]


@pytest.fixture
def show_dir(tmp_path: Path) -> Path:
    root = tmp_path / "s1"
    root.mkdir()
    (root / "show.json").write_text(json.dumps({"id": "s1", "duration_s": 60}))
    spikes = [{"t": 20.0 + i / 10, "user": f"u{i}", "text": "LMAO"} for i in range(3)]
    spikes += [{"t": 45.0 + i / 10, "user": f"u{i}", "text": "KEKW"} for i in range(3)]
    (root / "chat.jsonl").write_text("".join(json.dumps(m) + "\n" for m in spikes))
    (root / "labels.json").write_text(
        json.dumps([{"start": 17, "end": 22}, {"start": 30, "end": 35}])
    )
    return root


def test_evaluate_show_scores_the_detector(show_dir: Path) -> None:
    result = evaluate_show(show_dir, detector=chat_spike_detector)
    s = result.score
    assert (s.hits, s.false_alarms, s.misses) == (1, 1, 1)
    assert result.hit_labels == frozenset({0})
    assert result.hit_detections == frozenset({0})
    assert s.mean_start_error_s == pytest.approx(0.0)
    assert s.mean_end_error_s == pytest.approx(1.0)
    assert result.delays_s == (3.0,)  # decided at 25, the moment ended at 22
    assert result.fused is None  # a stand-in has no fused score


def test_a_show_without_labels_cannot_be_scored(show_dir: Path) -> None:
    (show_dir / "labels.json").unlink()
    with pytest.raises(ShowFormatError, match=r"labels\.json: missing"):
        evaluate_show(show_dir, detector=chat_spike_detector)


def test_timeline_is_a_png(show_dir: Path, tmp_path: Path) -> None:
    result = evaluate_show(show_dir, detector=chat_spike_detector)
    out = draw_timeline(result, tmp_path / "pictures" / "s1.png")
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_p95() -> None:
    assert p95([]) is None
    assert p95([4.0]) == 4.0
    assert p95([float(i) for i in range(101)]) == pytest.approx(95.0)
