"""Reading PHP ``serialize()`` output, as found in WordPress meta and options.

Only plain data is accepted: null, booleans, integers, floats, strings and arrays.  Objects
(``O:``, ``C:``), enums (``E:``) and references (``r:``, ``R:``) are refused with ValueError;
nothing is ever instantiated.  String lengths count UTF-8 bytes, as PHP does.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from itertools import chain
from typing import Any

__all__ = ["is_serialized", "maybe_unserialize", "php_array_to_python", "unserialize"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_MAX_DEPTH = 4096  # PHP's default unserialize_max_depth

# One token at the reader's position; ``lastindex`` tells which kind matched (None for null).
_TOKEN = re.compile(
    rb"N;"
    rb"|b:([01]);"
    rb"|i:([+-]?[0-9]+);"
    rb"|d:([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NAN|-?INF);"
    rb'|s:([0-9]+):"'
    rb"|a:([0-9]+):\{"
)
_BOOL, _INT, _FLOAT, _STRING, _ARRAY = range(1, 6)
_CANONICAL_INT_KEY = re.compile(r"-?[1-9][0-9]*|0")
_KEY_DIGIT_STARTS = frozenset("-0123456789")
_MALFORMED = {
    ord("N"): "malformed null",
    ord("b"): "malformed boolean",
    ord("i"): "malformed integer",
    ord("d"): "malformed float",
    ord("s"): "malformed string header",
    ord("a"): "malformed array header",
}
_REFUSED = {
    ord("O"): "objects",
    ord("C"): "objects",
    ord("E"): "enums",
    ord("r"): "references",
    ord("R"): "references",
    ord("S"): "escaped strings",
}
_SPECIAL_FLOATS = {b"NAN": math.nan, b"INF": math.inf, b"-INF": -math.inf}
_KEY_TAGS = frozenset(b"is")
_NO_KEY = object()


def _error(pos: int, problem: str) -> ValueError:
    """A ValueError naming the offset."""
    return ValueError(f"invalid PHP serialized data at offset {pos}: {problem}")


def _token_error(data: bytes, pos: int) -> ValueError:
    """Explain why no token starts at ``pos``."""
    if pos >= len(data):
        return _error(pos, "unexpected end of data")
    tag = data[pos]
    if tag in _REFUSED:
        return _error(pos, f"{_REFUSED[tag]} are not accepted")
    return _error(pos, _MALFORMED.get(tag, f"unknown type {chr(tag)!r}"))


def _string_at(data: bytes, pos: int, match: re.Match[bytes]) -> tuple[str, int]:
    """The string whose ``s:<len>:"`` header is ``match``; return it and the offset after it."""
    start = match.end()
    end = start + int(match.group(_STRING))
    if data[end : end + 2] != b'";':
        if end + 2 > len(data):
            raise _error(pos, "string runs past the end of the data (truncated?)")
        raise _error(end, "string length does not match its contents")
    try:
        return data[start:end].decode("utf-8"), end + 2
    except UnicodeDecodeError as error:
        raise _error(pos, "string is not valid UTF-8") from error


def _as_key(value: str) -> int | str:
    """PHP array key semantics: integer-like strings ("5", "-3", not "05" or "-0") are integers."""
    if value[:1] in _KEY_DIGIT_STARTS and _CANONICAL_INT_KEY.fullmatch(value):
        number = int(value)
        if _INT64_MIN <= number <= _INT64_MAX:
            return number
    return value


def _scalar(data: bytes, pos: int, match: re.Match[bytes]) -> tuple[Any, int]:
    """Value of a non-array token; return it and the offset after it."""
    kind = match.lastindex
    if kind is None:
        return None, match.end()
    if kind == _STRING:
        return _string_at(data, pos, match)
    text = match.group(kind)
    if kind == _INT:
        number = int(text)
        if len(text) > 18:  # only long numerals can leave the 64-bit range
            number = min(max(number, _INT64_MIN), _INT64_MAX)
        return number, match.end()
    if kind == _BOOL:
        return text == b"1", match.end()
    special = _SPECIAL_FLOATS.get(text)
    return (float(text) if special is None else special), match.end()


