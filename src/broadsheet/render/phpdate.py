"""PHP ``date()``/``DateTime::format()`` and WordPress ``wp_date()`` formatting, English names.

``format_date("F j, Y", dt)`` gives what ``wp_date( 'F j, Y', $timestamp )`` prints on an
English site whose timezone is ``dt.tzinfo``.  Python ``zoneinfo.ZoneInfo`` zones behave like
WordPress's ``timezone_string`` zones (``e`` is the zone name, ``T`` its abbreviation); fixed
``datetime.timezone`` offsets behave like WordPress's ``gmt_offset`` zones (``e`` is ``+05:30``,
``T`` is ``GMT+0530``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

__all__ = ["format_date", "mysql_to_rfc3339"]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_SECOND = timedelta(seconds=1)


def _require_tz(dt: datetime) -> timedelta:
    """The UTC offset of an aware datetime; ValueError for a naive one."""
    offset = dt.utcoffset()
    if offset is None:
        raise ValueError("format character needs an aware datetime (one with a time zone)")
    return offset


def _offset_seconds(dt: datetime) -> int:
    """UTC offset in whole seconds."""
    return int(_require_tz(dt).total_seconds())


def _offset(dt: datetime, colon: bool) -> str:
    """``O`` (``+0200``) or ``P`` (``+02:00``); seconds of historical offsets are dropped."""
    seconds = _offset_seconds(dt)
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}{':' if colon else ''}{rest // 60:02d}"


def _is_fixed_offset(dt: datetime) -> bool:
    """Whether the zone is a bare UTC offset (WordPress ``gmt_offset``) rather than a named zone."""
    return isinstance(dt.tzinfo, timezone)


def _zone_identifier(dt: datetime) -> str:
    """``e``: the zone name, or the offset for fixed-offset zones."""
    _require_tz(dt)
    if _is_fixed_offset(dt):
        return _offset(dt, colon=True)
    key = getattr(dt.tzinfo, "key", None)
    return key if isinstance(key, str) else (dt.tzname() or "")


def _zone_abbreviation(dt: datetime) -> str:
    """``T``: the abbreviation (``CET``), or ``GMT+0100`` for fixed-offset zones."""
    _require_tz(dt)
    if _is_fixed_offset(dt):
        return "GMT" + _offset(dt, colon=False)
    return dt.tzname() or ""


def _is_dst(dt: datetime) -> str:
    """``I``: 1 while daylight saving time is in effect."""
    _require_tz(dt)
    dst = dt.dst()
    return "1" if dst else "0"


def _unix(dt: datetime) -> int:
    """Whole seconds since the epoch (floored, like PHP)."""
    _require_tz(dt)
    return (dt - _EPOCH) // _ONE_SECOND


def _swatch(dt: datetime) -> str:
    """``B``: Swatch Internet time (beats of the day at UTC+1)."""
    seconds = (_unix(dt) + 3600) % 86400
    return f"{seconds * 10 // 864:03d}"


def _english_suffix(day: int) -> str:
    """``S``: st, nd, rd or th."""
    if 10 <= day <= 19:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _hour12(dt: datetime) -> int:
    """Hour on the 12-hour clock (12 for midnight and noon)."""
    return dt.hour % 12 or 12


def _iso8601(dt: datetime) -> str:
    """``c``: ``2004-02-12T15:19:21+00:00``."""
    return f"{dt.year:04d}-{dt:%m-%dT%H:%M:%S}{_offset(dt, colon=True)}"


def _rfc2822(dt: datetime) -> str:
    """``r``: ``Thu, 21 Dec 2000 16:01:07 +0200``."""
    weekday = _WEEKDAYS[dt.weekday()][:3]
    month = _MONTHS[dt.month - 1][:3]
    return f"{weekday}, {dt.day:02d} {month} {dt.year:04d} {dt:%H:%M:%S} {_offset(dt, colon=False)}"


_Formatter = Callable[[datetime], str]

_FORMATTERS: dict[str, _Formatter] = {
    # Day
    "d": lambda dt: f"{dt.day:02d}",
    "D": lambda dt: _WEEKDAYS[dt.weekday()][:3],
    "j": lambda dt: str(dt.day),
    "l": lambda dt: _WEEKDAYS[dt.weekday()],
    "N": lambda dt: str(dt.isoweekday()),
    "S": lambda dt: _english_suffix(dt.day),
    "w": lambda dt: str(dt.isoweekday() % 7),
    "z": lambda dt: str(dt.timetuple().tm_yday - 1),
    # Week
    "W": lambda dt: f"{dt.isocalendar()[1]:02d}",
    # Month
    "F": lambda dt: _MONTHS[dt.month - 1],
    "m": lambda dt: f"{dt.month:02d}",
    "M": lambda dt: _MONTHS[dt.month - 1][:3],
    "n": lambda dt: str(dt.month),
    "t": lambda dt: str(calendar.monthrange(dt.year, dt.month)[1]),
    # Year
    "L": lambda dt: "1" if calendar.isleap(dt.year) else "0",
    "o": lambda dt: str(dt.isocalendar()[0]),
    "X": lambda dt: f"+{dt.year:04d}",
    "x": lambda dt: f"{dt.year:04d}",
    "Y": lambda dt: f"{dt.year:04d}",
    "y": lambda dt: f"{dt.year % 100:02d}",
    # Time
    "a": lambda dt: "am" if dt.hour < 12 else "pm",
    "A": lambda dt: "AM" if dt.hour < 12 else "PM",
    "B": _swatch,
    "g": lambda dt: str(_hour12(dt)),
    "G": lambda dt: str(dt.hour),
    "h": lambda dt: f"{_hour12(dt):02d}",
    "H": lambda dt: f"{dt.hour:02d}",
    "i": lambda dt: f"{dt.minute:02d}",
    "s": lambda dt: f"{dt.second:02d}",
    "u": lambda dt: f"{dt.microsecond:06d}",
    "v": lambda dt: f"{dt.microsecond // 1000:03d}",
    # Time zone
    "e": _zone_identifier,
    "I": _is_dst,
    "O": lambda dt: _offset(dt, colon=False),
    "P": lambda dt: _offset(dt, colon=True),
    "p": lambda dt: "Z" if _offset_seconds(dt) == 0 else _offset(dt, colon=True),
    "T": _zone_abbreviation,
    "Z": lambda dt: str(_offset_seconds(dt)),
    # Full date/time
    "c": _iso8601,
    "r": _rfc2822,
    "U": lambda dt: str(_unix(dt)),
}

# A backslash escapes the next character; a trailing backslash makes PHP emit a NUL byte.
_FORMAT_TOKEN = re.compile(r"\\(.)|(\\)\Z|([^\\]+)", re.DOTALL)
_FORMAT_CHARS = re.compile("([" + "".join(_FORMATTERS) + "])")


@lru_cache(maxsize=256)
def _compile(fmt: str) -> tuple[str | _Formatter, ...]:
    """Split a format into literal strings and formatter functions."""
    parts: list[str | _Formatter] = []
    for escaped, trailing, plain in _FORMAT_TOKEN.findall(fmt):
        if trailing:
            parts.append("\x00")
        elif escaped:
            parts.append(escaped)
        else:
            for index, piece in enumerate(_FORMAT_CHARS.split(plain)):
                if index % 2:
                    parts.append(_FORMATTERS[piece])
                elif piece:
                    parts.append(piece)
    return tuple(parts)


def format_date(fmt: str, dt: datetime, *, locale: str = "en_US") -> str:
    """Format ``dt`` with PHP date format characters (``"F j, Y"`` → ``"November 16, 2023"``).

    ``dt`` should be aware and already in the site's time zone; a naive ``dt`` works only for
    formats without time zone or timestamp characters (e, I, O, P, p, T, Z, c, r, U, B).
    Only English names exist: other locales get the English month and day names.
    """
    del locale  # English names only (see docstring)
    return "".join(part if isinstance(part, str) else part(dt) for part in _compile(fmt))


_MYSQL_DATETIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?"
)
_ZERO_DATE_RFC3339 = "-0001-11-30T00:00:00"


def _normalised_local(parts: tuple[int, ...]) -> datetime:
    """A naive datetime from possibly out-of-range fields, rolled over the way PHP does."""
    year, month, day, hour, minute, second = parts
    if not (0 <= month <= 12 and 0 <= day <= 31 and hour <= 24 and minute <= 59 and second <= 60):
        raise ValueError("date field out of range")
    months = year * 12 + month - 1
    first = date(months // 12, months % 12 + 1, 1)
    start = datetime(first.year, first.month, 1)
    return start + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)


def mysql_to_rfc3339(local: str, tz: tzinfo | None = None) -> str:
    """``2023-11-16 14:00:00`` → ``2023-11-16T14:00:00`` (WordPress's REST date format).

    Out-of-range days and times roll over like PHP (``2023-02-30`` → ``2023-03-02``) and the
    zero date gives ``-0001-11-30T00:00:00``.  With ``tz``, a wall time that does not exist (in a
    daylight-saving gap) moves forward by the gap, as WordPress's ``mysql2date()`` does.
    """
    match = _MYSQL_DATETIME.fullmatch(local.strip())
    if match is None:
        raise ValueError(f"not a MySQL DATETIME: {local!r}")
    parts = tuple(int(group) if group else 0 for group in match.groups())
    if parts[:3] == (0, 0, 0) and parts[3:] == (0, 0, 0):
        return _ZERO_DATE_RFC3339
    try:
        moment = _normalised_local(parts)
    except ValueError as error:
        raise ValueError(f"not a valid date: {local!r}") from error
    if tz is not None:
        moment = moment.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}"
