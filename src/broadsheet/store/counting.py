"""Collection totals (``X-WP-Total``), counted once per content version.

A total depends only on the query's conditions, not on the page asked for, and stored content
changes only with a new content version; so the REST layer hands the store its per-version memo
(``ContentCache.remember``) and every page of a listing after the first reuses the count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..db import Database

Remember = Callable[[Any, Callable[[], Any]], Any]


def count(db: Database, sql: str, params: Sequence[Any], remember: Remember | None) -> int:
    """The number a ``SELECT COUNT(*)`` statement returns, remembered by its text and parameters."""

    def compute() -> int:
        return int(db.scalar(sql, params) or 0)

    if remember is None:
        return compute()
    return int(remember(("count", sql, tuple(params)), compute))
