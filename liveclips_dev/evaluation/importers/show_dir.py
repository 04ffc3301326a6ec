"""A chat export (and optionally viewers' clips) -> a labelled show directory.

Writes show.json, chat.jsonl, labels.json (with clips), rejected.jsonl (every malformed
record with where it was and why) and import.json (this report). The show loader reads
only the files it knows, so the last two sit beside the show harmlessly.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from liveclips_dev.evaluation.formats import CHAT_FILE, LABELS_FILE, SHOW_FILE, ChatLine, ShowMeta
from liveclips_dev.evaluation.importers.clips import ClipList, read_clips
from liveclips_dev.evaluation.importers.detect import open_chat
from liveclips_dev.evaluation.importers.grouping import find_moments, fit_to_show
from liveclips_dev.evaluation.importers.model import (
    ChatFormat,
    ChatSource,
    Message,
    Rejected,
    Skipped,
)

REJECTED_FILE = "rejected.jsonl"
REPORT_FILE = "import.json"
PROGRESS_EVERY = 2_000  # records between two progress callbacks

Progress = Callable[[int, int], None]  # (records done, records in all)
DurationFrom = Literal["--duration", "export", "last message"]


@dataclass(frozen=True)
class ImportOptions:
    chat: Path
    out: Path
    clips: Path | None = None
    format: ChatFormat = ChatFormat.AUTO
    show_id: str | None = None
    duration_s: float | None = None
    start_clock_s: float | None = None  # IRC logs: the clock time the stream started
    min_curators: int = 3
    group_within_s: float = 20.0


class ClipsReport(BaseModel):
    source: str
    clips: int  # records in the file
    used: int
    skipped: dict[str, int]
    rejected: int
    groups: int
    kept: int  # groups with enough distinct curators: labelled moments
    dropped: int  # groups with too few
    outside: int  # moments entirely outside [0, duration]
    merged: int  # moments joined to an overlapping one
    labels: int
    min_curators: int
    group_within_s: float


class ImportReport(BaseModel):
    source: str
    format: str
    show_id: str
    duration_s: float | None
    duration_from: DurationFrom | None
    records: int
    messages: int
    notices: int
    users: int
    rejected: int
    before_start: int  # negative times: chat before the VOD begins
    after_end: int  # after duration_s
    skipped: dict[str, int]
    first_t: float | None
    last_t: float | None
    notes: list[str]
    clips: ClipsReport | None = None

    @property
    def imported(self) -> int:
        return self.messages + self.notices


@dataclass
class _Decoded:
    messages: list[Message]
    rejected: list[Rejected]
    skipped: Counter[str]


def _decode(source: ChatSource, progress: Progress | None) -> _Decoded:
    out = _Decoded([], [], Counter())
    total = len(source.records)
    for done, record in enumerate(source.records, start=1):
        items = (
            [Rejected(record.where, record.problem, record.raw)]
            if record.problem is not None
            else source.decode(record)
        )
        for item in items:
            if isinstance(item, Message):
                out.messages.append(item)
            elif isinstance(item, Rejected):
                out.rejected.append(item)
            elif isinstance(item, Skipped):
                out.skipped[item.reason] += 1
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return out


def _duration(
    options: ImportOptions, source: ChatSource, messages: list[Message]
) -> tuple[float | None, DurationFrom | None]:
    if options.duration_s is not None:
        return options.duration_s, "--duration"
    if source.video_length_s is not None:
        return source.video_length_s, "export"
    last = max((m.t for m in messages if m.t >= 0), default=None)
    return (None, None) if last is None else (round(last + 1, 3), "last message")


def _write_jsonl(path: Path, rows: Iterable[object]) -> None:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    path.write_text(text, encoding="utf-8")


def _clip_report(
    options: ImportOptions, found: ClipList, duration_s: float
) -> tuple[ClipsReport, list[tuple[float, float]]]:
    grouping = find_moments(
        found.clips, within_s=options.group_within_s, min_curators=options.min_curators
    )
    labels = fit_to_show(grouping.kept, duration_s)
    report = ClipsReport(
        source=options.clips.name if options.clips else "",
        clips=found.total,
        used=len(found.clips),
        skipped=found.skipped,
        rejected=len(found.rejected),
        groups=len(grouping.kept) + len(grouping.dropped),
        kept=len(grouping.kept),
        dropped=len(grouping.dropped),
        outside=labels.outside,
        merged=labels.merged,
        labels=len(labels.spans),
        min_curators=options.min_curators,
        group_within_s=options.group_within_s,
    )
    return report, list(labels.spans)


def import_show(options: ImportOptions, progress: Progress | None = None) -> ImportReport:
    """Import one show. Raises ImportFailed when the chat or clips file cannot be read at
    all; otherwise writes what it could and reports the rest (`imported == 0`: nothing)."""
    source = open_chat(options.chat, options.format, options.start_clock_s)
    found = read_clips(options.clips, source.video_id) if options.clips else None
    decoded = _decode(source, progress)
    duration_s, duration_from = _duration(options, source, decoded.messages)
    limit = duration_s if duration_s is not None else -1.0
    kept = sorted((m for m in decoded.messages if 0 <= m.t <= limit), key=lambda m: m.t)
    rejected = decoded.rejected + (found.rejected if found else [])
    report = ImportReport(
        source=options.chat.name,
        format=source.format,
        show_id=options.show_id or options.chat.stem,
        duration_s=duration_s,
        duration_from=duration_from,
        records=len(source.records),
        messages=sum(m.kind == "message" for m in kept),
        notices=sum(m.kind == "notice" for m in kept),
        users=len({m.user for m in kept}),
        rejected=len(rejected),
        before_start=sum(m.t < 0 for m in decoded.messages),
        after_end=sum(m.t > limit for m in decoded.messages) if limit >= 0 else 0,
        skipped=dict(decoded.skipped.most_common()),
        first_t=kept[0].t if kept else None,
        last_t=kept[-1].t if kept else None,
        notes=list(source.notes),
    )
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    _write_jsonl(
        out / REJECTED_FILE,
        ({"where": r.where, "reason": r.reason, "raw": r.raw} for r in rejected),
    )
    if kept and duration_s is not None:
        meta = ShowMeta(id=report.show_id, duration_s=duration_s)
        (out / SHOW_FILE).write_text(meta.model_dump_json(indent=1) + "\n", encoding="utf-8")
        lines = (ChatLine(t=m.t, user=m.user, text=m.text, kind=m.kind) for m in kept)
        _write_jsonl(out / CHAT_FILE, (line.model_dump() for line in lines))
        if found is not None:
            report.clips, spans = _clip_report(options, found, duration_s)
            labels = [{"start": start, "end": end} for start, end in spans]
            (out / LABELS_FILE).write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")
    (out / REPORT_FILE).write_text(report.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return report
