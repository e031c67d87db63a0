"""A request's time budget: the moment by which its thread must have answered.

The request core sets the deadline around each request it answers in a thread
(:func:`until`); the database layer enforces it, since database work is what can run long:
every statement first checks the deadline (:func:`check`), SQLite interrupts a statement
that runs past it (a progress handler calling :func:`expired`), and PostgreSQL read blocks
carry a ``statement_timeout`` of the time left (:func:`statement_timeout_ms`). Past the
deadline the thread raises :class:`Overtime`, which the core answers with a 503.

``Overtime`` derives from ``BaseException``, as ``asyncio.CancelledError`` does: it is a
cancellation, not a failure, so the ``except Exception`` that turns a bug into a 500 (or a
fallback) lets it pass to the core. Threads without a deadline (imports, the watcher,
commands) are never interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic


class Overtime(BaseException):
    """The current request ran past its time budget."""


class _Deadline(threading.local):
    at: float | None = None


_deadline = _Deadline()


@contextmanager
def until(at: float | None) -> Iterator[None]:
    """Run the block with ``at`` (a ``time.monotonic()`` value, or None: no limit) as this
    thread's deadline."""
    before = _deadline.at
    _deadline.at = at
    try:
        yield
    finally:
        _deadline.at = before


def expired() -> bool:
    """Whether this thread's deadline has passed."""
    at = _deadline.at
    return at is not None and monotonic() >= at


def check() -> None:
    """Raise :class:`Overtime` when this thread's deadline has passed."""
    at = _deadline.at
    if at is not None and monotonic() >= at:
        raise Overtime


def statement_timeout_ms() -> int | None:
    """The milliseconds left to this thread (at least 1), or None without a deadline."""
    at = _deadline.at
    if at is None:
        return None
    return max(1, int((at - monotonic()) * 1000))
