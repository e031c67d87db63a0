"""How WordPress's shortcode code reads values: PHP's casts, ``empty()``, ``round()`` and
trim characters, PCRE's whitespace class, shortcode_atts() and wp_validate_boolean()."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

__all__ = [
    "PCRE_SPACE",
    "PHP_TRIM",
    "php_empty",
    "php_int",
    "php_round",
    "shortcode_atts",
    "validate_boolean",
]

PHP_TRIM = " \t\n\r\0\x0b"  # the characters trim() removes
PCRE_SPACE = r"[ \t\n\r\f\v]"  # PCRE's \s

_PHP_NUMBER = re.compile(
    r"[ \t\n\r\v\f]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)


def php_int(value: object) -> int:
    """PHP's (int) cast of a shortcode value: the leading number, else 0."""
    if isinstance(value, int):
        return value
    m = _PHP_NUMBER.match(str(value))
    if not m:
        return 0
    number = m.group(1)
    try:
        return int(number) if number.lstrip("+-").isdigit() else int(float(number))
    except (ValueError, OverflowError):
        return 0


def php_empty(value: object) -> bool:
    """PHP's empty() for the values shortcodes deal in."""
    return value in (None, "", "0", 0, False)


def php_round(value: float) -> int:
    """PHP's round() to an integer: halves go away from zero."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def shortcode_atts(defaults: Mapping[str, str], attrs: Mapping[str, str]) -> dict[str, str]:
    """shortcode_atts(): the known attributes, with defaults for the missing ones."""
    return {key: attrs.get(key, default) for key, default in defaults.items()}


def validate_boolean(value: str) -> bool:
    """wp_validate_boolean(): "false" (any case) and PHP-falsy strings are False."""
    return value.lower() != "false" and not php_empty(value)
