"""Read replicas: which one may serve a read block, and whether it has this process's writes.

A replica serves a read block when it is up and has replayed at least the newest write this
process knows of (:class:`WriteMark`: the primary's WAL position after each commit of ours and
after each notification we receive). A replica's replay position is asked at most every
``CHECK_INTERVAL`` seconds while it is behind, never while it is known to be far enough. A
replica that fails is left alone for a growing while (``DOWN_MIN`` doubling to ``DOWN_MAX``);
then a background probe, never a request, tries it again.
"""

from __future__ import annotations

import logging
import threading
from time import monotonic

import psycopg
from psycopg_pool import ConnectionPool

from .. import budget
from .core import Lease

CHECK_INTERVAL = 0.1  # seconds between two replay-position checks of a lagging replica
WAIT = 1.0  # seconds a read waits for a connection of a replica that is up
DOWN_MIN, DOWN_MAX = 0.25, 10.0  # how long a failed replica is left alone (doubling)
PROBE_WAIT = 5.0

BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


def begin_read() -> str:
    """The statement opening a read snapshot: with a ``statement_timeout`` of the time left
    when the thread answers a request with a time budget (budget.py), in the same round trip."""
    left = budget.statement_timeout_ms()
    return BEGIN_READ if left is None else f"{BEGIN_READ}; SET LOCAL statement_timeout = {left}"

log = logging.getLogger(__name__)


def parse_lsn(text: str | None) -> int:
    """A WAL position (``16/B374D848``) as a number; 0 for none."""
    if not text:
        return 0
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


class WriteMark:
    """The newest primary WAL position this process must see in what it reads."""

    def __init__(self) -> None:
        self.lsn = 0
        self._lock = threading.Lock()

    def advance(self, lsn: int) -> None:
        with self._lock:
            if lsn > self.lsn:
                self.lsn = lsn


_marks: dict[str, WriteMark] = {}
_marks_lock = threading.Lock()


def write_mark(conninfo: str) -> WriteMark:
    """The mark shared by every Database of this process on one primary."""
    with _marks_lock:
        return _marks.setdefault(conninfo, WriteMark())


class Replica:
    """One replica server: its pool, whether it is up, and how far it has replayed."""

    def __init__(self, name: str, pool: ConnectionPool) -> None:
        self.name = name
        self.pool = pool
        self.replayed = 0  # replay position last seen
        self._checked = 0.0  # when it was last asked
        self._failures = 0
        self._down_until = 0.0  # 0: up
        self._probing = False
        self._closed = False
        self._lock = threading.Lock()

    def begin(self, need: int) -> Lease | None:
        """A read transaction on this replica, or None when it is down, behind ``need`` (or
        not yet asked again), or fails now. Never raises for the replica's sake."""
        now = monotonic()
        if not self._usable(now):
            return None
        behind = need > self.replayed
        if behind and now - self._checked < CHECK_INTERVAL:
            return None
        try:
            conn = self.pool.getconn(timeout=WAIT)
        except psycopg.Error:
            self.failed()
            return None
        lease = Lease(conn, self._give_back)
        try:
            if behind:
                self._checked = now
                row = conn.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()
                self.replayed = parse_lsn(row[0] if row else None)
                if need > self.replayed:
                    lease.release()
                    return None
            conn.execute(begin_read())
        except psycopg.Error:
            lease.broken = True
            lease.release()
            return None
        return lease

    def _give_back(self, lease: Lease) -> None:
        if lease.broken:
            self.failed()
            lease.conn.close()
        try:
            self.pool.putconn(lease.conn)
        except Exception:  # the pool is closed: the connection is
            lease.conn.close()

    # -- up and down ---------------------------------------------------------------------------
    def _usable(self, now: float) -> bool:
        if not self._down_until:
            return True
        with self._lock:
            if self._probing or now < self._down_until or self._closed:
                return False
            self._probing = True
        threading.Thread(target=self._probe, name=f"broadsheet-probe-{self.name}", daemon=True).start()
        return False

    def failed(self) -> None:
        """This replica just failed: leave it alone for a while."""
        with self._lock:
            if self._down_until == 0.0:
                log.warning("read replica %s is unavailable; reading from the primary", self.name)
            self._failures += 1
            pause = min(DOWN_MIN * 2 ** (self._failures - 1), DOWN_MAX)
            self._down_until = monotonic() + pause

    def _probe(self) -> None:
        try:
            self.pool.check()  # drop the idle connections that died with the server
            with self.pool.connection(timeout=PROBE_WAIT) as conn:
                conn.execute("SELECT 1")
        except Exception:
            with self._lock:
                self._probing = False
            self.failed()
            return
        with self._lock:
            self._failures, self._down_until, self._probing = 0, 0.0, False
        log.warning("read replica %s is back", self.name)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self.pool.close()


def replica_order(replicas: list[Replica], turn: int) -> list[Replica]:
    """The replicas in round-robin order for the ``turn``-th read."""
    start = turn % len(replicas)
    return replicas[start:] + replicas[:start]
