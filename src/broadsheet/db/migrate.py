"""Schema migrations: numbered SQL files per dialect, recorded in ``schema_migrations``.

Several servers may start on one fresh database at once, so whoever migrates first holds a
lock and the others wait, then find nothing left to do: PostgreSQL takes a session advisory
lock per schema around the whole run; SQLite takes the write lock (``BEGIN IMMEDIATE``) before
reading ``schema_migrations`` in each migration's transaction, waiting up to ``LOCK_WAIT_MS``.
Each migration commits on its own, with its row in ``schema_migrations``. A database that has
every migration already is seen to have them without taking any lock.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .database import Database

LOCK_WAIT_MS = 600_000  # how long a SQLite migration waits for another process's


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """(number, name, sql) of every migration file for a dialect, in order."""
    folder = resources.files("broadsheet.db") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    return sorted(found)


def split_sql(sql: str) -> list[str]:
    """Statements of a migration file (comments removed, split on semicolons)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def migrate(db: Database) -> list[int]:
    """Apply the migrations not yet applied, one transaction each; their numbers."""
    files = migrations(db.dialect.name)
    if _applied(db) >= {number for number, _, _ in files}:
        return []  # the usual start: nothing to do, no lock needed to know it
    applied: list[int] = []
    with db.pinned() as lease:
        unlock = db.source.migration_lock(lease, LOCK_WAIT_MS)
        try:
            while True:
                with db.transaction():
                    db.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
                    )
                    done = {row[0] for row in db.all("SELECT version FROM schema_migrations")}
                    pending = [f for f in files if f[0] not in done]
                    if not pending:
                        break
                    number, name, sql = pending[0]
                    for statement in split_sql(sql):
                        db.execute(statement)
                    db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (number, name))
                applied.append(number)
        finally:
            unlock()
    return applied


def _applied(db: Database) -> set[int]:
    """The numbers in schema_migrations (none when it does not exist yet)."""
    if db.dialect.name == "postgresql":
        exists = db.scalar("SELECT to_regclass('schema_migrations') IS NOT NULL")
    else:
        exists = db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    return {row[0] for row in db.all("SELECT version FROM schema_migrations")} if exists else set()


def schema_version(db: Database) -> int:
    """Highest applied migration number (0 for an empty database)."""
    return max(_applied(db), default=0)
