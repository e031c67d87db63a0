"""The vocabulary every part of the database layer shares: the errors, the dialects, a borrowed
connection (:class:`Lease`), rows fetched ahead (:class:`Rows`) and :func:`chunks`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")


class DatabaseError(Exception):
    """A database could not be opened or a statement failed."""


class DatabaseUnavailable(DatabaseError):
    """The database server could not be reached, or went away during a statement (restarting,
    shutting down, out of connections): the same request may work again shortly."""


class DatabaseBusy(DatabaseError):
    """Another command that writes in bulk held the database for longer than this one would
    wait (see :func:`~broadsheet.db.exclusive`)."""

    def __init__(self, url: str, holder: str, waited: float) -> None:
        self.url, self.holder, self.waited = url, holder, waited
        named = f" ({holder})" if holder else ""
        super().__init__(f"another command is still running on {url}{named} after {waited:g} s")


@dataclass(frozen=True)
class Dialect:
    """Which of the two stores a connection speaks to."""

    name: str


DIALECTS = {"sqlite": Dialect("sqlite"), "postgresql": Dialect("postgresql")}


def chunks(items: Iterable[T], size: int = 500) -> Iterator[list[T]]:
    """``items`` in consecutive lists of at most ``size``: an ``IN (…)`` list per chunk stays far
    below SQLite's and PostgreSQL's limits on parameters, whatever the number of ids (and a
    stream is read a list at a time)."""
    found = iter(items)
    while part := list(islice(found, size)):
        yield part


class Lease:
    """A connection bound to one thread for a block (or a migration run), and how to give it
    back. ``broken`` marks a connection that must not be reused (its transaction state is
    unknown)."""

    __slots__ = ("broken", "conn", "_give_back")

    def __init__(self, conn: Any, give_back: Callable[[Lease], None]) -> None:
        self.conn = conn
        self.broken = False
        self._give_back = give_back

    def release(self) -> None:
        self._give_back(self)


class Rows:
    """A statement's outcome read in full, so the connection it ran on could go back to the
    pool at once: the subset of a DB-API cursor that callers use."""

    __slots__ = ("_at", "_rows", "rowcount")

    def __init__(self, cursor: Any) -> None:
        self.rowcount = cursor.rowcount
        self._rows: list[Any] = cursor.fetchall() if cursor.description is not None else []
        self._at = 0

    def fetchone(self) -> Any:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchall(self) -> list[Any]:
        rest = self._rows[self._at :]
        self._at = len(self._rows)
        return rest
