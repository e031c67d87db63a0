"""The entry point ``broadsheet.asgi:app`` that ``serve`` hands to granian (each worker process
imports it). Configured by the environment: BROADSHEET_DATABASE_URL, BROADSHEET_REPLICA_URLS
(comma-separated), BROADSHEET_NO_CACHE, BROADSHEET_CACHE_MB, BROADSHEET_THREADS, and the limits
of ``limits.py``."""

from __future__ import annotations

import os

from .app import create_app
from .db import DEFAULT_URL, REPLICAS_ENV, replica_urls
from .limits import Limits

app = create_app(
    os.environ.get("BROADSHEET_DATABASE_URL", DEFAULT_URL),
    cache=not os.environ.get("BROADSHEET_NO_CACHE"),
    threads=int(os.environ.get("BROADSHEET_THREADS") or 0) or None,
    replicas=replica_urls(os.environ.get(REPLICAS_ENV, "")) or None,
    limits=Limits.from_env(),
)
