"""JSON exactly as PHP's ``json_encode`` writes it with no flags, which is what WordPress sends.

PHP escapes ``/`` as ``\\/`` and every non-ASCII code point as ``\\uXXXX`` (lower-case hex,
surrogate pairs above U+FFFF), writes no whitespace, and prints floats with zero fraction the
way PHP prints them. Python's encoder with ``ensure_ascii`` produces the same escapes for
everything else, so the one extra step is escaping the slash; a slash can only occur inside
strings, so a plain replacement is exact.
"""

from __future__ import annotations

import json
from typing import Any


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


_encoder = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False)
_pretty = json.JSONEncoder(ensure_ascii=True, indent=4, allow_nan=False)


def dumps(value: Any) -> str:
    """Encode ``value`` the way PHP's ``json_encode($value)`` would."""
    return _encoder.encode(php_shape(value)).replace("/", "\\/")


def dumps_bytes(value: Any) -> bytes:
    """Like :func:`dumps`, as ASCII bytes ready to send."""
    return dumps(value).encode("ascii")


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
