"""A clip's searchable title and tags, from what the highlight engine knew about it.

There is no speech recognition here, so a title says what made the moment (the signal
that carried most of its score) and where it happened (the scheduled program, else the
channel). Once a program title is known it leads: people search for shows, not signals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# The signal that carried most of the score -> how a viewer would describe the moment.
_WHAT: Mapping[str, str] = {
    "loudness": "The room erupts",
    "motion": "Big action",
    "scene": "Sudden turn",
    "chat_rate": "Chat goes wild",
    "chat_unique": "Everyone in chat reacts",
    "chat_hype": "Hype moment",
    "chat_storm": "Chat storm",
    "reactions": "Viewers react",
}
_TAG_OF: Mapping[str, str] = {
    "loudness": "loud",
    "motion": "action",
    "scene": "action",
    "chat_rate": "chat",
    "chat_unique": "chat",
    "chat_hype": "hype",
    "chat_storm": "chat",
    "reactions": "reactions",
}
_BY_KIND: Mapping[str, str] = {"marker": "Creator's pick", "manual": "Team pick"}
MAX_TITLE = 200
MAX_TAGS = 10


def clip_title(
    kind: str,
    evidence: Mapping[str, float],
    *,
    channel_name: str | None = None,
    program_title: str | None = None,
    at_s: float | None = None,
) -> str:
    what = _BY_KIND.get(kind) or _WHAT.get(_top_signal(evidence) or "", "Highlight")
    where = (program_title or channel_name or "").strip()
    when = f" at {_clock(at_s)}" if at_s is not None and at_s >= 0 else ""
    title = f"{where}: {what}{when}" if where else f"{what}{when}"
    return title[:MAX_TITLE]


def clip_tags(
    kind: str, evidence: Mapping[str, float], program_tags: Iterable[str] = ()
) -> list[str]:
    """Program tags first (the creator's words), then the kind and the leading signals."""
    signals = sorted((v, k) for k, v in evidence.items() if v > 0 and k in _TAG_OF)
    derived = [_TAG_OF[k] for _, k in reversed(signals)][:2]
    tags = [t.strip().lower() for t in program_tags if t.strip()] + [kind, *derived]
    return list(dict.fromkeys(tags))[:MAX_TAGS]


def _top_signal(evidence: Mapping[str, float]) -> str | None:
    known = [(value, name) for name, value in evidence.items() if name in _WHAT and value > 0]
    return max(known)[1] if known else None


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
