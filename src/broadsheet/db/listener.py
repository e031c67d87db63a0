"""PostgreSQL notifications to a callback, on a thread of their own, surviving disconnects.

The listener holds a dedicated autocommit connection to the primary (not a pooled one: it stays
busy waiting). After each (re)connect it calls ``callback(None)``, because notifications sent
while it was away are lost and the caller must look at the state itself; then
``callback(payload)`` for every notification. Connection failures are retried forever, with a
pause doubling from ``RETRY_MIN`` to ``RETRY_MAX``; nothing ever raises into the caller, and an
exception from the callback is logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import sql

RETRY_MIN, RETRY_MAX = 0.1, 5.0
POLL = 0.25  # seconds between looks at the stop flag while waiting

log = logging.getLogger(__name__)


class Listener:
    """One channel, one thread, one connection."""

    def __init__(
        self,
        conninfo: str,
        channel: str,
        callback: Callable[[str | None], None],
        observe: Callable[[Any], None] | None = None,
    ) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self.callback = callback
        self.observe = observe  # called with the connection before each callback (WAL position)
        self._stop = threading.Event()
        self._connected = False
        self._thread = threading.Thread(target=self._run, name=f"broadsheet-listen-{channel}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        pause = RETRY_MIN
        while not self._stop.is_set():
            self._connected = False
            try:
                self._serve()
            except Exception as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                log.warning("listening on %s: %s (reconnecting)", self.channel, reason)
            if self._connected:
                pause = RETRY_MIN
            if self._stop.wait(pause):
                return
            pause = min(pause * 2, RETRY_MAX)

    def _serve(self) -> None:
        """One connection's life: LISTEN, then deliver until it breaks or we are stopped."""
        name = f"broadsheet listen {self.channel}"[:63]
        with psycopg.connect(self.conninfo, autocommit=True, application_name=name, connect_timeout=10) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self._connected = True
            self._deliver(conn, [None])
            while not self._stop.is_set():
                got = [n.payload for n in conn.notifies(timeout=POLL, stop_after=1)]
                if got:
                    self._deliver(conn, got)

    def _deliver(self, conn: Any, payloads: Sequence[str | None]) -> None:
        if self.observe is not None:
            self.observe(conn)
        for payload in payloads:
            if self._stop.is_set():
                return
            try:
                self.callback(payload)
            except Exception:
                log.exception("notification callback for %s failed", self.channel)
