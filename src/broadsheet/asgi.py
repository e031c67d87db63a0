"""The ASGI entry point ``broadsheet.asgi:app`` (database from BROADSHEET_DATABASE_URL)."""

from __future__ import annotations

import os

from .app import create_app
from .db import DEFAULT_URL

app = create_app(os.environ.get("BROADSHEET_DATABASE_URL", DEFAULT_URL),
                 cache=not os.environ.get("BROADSHEET_NO_CACHE"))
