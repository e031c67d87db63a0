"""The substring index behind post search, and the kept values refreshed after an import.

WordPress searches with ``LIKE '%term%'`` over title, excerpt and content; Broadsheet runs the
same LIKE tests over the folded keys (store/collation.py), so results and their order are
WordPress's. Scanning every post's text for each search does not hold at a million posts, so an
index finds the candidates first:

- **SQLite**: ``posts_search``, an FTS5 table with the trigram tokenizer over the three keys
  (external content: it holds no text of its own; ``detail=none``: only which posts hold which
  three-character sequences). A term of three or more characters can only occur in a post that
  holds every trigram of the term, so ``posts.id IN (posts that hold them all)`` narrows the scan
  to those posts, and the LIKE tests still decide: the index never changes a result, it only
  skips posts that cannot match. The writer keeps the index in step: :func:`forget` before a
  post's keys change or the post goes, :func:`add` after it is written.
- **PostgreSQL**: pg_trgm's GIN indexes on the keys serve the LIKE tests themselves (the planner
  uses them and rechecks every candidate), so nothing is added to the query and nothing is
  maintained by hand.

A term shorter than three characters has no trigram: its LIKE test runs over the posts the
other conditions leave (see docs/queries.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..db import Database, chunks
from .collation import fold

TABLE = "posts_search"
_KEYS = "title_key, excerpt_key, content_key"
_MAX_GRAMS = 32  # a long phrase is narrowed enough by its first 32 trigrams


def _indexed(db: Database) -> bool:
    return db.dialect.name == "sqlite"


def forget(db: Database, post_ids: Sequence[int]) -> None:
    """Take these posts out of the index, as they are stored now: call before their keys are
    updated or their rows deleted (an external-content index must be told the old text)."""
    if not _indexed(db) or not post_ids:
        return
    for part in chunks(list(dict.fromkeys(post_ids))):
        marks = ",".join("?" for _ in part)
        db.execute(
            f"INSERT INTO {TABLE} ({TABLE}, rowid, {_KEYS}) SELECT 'delete', id, {_KEYS}"
            f" FROM posts WHERE id IN ({marks})",
            part,
        )


def add(db: Database, post_ids: Sequence[int]) -> None:
    """Index these posts as they are stored now: call after inserting them or updating their
    keys (after :func:`forget`)."""
    if not _indexed(db) or not post_ids:
        return
    for part in chunks(list(dict.fromkeys(post_ids))):
        marks = ",".join("?" for _ in part)
        db.execute(
            f"INSERT INTO {TABLE} (rowid, {_KEYS}) SELECT id, {_KEYS} FROM posts WHERE id IN ({marks})",
            part,
        )


def rebuild(db: Database) -> None:
    """Index every post again from scratch (repairs an index that lost step with the posts)."""
    if _indexed(db):
        db.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')")


def check(db: Database) -> None:
    """Raise if the index does not hold exactly the posts' keys (SQLite; a no-op elsewhere)."""
    if _indexed(db):
        db.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('integrity-check', 1)")


def trigrams(term: str) -> list[str]:
    """The distinct three-character sequences of ``term`` folded (none when it is shorter)."""
    folded = fold(term)
    return list(dict.fromkeys(folded[i : i + 3] for i in range(len(folded) - 2)))


def candidates_sql(db: Database, term: str) -> tuple[str, list[str]] | None:
    """A condition keeping only posts that may contain ``term`` (a superset of those whose keys
    contain it), with its parameters; None when no index can narrow the search for it."""
    if not _indexed(db):
        return None
    grams = trigrams(term)[:_MAX_GRAMS]
    if not grams:
        return None
    match = " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
    return f"posts.id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?)", [match]
