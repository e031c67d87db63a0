"""The :class:`Database`: statements, read snapshots, write transactions, notifications.

One ``Database`` serves many threads at once. Each thread has its own state: outside any block
its statements run one by one in autocommit mode (SQLite: on the thread's own connection;
PostgreSQL: each on a connection borrowed from the primary's pool for that statement); inside
``reading()`` or ``transaction()`` every statement runs on one connection held by the thread
for the whole block.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from functools import lru_cache
from typing import Any

from .. import budget
from .core import DatabaseError, DatabaseUnavailable, Lease
from .migrate import migrate, schema_version

log = logging.getLogger(__name__)

_QMARK = re.compile(r"\?")


@lru_cache(maxsize=2048)
def _postgres_sql(sql: str) -> str:
    """A statement with ``?`` placeholders in psycopg's style (statements recur: memoised)."""
    return _QMARK.sub("%s", sql.replace("%", "%%"))


class _ThreadState(threading.local):
    """What one thread is doing with the database."""

    def __init__(self) -> None:
        self.lease: Lease | None = None  # the connection this thread holds
        self.pinned = False  # held across blocks (a migration run), not by one block
        self.depth = 0  # open reading()/transaction() blocks, nested ones included
        self.kind: str | None = None  # the outermost block's: "read" or "write"
        self.begun = False  # its BEGIN has been sent (a read block sends it lazily)


