"""Date parameters and dates across daylight-saving transitions, as WordPress reads them.

References (tests/fixtures/dates, see the README there): WordPress's own rest_parse_date,
WP_Date_Query::build_mysql_datetime and get_gmt_from_date run on 2,257 REST date strings and
740 local dates in nine zones; and the oracle's answers to 230 anonymous date queries over its
site plus nine posts dated around Europe/Amsterdam's transitions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from broadsheet.rest.dates import gmt_from_local, is_rest_date, query_date, rest_date

from ..conftest import serve_app
from .oracle_sites import assert_answers_as_recorded, oracle_site_with

DATES = Path(__file__).parent.parent / "fixtures" / "dates"
PHP = json.loads((DATES / "dates_php.json").read_text("utf-8"))
QUERIES = json.loads((DATES / "queries.json").read_text("utf-8"))
POSTS = json.loads((DATES / "site" / "posts.json").read_text("utf-8"))
STORED = json.loads((DATES / "stored_dates.json").read_text("utf-8"))
SITE_ZONE = ZoneInfo(PHP["timezone"])


def test_rest_dates_are_accepted_and_read_as_wordpress_reads_them() -> None:
    wrong = [(case["input"], case["valid"], case["query"]) for case in PHP["rest"]
             if is_rest_date(case["input"]) != case["valid"]
             or (case["valid"] and query_date(case["input"], SITE_ZONE) != case["query"])]
    assert wrong == []
    assert len(PHP["rest"]) > 2000


def test_local_dates_become_gmt_as_get_gmt_from_date_makes_them_in_every_zone() -> None:
    wrong = [(case["zone"], case["local"], case["gmt"]) for case in PHP["gmt"]
             if gmt_from_local(case["local"], ZoneInfo(case["zone"])) != case["gmt"]]
    assert wrong == []


@pytest.mark.parametrize(("value", "expected"), [
    ("2023-03-26T02:30:00", "2023-03-26 03:30:00"),  # spring gap: forward by the gap
    ("2023-10-29T02:30:00", "2023-10-29 02:30:00"),  # autumn overlap: the wall time stays
    ("2023-10-29T00:30:00Z", "2023-10-29 02:30:00"),
    ("2023-10-29T01:30:00Z", "2023-10-29 02:30:00"),
    ("0000-00-00T00:00:00", "-0001-11-30 00:00:00"),
    ("9999-12-31T23:59:59Z", "10000-01-01 00:59:59"),
])
def test_query_dates_in_the_site_zone(value: str, expected: str) -> None:
    assert query_date(value, SITE_ZONE) == expected


@pytest.mark.parametrize("value", ["1970-01-01T00:00:00", "1970-01-01T01:00:00+01:00",
                                   "2024-01-01T00:00:00z", "2024-01-01T00:00:00+0100",
                                   "2023-12-32T00:00:00", "2024-01-01T00:00:00+25:00",
                                   "２０２３-06-15T12:30:45"])
def test_values_wordpress_finds_no_date_in(value: str) -> None:
    assert not is_rest_date(value)


def test_stored_dates_in_the_spring_gap_read_forward_the_gmt_ones_too() -> None:
    assert rest_date("2023-03-26 02:30:00", SITE_ZONE) == "2023-03-26T03:30:00"
    assert rest_date("2023-03-26 02:15:00", SITE_ZONE) == "2023-03-26T03:15:00"
    assert rest_date("2023-10-29 02:30:00", SITE_ZONE) == "2023-10-29T02:30:00"


def _stored_dates(db: Any) -> None:
    for post_id, (date, date_gmt, modified, modified_gmt) in STORED.items():
        db.execute("UPDATE posts SET date = ?, date_gmt = ?, modified = ?, modified_gmt = ? WHERE id = ?",
                   (date, date_gmt, modified, modified_gmt, int(post_id)))


@pytest.fixture(scope="module")
def dst_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The oracle's site plus the posts dated around the transitions, with the dates WordPress's
    database holds (a REST dump shows a time in the spring gap already moved forward; a
    WordPress export carries the stored one, as written here)."""
    with oracle_site_with(tmp_path_factory.mktemp("dst"), DATES / "site", adjust=_stored_dates) as app:
        yield app


@pytest.mark.parametrize("recorded", QUERIES, ids=[q["query"].split("&_fields")[0] for q in QUERIES])
def test_date_query_answers_as_the_oracle(dst_site: Any, recorded: dict[str, Any]) -> None:
    assert_answers_as_recorded(dst_site, recorded)


@pytest.mark.parametrize("post", POSTS, ids=[str(p["id"]) for p in POSTS])
def test_post_dates_read_as_the_oracle_shows_them(dst_site: Any, post: dict[str, Any]) -> None:
    served = serve_app(dst_site, f"/wp/v2/posts/{post['id']}", "_fields=date,date_gmt,modified,modified_gmt")
    assert json.loads(served.body) == {k: post[k] for k in ("date", "date_gmt", "modified", "modified_gmt")}


@pytest.fixture(scope="module")
def dump_only_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The same site as imported from REST JSON alone (the gap post's date as REST showed it)."""
    with oracle_site_with(tmp_path_factory.mktemp("dstdump"), DATES / "site") as app:
        yield app


@pytest.mark.xfail(strict=True, reason="docs/rest-api.md, known difference: a REST dump carries a "
                   "spring-gap time moved forward, so date queries compare the moved time")
def test_a_dump_cannot_carry_a_stored_spring_gap_time(dump_only_site: Any) -> None:
    recorded = next(q for q in QUERIES if q["query"].startswith("before=2023-03-26T03%3A00%3A00&"))
    assert_answers_as_recorded(dump_only_site, recorded)