def _read(data: bytes) -> tuple[Any, int]:
    """Read the value at the start of ``data``; return it and the offset just after it.

    Iterative: each open array is a frame ``[dict, elements still expected, pending key]``.
    """
    stack: list[list[Any]] = []
    pos = 0
    size = len(data)
    token = _TOKEN.match
    value: Any
    while True:
        if stack and stack[-1][2] is _NO_KEY and (pos >= size or data[pos] not in _KEY_TAGS):
            problem = (
                "unexpected end of data"
                if pos >= size
                else "array key must be an integer or a string"
            )
            raise _error(pos, problem)
        match = token(data, pos)
        if match is None:
            raise _token_error(data, pos)
        kind = match.lastindex
        if kind == _STRING:
            value, pos = _string_at(data, pos, match)
        elif kind == _ARRAY:
            if len(stack) >= _MAX_DEPTH:
                raise _error(pos, f"arrays nested deeper than {_MAX_DEPTH}")
            pos = match.end()
            count = int(match.group(_ARRAY))
            if count:
                stack.append([{}, count, _NO_KEY])
                continue
            value = {}
            pos = _close_array(data, pos)
        else:
            value, pos = _scalar(data, pos, match)
        # Hand the finished value to the enclosing arrays, closing those that are complete.
        while stack:
            frame = stack[-1]
            if frame[2] is _NO_KEY:
                frame[2] = _as_key(value) if kind == _STRING else value
                break
            frame[0][frame[2]] = value
            frame[1] -= 1
            frame[2] = _NO_KEY
            if frame[1]:
                break
            pos = _close_array(data, pos)
            value = stack.pop()[0]
            kind = _ARRAY
        else:
            return value, pos


def _close_array(data: bytes, pos: int) -> int:
    """Check for the ``}`` that ends an array; return the offset after it."""
    if data[pos : pos + 1] == b"}":
        return pos + 1
    if pos >= len(data):
        raise _error(pos, "unexpected end of data (truncated array)")
    raise _error(pos, "array has more elements than its count says")


def _as_bytes(data: str | bytes) -> bytes:
    """UTF-8 bytes of the input."""
    return data.encode("utf-8") if isinstance(data, str) else data


# The common case -- ASCII text whose strings hold no ``"``, ``\\`` or control characters,
# integers written plainly, no floats -- is rewritten into JSON and decoded by the json module:
# string bodies are the pieces between double quotes, the rest must be a sequence of plain
# tokens, declared string lengths and array sizes are checked against what was found, and
# anything unusual goes to the reader above (so both always agree, errors included).
_PLAIN_STRUCTURE = re.compile(r"(?:i:-?[0-9]+;|s:[0-9]+:\x00;|a:[0-9]+:\{|\}|b:[01];|N;)*+")
_UNUSUAL_INTEGER = re.compile(r"i:(?:-?0[0-9]|-0;|-?[0-9]{19})")  # JSON differs, or PHP clamps
_NOT_IN_PLAIN_TEXT = bytes(range(32)) + b"\\\x7f"
_STRING_HEADER = re.compile(r"s:([0-9]+):")
_ARRAY_HEADER = re.compile(r"a:([0-9]+):")
_JSON_LITERALS = (
    ("i:", ""), (";", ","), ("{", "["), ("}", "],"), ("b:1,", "true,"), ("b:0,", "false,"),
    ("N,", "null,"), (",]", "]"), ("\x00", '"\x00"'),
)  # fmt: skip
_INT_LIKE_KEY = re.compile(r"-?[0-9]").match
_STR_ONLY = frozenset({str})
_INT_OR_STR = frozenset({int, str})
_PLAIN_ARRAYS = 256  # at most this many arrays (so never nested deeper)
_UNSURE = object()
_JSON = json.JSONDecoder()


