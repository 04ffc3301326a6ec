"""A labelled show directory: loading it with errors that name the file and line.

    show.json          {"id", "duration_s"}                      required
    video.mp4 | hls/playlist.m3u8                                optional
    chat.jsonl         {"t", "user", "text"[, "kind"]} per line   optional
    viewers.jsonl      {"t", "count"} per line                    optional
    markers.jsonl      {"t", "kind"} per line                     optional
    picks.json         [{"start", "end"}]  manual picks           optional
    labels.json        [{"start", "end"}]  the true moments       optional (needed to score)

An absent file means the signal does not exist for the show; an empty one means it
exists and had nothing in it (a chat where nobody typed), which the detector treats
differently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from liveclips.domain.highlight_engine.features import (
    ChatMessage,
    chat_features,
    marker_features,
    merge_features,
    viewer_features,
)
from liveclips.domain.highlight_engine.types import ManualPick, ShowInputs
from liveclips_dev.evaluation.formats import (
    CHAT_FILE,
    HLS_PLAYLIST,
    LABELS_FILE,
    MARKERS_FILE,
    PICKS_FILE,
    SHOW_FILE,
    VIDEO_FILE,
    VIEWERS_FILE,
    ChatLine,
    MarkerLine,
    ShowMeta,
    Span,
    TimedEvent,
    ViewerLine,
)

Model = TypeVar("Model", bound=BaseModel)
Event = TypeVar("Event", bound=TimedEvent)


class ShowFormatError(ValueError):
    """A show directory's file is missing or malformed; the message names file and line."""


@dataclass(frozen=True)
class LabelledShow:
    directory: Path
    meta: ShowMeta
    media: Path | None  # video.mp4, else hls/playlist.m3u8
    chat: tuple[ChatLine, ...] | None
    viewers: tuple[ViewerLine, ...] | None
    markers: tuple[MarkerLine, ...] | None
    picks: tuple[Span, ...]
    labels: tuple[Span, ...] | None

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def duration_s(self) -> float:
        return self.meta.duration_s

    def signals(self) -> list[str]:
        """The signal sources this show has, for reports."""
        present = {
            "video": self.media is not None,
            "chat": self.chat is not None,
            "viewers": self.viewers is not None,
            "markers": self.markers is not None,
            "picks": bool(self.picks),
        }
        return [name for name, there in present.items() if there]


def _reason(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _validate(model: type[Model], data: Any, where: str) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ShowFormatError(f"{where}: {_reason(exc)}") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ShowFormatError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except UnicodeDecodeError as exc:
        raise ShowFormatError(f"{path}: not UTF-8 text ({exc.reason})") from None


def _read_jsonl(path: Path, model: type[Model]) -> list[tuple[int, Model]]:
    """The valid rows with their 1-based line numbers; blank lines are allowed."""
    rows = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ShowFormatError(f"{path}: not UTF-8 text ({exc.reason})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ShowFormatError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        rows.append((number, _validate(model, data, f"{path}:{number}")))
    return rows


def _read_spans(path: Path, duration_s: float) -> tuple[Span, ...]:
    data = _read_json(path)
    if not isinstance(data, list):
        raise ShowFormatError(f"{path}: expected a JSON list of {{start, end}} objects")
    spans = tuple(_validate(Span, item, f"{path}: item {i + 1}") for i, item in enumerate(data))
    for i, span in enumerate(spans):
        if span.end > duration_s:
            raise ShowFormatError(
                f"{path}: item {i + 1}: end {span.end} is after the show ends ({duration_s} s)"
            )
    return tuple(sorted(spans, key=lambda s: s.start))


def _events(path: Path, model: type[Event], duration_s: float) -> tuple[Event, ...] | None:
    if not path.is_file():
        return None
    rows = _read_jsonl(path, model)
    for number, row in rows:
        if row.t > duration_s:
            raise ShowFormatError(
                f"{path}:{number}: t={row.t} is after the show ends ({duration_s} s)"
            )
    return tuple(sorted((row for _, row in rows), key=lambda row: row.t))


def load_show(directory: Path | str) -> LabelledShow:
    """Read and validate one labelled show directory."""
    root = Path(directory)
    if not root.is_dir():
        raise ShowFormatError(f"{root}: not a directory")
    meta_path = root / SHOW_FILE
    if not meta_path.is_file():
        raise ShowFormatError(f"{meta_path}: missing (every show needs show.json)")
    meta = _validate(ShowMeta, _read_json(meta_path), str(meta_path))
    media = next((p for p in (root / VIDEO_FILE, root / HLS_PLAYLIST) if p.is_file()), None)
    picks_path, labels_path = root / PICKS_FILE, root / LABELS_FILE
    return LabelledShow(
        directory=root,
        meta=meta,
        media=media,
        chat=_events(root / CHAT_FILE, ChatLine, meta.duration_s),
        viewers=_events(root / VIEWERS_FILE, ViewerLine, meta.duration_s),
        markers=_events(root / MARKERS_FILE, MarkerLine, meta.duration_s),
        picks=_read_spans(picks_path, meta.duration_s) if picks_path.is_file() else (),
        labels=_read_spans(labels_path, meta.duration_s) if labels_path.is_file() else None,
    )


def find_shows(root: Path | str) -> list[Path]:
    """Show directories under `root` (itself, or its direct children), sorted by name."""
    base = Path(root)
    if (base / SHOW_FILE).is_file():
        return [base]
    return sorted(p for p in base.iterdir() if (p / SHOW_FILE).is_file()) if base.is_dir() else []


def label_spans(show: LabelledShow) -> Sequence[Span]:
    if show.labels is None:
        raise ShowFormatError(f"{show.directory / LABELS_FILE}: missing (needed to score)")
    return show.labels


def show_inputs(show: LabelledShow) -> ShowInputs:
    """Per-second features from whatever the show has, built by the engine's own builders.

    Only "clip" markers count: that is the only kind the studio sends to the detector live.
    """
    duration = show.duration_s
    sources: list[Mapping[int, Mapping[str, float]]] = []
    lufs: Sequence[float] = ()
    if show.media is not None:
        # Imported here: only shows with video need ffmpeg analysis.
        from liveclips.media.analysis import analyze_media  # noqa: PLC0415

        media = analyze_media(show.media)
        lufs = media.momentary_lufs
        sources.append(media.per_second())
    if show.chat is not None:
        messages = [ChatMessage(t=c.t, user=c.user, text=c.text, kind=c.kind) for c in show.chat]
        sources.append(chat_features(messages, duration))
    if show.viewers is not None:
        sources.append(viewer_features([(v.t, v.count) for v in show.viewers], duration))
    if show.markers is not None:
        sources.append(marker_features([(m.t, m.kind) for m in show.markers], kinds={"clip"}))
    picks = [
        ManualPick(start_s=p.start, end_s=p.end, pick_id=f"{show.id}-pick-{i + 1}")
        for i, p in enumerate(show.picks)
    ]
    return ShowInputs(
        duration_s=duration,
        seconds=merge_features(duration, *sources),
        momentary_lufs=lufs,
        manual_picks=picks,
    )
