"""PHP date formatting (``date()``/``wp_date()`` format characters) and mysql_to_rfc3339.

Table-driven cases compare with PHP 8.2 itself (``tests/fixtures/phpdate/README.md``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadsheet.render.phpdate import format_date, mysql_to_rfc3339

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "phpdate"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The seed post's date: 2023-11-16 14:00 in Amsterdam (CET, +01:00).
SEED = datetime(2023, 11, 16, 14, 0, 0, tzinfo=AMSTERDAM)


def zone(name: str) -> timezone | ZoneInfo:
    """A named zone, or a fixed offset for ``+HH:MM`` (WordPress's gmt_offset zones)."""
    if name[0] in "+-":
        sign = -1 if name[0] == "-" else 1
        return timezone(sign * timedelta(hours=int(name[1:3]), minutes=int(name[4:6])))
    return ZoneInfo(name)


def test_format_date_site_date_format() -> None:
    assert format_date("F j, Y", SEED) == "November 16, 2023"


def test_format_date_site_time_format() -> None:
    assert format_date("g:i a", SEED) == "2:00 pm"
    assert format_date("g:i A", SEED.replace(hour=0, minute=5)) == "12:05 AM"


def test_format_date_r_is_rfc_2822_like_feeds_use() -> None:
    assert format_date("r", SEED) == "Thu, 16 Nov 2023 14:00:00 +0100"


def test_format_date_c_is_iso_8601() -> None:
    assert format_date("c", SEED) == "2023-11-16T14:00:00+01:00"
    assert format_date("c", SEED.replace(month=7)) == "2023-07-16T14:00:00+02:00"


def test_format_date_day_characters() -> None:
    assert format_date("d D j l N S w z", SEED) == "16 Thu 16 Thursday 4 th 4 319"


@pytest.mark.parametrize(
    ("day", "suffix"),
    [
        (1, "st"),
        (2, "nd"),
        (3, "rd"),
        (4, "th"),
        (11, "th"),
        (12, "th"),
        (13, "th"),
        (21, "st"),
        (22, "nd"),
        (23, "rd"),
        (31, "st"),
    ],
)
def test_format_date_english_ordinal_suffix(day: int, suffix: str) -> None:
    assert format_date("S", datetime(2023, 1, day, tzinfo=UTC)) == suffix


def test_format_date_week_month_and_year_characters() -> None:
    assert format_date("W F m M n t L o Y y", SEED) == "46 November 11 Nov 11 30 0 2023 2023 23"
    assert format_date("o-W", datetime(2021, 1, 3, tzinfo=UTC)) == "2020-53"
    assert format_date("t L", datetime(2024, 2, 1, tzinfo=UTC)) == "29 1"


def test_format_date_time_characters() -> None:
    moment = SEED.replace(hour=9, minute=7, second=5, microsecond=123456)
    assert format_date("a A B g G h H i s u v", moment) == "am AM 379 9 9 09 09 07 05 123456 123"


def test_format_date_zone_characters_for_a_named_zone() -> None:
    assert format_date("e I O P p T Z", SEED) == "Europe/Amsterdam 0 +0100 +01:00 +01:00 CET 3600"
    summer = SEED.replace(month=7)
    assert format_date("I T Z", summer) == "1 CEST 7200"


def test_format_date_zone_characters_for_a_fixed_offset() -> None:
    moment = datetime(2023, 11, 16, 14, 0, tzinfo=zone("+05:30"))
    assert format_date("e T O P p Z", moment) == "+05:30 GMT+0530 +0530 +05:30 +05:30 19800"


def test_format_date_p_is_z_for_utc() -> None:
    assert format_date("p", datetime(2023, 1, 1, tzinfo=ZoneInfo("UTC"))) == "Z"


def test_format_date_unix_timestamp() -> None:
    assert format_date("U", SEED) == "1700139600"
    assert format_date("U", datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)) == "-1"


def test_format_date_backslash_escapes_the_next_character() -> None:
    assert format_date("l \\t\\h\\e jS \\o\\f F", SEED) == "Thursday the 16th of November"
    assert format_date("\\\\Y", SEED) == "\\2023"


def test_format_date_trailing_backslash_gives_a_nul_like_php() -> None:
    assert format_date("Y\\", SEED) == "2023\x00"


def test_format_date_leaves_unknown_characters_alone() -> None:
    assert format_date("Y-m-d, k q é", SEED) == "2023-11-16, k q é"


def test_format_date_naive_datetime_works_without_zone_characters() -> None:
    assert format_date("F j, Y g:i a", datetime(2023, 11, 16, 14, 0)) == "November 16, 2023 2:00 pm"


def test_format_date_naive_datetime_refuses_zone_characters() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_date("c", datetime(2023, 11, 16, 14, 0))


def test_format_date_other_locales_fall_back_to_english_names() -> None:
    assert format_date("F", SEED, locale="nl_NL") == "November"


def date_cases() -> list[list]:
    return json.loads((FIXTURES / "date_format_php.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("row", date_cases(), ids=lambda row: f"{row[2]}:{row[3]}")
def test_format_date_matches_php(row: list) -> None:
    unix, microsecond, zone_name, fmt, expected = row
    moment = datetime.fromtimestamp(unix, UTC).replace(microsecond=microsecond)
    assert format_date(fmt, moment.astimezone(zone(zone_name))) == expected


# --- mysql_to_rfc3339 ------------------------------------------------------------------------


def test_mysql_to_rfc3339_swaps_the_space_for_t() -> None:
    assert mysql_to_rfc3339("2023-11-16 14:00:00") == "2023-11-16T14:00:00"


def test_mysql_to_rfc3339_zero_date_is_php_year_minus_one() -> None:
    assert mysql_to_rfc3339("0000-00-00 00:00:00") == "-0001-11-30T00:00:00"


def test_mysql_to_rfc3339_rolls_impossible_days_over() -> None:
    assert mysql_to_rfc3339("2023-02-30 10:00:00") == "2023-03-02T10:00:00"


def test_mysql_to_rfc3339_moves_daylight_saving_gap_times_forward() -> None:
    assert mysql_to_rfc3339("2023-03-26 02:30:00", AMSTERDAM) == "2023-03-26T03:30:00"
    assert mysql_to_rfc3339("2023-03-26 02:30:00") == "2023-03-26T02:30:00"


def test_mysql_to_rfc3339_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        mysql_to_rfc3339("yesterday")
    with pytest.raises(ValueError):
        mysql_to_rfc3339("2023-13-01 00:00:00")


def mysql_cases() -> list[list]:
    text = (FIXTURES / "mysql_to_rfc3339_php.json").read_text(encoding="utf-8")
    return json.loads(text)["cases"]


@pytest.mark.parametrize("row", mysql_cases(), ids=lambda row: row[0])
def test_mysql_to_rfc3339_matches_php(row: list) -> None:
    local, expected = row
    if expected is False:
        with pytest.raises(ValueError):
            mysql_to_rfc3339(local, AMSTERDAM)
    else:
        assert mysql_to_rfc3339(local, AMSTERDAM) == expected
