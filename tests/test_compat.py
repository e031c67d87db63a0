"""Reading a site's WordPress version (compat.parse_version, Compat)."""

from __future__ import annotations

import pytest

from broadsheet.compat import Compat, parse_version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6.1.9", (6, 1, 9)),
        ("6.8", (6, 8, 0)),
        ("7", (7, 0, 0)),
        ("6.1-RC1", (6, 1, 0)),
        ("6.7-beta2", (6, 7, 0)),
        ("6.4.3-alpha-57000", (6, 4, 3)),
        ("6.5.0.1", (6, 5, 0)),
        ("", (0, 0, 0)),
        ("trunk", (0, 0, 0)),
    ],
)
def test_parse_version_takes_the_leading_digits_of_each_part(
    text: str, expected: tuple[int, int, int]
) -> None:
    assert parse_version(text) == expected


def test_a_release_candidate_is_not_a_later_minor_release() -> None:
    rc = Compat.of("6.1-RC1")
    assert rc.at_least(6, 1) and not rc.at_least(6, 2)
    assert not rc.class_list and not rc.search_columns_param
    assert Compat.of("6.7-RC1").time_diff_long_minutes


def test_compat_of_shares_one_instance_per_version() -> None:
    assert Compat.of("6.8") is Compat.of("6.8")
    assert Compat.of("6.8", True).backport and not Compat.of("6.8").backport
