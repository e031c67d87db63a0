"""bench/difffuzz.py without the oracle: its generator over the fixture dump, and its
comparator on crafted pairs of answers (so the fuzzer cannot rot unnoticed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import difffuzz  # noqa: E402
from fuzzdiff import Answer, classify, compare, tie_order  # noqa: E402
from fuzzgen import Site, generate  # noqa: E402

DUMP = Path(__file__).resolve().parents[1] / "fixtures" / "oracle" / "dump"
JSON = [("Content-Type", "application/json; charset=UTF-8")]


@pytest.fixture(scope="module")
def site() -> Site:
    return Site.load(DUMP)


def _answer(body: object, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Answer:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Answer(status, [*JSON, *(headers or [])], raw)


def test_the_same_seed_and_number_give_the_same_request(site: Site) -> None:
    first = [generate(site, 3, n).encode() for n in range(200)]
    again = [generate(site, 3, n).encode() for n in range(200)]
    assert first == again
    assert first != [generate(site, 4, n).encode() for n in range(200)]


def test_requests_cover_every_route_of_the_index_and_mix_methods_bodies_and_headers(site: Site) -> None:
    requests = [generate(site, 1, n) for n in range(3000)]
    assert {r.route for r in requests} == {r.pattern for r in site.routes}
    encoded = [r.encode() for r in requests]
    assert {"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"} <= {m for m, _, _, _ in encoded}
    assert any(m == "GET" and body for m, _, _, body in encoded)  # bodies on GET
    assert any("Origin" in headers for _, _, headers, _ in encoded)
    assert any(target.startswith("/?rest_route=") for _, target, _, _ in encoded)
    assert any("%2F" in target.split("?")[0] or "%2f" in target.split("?")[0] for _, target, _, _ in encoded)
    kinds = {p.kind for r in requests for p in r.parts}
    assert {"date:zero", "date:dst", "slug:real", "hostile", "fields", "jsonp"} <= kinds
    for _, target, headers, _ in encoded:  # what http.client would refuse to send
        assert target.isascii() and not any(c in target for c in " \r\n\t")
        assert all("\n" not in v and "\r" not in v for v in headers.values())


def test_real_values_come_from_the_site(site: Site) -> None:
    targets = " ".join(generate(site, 1, n).encode()[1] for n in range(1500))
    assert "/wp/v2/posts/463973" in targets
    assert "slug%5B%5D=" in targets or "slug[]=" in targets or "slug=" in targets
    assert any(slug in targets for slug in site.slugs["post"])


def test_dropping_a_part_shrinks_the_request(site: Site) -> None:
    request = next(r for r in (generate(site, 1, n) for n in range(500)) if len(r.parts) >= 2)
    name = request.parts[0].name
    smaller = request.without(name)
    assert name not in smaller.part_names() and len(smaller.parts) == len(request.parts) - 1


def test_identical_json_in_another_spelling_is_the_same() -> None:
    oracle = _answer(b'{"id":1,"title":{"rendered":"A \\/ B"}}')
    broadsheet = _answer(b'{"id": 1, "title": {"rendered": "A / B"}}')
    assert compare(oracle, broadsheet).same


def test_relative_dates_and_oembed_secrets_are_masked() -> None:
    oracle = _answer({"relative_dates": {"created": "Posted 3 years ago"},
                      "html": '<blockquote data-secret="abcdefghij">'})
    broadsheet = _answer({"relative_dates": {"created": "Posted 2 years ago"},
                          "html": '<blockquote data-secret="ZYXWVUTSRQ">'})
    assert compare(oracle, broadsheet).same


def test_key_order_missing_keys_and_values_are_differences() -> None:
    oracle = _answer([{"id": 1, "a": 1, "b": 2}])
    order = compare(oracle, _answer([{"id": 1, "b": 2, "a": 1}])).differences
    assert [d.what for d in order] == ["$[]: key order"]
    missing = compare(oracle, _answer([{"id": 1, "a": 1}])).differences
    assert [d.what for d in missing] == ["$[]: keys"]
    value = compare(oracle, _answer([{"id": 1, "a": 1, "b": 3}])).differences
    assert [d.what for d in value] == ["$[].b"]


def test_status_differences_name_the_error_codes() -> None:
    oracle = _answer({"code": "rest_no_route", "message": "x", "data": {"status": 404}}, 404)
    broadsheet = _answer({"id": 1})
    [difference] = compare(oracle, broadsheet).differences
    assert difference.what == "status 404(rest_no_route)≠200"


def test_headers_that_matter_are_compared_and_the_rest_ignored() -> None:
    oracle = _answer([], headers=[("Link", "<a>; rel=next"), ("Server", "nginx"), ("Vary", "Origin")])
    broadsheet = _answer([], headers=[("link", "<b>; rel=next"), ("server", "granian"), ("vary", "Origin")])
    assert [d.what for d in compare(oracle, broadsheet).differences] == ["header link"]


def test_jsonp_bodies_are_unwrapped_and_compared_as_json() -> None:
    oracle = Answer(200, [("Content-Type", "application/javascript")], b'/**/cb({"a":"\\/"})')
    assert compare(oracle, Answer(200, oracle.headers, b'/**/cb({"a": "/"})')).same
    assert not compare(oracle, Answer(200, oracle.headers, b'/**/cb({"a": "x"})')).same


def test_xml_bodies_are_compared_as_text_with_secrets_masked() -> None:
    head = [("Content-Type", "text/xml; charset=UTF-8")]
    oracle = Answer(200, head, b"<oembed><html>data-secret=&quot;abcdefghij&quot;</html></oembed>")
    assert compare(oracle, Answer(200, head, oracle.body.replace(b"abcdefghij", b"0123456789"))).same
    different = compare(oracle, Answer(200, head, b"<oembed><html>x</html></oembed>")).differences
    assert [d.what for d in different] == ["body xml"]


def test_html_pages_are_not_compared_beyond_status_and_content_type() -> None:
    oracle = Answer(404, [("Content-Type", "text/html; charset=UTF-8"), ("Link", "<x>")], b"<html>theme</html>")
    broadsheet = Answer(404, [("content-type", "text/html; charset=utf-8")], b"<h1>Not found</h1>")
    assert compare(oracle, broadsheet).same


def test_equal_sort_keys_in_another_order_are_a_tie_not_a_difference(site: Site) -> None:
    # posts 24 and 25 share their date: MariaDB may return them either way
    date_24 = site.objects[("post", 24)]["date"]
    assert site.objects[("post", 25)]["date"] == date_24
    oracle = _answer([{"id": 24, "x": 1}, {"id": 25, "x": 2}])
    broadsheet = _answer([{"id": 25, "x": 2}, {"id": 24, "x": 1}])
    result = compare(oracle, broadsheet, route="/wp/v2/posts", params={}, objects=site.objects)
    assert result.same and result.tie is not None
    assert result.tie.sorts_by == "wp_posts.post_date DESC (no tie-breaker)"
    wrong = compare(oracle, _answer([{"id": 25, "x": 3}, {"id": 24, "x": 1}]), route="/wp/v2/posts",
                    params={}, objects=site.objects)
    assert wrong.tie is not None and [d.what for d in wrong.differences] == ["$[].x"]


def test_different_sort_keys_in_another_order_are_a_difference(site: Site) -> None:
    oracle = _answer([{"id": 12}, {"id": 50}])
    broadsheet = _answer([{"id": 50}, {"id": 12}])
    result = compare(oracle, broadsheet, route="/wp/v2/posts", params={}, objects=site.objects)
    assert result.tie is None and not result.same


def test_orderings_name_what_wordpress_sorts_by(site: Site) -> None:
    terms = tie_order("/wp/v2/tags", {"orderby": "count"}, site.objects, {})
    assert terms is not None and terms[1] == "tt.count ASC (no tie-breaker)"
    assert tie_order("/wp/v2/comments", {}, site.objects, {}) is None  # ties broken by comment_ID
    assert tie_order("/wp/v2/posts", {"orderby": "include"}, site.objects, {}) is None


def test_differences_are_classed_by_route_cause_and_what() -> None:
    served = {"/wp/v2/posts", "/oembed/1.0/embed"}
    assert classify("/wp/v2/themes", [], "status", served) == "The index"
    assert classify("/wp/v2/posts", [("after", "date:dst")], "$", served) == "Dates"
    assert classify("/wp/v2/posts", [("after", "date:zero")], "$", served) == "Request parsing"
    assert classify("/wp/v2/posts", [("@origin", "origin")], "header", served) == "Request parsing"
    assert classify("/wp/v2/posts", [("slug", "slug:odd")], "$", served) == "Slugs"
    assert classify("/oembed/1.0/embed", [("url", "url:link")], "$.html", served) == "Fields and errors"
    assert classify("/wp/v2/posts", [], "$[].content.rendered", served) == "Rendering"


def test_the_summary_renders_a_report() -> None:
    report = {"seed": 1, "counts": {"requests": 2, "identical": 1, "different": 1}, "shrink_requests": 0,
              "by_class": {"Other": {"kinds": 1, "differences": 1}},
              "groups": [{"class": "Other", "count": 1, "key": "GET /wp/v2/posts [-] $.x",
                          "example": {"request": "GET /wp-json/wp/v2/posts", "detail": "$.x: 1 vs 2"}}],
              "ties": [{"what": "posts orderby=date", "count": 1, "sorts_by": "wp_posts.post_date DESC",
                        "example": {"request": "GET /wp-json/wp/v2/posts"}}]}
    text = difffuzz.render_summary(report)
    assert "2 requests: 1 identical, 1 different" in text and "posts orderby=date" in text
