"""Folding text the way WordPress's MySQL collation compares it.

WordPress creates its tables with ``utf8mb4_unicode_520_ci``: comparisons and ``LIKE`` ignore
case and accents, and ``ORDER BY`` on text follows the same weights. Broadsheet stores a folded
copy of each compared column and folds search terms the same way, so SQLite and PostgreSQL
give WordPress's matches and order with plain ``LIKE`` and ``ORDER BY``.
"""

from __future__ import annotations

import unicodedata

_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
                          "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i"})


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of ``text``."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def like_pattern(term: str, *, exact: bool = False) -> str:
    """A LIKE pattern matching ``term`` anywhere (or exactly), with % _ \\ escaped."""
    escaped = fold(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped if exact else f"%{escaped}%"
