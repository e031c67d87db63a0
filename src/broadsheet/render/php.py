"""How PHP reads values, for the WordPress code the renderer reproduces: the ``(int)`` cast,
``empty()``, ``round()`` to an integer, the characters ``trim()`` removes and PCRE's ``\\s``.

This module imports nothing from the renderer, so every render module can use it.
"""

from __future__ import annotations

import math
import re

__all__ = ["PCRE_SPACE", "PHP_TRIM", "php_empty", "php_int", "php_round"]

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
