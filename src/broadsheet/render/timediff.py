"""WordPress's ``human_time_diff()`` (contract §4.10) and when its answer next changes.

The difference is taken in whole seconds (``(int) abs(to - from)``), then expressed in the
largest unit whose threshold it reaches, rounded half away from zero with a minimum of 1.
Months are 30 days and years 365 days.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from broadsheet.compat import Compat

__all__ = ["human_time_diff", "next_change"]

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
MONTH = 30 * DAY
YEAR = 365 * DAY

# (lower bound of the range in seconds, unit length in seconds, singular, plural), ascending.
_UNITS: tuple[tuple[int, int, str, str], ...] = (
    (0, 1, "second", "seconds"),
    (MINUTE, MINUTE, "minute", "minutes"),
    (HOUR, HOUR, "hour", "hours"),
    (DAY, DAY, "day", "days"),
    (WEEK, WEEK, "week", "weeks"),
    (MONTH, MONTH, "month", "months"),
    (YEAR, YEAR, "year", "years"),
)
_MINUTE_INDEX = 1
_MAX_NUDGES = 64


def _unit_index(diff: int) -> int:
    """Index into ``_UNITS`` of the unit used for a whole-second difference."""
    index = 0
    for candidate, (lower, _, _, _) in enumerate(_UNITS):
        if diff >= lower:
            index = candidate
    return index


def _count(diff: int, unit: int) -> int:
    """round(diff / unit), half away from zero, at least 1 (exact integer arithmetic)."""
    return max(1, (2 * diff + unit) // (2 * unit))


def _whole_seconds(from_ts: float, to_ts: float) -> int:
    """PHP's ``(int) abs($to - $from)``: the absolute difference truncated to whole seconds."""
    return int(abs(to_ts - from_ts))


def _phrase(diff: int, long_minutes: bool) -> str:
    """The English phrase for a whole-second difference."""
    index = _unit_index(diff)
    _, unit, singular, plural = _UNITS[index]
    count = _count(diff, unit)
    if index == _MINUTE_INDEX and not long_minutes:
        singular, plural = "min", "mins"
    return f"{count} {singular if count == 1 else plural}"


def human_time_diff(
    from_ts: float, to_ts: float, *, wp_version: str = "6.8", long_minutes: bool | None = None
) -> str:
    """Difference between two Unix timestamps as WordPress words it ("5 minutes", "2 years").

    A ``to_ts`` of 0 means "now", as in WordPress. Minutes are "min"/"mins" before WordPress
    6.7: ``long_minutes`` says which wording to use, else ``wp_version`` decides
    (:attr:`broadsheet.compat.Compat.time_diff_long_minutes`).
    """
    if not to_ts:
        to_ts = time.time()
    if long_minutes is None:
        long_minutes = Compat.of(wp_version).time_diff_long_minutes
    return _phrase(_whole_seconds(from_ts, to_ts), long_minutes)


def _key(diff: int) -> tuple[int, int]:
    """What the phrase depends on: (unit index, count).  Equal keys give equal strings."""
    index = _unit_index(diff)
    return index, _count(diff, _UNITS[index][1])


def _next_larger(diff: int) -> int:
    """Smallest whole-second difference above ``diff`` that words differently."""
    index = _unit_index(diff)
    _, unit, _, _ = _UNITS[index]
    count = _count(diff, unit)
    # The count goes up once diff/unit reaches count + 0.5.
    candidate = -(-(2 * count + 1) * unit // 2)
    if index + 1 < len(_UNITS):
        candidate = min(candidate, _UNITS[index + 1][0])
    return candidate


def _next_smaller(diff: int) -> int | None:
    """Largest whole-second difference below ``diff`` that words differently (None if none)."""
    key = _key(diff)
    index, count = key
    lower, unit, _, _ = _UNITS[index]
    # The count drops once diff/unit falls below count - 0.5.
    candidate = -(-(2 * count - 1) * unit // 2) - 1
    candidate = max(candidate, lower - 1)
    if candidate < 0 or _key(candidate) == key:
        return None
    return candidate


def _earliest_after(to_ts: float, candidate: float, differs: Callable[[float], bool]) -> float:
    """Nudge ``candidate`` by a few ulps so it is the first float after ``to_ts`` that differs.

    The arithmetic that finds the boundary is exact on whole seconds; only the float subtraction
    inside ``human_time_diff`` can move it by a rounding step, hence the bounded nudging.
    """
    for _ in range(_MAX_NUDGES):
        if differs(candidate):
            break
        candidate = math.nextafter(candidate, math.inf)
    for _ in range(_MAX_NUDGES):
        before = math.nextafter(candidate, -math.inf)
        if before <= to_ts or not differs(before):
            break
        candidate = before
    return candidate


def next_change(from_ts: float, to_ts: float) -> float:
    """Earliest timestamp after ``to_ts`` at which ``human_time_diff(from_ts, t)`` changes.

    Used to know how long a cached rendering stays valid.  The answer does not depend on the
    WordPress version (only the wording of minutes does).  A ``to_ts`` of 0 means "now".
    """
    if not to_ts:
        to_ts = time.time()
    current = _key(_whole_seconds(from_ts, to_ts))

    def differs(moment: float) -> bool:
        return _key(_whole_seconds(from_ts, moment)) != current

    if to_ts < from_ts:
        # Counting down towards from_ts: the whole-second difference shrinks as time passes.
        smaller = _next_smaller(_whole_seconds(from_ts, to_ts))
        if smaller is not None:
            # The difference becomes `smaller` just after from_ts - (smaller + 1).
            boundary = from_ts - (smaller + 1)
            return _earliest_after(to_ts, math.nextafter(boundary, math.inf), differs)
        # Nothing changes before from_ts; after it the difference grows again from 0.
        return _earliest_after(to_ts, from_ts + _next_larger(0), differs)
    target = _next_larger(_whole_seconds(from_ts, to_ts))
    return _earliest_after(to_ts, from_ts + target, differs)
