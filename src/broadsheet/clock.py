"""The current time, frozen by ``BROADSHEET_NOW`` (ISO 8601) when it is set.

Everything time-dependent asks this module: relative dates, scheduled posts becoming public,
the REST index's ``gmt_offset``. A publisher serving an archive "as of" a date sets the
variable; tests set it to the moment the oracle's golden files were captured.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

ENV = "BROADSHEET_NOW"


def parse_now(value: str) -> float:
    """Seconds since the epoch for an ISO 8601 instant (``Z`` or offset; naive means UTC)."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


_parsed: dict[str, float] = {}


def now() -> float:
    """Current time in seconds since the epoch (frozen when ``BROADSHEET_NOW`` is set)."""
    frozen = os.environ.get(ENV)
    if frozen:
        value = _parsed.get(frozen)
        if value is None:
            value = _parsed[frozen] = parse_now(frozen)
        return value
    return time.time()


def is_frozen() -> bool:
    """Whether the clock is frozen by the environment."""
    return bool(os.environ.get(ENV))


