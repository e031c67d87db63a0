"""PHP's value rules the renderer relies on: the (int) cast, empty(), round() and trim()."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import pytest

from broadsheet.render.php import PCRE_SPACE, PHP_TRIM, php_empty, php_int, php_round


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("12px", 12),
        (" \t\n42", 42),
        ("+7", 7),
        ("-7.9", -7),
        ("1e3", 1000),
        ("1.5E2", 150),
        ("2e-1", 0),
        (".5", 0),
        ("1e", 1),
        ("0x1A", 0),
        ("1_000", 1),
        ("abc", 0),
        ("", 0),
        ("inf", 0),
        ("infinity", 0),
        ("NaN", 0),
        ("1e400", 0),
        ("99999999999999999999", 2**63 - 1),
        ("-99999999999999999999", -(2**63)),
        (None, 0),
        (True, 1),
        (False, 0),
        (5, 5),
        (1.9, 1),
        (-1.9, -1),
        (math.inf, 0),
        (-math.inf, 0),
        (math.nan, 0),
        ([], 0),
        ([0], 1),
        ({"a": 1}, 1),
    ],
)
def test_php_int_casts_like_php(value: object, expected: int) -> None:
    result = php_int(value)
    assert result == expected and type(result) is int


def test_php_int_keeps_huge_floats_in_the_64_bit_range() -> None:
    for value in (1e19, -1e19, 1e300, -1e300):
        assert -(2**63) <= php_int(value) <= 2**63 - 1


@pytest.mark.parametrize("value", [None, "", "0", 0, 0.0, False])
def test_php_empty_values(value: object) -> None:
    assert php_empty(value)


@pytest.mark.parametrize("value", ["00", " ", "0.0", "a", 1, -1, True])
def test_php_non_empty_values(value: object) -> None:
    assert not php_empty(value)


@pytest.mark.parametrize(
    ("value", "expected"), [(2.5, 3), (-2.5, -3), (2.49, 2), (0.5, 1), (-0.4, 0), (7.0, 7)]
)
def test_php_round_takes_halves_away_from_zero(value: float, expected: int) -> None:
    assert php_round(value) == expected


def test_trim_characters_and_pcre_space() -> None:
    assert " \t\n\r\0\x0bx\x0c\u00a0 ".strip(PHP_TRIM) == "x\x0c\u00a0"
    assert re.findall(PCRE_SPACE, " \t\n\r\x0b\x0c\u00a0\0") == list(" \t\n\r\x0b\x0c")


def test_module_stands_alone() -> None:
    """Every render module may use it without an import cycle: it imports no render module."""
    code = (
        "import sys, broadsheet.render.php; "
        "print(sorted(m for m in sys.modules if m.startswith('broadsheet.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['broadsheet.render', 'broadsheet.render.php']"
