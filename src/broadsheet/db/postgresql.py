"""PostgreSQL connections: a pool on the primary, a pool per read replica, and listeners.

Every connection is in autocommit mode; a block sends its own ``BEGIN``. Writes and statements
outside any block go to the primary; read blocks go to a replica that is up and has this
process's writes (see :mod:`.replicas`), else to the primary. Each pool holds at most
``BROADSHEET_DB_POOL`` connections (default 8). Commands that write in bulk hold
:class:`CommandLock`.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import psycopg
from psycopg import sql
from psycopg.errors import DuplicateSchema, NumericValueOutOfRange, UniqueViolation
from psycopg_pool import ConnectionPool, PoolTimeout

from .core import DIALECTS, DatabaseError, DatabaseUnavailable, Lease, Rows
from .listener import Listener
from .replicas import Replica, begin_read, parse_lsn, replica_order, write_mark
from .urls import PgTarget, pg_target, redact

log = logging.getLogger(__name__)

_READS = re.compile(r"\s*(SELECT|SHOW)\b", re.IGNORECASE)


def _pool(target: PgTarget, size: int, name: str) -> ConnectionPool:
    schema = target.schema

    def configure(conn: psycopg.Connection[Any]) -> None:
        if schema:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))

    pool: ConnectionPool = ConnectionPool(
        target.conninfo, kwargs={"autocommit": True}, min_size=1, max_size=size,
        configure=configure, open=False, name=name, num_workers=2,
    )
    pool.open(wait=False)
    return pool


def _prepare(target: PgTarget) -> None:
    """Connect once (a wrong URL or a server that is down fails here, with the driver's
    reason) and create the schema if it is missing."""
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        if not target.schema:
            return
        found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (target.schema,)).fetchone()
        if found:
            return
        with suppress(UniqueViolation, DuplicateSchema):  # another server made it just now
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(target.schema)))


class PostgresSource:
    """Where a :class:`~broadsheet.db.Database` on PostgreSQL gets its connections."""

    dialect = DIALECTS["postgresql"]
    out_of_range: tuple[type[Exception], ...] = (NumericValueOutOfRange,)
    # The server is down, restarting or out of connections (a lost connection is one of these).
    unavailable: tuple[type[Exception], ...] = (psycopg.OperationalError, PoolTimeout)

    def __init__(self, url: str, replicas: list[str], size: int) -> None:
        self.target = pg_target(url)
        _prepare(self.target)
        self.replicas = tuple(redact(u) for u in replicas)
        self._replicas: list[Replica] = []
        self.primary = _pool(self.target, size, "broadsheet-primary")
        try:
            for number, replica_url in enumerate(replicas, 1):
                replica_target = pg_target(replica_url, schema=self.target.schema)
                name = f"replica {number} ({redact(replica_url)})"
                self._replicas.append(Replica(name, _pool(replica_target, size, f"broadsheet-replica-{number}")))
        except BaseException:
            self.close()
            raise
        self.mark = write_mark(self.target.conninfo)
        self._turn = itertools.count()
        self._listeners: list[Listener] = []

    # -- connections ----------------------------------------------------------------------------
    def _give_back(self, lease: Lease) -> None:
        if lease.broken:
            lease.conn.close()
        try:
            self.primary.putconn(lease.conn)
        except Exception:  # the pool is closed
            lease.conn.close()

    def lease(self) -> Lease:
        return Lease(self.primary.getconn(), self._give_back)

    def thread_connection(self) -> Any:
        raise DatabaseError("db.conn on PostgreSQL exists only inside db.reading() or db.transaction()")

    # -- blocks ---------------------------------------------------------------------------------
    def open_read(self, pinned: Lease | None) -> Lease:
        if pinned is not None:
            pinned.conn.execute(begin_read())
            return pinned
        if self._replicas:
            need = self.mark.lsn
            for replica in replica_order(self._replicas, next(self._turn)):
                lease = replica.begin(need)
                if lease is not None:
                    return lease
        return self._begin_on_primary(begin_read())

    def open_write(self, pinned: Lease | None) -> Lease:
        if pinned is not None:
            pinned.conn.execute("BEGIN")
            return pinned
        return self._begin_on_primary("BEGIN")

    def _begin_on_primary(self, statement: str) -> Lease:
        """``statement`` on a pooled connection; one that died idle (a restarted server) is
        dropped and the next one tried, as nothing has run on it yet."""
        for _ in range(self.primary.max_size + 1):
            lease = self.lease()
            try:
                lease.conn.execute(statement)
            except psycopg.OperationalError:
                died = lease.conn.broken or lease.conn.closed
                lease.broken = True
                lease.release()
                if not died:
                    raise
                continue
            return lease
        raise DatabaseUnavailable("no working connection to the primary")

    @staticmethod
    def still_in_transaction(lease: Lease) -> bool:
        return lease.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def after_write(self, lease: Lease) -> None:
        """Remember the primary's WAL position after our commit: until a replica has replayed
        it, this process reads from the primary."""
        if self._replicas:
            self._observe(lease.conn)

    def _observe(self, conn: Any) -> None:
        try:
            row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
        except psycopg.Error as exc:
            log.warning("cannot read the primary's WAL position: %s", str(exc).splitlines()[0])
            return
        self.mark.advance(parse_lsn(row[0] if row else None))

    # -- statements outside blocks --------------------------------------------------------------
    def run(self, statement: str, params: tuple[Any, ...]) -> Rows:
        with self.primary.connection() as conn:
            cur = conn.cursor()
            cur.execute(statement, params)
            rows = Rows(cur)
            if self._replicas and not _READS.match(statement):
                self._observe(conn)
        return rows

    def run_many(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        with self.primary.connection() as conn:
            conn.cursor().executemany(statement, rows)
            if self._replicas:
                self._observe(conn)

    # -- notifications --------------------------------------------------------------------------
    @staticmethod
    def notify(conn: Any, channel: str, payload: str) -> None:
        conn.execute("SELECT pg_notify(%s, %s)", (channel, payload))

    def listen(self, channel: str, callback: Callable[[str | None], None]) -> bool:
        observe = self._observe if self._replicas else None
        self._listeners.append(Listener(self.target.conninfo, channel, callback, observe))
        return True

    # -- migrations -----------------------------------------------------------------------------
    def migration_lock(self, lease: Lease, wait_ms: int) -> Callable[[], None]:
        """A session lock on this connection, one per schema, held while migrating: servers
        starting together migrate one after the other."""
        schema = lease.conn.execute("SELECT current_schema()").fetchone()[0] or "public"
        key = _lock_key(f"broadsheet.migrate:{schema}")
        lease.conn.execute("SELECT pg_advisory_lock(%s)", (key,))

        def unlock() -> None:
            try:
                lease.conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
            except psycopg.Error:
                lease.broken = True  # the session, and its lock, end with the connection

        return unlock

    def close(self) -> None:
        for listener in getattr(self, "_listeners", []):
            listener.stop()
        for replica in self._replicas:
            replica.close()
        if hasattr(self, "primary"):
            self.primary.close()


class CommandLock:
    """A session advisory lock, one per schema, held by commands that write in bulk on a
    connection of its own (not pooled, named after its holder in ``pg_stat_activity``): it
    ends with that connection, however its process ends."""

    def __init__(self, url: str) -> None:
        self.target = pg_target(url)
        self._conn: psycopg.Connection[Any] | None = None
        self._key = 0

    def try_acquire(self, holder: str) -> bool:
        """Take the lock if it is free (True)."""
        if self._conn is None:
            self._conn = psycopg.connect(self.target.conninfo, autocommit=True, application_name=holder[:63])
            row = self._conn.execute("SELECT current_schema()").fetchone()
            schema = self.target.schema or (row[0] if row else None) or "public"
            self._key = _lock_key(f"broadsheet.command:{schema}")
        row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
        return bool(row and row[0])

    def holder(self) -> str:
        """Who holds the lock: the ``application_name`` of its session ('' when unknown)."""
        if self._conn is None:
            return ""
        unsigned = self._key & 0xFFFF_FFFF_FFFF_FFFF  # a bigint key shows as two oids
        row = self._conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
            " AND l.classid = %s::bigint::oid AND l.objid = %s::bigint::oid"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (unsigned >> 32, unsigned & 0xFFFF_FFFF),
        ).fetchone()
        return str(row[0] or "") if row else ""

    def release(self, *, failed: bool) -> None:
        """Let go of the lock (closing its session)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for ``name``."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
