"""WordPress export (WXR) import (being written)."""

from __future__ import annotations

from typing import Any


def is_wxr(source: str) -> bool:
    """Whether a source is a WXR file (by extension or by its first bytes)."""
    if source.startswith(("http://", "https://")):
        return False
    if source.lower().endswith((".wxr", ".xml")):
        return True
    return False


def settings_for(settings: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Settings for a WXR import."""
    return settings


def import_file(db: Any, source: str, settings: dict[str, Any], given: dict[str, Any], report: Any,
                progress: Any = None) -> None:
    """Import one WXR file."""
    raise NotImplementedError("WXR import is not available yet")
