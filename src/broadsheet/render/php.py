"""How PHP reads values, for the WordPress code the renderer reproduces: the ``(int)`` cast,
``empty()``, ``round()`` to an integer, the characters ``trim()`` removes and PCRE's ``\\s``.

This module imports nothing from the renderer, so every render module can use it.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["PCRE_SPACE", "PHP_TRIM", "php_empty", "php_int", "php_round", "php_round_string", "php_serialize",
           "php_string"]

PHP_TRIM = " \t\n\r\0\x0b"  # the characters trim() removes
PCRE_SPACE = r"[ \t\n\r\f\v]"  # PCRE's \s

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
# A numeric string's leading number: whitespace, sign, digits with an optional fraction, an
# optional exponent ("12px" → 12, "1e3" → 1000, " .5" → 0, "0x1A" → 0).
_LEADING_NUMBER = re.compile(
    r"[ \t\n\r\v\f]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)


def _float_to_int(value: float) -> int:
    """A float as a 64-bit integer: truncated, wrapped around when out of range, 0 when not
    finite."""
    if not math.isfinite(value):
        return 0
    number = int(value)
    if _INT_MIN <= number <= _INT_MAX:
        return number
    return (number - _INT_MIN) % 2**64 + _INT_MIN


def _string_to_int(text: str) -> int:
    """A string's leading number as an integer, held to the 64-bit range; 0 for none (or one
    too large for a float)."""
    found = _LEADING_NUMBER.match(text)
    if not found:
        return 0
    number = found.group(1)
    if number.lstrip("+-").isdigit():
        return min(max(int(number), _INT_MIN), _INT_MAX)
    as_float = float(number)
    if not math.isfinite(as_float):
        return 0
    return min(max(int(as_float), _INT_MIN), _INT_MAX)


def php_int(value: object) -> int:
    """PHP's ``(int)`` cast: a string's leading number (``"1e3"`` → 1000, ``"12px"`` → 12), a
    float truncated (0 when infinite or NaN), 1/0 for a non-empty/empty array, 0 for null."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float_to_int(value)
    if value is None:
        return 0
    if isinstance(value, (list, tuple, dict)):
        return 1 if value else 0
    return _string_to_int(str(value))


def php_empty(value: object) -> bool:
    """PHP's ``empty()`` for scalars and strings: ``null``, ``""``, ``"0"``, 0, 0.0, false."""
    return value in (None, "", "0", 0, False)


def php_round(value: float) -> int:
    """PHP's ``round()`` to an integer: halves go away from zero."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


_INT_KEY = re.compile(r"-?[1-9][0-9]*|0")


def _serialize_float(value: float) -> str:
    """A float as ``serialize()`` writes it (``serialize_precision`` -1): the shortest digits
    that read back, in fixed notation for decimal exponents from -4 to 16 (no ``.0``), else as
    ``1.5E+17``."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    shortest = repr(abs(value))  # the shortest round-trip digits, in Python's layout
    mantissa, _, shortest_exp = shortest.partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = (whole + fraction).lstrip("0") or "0"
    if shortest_exp:
        point = int(shortest_exp) + len(whole)
    elif whole != "0":
        point = len(whole)
    else:
        point = -(len(fraction) - len(fraction.lstrip("0")))
    all_digits = all_digits.rstrip("0") or "0"
    exp10 = point - 1
    if value == 0:
        return sign + "0"
    if -4 <= exp10 < 17:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{all_digits}"
        if point >= len(all_digits):
            return sign + all_digits + "0" * (point - len(all_digits))
        return f"{sign}{all_digits[:point]}.{all_digits[point:]}"
    rest = all_digits[1:] or "0"
    return f"{sign}{all_digits[0]}.{rest}E{'+' if exp10 >= 0 else '-'}{abs(exp10)}"


def php_serialize(value: object) -> str:
    """PHP's ``serialize()`` of JSON-like data (``json_decode(…, true)`` values), as text;
    string lengths count UTF-8 bytes and numeric string keys become integer keys, as in PHP."""
    if value is None:
        return "N;"
    if value is True or value is False:
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        return f"d:{_serialize_float(value)};"
    if isinstance(value, str):
        return f's:{len(value.encode("utf-8", "surrogatepass"))}:"{value}";'
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)  # type: ignore[assignment]
    else:
        raise TypeError(f"cannot serialize {type(value).__name__}")
    parts = []
    for key, item in items:
        if isinstance(key, str) and _INT_KEY.fullmatch(key) and -(2**63) <= int(key) < 2**63:
            key = int(key)
        parts.append(php_serialize(key) + php_serialize(item))
    return f"a:{len(parts)}:{{{''.join(parts)}}}"


def php_string(value: object) -> str:
    """PHP's ``(string)`` cast of a JSON value: ``"1"``/``""`` for booleans, ``""`` for null,
    floats as ``serialize()`` writes them, ``"Array"`` for arrays."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return _serialize_float(value)
    if isinstance(value, (list, tuple, dict)):
        return "Array"
    return str(value)


def php_round_string(value: float, places: int) -> str:
    """``round( $value, $places )`` as PHP prints it in a string: halves away from zero, 14
    significant digits (``precision``), no trailing zeros (``56.25``, ``100``)."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{float(rounded):.14G}"
