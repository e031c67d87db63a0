"""Site settings in the ``options`` table (one JSON value per option name)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import phpjson
from ..db import Database
from ..settings import SiteSettings
from . import changes


def load(db: Database) -> SiteSettings:
    """The site's settings as stored."""
    rows = db.all("SELECT name, value FROM options")
    return SiteSettings({name: phpjson.loads(value) for name, value in rows})


def save(db: Database, values: Mapping[str, Any]) -> None:
    """Store (replace) these option values (noting the ones that change, see store/changes.py)."""
    stored = dict(db.all("SELECT name, value FROM options"))
    for name, value in values.items():
        text = phpjson.dumps_storage(value)
        if stored.get(name) == text:
            continue
        changes.note(db, "option", [name])
        db.execute("DELETE FROM options WHERE name = ?", (name,))
        db.execute("INSERT INTO options (name, value) VALUES (?, ?)", (name, text))

