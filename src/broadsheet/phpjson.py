"""JSON exactly as PHP's ``json_encode`` writes it with no flags, which is what WordPress sends.

PHP escapes ``/`` as ``\\/`` and every non-ASCII code point as ``\\uXXXX`` (lower-case hex,
surrogate pairs above U+FFFF), writes no whitespace, and prints floats with zero fraction the
way PHP prints them. Python's encoder with ``ensure_ascii`` produces the same escapes for
everything else, so the one extra step is escaping the slash; a slash can only occur inside
strings, so a plain replacement is exact.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

import orjson


class JsonObject(dict):  # type: ignore[type-arg]
    """A dict that stays a JSON object when empty (PHP ``(object) array()``/``stdClass``)."""


def php_shape(value: Any) -> Any:
    """Empty plain dicts become [] as PHP encodes empty arrays; JsonObject stays {}."""
    kind = type(value)
    if kind is dict:
        if not value:
            return []
        return {k: php_shape(v) for k, v in value.items()}
    if kind is list:
        return [php_shape(v) for v in value]
    if kind is JsonObject:
        return {k: php_shape(v) for k, v in value.items()}
    return value


class _ShapedDict(dict):  # type: ignore[type-arg]
    """A non-empty dict already in PHP's shape (:func:`php_shape` leaves it as it is)."""


class _ShapedList(list):  # type: ignore[type-arg]
    """A list already in PHP's shape."""


def shaped(value: Any) -> Any:
    """:func:`php_shape` of ``value``, marked so that later :func:`php_shape` calls (every
    response goes through one) return it without walking it again: for objects built once and
    served many times. Treat the result as read-only."""
    kind = type(value)
    if kind is dict or kind is JsonObject:
        if not value:
            return JsonObject() if kind is JsonObject else []
        return _ShapedDict((k, shaped(v)) for k, v in value.items())
    if kind is list:
        return _ShapedList(shaped(v) for v in value)
    return value


def extended(base: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``{**base, key: value}``, still marked as shaped (see :func:`shaped`) when ``base`` is."""
    if type(base) is not _ShapedDict:
        merged = dict(base)
        merged[key] = value
        return merged
    out = _ShapedDict(base)
    out[key] = shaped(value)
    return out


_encoder = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False)
_pretty = json.JSONEncoder(ensure_ascii=True, indent=4, allow_nan=False)


def _escape_non_ascii(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: non-ASCII characters as JSON ``\\uXXXX`` escapes (lower-case hex,
    surrogate pairs above U+FFFF), as PHP and Python's ``ensure_ascii`` write them."""
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), error.end


_ESCAPES = "broadsheet-json-escape"
codecs.register_error(_ESCAPES, _escape_non_ascii)


def dumps_bytes(value: Any) -> bytes:
    """Encode ``value`` the way PHP's ``json_encode($value)`` would, as ASCII bytes.

    orjson does the encoding (several times faster than the json module on large answers);
    its UTF-8 output then gets PHP's escapes. What orjson refuses (integers beyond 64 bits, lone
    surrogates) goes through the json module, which writes what PHP writes for those.
    """
    shaped_value = php_shape(value)
    try:
        raw = orjson.dumps(shaped_value, option=orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return _encoder.encode(shaped_value).replace("/", "\\/").encode("ascii")
    if not raw.isascii():
        raw = raw.decode("utf-8").encode("ascii", _ESCAPES)
    return raw.replace(b"/", b"\\/")


def dumps(value: Any) -> str:
    """Like :func:`dumps_bytes`, as text."""
    return dumps_bytes(value).decode("ascii")


def dumps_pretty(value: Any) -> str:
    """``JSON_PRETTY_PRINT`` output: four-space indent, ``": "`` after keys, slashes escaped."""
    text = _pretty.encode(php_shape(value)).replace("/", "\\/")
    # PHP prints empty arrays/objects as [] and {} like Python does; nothing else differs.
    return text


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(pairs) if pairs else JsonObject()


def dumps_storage(value: Any) -> str:
    """JSON for storing a value as it is (empty objects stay objects; no PHP reshaping)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """Parse JSON keeping key order; an empty object stays an object when re-encoded."""
    return json.loads(text, object_pairs_hook=_pairs)
