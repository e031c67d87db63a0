"""Field values of a WXR: numbers and MySQL dates, checked, with a message naming the field."""

from __future__ import annotations

import re

from ...site import ZERO_DATE
from ..wpjson import ImportError_

__all__ = ["date", "number"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def number(value: str | None, what: str) -> int:
    """An integer field (0 when empty); :class:`ImportError_` naming ``what`` when not a number."""
    if value is not None and value.isdigit() and value.isascii():
        return int(value)
    text = (value or "").strip()
    if not text:
        return 0
    if not re.fullmatch(r"-?\d+", text):
        raise ImportError_(f"{what} is not a number: {text[:40]!r}")
    return int(text)


def date(value: str | None, what: str, default: str = ZERO_DATE) -> str:
    """A ``YYYY-MM-DD HH:MM:SS`` field (``default`` when empty); :class:`ImportError_` otherwise."""
    text = (value or "").strip()
    if not text:
        return default
    if not _DATE.fullmatch(text):
        raise ImportError_(f"{what} is not a date: {text[:40]!r}")
    return text
