"""PHP's json_encode output (no flags), which every REST answer uses: escapes, shapes, fallbacks.

Expected strings are what PHP 8 prints for the same values (``json_encode`` with no flags).
"""

from __future__ import annotations

import pytest

from broadsheet import phpjson


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a/b", '"a\\/b"'),  # slashes escaped
        ("é", '"\\u00e9"'),  # non-ASCII as lower-case \u escapes
        ("😀", '"\\ud83d\\ude00"'),  # astral characters as surrogate pairs
        ("\u2028", '"\\u2028"'),
        ("\x00\x1f\n\t\x7f", '"\\u0000\\u001f\\n\\t\x7f"'),  # controls escaped, DEL kept
        ('"\\', '"\\"\\\\"'),
        ({}, "[]"),  # an empty PHP array
        (phpjson.JsonObject(), "{}"),  # an empty object stays one
        ({"a": {}, "b": [phpjson.JsonObject()]}, '{"a":[],"b":[{}]}'),
        ({1: "x", "2": True}, '{"1":"x","2":true}'),
        ([1.5, 100.0, -0.0, None], "[1.5,100.0,-0.0,null]"),
        (2**63 - 1, "9223372036854775807"),
    ],
)
def test_dumps_writes_what_php_writes(value: object, expected: str) -> None:
    assert phpjson.dumps(value) == expected
    assert phpjson.dumps_bytes(value) == expected.encode("ascii")


def test_values_the_fast_encoder_refuses_are_still_encoded() -> None:
    # A lone surrogate (from a broken source) and an integer beyond 64 bits: orjson refuses
    # both; the json module writes them.
    assert phpjson.dumps(["\ud800", "é/"]) == '["\\ud800","\\u00e9\\/"]'
    assert phpjson.dumps({"n": 2**64}) == '{"n":18446744073709551616}'


def test_shaped_values_encode_like_the_values_they_came_from() -> None:
    value = {"a": {}, "b": [{"c": phpjson.JsonObject()}, "x/y"], "d": {"e": 1}}
    frozen = phpjson.shaped(value)
    assert (
        phpjson.dumps(frozen)
        == phpjson.dumps(value)
        == '{"a":[],"b":[{"c":{}},"x\\/y"],"d":{"e":1}}'
    )
    assert phpjson.php_shape(frozen) is frozen  # not walked again
