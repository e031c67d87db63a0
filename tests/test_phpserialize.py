"""Reading PHP-serialized meta values (unserialize, maybe_unserialize, is_serialized).

Real values come from the oracle's WXR export, with PHP's own decoding of each
(``tests/fixtures/phpserialize/README.md``); the edge cases were checked against PHP 8.2.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from broadsheet.phpserialize import (
    is_serialized,
    maybe_unserialize,
    php_array_to_python,
    unserialize,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "phpserialize"
EXPORT_META = json.loads((FIXTURES / "export_meta.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", EXPORT_META, ids=lambda row: f"{row['post_id']}:{row['meta_key']}")
def test_unserialize_export_meta_matches_php_json_encode(row: dict) -> None:
    value = php_array_to_python(unserialize(row["meta_value"]))
    assert json.dumps(value, ensure_ascii=False, separators=(",", ":")) == row["php_json_encode"]


def test_unserialize_attachment_metadata_keeps_order_and_types() -> None:
    row = next(r for r in EXPORT_META if r["post_id"] == 4)
    meta = unserialize(row["meta_value"])
    assert list(meta) == ["width", "height", "file", "filesize", "sizes", "image_meta"]
    assert meta["width"] == 1600 and meta["file"] == "2023/05/eindhoven-skyline.jpg"
    assert list(meta["sizes"]) == [
        "medium",
        "large",
        "thumbnail",
        "medium_large",
        "1536x1536",
        "post-thumbnail",
    ]
    assert meta["sizes"]["medium"] == {
        "file": "eindhoven-skyline-300x169.jpg",
        "width": 300,
        "height": 169,
        "mime-type": "image/jpeg",
        "filesize": 3715,
    }
    assert meta["image_meta"]["keywords"] == {}
    assert php_array_to_python(meta["image_meta"]["keywords"]) == []


def test_unserialize_blocksy_options() -> None:
    row = next(r for r in EXPORT_META if r["meta_key"] == "blocksy_post_meta_options")
    assert unserialize(row["meta_value"]) == {
        "page_structure_type": "type-4",
        "has_hero_section": "disabled",
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("N;", None),
        ("b:1;", True),
        ("b:0;", False),
        ("i:42;", 42),
        ("i:-7;", -7),
        ("i:+5;", 5),
        ("i:007;", 7),
        ("d:0.1;", 0.1),
        ("d:1.0E+25;", 1e25),
        ("d:.5;", 0.5),
        ("d:5.;", 5.0),
        ("d:-INF;", -math.inf),
        ('s:0:"";', ""),
        ('s:5:"a"b;c";', 'a"b;c'),
        ('s:03:"abc";', "abc"),
        ("a:0:{}", {}),
        ('a:2:{i:0;s:1:"a";i:1;s:1:"b";}', {0: "a", 1: "b"}),
    ],
)
def test_unserialize_scalars_and_arrays(data: str, expected: object) -> None:
    assert unserialize(data) == expected


def test_unserialize_nan() -> None:
    assert math.isnan(unserialize("d:NAN;"))


def test_unserialize_counts_string_length_in_utf8_bytes() -> None:
    assert unserialize('s:2:"é";') == "é"
    assert unserialize('s:4:"🚀";'.encode()) == "🚀"
    with pytest.raises(ValueError, match="length"):
        unserialize('s:1:"é";')


def test_unserialize_turns_integer_like_string_keys_into_integers_like_php() -> None:
    data = 'a:5:{s:1:"5";i:1;s:2:"05";i:2;s:2:"-3";i:3;s:2:"-0";i:4;s:3:"1.5";i:5;}'
    assert unserialize(data) == {5: 1, "05": 2, -3: 3, "-0": 4, "1.5": 5}


def test_unserialize_later_duplicate_key_wins_in_first_position() -> None:
    assert unserialize('a:3:{i:0;s:1:"a";i:1;s:1:"b";i:0;s:1:"c";}') == {0: "c", 1: "b"}


def test_unserialize_saturates_out_of_range_integers_like_php() -> None:
    assert unserialize("i:99999999999999999999;") == 2**63 - 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "end of data"),
        ("i:5", "malformed integer"),
        ("i:;", "malformed integer"),
        ("i: 5;", "malformed integer"),
        ("b:2;", "malformed boolean"),
        ("d:1e;", "malformed float"),
        ('s:3:"abc"', "past the end"),
        ('s:10:"abc";', "past the end"),
        ('s:2:"abc";', "does not match"),
        ('s:-1:"";', "string header"),
        ('a:2:{i:0;s:1:"a";', "end of data"),
        ("a:2:{i:0;i:1;}", "array key"),
        ("a:1:{i:0;i:1;i:2;i:3;}", "more elements"),
        ("a:1:{d:1.5;i:1;}", "array key"),
        ("a:1:{N;i:1;}", "array key"),
        ("a:-1:{}", "array header"),
        ("x:1;", "unknown type"),
        ("i:1;xyz", "trailing"),
        ("a:1:{i:0;i:1;};", "trailing"),
    ],
)
def test_unserialize_rejects_malformed_or_truncated_input(data: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        unserialize(data)


@pytest.mark.parametrize(
    "data",
    [
        'O:8:"stdClass":1:{s:1:"a";i:1;}',
        'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}',
        'a:1:{i:0;O:8:"stdClass":0:{}}',
        'E:7:"Foo:Bar";',
        "a:2:{i:0;i:1;i:1;r:2;}",
        "a:2:{i:0;i:1;i:1;R:2;}",
    ],
)
def test_unserialize_refuses_objects_enums_and_references(data: str) -> None:
    with pytest.raises(ValueError, match="not accepted"):
        unserialize(data)


def test_unserialize_refuses_invalid_utf8_in_bytes_input() -> None:
    with pytest.raises(ValueError, match="UTF-8"):
        unserialize(b's:1:"\xff";')


def test_unserialize_refuses_absurd_nesting() -> None:
    with pytest.raises(ValueError, match="nested"):
        unserialize("a:1:{i:0;" * 5000 + "N;" + "}" * 5000)


# --- is_serialized / maybe_unserialize --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("N;", True),
        ("  N;\n", True),
        ("b:1;", True),
        ("i:42;", True),
        ("d:0.5;", True),
        ("d:INF;", False),  # WordPress's pattern has no letters for INF/NAN
        ('s:3:"abc";', True),
        ('s:3:"abc"', False),
        ("a:0:{}", True),
        ('O:8:"stdClass":0:{}', True),
        ("C:11:...;", False),
        ("hello", False),
        ("i:1", False),
        ("a:", False),
        ("", False),
    ],
)
def test_is_serialized_matches_wordpress(data: str, expected: bool) -> None:
    assert is_serialized(data) is expected


def test_is_serialized_is_false_for_non_strings() -> None:
    assert is_serialized(42) is False
    assert is_serialized(None) is False


def test_maybe_unserialize_decodes_serialized_strings() -> None:
    assert maybe_unserialize('a:1:{s:3:"key";s:5:"value";}') == {"key": "value"}
    assert maybe_unserialize("  i:5;  ") == 5


def test_maybe_unserialize_returns_other_strings_unchanged() -> None:
    assert maybe_unserialize("plain text") == "plain text"
    assert maybe_unserialize("123") == "123"
    assert maybe_unserialize("d:INF;") == "d:INF;"


def test_maybe_unserialize_gives_false_for_broken_serialized_data_like_wordpress() -> None:
    assert maybe_unserialize('s:5:"abc";') is False
    assert maybe_unserialize('O:8:"stdClass":0:{}') is False


def test_maybe_unserialize_ignores_data_after_the_first_value_like_php() -> None:
    assert maybe_unserialize("a:1:{i:0;i:1;};") == {0: 1}


# --- php_array_to_python ----------------------------------------------------------------------


def test_php_array_to_python_turns_list_like_arrays_into_lists() -> None:
    assert php_array_to_python({0: "a", 1: "b"}) == ["a", "b"]
    assert php_array_to_python({}) == []


def test_php_array_to_python_keeps_other_arrays_as_dicts() -> None:
    assert php_array_to_python({1: "a", 2: "b"}) == {1: "a", 2: "b"}
    assert php_array_to_python({1: "a", 0: "b"}) == {1: "a", 0: "b"}
    assert php_array_to_python({0: "a", "x": "b"}) == {0: "a", "x": "b"}


def test_php_array_to_python_converts_nested_arrays() -> None:
    value = unserialize('a:2:{s:4:"list";a:2:{i:0;i:1;i:1;a:0:{}}s:3:"map";a:1:{i:5;b:1;}}')
    assert php_array_to_python(value) == {"list": [1, []], "map": {5: True}}


def test_php_array_to_python_leaves_scalars_alone() -> None:
    assert php_array_to_python("x") == "x"
    assert php_array_to_python(None) is None
