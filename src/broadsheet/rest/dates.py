"""Dates as WordPress's REST API reads them: which strings are dates, and what a date query and
a floating post date make of them in the site's time zone.

WordPress accepts a ``date-time`` value when it has the shape ``rest_parse_date`` checks and
PHP's ``strtotime`` reads it as a moment other than the Unix epoch itself (``0`` is falsy in
PHP, so ``1970-01-01T00:00:00Z`` is "Invalid date."). ``strtotime`` is lenient within that
shape: month and day ``00``, day ``31`` of a short month, hour ``24``, second ``60`` and
offsets up to ``±24:59`` (``±HH`` without minutes: any two digits) roll over; a value without
an offset is read in UTC, the zone WordPress sets for PHP.

A date query (``after``, ``before``, ``modified_after``, ``modified_before``) compares the
stored local date with the value turned into the site's wall time by PHP's ``date_create`` in
the site's zone: an offset is converted; a local time in a spring-forward gap moves forward by
the gap (02:30 reads 03:30); a time in an autumn overlap keeps its wall time. A draft's missing
GMT date is ``get_gmt_from_date``: which of an overlap's two moments PHP takes depends on the
side of UTC the zone is on (the later in Europe, the earlier in the Americas). Years outside 1–9999 are computed too (``0000-00-00``
is ``-0001-11-30``), as PHP prints them.

Dates in answers are ``mysql_to_rfc3339`` of the stored values, which reads them in the site's
zone too: a stored time inside the spring gap comes out moved forward — the GMT dates as well
(a ``date_gmt`` of 02:15 on the night clocks go forward reads 03:15).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

__all__ = ["gmt_from_local", "is_rest_date", "query_date", "rest_date"]

# rest_parse_date's shape (PCRE: \d is ASCII, $ also matches before a final newline).
_SHAPE = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}(?::[0-9]{2})?)?$"
)
_DAY = 86400
_CYCLE = 146097 * _DAY  # 400 Gregorian years: the calendar and zone rules repeat
_FIRST, _LAST = 2 * 365 * _DAY - 62135596800, 253370764800 - 2 * 365 * _DAY  # inside datetime


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year, month 1-12)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (month <= 2), month, day


def _format(seconds: int) -> str:
    """PHP's ``Y-m-d H:i:s`` of a wall time in seconds since 1970-01-01 00:00."""
    days, rest = divmod(seconds, _DAY)
    year, month, day = _civil_from_days(days)
    shown = f"{year:04d}" if year >= 0 else f"-{-year:04d}"
    return f"{shown}-{month:02d}-{day:02d} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"


def _in_range(seconds: int) -> tuple[int, int]:
    """``seconds`` moved by whole 400-year cycles into datetime's range, and the move."""
    shift = 0
    while seconds + shift < _FIRST:
        shift += _CYCLE
    while seconds + shift > _LAST:
        shift -= _CYCLE
    return seconds + shift, shift


def _offset_at(instant: int, tz: tzinfo) -> int:
    """The zone's UTC offset, in seconds, at a moment."""
    moved, _ = _in_range(instant)
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=moved)
    return int((moment.astimezone(tz).utcoffset() or timedelta()).total_seconds())


def _period_start(instant: int, tz: tzinfo, floor: int) -> int | None:
    """When the zone's offset at ``instant`` began, if that was after ``floor``."""
    offset = _offset_at(instant, tz)
    if _offset_at(floor, tz) == offset:
        return None
    low, high = floor, instant  # offset differs at low, equals at high
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_at(middle, tz) == offset:
            high = middle
        else:
            low = middle
    return high


def _instant_of_wall(wall: int, tz: tzinfo) -> int:
    """The moment PHP's ``date_create`` gives a wall time in ``tz`` (timelib's adjustment):
    the offset in force at the wall time read as UTC, or the one in force that much earlier
    when they differ, unless the wall time falls in the transition between them. In Europe an
    overlap's time is the later moment; in the Americas, the earlier; a gap's moves forward."""
    current = _offset_at(wall, tz)
    after = _offset_at(wall - current, tz)
    if current == after:
        return wall - current
    start = _period_start(wall - current, tz, wall - current - 2 * _DAY)
    moment = wall - after
    in_transition = start is not None and start + (current - after) <= moment < start
    return wall - (current if in_transition else after)


def _parts(value: str) -> tuple[int, int | None] | None:
    """The value's wall time in seconds (its own offset not applied) and that offset in
    seconds (None when it has none), or None when ``strtotime`` could not read it."""
    found = _SHAPE.match(value)
    if found is None:
        return None
    year, month, day, hour, minute, second = (int(found.group(i)) for i in range(1, 7))
    if month > 12 or day > 31 or hour > 24 or minute > 59 or second > 60:
        return None
    zone = found.group(7)
    offset: int | None = None
    if zone == "Z":
        offset = 0
    elif zone:
        hours, _, minutes = zone[1:].partition(":")
        if minutes and (int(hours) > 24 or int(minutes) > 59):
            return None
        offset = (int(hours) * 3600 + int(minutes or 0) * 60) * (-1 if zone[0] == "-" else 1)
    if month == 0:
        year, month = year - 1, 12
    days = _days_from_civil(year, month, 1) + day - 1
    return days * _DAY + hour * 3600 + minute * 60 + second, offset


def is_rest_date(value: object) -> bool:
    """rest_parse_date: the shape WordPress accepts and a moment PHP finds truthy."""
    if not isinstance(value, str):
        return False
    parts = _parts(value)
    if parts is None:
        return False
    wall, offset = parts
    return wall - (offset or 0) != 0  # strtotime reads a value without offset in UTC


def query_date(value: str, tz: tzinfo) -> str:
    """What a date query compares stored local dates with: ``value`` (a valid REST date) as a
    wall time in the site's zone, 'Y-m-d H:i:s'."""
    parts = _parts(value.strip())
    if parts is None:
        return "1970-01-01 00:00:00"  # date_create failed: gmdate('Y-m-d H:i:s', false)
    wall, offset = parts
    instant = _instant_of_wall(wall, tz) if offset is None else wall - offset
    return _format(instant + _offset_at(instant, tz))


def gmt_from_local(local: str, tz: tzinfo) -> str:
    """get_gmt_from_date: a stored local 'Y-m-d H:i:s' date as UTC in the same format."""
    found = re.match(r"^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})$", local)
    if found is None:
        return "1970-01-01 00:00:00"
    year, month, day, hour, minute, second = (int(g) for g in found.groups())
    if month == 0:
        year, month = year - 1, 12
    wall = (_days_from_civil(year, month, 1) + day - 1) * _DAY + hour * 3600 + minute * 60 + second
    return _format(_instant_of_wall(wall, tz))


def rest_date(stored: str, tz: tzinfo) -> str:
    """mysql_to_rfc3339: a stored 'Y-m-d H:i:s' date as 'Y-m-dTH:i:s', read in the site's zone."""
    text = stored.replace(" ", "T", 1)
    if isinstance(tz, timezone):
        return text
    try:
        local = datetime.fromisoformat(stored)
    except ValueError:
        return text
    if local.replace(tzinfo=tz).utcoffset() == local.replace(tzinfo=tz, fold=1).utcoffset():
        return text  # neither in a gap nor in an overlap: the common case
    wall = _days_from_civil(local.year, local.month, local.day) * _DAY + (
        local.hour * 3600 + local.minute * 60 + local.second)
    instant = _instant_of_wall(wall, tz)
    return _format(instant + _offset_at(instant, tz)).replace(" ", "T", 1)