def _read_plain(text: str) -> Any:
    """The value of a whole plain ASCII document, or ``_UNSURE`` (then ``_read`` decides)."""
    if len(text.encode("ascii").translate(None, _NOT_IN_PLAIN_TEXT)) != len(text) or (
        "i:" in text and _UNUSUAL_INTEGER.search(text)
    ):
        return _UNSURE
    pieces = text.split('"')
    bodies = pieces[1::2]
    structure = "\x00".join(pieces[0::2])
    if not _PLAIN_STRUCTURE.fullmatch(structure):
        return _UNSURE
    split = _STRING_HEADER.split(structure)  # [tokens, length, tokens, length, ..., tokens]
    if list(map(int, split[1::2])) != list(map(len, bodies)):
        return _UNSURE
    split = _ARRAY_HEADER.split("".join(split[0::2]))
    sizes = split[1::2]
    if len(sizes) > _PLAIN_ARRAYS:
        return _UNSURE  # deep nesting is for the reader above
    structure = "".join(split[0::2])
    for literal, replacement in _JSON_LITERALS:
        structure = structure.replace(literal, replacement)
    parts = structure[:-1].split("\x00")
    document = "".join(chain.from_iterable(zip(parts, bodies, strict=False))) + parts[-1]
    try:
        value = _JSON.decode(document)
    except ValueError:
        return _UNSURE
    if type(value) is not list:
        return value
    return _php_arrays(value, iter(map(int, sizes)))


def _php_arrays(flat: list[Any], sizes: Iterator[int]) -> Any:
    """A decoded ``[key, value, ...]`` list as a PHP array (``_UNSURE`` if keys or size are off)."""
    if len(flat) != 2 * next(sizes, -1):
        return _UNSURE
    keys, values = flat[0::2], flat[1::2]
    if list in set(map(type, values)):
        for index, value in enumerate(values):
            if type(value) is list:
                value = values[index] = _php_arrays(value, sizes)
                if value is _UNSURE:
                    return _UNSURE
    key_types = set(map(type, keys))
    if key_types == _STR_ONLY:
        if any(map(_INT_LIKE_KEY, keys)):
            keys = list(map(_as_key, keys))
    elif not key_types <= _INT_OR_STR:
        return _UNSURE
    elif str in key_types:
        keys = [_as_key(key) if type(key) is str else key for key in keys]
    return dict(zip(keys, values, strict=True))


def unserialize(data: str | bytes) -> Any:
    """Decode PHP-serialized data; arrays become dicts in PHP order (int or str keys).

    Raises ValueError for malformed, truncated or trailing data and for objects/references.
    """
    if isinstance(data, str) and data.isascii():
        value = _read_plain(data)
        if value is not _UNSURE:
            return value
    raw = _as_bytes(data)
    value, end = _read(raw)
    if end != len(raw):
        raise ValueError(f"invalid PHP serialized data at offset {end}: trailing data")
    return value


_PHP_TRIM = " \t\n\r\x00\x0b"
_SCALAR_SHAPE = re.compile(r"[bid]:[0-9.E+-]+;")
_SIZED_SHAPE = re.compile(r"[saOE]:[0-9]+:", re.DOTALL)


def is_serialized(data: object) -> bool:
    """WordPress's strict ``is_serialized()``: does the string look like serialized data?"""
    if not isinstance(data, str):
        return False
    data = data.strip(_PHP_TRIM)
    if data == "N;":
        return True
    if len(data.encode("utf-8")) < 4 or data[1] != ":" or data[-1] not in ";}":
        return False
    token = data[0]
    if token == "s" and data[-2] != '"':
        return False
    if token in "saOE":
        return _SIZED_SHAPE.match(data) is not None
    if token in "bid":
        return _SCALAR_SHAPE.fullmatch(data) is not None
    return False


def maybe_unserialize(value: str) -> Any:
    """WordPress's ``maybe_unserialize()``: decode if it looks serialized, else return as is.

    Like WordPress, data that looks serialized but does not decode gives ``False``; data after
    the first complete value is ignored (PHP reads one value).  Objects give ``False`` too,
    since they are never instantiated here.
    """
    if not is_serialized(value):
        return value
    try:
        raw = _as_bytes(value.strip(_PHP_TRIM))
        return _read(raw)[0]
    except ValueError:
        return False


def php_array_to_python(value: Any) -> Any:
    """Turn PHP arrays whose keys are 0..n-1 in order into lists, recursively (like json_encode).

    Other arrays stay dicts (with their values converted); an empty array becomes ``[]``.
    """
    if isinstance(value, list):
        return [php_array_to_python(item) for item in value]
    if not isinstance(value, dict):
        return value
    items = {key: php_array_to_python(item) for key, item in value.items()}
    if all(key == index and type(key) is int for index, key in enumerate(items)):
        return list(items.values())
    return items
