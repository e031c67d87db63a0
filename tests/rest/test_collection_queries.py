"""Collection queries as WordPress's read them (answers recorded from the oracle, 2026-12-08).

Users' and terms' pages are computed from the offset as WordPress rounds them (ceil), so
``offset=1`` is page 2 and links back to page 1. A negative offset is absint'ed by WP_Query and
WP_Term_Query, and breaks WP_User_Query's LIMIT (no users, the count stands). Media filters by
``mime_type`` only when it is a MIME type an anonymous caller may upload, which then replaces the
``media_type``'s list.

WP_Query: a post__in list voids post__not_in. WP_Term_Query: an include list voids exclude, and
is itself void when its ids, deduplicated and joined, read "0" (PHP finds that string empty).
Ordering by include follows the requested order for terms and users.
"""

from __future__ import annotations

import json

import pytest

CASES = [
    ("tags?include=0&_fields=id", [10373, 69735, 10, 8098, 9, 13, 5246, 11, 12, 14]),
    ("tags?include=0,0&_fields=id", [10373, 69735, 10, 8098, 9, 13, 5246, 11, 12, 14]),
    ("tags?include=0&exclude=9&_fields=id", [10373, 69735, 10, 8098, 9, 13, 5246, 11, 12, 14]),
    ("tags?include=9,10&exclude=9&_fields=id", [10, 9]),
    ("categories?include=-0&exclude=2&_fields=id&per_page=100", [69738, 4, 8553, 5, 7, 6, 3, 8, 2, 1]),
    ("media?exclude[0]=5&exclude[1]=493233&include[]=493233&include[]=6&include[]=5&_fields=id", [5, 6, 493233]),
    ("posts?include=7,8&exclude=7&_fields=id", [7, 8]),
    ("posts?include=0&_fields=id", []),
    ("tags?include=9,10,11&orderby=include&order=desc&_fields=id", [11, 10, 9]),
    ("users?include=2581,2580&orderby=include&order=desc&_fields=id", [2580, 2581]),
    ("users?include=0&_fields=id", []),
    ("users?offset=-1&_fields=id", []),
    ("tags?offset=-3&per_page=2&_fields=id", [8098, 9]),
    ("posts?offset=-1&per_page=2&_fields=id", [50, 7]),
    ("media?mime_type=image&_fields=id", [5, 6, 493233, 4]),
    ("media?mime_type=image/xyz&_fields=id", [5, 6, 493233, 4]),
    ("media?mime_type=text/html&_fields=id", [5, 6, 493233, 4]),
    ("media?mime_type=image/png&_fields=id", [5, 493233]),
    ("media?media_type=image&mime_type=application/pdf&_fields=id", [6]),
    ("media?media_type=image&mime_type=image/xyz&_fields=id", [5, 493233, 4]),
]


@pytest.mark.parametrize(("query", "ids"), CASES)
def test_include_and_exclude_as_wordpress_queries_read_them(client, query: str, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/archive/wp-json/wp/v2/" + query)
    assert response.status_code == 200
    assert [item["id"] for item in json.loads(response.content)] == ids


@pytest.mark.parametrize(("query", "link"), [
    ("users?offset=1&exclude[0]=100", '<http://127.0.0.1:8081/archive/wp-json/wp/v2/users?offset=1&exclude%5B0%5D=100&page=1>; rel="prev"'),
    ("users?offset=3&per_page=2", '<http://127.0.0.1:8081/archive/wp-json/wp/v2/users?offset=3&per_page=2&page=2>; rel="prev"'),
    ("tags?offset=1&include[0]=13&search=Dutch", '<http://127.0.0.1:8081/archive/wp-json/wp/v2/tags?offset=1&include%5B0%5D=13&search=Dutch&page=0>; rel="prev"'),
])
def test_pages_follow_the_offset_as_wordpress_rounds_it(client, query: str, link: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/archive/wp-json/wp/v2/" + query)
    assert response.headers["link"] == link
