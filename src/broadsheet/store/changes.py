"""What changed, version by version: how every server process learns which cached things to drop.

A writing transaction notes what it touches (:func:`note`: the store's writers do it for every
post, term, user, comment and option they write) and ends with :func:`publish`, which moves the
``content_version`` stamp, records the version's scope in ``content_changes`` and notifies the
other processes (PostgreSQL ``NOTIFY``; SQLite processes poll the stamp). A process that sees the
stamp move reads the scopes since its own version (:func:`since`) and drops what depends on them;
when a version's scope is missing (pruned, or the change was too large to list) it drops
everything, which is always correct.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import phpjson
from ..db import Database

CHANNEL = "broadsheet_content"
MAX_LISTED = 2000  # ids a version lists before it simply says "all"
KEEP_VERSIONS = 500  # scopes kept for processes that are behind


@dataclass
class Scope:
    """What one or more versions changed: ids per kind, or everything."""

    ids: dict[str, set[Any]] = field(default_factory=dict)
    everything: bool = False

    def add(self, kind: str, ids: Iterable[Any]) -> None:
        """Note these objects as changed."""
        if self.everything:
            return
        self.ids.setdefault(kind, set()).update(ids)
        if sum(len(v) for v in self.ids.values()) > MAX_LISTED:
            self.everything, self.ids = True, {}

    def merge(self, other: Scope) -> None:
        """Add what ``other`` changed."""
        if other.everything:
            self.everything, self.ids = True, {}
        for kind, ids in other.ids.items():
            self.add(kind, ids)

    def to_json(self) -> str:
        if self.everything or not self.ids:
            return '"all"'
        return phpjson.dumps_storage({k: sorted(v, key=str) for k, v in self.ids.items()})

    @classmethod
    def from_json(cls, text: str) -> Scope:
        value = phpjson.loads(text)
        if not isinstance(value, dict):
            return cls(everything=True)
        return cls({str(k): set(v) for k, v in value.items() if isinstance(v, list)})


_pending: weakref.WeakKeyDictionary[Database, Scope] = weakref.WeakKeyDictionary()


def note(db: Database, kind: str, ids: Iterable[Any]) -> None:
    """Within a writing transaction: these objects of ``kind`` are being changed."""
    _pending.setdefault(db, Scope()).add(kind, ids)


def note_everything(db: Database) -> None:
    """Within a writing transaction: the change is too broad to list."""
    _pending.setdefault(db, Scope()).everything = True


def publish(db: Database) -> int:
    """End of a writing transaction: move the version stamp, record what this version changed
    (everything, when nothing was noted) and tell the other processes. Returns the new version."""
    scope = _pending.pop(db, None) or Scope(everything=True)
    db.execute("UPDATE content_version SET version = version + 1 WHERE id = 1")
    version = current(db)
    db.execute("INSERT INTO content_changes (version, scope) VALUES (?, ?)", (version, scope.to_json()))
    db.execute("DELETE FROM content_changes WHERE version <= ?", (version - KEEP_VERSIONS,))
    db.notify(CHANNEL, str(version))
    return version


def current(db: Database) -> int:
    """The content version stamp."""
    return int(db.scalar("SELECT version FROM content_version WHERE id = 1") or 0)


def since(db: Database, version: int, upto: int) -> Scope:
    """What changed after ``version`` up to ``upto`` (everything, when a scope is missing)."""
    rows = db.all("SELECT version, scope FROM content_changes WHERE version > ? AND version <= ?"
                  " ORDER BY version", (version, upto))
    scope = Scope()
    if len(rows) != upto - version:
        scope.everything = True
        return scope
    for _, text in rows:
        scope.merge(Scope.from_json(text))
        if scope.everything:
            break
    return scope