class Database:
    """A store (SQLite file or PostgreSQL primary, with read replicas) and the dialect it
    speaks; every query goes through here, from any number of threads."""

    def __init__(self, source: Any, url: str) -> None:
        self.source = source
        self.dialect = source.dialect
        self.url = url
        self.replicas: tuple[str, ...] = source.replicas  # their URLs, passwords hidden
        self._thread = _ThreadState()
        # A number too large for a column: sqlite3 raises OverflowError itself; PostgreSQL's
        # error is turned into one, so callers see the same thing on both.
        self._out_of_range = source.out_of_range
        self._unavailable = source.unavailable
        self._postgres = self.dialect.name == "postgresql"
        # Close every connection when this object goes away, even inside a reference cycle.
        self._finalizer = weakref.finalize(self, source.close)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> Any:
        """The current thread's connection: the one its block holds; outside blocks, on SQLite,
        the thread's own (on PostgreSQL there is none outside blocks)."""
        t = self._held()
        if t.lease is not None:
            return t.lease.conn
        return self.source.thread_connection()

    # -- statements -------------------------------------------------------------------------
    def _params(self, params: Sequence[Any]) -> tuple[Any, ...]:
        if self._postgres:
            # PostgreSQL text cannot hold NUL; U+FFFF (a noncharacter) stands in for it.
            return tuple(p.replace("\x00", "\uffff") if isinstance(p, str) and "\x00" in p else p for p in params)
        return tuple(params)

    def _sql(self, sql: str) -> str:
        return _postgres_sql(sql) if self._postgres else sql

    def _held(self) -> _ThreadState:
        """This thread's state, its read block's BEGIN sent now if it was put off."""
        t = self._thread
        if t.depth and not t.begun:
            self._begin_read(t)
        return t

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement and return its cursor (or, on PostgreSQL outside a block, its rows
        read ahead, with the same ``fetchone``/``fetchall``/``rowcount``)."""
        budget.check()
        try:
            t = self._held()  # a read block's put-off BEGIN is sent here
            if t.lease is None:
                return self.source.run(self._sql(sql), self._params(params))
            cur = t.lease.conn.cursor()
            cur.execute(self._sql(sql), self._params(params))
            return cur
        except self._out_of_range as exc:
            raise OverflowError(str(exc).splitlines()[0]) from exc
        except Exception as exc:
            self._explain(exc)
            raise

    def _explain(self, exc: Exception) -> None:
        """Raise what a failed statement means when it is not the statement's fault: the
        request's time budget ran out (budget.py), or the server went away."""
        if budget.expired():
            raise budget.Overtime from exc
        if isinstance(exc, self._unavailable):
            raise DatabaseUnavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many parameter rows."""
        if not rows:
            return
        t = self._held()
        params = [self._params(r) for r in rows]
        try:
            if t.lease is None:
                self.source.run_many(self._sql(sql), params)
            else:
                t.lease.conn.cursor().executemany(self._sql(sql), params)
        except self._out_of_range as exc:
            raise OverflowError(str(exc).splitlines()[0]) from exc

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of a query."""
        return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a query, or None."""
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.one(sql, params)
        return row[0] if row else None

    # -- blocks -----------------------------------------------------------------------------
    def reading(self) -> AbstractContextManager[Database]:
        """One consistent snapshot for every statement inside, on this thread (PostgreSQL:
        ``REPEATABLE READ READ ONLY``, on a replica when one is up and has this process's
        writes; SQLite: a deferred ``BEGIN``). Nothing is sent until the first statement.
        Nested blocks, and blocks inside a transaction, join the outer one. An exception
        inside rolls back; the connection always goes back clean."""
        return self._block("read")

    def _begin_read(self, t: _ThreadState) -> None:
        t.lease = self.source.open_read(t.lease if t.pinned else None)
        t.begun = True

    def transaction(self) -> AbstractContextManager[Database]:
        """All statements inside commit together or not at all, on the primary (nesting joins
        the outer one; one cannot start inside ``reading()``)."""
        return self._block("write")

    @contextmanager
    def _block(self, kind: str) -> Iterator[Database]:
        t = self._thread
        if t.depth:
            if kind == "write" and t.kind == "read":
                raise DatabaseError("db.transaction() cannot start inside db.reading(): writes need their own block")
            t.depth += 1
            try:
                yield self
            finally:
                t.depth -= 1
            return
        if kind == "write":
            t.lease = self.source.open_write(t.lease if t.pinned else None)
        t.depth, t.kind, t.begun = 1, kind, kind == "write"
        ok = False
        try:
            yield self
            ok = True
        finally:
            self._finish(t, commit=ok)

    def _finish(self, t: _ThreadState, *, commit: bool) -> None:
        """End the outermost block: commit or roll back, and give the connection back."""
        lease, begun, wrote = t.lease, t.begun, t.kind == "write"
        t.depth, t.kind, t.begun = 0, None, False
        if not t.pinned:
            t.lease = None
        if lease is None or not begun:
            return
        try:
            if commit:
                try:
                    lease.conn.execute("COMMIT")
                except BaseException as exc:
                    self._roll_back(lease)
                    if wrote or not isinstance(exc, Exception):
                        raise
                    # A read block has read everything it needed from its snapshot: the snapshot
                    # ending badly (PostgreSQL restarting closed the connection) changes none of
                    # it. The connection is dropped (``_roll_back`` marked it broken).
                    log.info("ending a read snapshot failed (its reads stand): %s", exc)
                if wrote:
                    self.source.after_write(lease)
            else:
                self._roll_back(lease)
        finally:
            if not t.pinned:
                lease.release()

    def _roll_back(self, lease: Lease) -> None:
        with suppress(Exception):  # whether it worked is checked next
            lease.conn.execute("ROLLBACK")
        try:
            if self.source.still_in_transaction(lease):
                lease.broken = True
        except Exception:
            lease.broken = True

    @contextmanager
    def pinned(self) -> Iterator[Lease]:
        """Hold one primary connection on this thread across several blocks (the migration
        run's session lock lives on it)."""
        t = self._thread
        if t.lease is not None:
            yield t.lease
            return
        lease = self.source.lease()
        t.lease, t.pinned = lease, True
        try:
            yield lease
        finally:
            t.lease, t.pinned = None, False
            lease.release()

    # -- notifications ----------------------------------------------------------------------
    def notify(self, channel: str, payload: str) -> None:
        """Tell listeners on ``channel`` (PostgreSQL ``pg_notify``): inside a transaction the
        notification is delivered when it commits (and never if it rolls back); outside one,
        at once. Nothing on SQLite, whose processes poll."""
        t = self._thread
        if t.kind == "read":
            raise DatabaseError("db.notify() inside db.reading(): notify from a transaction")
        if not self._postgres:
            return
        if t.lease is not None:
            self.source.notify(t.lease.conn, channel, payload)
        else:
            self.execute("SELECT pg_notify(?, ?)", (channel, payload))

    def listen(self, channel: str, callback: Callable[[str | None], None]) -> bool:
        """Call ``callback(payload)`` for every notification on ``channel``, and
        ``callback(None)`` after each (re)connect (notifications sent meanwhile are lost: look
        at the state again), from a daemon thread that reconnects forever. False on SQLite,
        where nothing is started and callers poll."""
        return bool(self.source.listen(channel, callback))

    # -- the rest ---------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the listeners and close every connection (and pool) this database opened."""
        self._finalizer()

    def migrate(self) -> list[int]:
        """Apply the numbered migrations not yet applied; returns their numbers."""
        return migrate(self)

    def schema_version(self) -> int:
        """Highest applied migration number (0 for an empty database)."""
        return schema_version(self)
