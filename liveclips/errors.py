"""The one error family: what a failure's class says happens next (ADR 0013).

- PermanentError: this input can never be processed, however often it is retried (it
  breaks its contract, names something that does not exist, is not for this handler).
  Every entry point dead-letters it with its reason, original bytes intact, and answers
  so that the platform does not redeliver (liveclips.delivery).
- TransientError: it may well work later (not there yet, throttled, a conflict, a timeout).
  It raises, so the platform redelivers with backoff (Pub/Sub, Cloud Tasks, Lambda's async
  retries) and, when its attempts run out, dead-letters it itself.
- LiveclipsError itself, and anything that is not a LiveclipsError, is a failure whose
  cause cannot be told from where it happens (ffmpeg failed, a misconfiguration) or a
  bug: it is retried like a transient one, never swallowed or dead-lettered early.

Standard library only: the domain may raise these too.
"""

from __future__ import annotations


class LiveclipsError(Exception):
    """The root of every failure our code raises on purpose."""


class PermanentError(LiveclipsError):
    """Never retried: dead-lettered with `str(error)` as the reason."""


class TransientError(LiveclipsError):
    """Raised through to the platform, which redelivers."""
