"""Shortcode attributes, parsed like WordPress's shortcode_parse_atts().

Values may be double-quoted, single-quoted or unquoted, named or positional (keyed ``"0"``,
``"1"``, …); C-style backslash escapes are resolved and names lower-cased; a value with
unbalanced HTML tags is emptied."""

from __future__ import annotations

import re

from broadsheet.render.shortcodes.values import PCRE_SPACE as _S

__all__ = ["parse_shortcode_atts"]

_ATTS = re.compile(
    rf"""([A-Za-z0-9_-]+){_S}*={_S}*"([^"]*)"(?:{_S}|$)"""
    rf"""|([A-Za-z0-9_-]+){_S}*={_S}*'([^']*)'(?:{_S}|$)"""
    rf"""|([A-Za-z0-9_-]+){_S}*={_S}*([^ \t\n\r\f\v'"]+)(?:{_S}|$)"""
    rf"""|"([^"]*)"(?:{_S}|$)|'([^']*)'(?:{_S}|$)|([^ \t\n\r\f\v]+)(?:{_S}|$)"""
)
_ODD_SPACES = re.compile("[\u00a0\u200b]+")
_BALANCED_TAGS = re.compile(r"^[^<]*+(?:<[^>]*+>[^<]*+)*+$")
_C_ESCAPE = re.compile(r"\\(?:([abfnrtv])|x([0-9A-Fa-f]{1,2})|([0-7]{1,3})|(.))", re.DOTALL)
_C_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_PHP_INT_KEY = re.compile(r"-?[1-9][0-9]*")


def _c_unescape(match: re.Match[str]) -> str:
    letter, hexa, octal, other = match.groups()
    if letter:
        return _C_ESCAPES[letter]
    if hexa:
        return chr(int(hexa, 16))
    if octal:
        return chr(int(octal, 8) % 256)
    return other


def _stripcslashes(text: str) -> str:
    """PHP's stripcslashes(): resolve C-style escapes; a lone trailing backslash stays."""
    return _C_ESCAPE.sub(_c_unescape, text) if "\\" in text else text


def parse_shortcode_atts(text: str) -> dict[str, str]:
    """Parse a shortcode's attribute text like ``shortcode_parse_atts`` (positional keys "0", "1"…)."""
    atts: dict[str, str] = {}
    next_index = 0
    text = _ODD_SPACES.sub(" ", text)
    for m in _ATTS.finditer(text):
        name_value = _named_pair(m)
        if name_value is not None:
            name = name_value[0].lower()
            if _PHP_INT_KEY.fullmatch(name) and int(name) >= next_index:
                next_index = int(name) + 1
            atts[name] = _stripcslashes(name_value[1])
            continue
        value = next((g for g in (m.group(7), m.group(8)) if g), None)
        if value is None and m.group(9) is not None:
            value = m.group(9)
        if value is not None:
            atts[str(next_index)] = _stripcslashes(value)
            next_index += 1
    for key, value in atts.items():
        if "<" in value and not _BALANCED_TAGS.match(value):
            atts[key] = ""
    return atts


def _named_pair(m: re.Match[str]) -> tuple[str, str] | None:
    """The (name, value) of a named attribute match; PHP's empty() skips a name of "0"."""
    for name_group in (1, 3, 5):
        name = m.group(name_group)
        if name and name != "0":
            return name, m.group(name_group + 1)
    return None
