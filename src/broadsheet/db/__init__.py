"""The database: one small protocol over SQLite (default) and PostgreSQL, safe across threads.

``connect(url, replicas=[…])`` opens either store; SQL everywhere is written once with ``?``
placeholders (:class:`Database` turns them into PostgreSQL's) and code that must tell the stores
apart reads ``db.dialect.name``. ``db.reading()`` gives a consistent snapshot (served by a read
replica when there is one), ``db.transaction()`` writes on the primary, ``db.notify`` and
``db.listen`` carry PostgreSQL notifications. Schema changes are numbered migration files per
dialect, recorded in ``schema_migrations``. :func:`chunks` splits long id lists for ``IN (…)``.

The modules: :mod:`.core` (the error, dialects, leases), :mod:`.urls` (URLs and settings),
:mod:`.database` (the Database), :mod:`.sqlite` and :mod:`.postgresql` (where connections come
from), :mod:`.replicas` (choosing a replica), :mod:`.listener` (notifications),
:mod:`.migrate` (migrations).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .core import DIALECTS, DatabaseError, Dialect, chunks
from .database import Database
from .migrate import migrations
from .urls import (
    DEFAULT_URL,
    POOL_ENV,
    REPLICAS_ENV,
    pool_size,
    redact,
    replica_urls,
    scheme,
    sqlite_path,
)

__all__ = [
    "DEFAULT_URL", "DIALECTS", "POOL_ENV", "REPLICAS_ENV", "Database", "DatabaseError", "Dialect",
    "chunks", "connect", "migrations", "redact", "replica_urls",
]


def connect(url: str = DEFAULT_URL, *, migrate: bool = True, replicas: Sequence[str] | None = None) -> Database:
    """Open the database at ``url`` (``sqlite:///path`` or ``postgresql://…``), with read
    ``replicas`` (PostgreSQL URLs of streaming replicas of that primary) for ``reading()``.
    Every failure is one line: a :class:`DatabaseError`."""
    replicas = [u.strip() for u in replicas or () if u.strip()]
    try:
        kind = scheme(url)
        for replica in replicas:
            if scheme(replica) != "postgresql" or kind != "postgresql":
                raise DatabaseError(f"read replicas need PostgreSQL: {redact(replica)!r} for {redact(url)!r}")
        if kind == "sqlite":
            from .sqlite import SQLiteSource

            source: Any = SQLiteSource(sqlite_path(url))
        else:
            from .postgresql import PostgresSource

            source = PostgresSource(url, replicas, pool_size())
    except DatabaseError:
        raise
    except Exception as exc:  # driver errors carry the reason; keep it on one line
        raise DatabaseError(f"cannot open database {redact(url)}: {exc}".splitlines()[0]) from exc
    db = Database(source, url)
    if migrate:
        try:
            db.migrate()
        except BaseException:
            db.close()
            raise
    return db
