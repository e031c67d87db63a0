"""human_time_diff and next_change.

The named cases mirror WordPress's ``tests/phpunit/tests/formatting/humanTimeDiff.php``; the
table compares with WordPress 6.1.9's own output (``tests/fixtures/timediff/README.md``).
"""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadsheet.render.timediff import human_time_diff, next_change

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "timediff"
START = datetime(2016, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# --- humanTimeDiff.php (6.7+ wording) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "stop"),
    [
        ("37 seconds", "2016-01-01 12:00:37"),
        ("5 minutes", "2016-01-01 12:05:00"),
        ("1 hour", "2016-01-01 13:00:00"),
        ("2 days", "2016-01-03 12:00:00"),
        ("2 hours", "2016-01-01 14:29:59"),  # 2 h 29 min 59 s rounds down
        ("3 hours", "2016-01-01 14:30:00"),  # 2 h 30 min rounds up
        ("2 months", "2016-02-15 12:00:00"),  # 1 month 15 days rounds up
        ("1 month", "2016-02-14 12:00:00"),  # 1 month 14 days rounds down
        ("3 years", "2018-07-02 12:00:00"),  # 2 years 6 months 1 day rounds up
        ("2 years", "2018-07-01 12:00:00"),  # 2 years 6 months rounds down
    ],
)
def test_human_time_diff_rounds_to_the_nearest_unit(expected: str, stop: str) -> None:
    assert human_time_diff(START, ts(stop)) == expected


def test_human_time_diff_says_mins_before_wordpress_6_7() -> None:
    assert human_time_diff(START, ts("2016-01-01 12:05:00"), wp_version="6.6.2") == "5 mins"
    assert human_time_diff(START, START + 60, wp_version="6.1") == "1 min"


def test_human_time_diff_says_minutes_from_wordpress_6_7() -> None:
    assert human_time_diff(START, START + 300, wp_version="6.7") == "5 minutes"
    assert human_time_diff(START, START + 300, wp_version="6.7-beta2") == "5 minutes"
    assert human_time_diff(START, START + 60, wp_version="6.8") == "1 minute"


def test_human_time_diff_takes_the_minutes_wording_from_the_caller() -> None:
    assert human_time_diff(START, START + 300, wp_version="6.1", long_minutes=True) == "5 minutes"
    assert human_time_diff(START, START + 300, long_minutes=False) == "5 mins"
    assert human_time_diff(START, START + 7200, long_minutes=False) == "2 hours"


def test_human_time_diff_only_changes_the_minutes_wording_by_version() -> None:
    assert human_time_diff(START, START + 7200, wp_version="6.1") == "2 hours"


# --- rounding boundaries (contract §4.10) -----------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "1 second"),
        (1, "1 second"),
        (2, "2 seconds"),
        (59, "59 seconds"),
        (60, "1 minute"),
        (89, "1 minute"),
        (90, "2 minutes"),
        (3575, "60 minutes"),  # 59.6 minutes
        (3599, "60 minutes"),
        (3600, "1 hour"),
        (5399, "1 hour"),
        (5400, "2 hours"),
        (86399, "24 hours"),
        (86400, "1 day"),
        (129599, "1 day"),
        (129600, "2 days"),
        (604799, "7 days"),
        (604800, "1 week"),
        (907200, "2 weeks"),
        (2591999, "4 weeks"),
        (2592000, "1 month"),
        (3888000, "2 months"),
        (31535999, "12 months"),
        (31536000, "1 year"),
        (47303999, "1 year"),
        (47304000, "2 years"),
    ],
)
def test_human_time_diff_unit_boundaries(seconds: int, expected: str) -> None:
    assert human_time_diff(START, START + seconds) == expected
    assert human_time_diff(START + seconds, START) == expected


def test_human_time_diff_truncates_fractional_seconds_before_rounding() -> None:
    assert human_time_diff(START, START + 89.999) == "1 minute"
    assert human_time_diff(START, START + 1.999) == "1 second"


def test_human_time_diff_treats_zero_end_as_now() -> None:
    now = datetime.now(tz=UTC).timestamp()
    assert human_time_diff(now - 7200, 0) == "2 hours"


def fixture_cases() -> list[list]:
    return json.loads((FIXTURES / "human_time_diff_wp61.json").read_text())["cases"]


@pytest.mark.parametrize("row", fixture_cases(), ids=lambda row: f"{row[1] - row[0]:.3f}")
def test_human_time_diff_matches_wordpress(row: list) -> None:
    from_ts, to_ts, expected = row
    assert human_time_diff(from_ts, to_ts, wp_version="6.1") == expected


# --- next_change ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "change_at"),
    [
        (0, 2),  # "1 second" until 2 seconds
        (37, 38),
        (59, 60),  # seconds → minutes
        (60, 90),  # "1 minute" until 1.5 minutes
        (3570, 3600),  # "60 minutes" → "1 hour"
        (3600, 5400),
        (86399, 86400),
        (86400, 129600),
        (2591999, 2592000),
        (31536000, 47304000),
    ],
)
def test_next_change_finds_the_next_rounding_step(elapsed: int, change_at: int) -> None:
    assert next_change(START, START + elapsed) == START + change_at


def test_next_change_counts_down_towards_a_future_date() -> None:
    # 2 hours before START it says "2 hours"; "1 hour" starts once fewer than 5400 s remain.
    got = next_change(START, START - 7200)
    assert human_time_diff(START, got) == "1 hour"
    assert human_time_diff(START, math.nextafter(got, -math.inf)) == "2 hours"
    assert got == math.nextafter(START - 5400, math.inf)


def test_next_change_crosses_the_from_date_when_nothing_changes_before_it() -> None:
    assert next_change(START, START - 1) == START + 2


def test_next_change_treats_zero_end_as_now() -> None:
    now = datetime.now(tz=UTC).timestamp()
    assert next_change(now - 3600, 0) >= now - 3600 + 5400 - 1


def test_next_change_is_exactly_the_first_moment_with_a_new_answer() -> None:
    rng = random.Random(20240101)
    for _ in range(2000):
        from_ts = rng.choice([START, START + 0.25, START + 0.7])
        to_ts = from_ts + rng.uniform(-1, 1) * rng.choice([100, 5000, 200000, 4e6, 5e7, 5e8])
        current = human_time_diff(from_ts, to_ts)
        change = next_change(from_ts, to_ts)
        assert change > to_ts
        assert human_time_diff(from_ts, change) != current
        before = math.nextafter(change, -math.inf)
        assert before <= to_ts or human_time_diff(from_ts, before) == current
        probe = rng.uniform(to_ts, before) if before > to_ts else to_ts
        assert human_time_diff(from_ts, probe) == current
