"""Keeping the store in shape: the query planner's statistics after an import, and its size.

An import writes in one transaction; the statistics are refreshed after it committed
(:func:`update_statistics`), in autocommit mode. ``ANALYZE`` only replaces statistics, each
table's at once: a crash or a kill during it leaves the content as the import committed it and
at worst the old statistics of some tables.
"""

from __future__ import annotations

from ..db import Database

__all__ = ["database_size", "update_statistics"]

# SQLite: rows of each index ANALYZE reads (an approximate analysis: seconds at a million posts,
# instead of a full scan of every index). SQLite recommends 100 to 1000.
_SQLITE_ANALYSIS_LIMIT = 1000


def update_statistics(db: Database) -> None:
    """Refresh the planner's statistics of every table (call outside a transaction)."""
    if db.dialect.name == "postgresql":
        # Only this store's tables (those of the schema in use), not every table of the database.
        tables = [r[0] for r in db.all(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
        if tables:
            db.execute("ANALYZE " + ", ".join(f'"{t}"' for t in tables))
        return
    db.execute(f"PRAGMA analysis_limit = {_SQLITE_ANALYSIS_LIMIT}")
    db.execute("ANALYZE")


def database_size(db: Database) -> int:
    """Bytes the database takes (SQLite: the pages of its main file; PostgreSQL: the database)."""
    if db.dialect.name == "postgresql":
        return int(db.scalar("SELECT pg_database_size(current_database())") or 0)
    return int(db.scalar("PRAGMA page_count") or 0) * int(db.scalar("PRAGMA page_size") or 0)
