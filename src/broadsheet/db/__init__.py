"""The database: one small protocol over SQLite (default) and PostgreSQL, safe across threads.

``connect(url, replicas=[…])`` opens either store; SQL everywhere is written once with ``?``
placeholders (:class:`Database` turns them into PostgreSQL's) and code that must tell the stores
apart reads ``db.dialect.name``. ``db.reading()`` gives a consistent snapshot (served by a read
replica when there is one), ``db.transaction()`` writes on the primary, ``db.notify`` and
``db.listen`` carry PostgreSQL notifications. Schema changes are numbered migration files per
dialect, recorded in ``schema_migrations``. :func:`chunks` splits long id lists for ``IN (…)``.

Commands that write in bulk (imports, re-renders, migrations) open the database with
:func:`exclusive`, which holds the store's command lock for the whole command: one at a time
per database.

The modules: :mod:`.core` (the errors, dialects, leases), :mod:`.urls` (URLs and settings),
:mod:`.database` (the Database), :mod:`.sqlite` and :mod:`.postgresql` (where connections come
from), :mod:`.replicas` (choosing a replica), :mod:`.listener` (notifications),
:mod:`.migrate` (migrations).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .core import DIALECTS, DatabaseBusy, DatabaseError, DatabaseUnavailable, Dialect, chunks
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
    "DEFAULT_URL", "DIALECTS", "POOL_ENV", "REPLICAS_ENV", "Database", "DatabaseBusy", "DatabaseError", "DatabaseUnavailable",
    "Dialect", "chunks", "connect", "exclusive", "migrations", "redact", "replica_urls",
]

LOCK_POLL = 0.2  # seconds between two attempts at a command lock held by another command


def connect(url: str = DEFAULT_URL, *, migrate: bool = True, replicas: Sequence[str] | None = None) -> Database:
    """Open the database at ``url`` (``sqlite:///path`` or ``postgresql://…``), with read
    ``replicas`` (PostgreSQL URLs of streaming replicas of that primary) for ``reading()``.
    Every failure is one line: a :class:`DatabaseError`."""
    replicas = [u.strip() for u in replicas or () if u.strip()]
    with _opening(url):
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
    db = Database(source, url)
    if migrate:
        try:
            db.migrate()
        except BaseException:
            db.close()
            raise
    return db


@contextmanager
def _opening(url: str) -> Iterator[None]:
    """Whatever opening ``url`` raises, as one line: a :class:`DatabaseError` (whose cause is
    the driver's error)."""
    try:
        yield
    except DatabaseError:
        raise
    except Exception as exc:  # driver errors carry the reason; keep it on one line
        raise DatabaseError(f"cannot open database {redact(url)}: {exc}".splitlines()[0]) from exc


@contextmanager
def exclusive(url: str, command: str, *, wait: float | None = None,
              waiting: Callable[[str], None] | None = None, migrate: bool = True) -> Iterator[Database]:
    """The database at ``url`` for a ``command`` that writes in bulk, holding the store's
    command lock throughout (PostgreSQL: an advisory lock per schema; SQLite: a lock file).

    Another command holding it is waited for, up to ``wait`` seconds (None: as long as it
    takes; then :class:`DatabaseBusy`), and ``waiting`` is told once, in one line. When the
    block fails, a SQLite database that did not exist before it is removed again.
    """
    with _opening(url):
        if scheme(url) == "sqlite":
            from .sqlite import CommandLock

            lock: Any = CommandLock(sqlite_path(url))
        else:
            from .postgresql import CommandLock as PostgresLock

            lock = PostgresLock(url)
        try:
            _acquire(lock, url, f"broadsheet {command}, pid {os.getpid()} on {socket.gethostname()}", wait, waiting)
        except BaseException:
            lock.release(failed=False)
            raise
    failed = True
    try:
        with connect(url, migrate=migrate) as db:
            yield db
        failed = False
    finally:
        lock.release(failed=failed)


def _acquire(lock: Any, url: str, holder: str, wait: float | None, waiting: Callable[[str], None] | None) -> None:
    """Take ``lock``, trying again every ``LOCK_POLL`` seconds while another holder has it."""
    started = time.monotonic()
    told = False
    while not lock.try_acquire(holder):
        other = lock.holder()
        waited = time.monotonic() - started
        if wait is not None and waited >= wait:
            raise DatabaseBusy(redact(url), other, wait)
        if waiting is not None and not told:
            named = f" ({other})" if other else ""
            bound = f" (at most {wait:g} s)" if wait is not None else ""
            waiting(f"another command is running on {redact(url)}{named}; waiting for it to finish{bound}…")
            told = True
        time.sleep(LOCK_POLL if wait is None else min(LOCK_POLL, max(wait - waited, 0.01)))
