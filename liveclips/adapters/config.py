"""The adapters' settings: liveclips.settings' composite of every piece (the deployables'
own classes, checked at start, live there too)."""

from __future__ import annotations

from liveclips.settings import Settings, settings

__all__ = ["Settings", "settings"]
