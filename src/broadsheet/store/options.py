"""Site settings in the ``options`` table (one JSON value per option name)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import phpjson
from ..db import Database
from ..settings import SiteSettings


def load(db: Database) -> SiteSettings:
    """The site's settings as stored."""
    rows = db.all("SELECT name, value FROM options")
    return SiteSettings({name: phpjson.loads(value) for name, value in rows})


def save(db: Database, values: Mapping[str, Any]) -> None:
    """Store (replace) these option values."""
    for name, value in values.items():
        db.execute("DELETE FROM options WHERE name = ?", (name,))
        db.execute("INSERT INTO options (name, value) VALUES (?, ?)", (name, phpjson.dumps_storage(value)))


def content_version(db: Database) -> int:
    """The current content version (moves whenever content changes)."""
    return int(db.scalar("SELECT version FROM content_version WHERE id = 1") or 0)


def bump_content_version(db: Database) -> int:
    """Mark content as changed so every server drops its caches."""
    db.execute("UPDATE content_version SET version = version + 1 WHERE id = 1")
    return content_version(db)
