"""SQLite connections: one per thread, to the same file, each with the same settings.

A thread's connection opens on its first statement and closes when the thread ends (or when the
database is closed). WAL mode lets readers work beside one writer: a read block is a deferred
``BEGIN`` (its snapshot starts at its first statement), a write is ``BEGIN IMMEDIATE`` (waiting
up to the busy timeout for the write lock). An in-memory database exists only inside its one
connection, so every thread shares that connection: use a file for concurrent work.

Commands that write in bulk hold :class:`CommandLock`, a lock file beside the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable
from typing import Any

from .. import budget
from .core import DIALECTS, DatabaseError, Lease

BUSY_TIMEOUT_MS = 10_000
WAL_LIMIT = 64 << 20  # bytes a write-ahead log is cut back to once checkpointed
BUDGET_CHECK_STEPS = 20_000  # virtual-machine steps between checks of the request's deadline


def _strpos(haystack: str | None, needle: str | None) -> int | None:
    """PostgreSQL's strpos(), for substring tests too long for SQLite's LIKE (store/collation.py)."""
    if haystack is None or needle is None:
        return None
    return str(haystack).find(str(needle)) + 1


def open_connection(path: str) -> sqlite3.Connection:
    """A connection to ``path`` with Broadsheet's settings (WAL, busy timeout, strpos)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
        conn.create_function("strpos", 2, _strpos, deterministic=True)
        # A statement running past its request's deadline is interrupted (see budget.py).
        conn.set_progress_handler(budget.expired, BUDGET_CHECK_STEPS)
    except BaseException:
        conn.close()
        raise
    return conn


def _truncate_wal(conn: sqlite3.Connection, path: str) -> None:
    """Checkpoint a write-ahead log found on opening and cut it to nothing: a killed import
    leaves one as large as what it had written (never applied without its commit). Skipped,
    without waiting, while another connection is reading or writing."""
    try:
        if os.path.getsize(f"{path}-wal") == 0:
            return
    except OSError:
        return
    conn.execute("PRAGMA busy_timeout=0")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError:
        pass  # a read-only file: whoever may write will do it
    finally:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


class _Holder:
    """This thread's connection; when the thread ends, the holder goes and closes it."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


def _forget(registry: set[sqlite3.Connection], lock: threading.Lock, conn: sqlite3.Connection) -> None:
    with lock:
        registry.discard(conn)
    conn.close()


class SQLiteSource:
    """Where a :class:`~broadsheet.db.Database` on SQLite gets its connections."""

    dialect = DIALECTS["sqlite"]
    out_of_range: tuple[type[Exception], ...] = ()
    unavailable: tuple[type[Exception], ...] = ()  # a file has no server to lose
    replicas: tuple[str, ...] = ()

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[sqlite3.Connection] = set()
        self._closed = False
        self._shared = open_connection(path) if path == ":memory:" else None
        conn = self.connection()  # open the caller's now, so a bad path fails in connect()
        if self._shared is None:
            _truncate_wal(conn, path)

    # -- connections ----------------------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        if self._shared is not None:
            return self._shared
        holder = getattr(self._local, "holder", None)
        if holder is None:
            if self._closed:
                raise DatabaseError("the database is closed")
            conn = open_connection(self.path)
            holder = _Holder(conn)
            with self._lock:
                self._open.add(conn)
            weakref.finalize(holder, _forget, self._open, self._lock, conn)
            self._local.holder = holder
        return holder.conn

    thread_connection = connection

    def _give_back(self, lease: Lease) -> None:
        if lease.broken and lease.conn is not self._shared:
            # Its transaction state is unknown: this thread opens a new one on next use.
            holder = getattr(self._local, "holder", None)
            if holder is not None and holder.conn is lease.conn:
                self._local.holder = None
                _forget(self._open, self._lock, lease.conn)

    def lease(self) -> Lease:
        return Lease(self.connection(), self._give_back)

    # -- blocks ---------------------------------------------------------------------------------
    def open_read(self, pinned: Lease | None) -> Lease:
        lease = pinned or self.lease()
        lease.conn.execute("BEGIN")
        return lease

    def open_write(self, pinned: Lease | None) -> Lease:
        lease = pinned or self.lease()
        lease.conn.execute("BEGIN IMMEDIATE")
        return lease

    @staticmethod
    def still_in_transaction(lease: Lease) -> bool:
        return bool(lease.conn.in_transaction)

    def after_write(self, lease: Lease) -> None:
        """Nothing to remember: SQLite has no replicas."""

    # -- statements outside blocks --------------------------------------------------------------
    def run(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self.connection().execute(sql, params)

    def run_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.connection().executemany(sql, rows)

    # -- notifications --------------------------------------------------------------------------
    def notify(self, conn: Any, channel: str, payload: str) -> None:
        """Nothing: SQLite processes poll the version stamp."""

    def listen(self, channel: str, callback: Callable[[str | None], None]) -> bool:
        return False

    # -- migrations -----------------------------------------------------------------------------
    def migration_lock(self, lease: Lease, wait_ms: int) -> Callable[[], None]:
        """Wait up to ``wait_ms`` for the write lock (migrations take it before reading
        schema_migrations, in each of their ``BEGIN IMMEDIATE`` transactions)."""
        lease.conn.execute(f"PRAGMA busy_timeout={int(wait_ms)}")

        def unlock() -> None:
            try:
                lease.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            except sqlite3.Error:
                lease.broken = True

        return unlock

    def close(self) -> None:
        self._closed = True
        with self._lock:
            conns = list(self._open)
            self._open.clear()
        for conn in conns:
            conn.close()
        if self._shared is not None:
            self._shared.close()


class CommandLock:
    """A lock file beside the database (``PATH-lock``) held by commands that write in bulk
    (``flock``: the kernel lets go of it when its process ends, however it ends). It names its
    holder, and is removed when released."""

    def __init__(self, path: str) -> None:
        self.database = path
        self.path = f"{path}-lock"
        self._fd = -1
        self._created = False  # whether the database file did not exist when the lock was taken

    def try_acquire(self, holder: str) -> bool:
        """Take the lock if it is free (True), writing ``holder`` into the file."""
        if self.database == ":memory:":
            return True  # no other process can see it
        while True:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            if self._still_there(fd):
                break
            os.close(fd)  # its last holder removed it meanwhile: lock the file there now
        with contextlib.suppress(OSError):  # who holds it is only a courtesy (a full disk refuses it)
            os.ftruncate(fd, 0)
            os.pwrite(fd, holder.encode(), 0)
        self._fd = fd
        self._created = not os.path.exists(self.database)
        return True

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            folder = os.path.dirname(os.path.abspath(self.path))
            raise DatabaseError(f"cannot create the lock file {self.path} ({exc.strerror}): the database's "
                                f"folder {folder} must exist and be writable for this user") from exc

    def _still_there(self, fd: int) -> bool:
        try:
            return os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it ('' when unknown)."""
        with contextlib.suppress(OSError), open(self.path, encoding="utf-8", errors="replace") as file:
            return file.read(200).strip()
        return ""

    def release(self, *, failed: bool) -> None:
        """Let go of the lock; after a failed command, remove the database if taking the lock
        found none there (a failed import leaves no empty database behind)."""
        if self._fd < 0:
            return
        if failed and self._created:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.database + suffix)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(self._fd)
        self._fd = -1
