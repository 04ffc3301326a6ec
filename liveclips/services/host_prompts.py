"""Questions the host could take next, proposed from the recent chat.

From OpenAI (chat completions with structured output) when a key is configured; else,
and whenever the AI answer is unusable or OpenAI unavailable, the offline fallback: the
questions chat asked most (liveclips.domain.host_prompts). At most one suggestion per stream per
interval, whatever its source, so neither the bill nor the host's screen runs away.
Callers pass messages moderation allowed: what the host sees must not repeat abuse.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from liveclips.adapters import openai_api
from liveclips.adapters.openai_api import OpenAIFailure
from liveclips.domain.host_prompts import ChatSaid, may_suggest, most_asked

log = logging.getLogger("liveclips.host_prompts")


class Source(StrEnum):
    OPENAI = "openai"
    CHAT = "chat"  # the offline fallback: most-asked questions
    RATE_LIMITED = "rate_limited"  # nothing new: the last suggestion is too recent


@dataclass(frozen=True)
class PromptSuggestion:
    stream_id: str
    source: Source
    prompts: tuple[str, ...]
    note: str  # why the fallback, or when the next suggestion may come
    at: datetime


class HostPrompter:
    def __init__(
        self,
        *,
        interval: timedelta = timedelta(seconds=60),
        count: int = 3,
        ai: Callable[[Sequence[str], int], list[str]] = openai_api.suggest_prompts,
        ai_configured: Callable[[], bool] = openai_api.configured,
    ) -> None:
        self._interval, self._count = interval, count
        self._ai, self._ai_configured = ai, ai_configured
        self._last: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def suggest(
        self, stream_id: str, recent_messages: Sequence[ChatSaid], now: datetime
    ) -> PromptSuggestion:
        with self._lock:
            last = self._last.get(stream_id)
            if last is not None and not may_suggest(last, now, self._interval):
                note = f"next suggestion from {last + self._interval:%H:%M:%S}"
                return PromptSuggestion(stream_id, Source.RATE_LIMITED, (), note, now)
            # Claimed before the slow call, so concurrent requests for a stream make one.
            self._last[stream_id] = now
        if not self._ai_configured():
            return self._fallback(stream_id, recent_messages, now, "no OpenAI key configured")
        ordered = sorted(recent_messages, key=lambda m: m.sent_at)
        try:
            prompts = self._ai([m.text for m in ordered], self._count)
        except OpenAIFailure as exc:
            log.warning("host prompts for %s from chat instead: %s", stream_id, exc)
            return self._fallback(stream_id, recent_messages, now, f"{type(exc).__name__}: {exc}")
        return PromptSuggestion(stream_id, Source.OPENAI, tuple(prompts[: self._count]), "", now)

    def _fallback(
        self, stream_id: str, messages: Sequence[ChatSaid], now: datetime, why: str
    ) -> PromptSuggestion:
        asked = most_asked(messages, limit=self._count)
        return PromptSuggestion(stream_id, Source.CHAT, tuple(q.text for q in asked), why, now)


@lru_cache(maxsize=1)
def _prompter() -> HostPrompter:
    return HostPrompter()


def suggest_prompts(
    stream_id: str, recent_messages: Sequence[ChatSaid], now: datetime
) -> PromptSuggestion:
    return _prompter().suggest(stream_id, recent_messages, now)
