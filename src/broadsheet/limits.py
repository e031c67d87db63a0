"""The limits that protect a server process, with their defaults: one record, read from the
environment (``serve`` writes its options there for its worker processes).

Each limit has a ``serve`` option and an environment variable; docs/deployment.md explains them
and what a reverse proxy in front should add.

======================  ===============================  =========  ==============================
limit                   environment variable             default    when passed
======================  ===============================  =========  ==============================
connections per worker  BROADSHEET_MAX_CONNECTIONS       4096       new connections wait (backlog)
header and idle time    BROADSHEET_HEADER_TIMEOUT        10 s       the connection is closed
request headers         BROADSHEET_MAX_HEADER_KB         32 KiB     431
path and query          BROADSHEET_MAX_URL_KB            8 KiB      414
request body            BROADSHEET_MAX_BODY_MB           10 MiB     413, the rest left unread
time per request        BROADSHEET_TIME_BUDGET           10 s       503 with ``Retry-After``
draining on SIGTERM     BROADSHEET_DRAIN_TIMEOUT         20 s       the worker is killed
======================  ===============================  =========  ==============================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

KIB = 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """A server process's limits (sizes in bytes, times in seconds; a budget of 0: none)."""

    max_connections: int = 4096
    header_timeout: float = 10.0
    max_header_bytes: int = 32 * KIB
    max_url_bytes: int = 8 * KIB
    max_body_bytes: int = 10 * KIB * KIB
    time_budget: float = 10.0
    drain_timeout: float = 20.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        """The limits the environment sets, defaults elsewhere (a malformed value is an error)."""
        values: dict[str, float] = {}
        for f in fields(cls):
            name, scale = ENV[f.name]
            raw = environ.get(name, "").strip()
            if raw:
                try:
                    number = float(raw)
                except ValueError:
                    raise ValueError(f"{name}={raw!r} is not a number") from None
                if number < 0:
                    raise ValueError(f"{name}={raw!r} is negative")
                values[f.name] = int(number * scale) if f.type in ("int", int) else number * scale
        return cls(**values)  # type: ignore[arg-type]

    @property
    def budget(self) -> float | None:
        """The time budget, None when there is none."""
        return self.time_budget or None


# Each limit's environment variable and the unit its value is given in there.
ENV: dict[str, tuple[str, int]] = {
    "max_connections": ("BROADSHEET_MAX_CONNECTIONS", 1),
    "header_timeout": ("BROADSHEET_HEADER_TIMEOUT", 1),
    "max_header_bytes": ("BROADSHEET_MAX_HEADER_KB", KIB),
    "max_url_bytes": ("BROADSHEET_MAX_URL_KB", KIB),
    "max_body_bytes": ("BROADSHEET_MAX_BODY_MB", KIB * KIB),
    "time_budget": ("BROADSHEET_TIME_BUDGET", 1),
    "drain_timeout": ("BROADSHEET_DRAIN_TIMEOUT", 1),
}
