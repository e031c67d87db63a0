"""How WordPress's shortcode code reads values: shortcode_atts() and wp_validate_boolean(), and
PHP's casts, ``empty()``, ``round()``, trim characters and PCRE's whitespace class (from
:mod:`broadsheet.render.php`)."""

from __future__ import annotations

from collections.abc import Mapping

from broadsheet.render.php import PCRE_SPACE, PHP_TRIM, php_empty, php_int, php_round

__all__ = [
    "PCRE_SPACE",
    "PHP_TRIM",
    "php_empty",
    "php_int",
    "php_round",
    "shortcode_atts",
    "validate_boolean",
]


def shortcode_atts(defaults: Mapping[str, str], attrs: Mapping[str, str]) -> dict[str, str]:
    """shortcode_atts(): the known attributes, with defaults for the missing ones."""
    return {key: attrs.get(key, default) for key, default in defaults.items()}


def validate_boolean(value: str) -> bool:
    """wp_validate_boolean(): "false" (any case) and PHP-falsy strings are False."""
    return value.lower() != "false" and not php_empty(value)
