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


LIKE_PATTERN_LIMIT = 50_000  # bytes: SQLite refuses longer LIKE patterns ("too complex")


def contains(column: str, term: str, *, exact: bool = False, negate: bool = False) -> tuple[str, str]:
    """SQL testing whether a folded ``column`` contains (or, ``exact``, equals) ``term`` folded,
    and its one parameter: a LIKE, or ``strpos`` for a term too long for SQLite's LIKE."""
    pattern = like_pattern(term, exact=exact)
    if len(pattern.encode("utf-8")) <= LIKE_PATTERN_LIMIT:
        return f"{column} {'NOT LIKE' if negate else 'LIKE'} ? ESCAPE '\\'", pattern
    if exact:
        return f"{column} {'<>' if negate else '='} ?", fold(term)
    return f"strpos({column}, ?) {'=' if negate else '>'} 0", fold(term)


def like_pattern(term: str, *, exact: bool = False) -> str:
    """A LIKE pattern matching ``term`` anywhere (or exactly), with % _ \\ escaped."""
    escaped = fold(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped if exact else f"%{escaped}%"
