"""Request handling that must never fail open or earn a 500: ids, overrides, bad parameters."""

from __future__ import annotations

import json

import pytest

from broadsheet.app import create_app
from broadsheet.limits import Limits

from ..conftest import serve_app


def _json(response) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(response.content)


def test_query_id_overriding_the_route_id_is_validated_as_an_integer(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/archive/wp-json/wp/v2/posts/463973?id=463973abc")
    assert response.status_code == 400
    body = _json(response)
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["params"] == {"id": "id is not of type integer."}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "POST", "DELETE"])
def test_content_injection_pattern_never_reaches_a_write(client, method: str) -> None:  # type: ignore[no-untyped-def]
    """The WordPress 4.7.1 exploit: POST /posts/123?id=123abc must not be taken as a create."""
    response = client.request(method, "/archive/wp-json/wp/v2/posts/463973?id=463973abc",
                              json={"title": "defaced"})
    assert response.status_code == 400
    assert _json(response)["data"]["params"]["id"] == "id is not of type integer."
    again = client.get("/archive/wp-json/wp/v2/posts/463973")
    assert "defaced" not in again.text


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_writes_to_an_existing_post_are_refused_to_anonymous_callers(client, method: str) -> None:  # type: ignore[no-untyped-def]
    response = client.request(method, "/archive/wp-json/wp/v2/posts/463973")
    assert response.status_code == 401
    assert _json(response)["code"] in ("rest_cannot_edit", "rest_cannot_delete")


def test_write_to_a_missing_post_is_404_not_an_error_about_rights(client) -> None:  # type: ignore[no-untyped-def]
    response = client.request("PUT", "/archive/wp-json/wp/v2/posts/999999", json={"title": "x"})
    assert response.status_code == 404
    assert _json(response)["code"] == "rest_post_invalid_id"


def test_malformed_json_body_is_rest_invalid_json(client) -> None:  # type: ignore[no-untyped-def]
    response = client.request("POST", "/archive/wp-json/wp/v2/posts", content=b"{nope",
                              headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert _json(response)["code"] == "rest_invalid_json"


@pytest.mark.parametrize("per_page", ["0", "-1", "101", "99999999999999999999", "abc", "1e400"])
def test_out_of_range_per_page_is_rest_invalid_param(client, per_page: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/archive/wp-json/wp/v2/posts?per_page={per_page}")
    assert response.status_code == 400
    assert _json(response)["code"] == "rest_invalid_param"


def test_unknown_parameters_are_ignored(client) -> None:  # type: ignore[no-untyped-def]
    plain = client.get("/archive/wp-json/wp/v2/posts?per_page=2")
    noisy = client.get("/archive/wp-json/wp/v2/posts?per_page=2&nope=1&x[y]=2")
    assert _json(plain) == _json(noisy)


@pytest.mark.parametrize("path", [
    "/archive/wp-json/wp/v2/posts?include[a][b][c]=1",
    "/archive/wp-json/wp/v2/posts?categories[terms][]=x",
    "/archive/wp-json/wp/v2/posts?after=2023-02-30T00:00:00",
    "/archive/wp-json/wp/v2/posts?slug[]=%ff%fe",
    "/archive/wp-json/wp/v2/posts?search=%00%ff",
    "/archive/wp-json/wp/v2/posts?_fields[]=id&_fields[x]=title",
    "/archive/wp-json/wp/v2/posts?_embed[]=author",
    "/archive/wp-json/wp/v2/posts?orderby[]=id",
    "/archive/?rest_route[]=x",
    "/archive/wp-json/wp/v2/users?search=%25%5F",
    "/archive/wp-json/wp/v2/comments?post=abc",
    "/archive/wp-json/wp/v2/posts/99999999999999999999999",
    "/archive/wp-json/wp/v2/posts?include=99999999999999999999,1",
    "/archive/wp-json/wp/v2/posts?author=99999999999999999999",
    "/archive/wp-json/wp/v2/posts?categories=99999999999999999999",
    "/archive/wp-json/wp/v2/posts?page=99999999999999999999",
    "/archive/wp-json/wp/v2/posts?offset=99999999999999999999",
    "/archive/wp-json/wp/v2/categories?page=99999999999999999999&per_page=100",
    "/archive/wp-json/wp/v2/users?offset=-5",
    "/archive/wp-json/wp/v2/comments?page=99999999999999999999",
    "/archive/wp-json/wp/v2/search?search=a&page=99999999999999999999",
    # Permission callbacks also run (for the Allow header) on requests that failed validation.
    "/archive/wp-json/wp/v2/tags?post=author&per_page=x",
    "/archive/wp-json/wp/v2/categories?post[a]=1&page=x",
    "/archive/wp-json/wp/v2/posts?_fields[0][1]=x&_fields[]=id",
    "/archive/wp-json/wp/v2/posts?password[]=a&password[]=b",
    "/archive/wp-json/wp/v2/posts?a" + "[b]" * 2000 + "=1",  # PHP drops what nests past 64
    "/archive/wp-json/wp/v2/posts?" + "&".join(f"p{i}=1" for i in range(5000)),
])
def test_hostile_parameters_never_earn_a_500(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code < 500, response.text


def test_head_answers_the_headers_of_get_without_a_body(client) -> None:  # type: ignore[no-untyped-def]
    get = client.get("/archive/wp-json/wp/v2/posts")
    head = client.request("HEAD", "/archive/wp-json/wp/v2/posts")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["x-wp-total"] == get.headers["x-wp-total"]


def test_rest_route_query_reaches_the_same_answer(client) -> None:  # type: ignore[no-untyped-def]
    pretty = client.get("/archive/wp-json/wp/v2/posts/463973")
    plain = client.get("/archive/?rest_route=/wp/v2/posts/463973")
    assert pretty.content == plain.content


def test_cors_reflects_the_origin_with_vary(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/archive/wp-json/wp/v2/posts?per_page=1", headers={"Origin": "https://reader.example"})
    assert response.headers["access-control-allow-origin"] == "https://reader.example"
    assert response.headers["vary"] == "Origin"


def test_links_use_the_site_url_never_the_request_host(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/archive/wp-json/wp/v2/posts/463973", headers={"Host": "evil.example:9999"})
    assert "evil.example" not in response.text
    assert "http:\\/\\/127.0.0.1:8081\\/archive" in response.text


def test_the_allow_header_of_a_refused_write_survives_a_coerced_parameter(client) -> None:  # type: ignore[no-untyped-def]
    # POST coerces post= to an integer; the Allow header then asks the GET permission check,
    # which reads post= as a list of ids.
    response = client.request("POST", "/archive/wp-json/wp/v2/comments?post=-99999999999999999999")
    assert response.status_code == 401, response.text
    assert _json(response)["code"] == "rest_comment_login_required"


def test_a_search_longer_than_sqlite_like_patterns_still_searches(oracle_url: str, frozen_now: str) -> None:
    # a server that accepts URLs this long (the default limit answers 414 past 8 KiB)
    app = create_app(oracle_url, limits=Limits(max_url_bytes=256 * 1024))
    try:
        long_term = "x" * 60000
        served = serve_app(app, "/wp/v2/posts", f"search={long_term}")
        assert served.status == 200 and json.loads(served.body) == []
        excluded = serve_app(app, "/wp/v2/posts", f"search=-{long_term}&per_page=1")
        plain = serve_app(app, "/wp/v2/posts", "search=-zzzz&per_page=1")
        assert dict(excluded.headers)["X-WP-Total"] == dict(plain.headers)["X-WP-Total"]
        for route in ("comments", "categories", "users", "search"):
            assert serve_app(app, f"/wp/v2/{route}", f"search={long_term}").status == 200
    finally:
        app.core.close()


def test_a_jsonp_callback_must_be_ascii_word_characters(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/archive/wp-json/wp/v2/posts?_jsonp=caf%C3%A9")
    assert response.status_code == 400
    assert _json(response)["code"] == "rest_callback_invalid"


@pytest.mark.parametrize(("body", "code", "message"), [
    # What the oracle answers for each (json_last_error() and its message).
    (b"{", 4, "Syntax error"),
    (b'{"a":"\x01"}', 3, "Control character error, possibly incorrectly encoded"),
    (b'"\xff"', 5, "Malformed UTF-8 characters, possibly incorrectly encoded"),
    (b"[" * 513 + b"]" * 513, 1, "Maximum stack depth exceeded"),
    (b"[" * 20000 + b"]" * 20000, 1, "Maximum stack depth exceeded"),
])
def test_a_malformed_json_body_gets_wordpress_error(client, body: bytes, code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client.request("POST", "/archive/wp-json/wp/v2/posts", content=body,
                              headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert _json(response) == {"code": "rest_invalid_json", "message": "Invalid JSON body passed.",
                               "data": {"status": 400, "json_error_code": code, "json_error_message": message}}


def test_a_json_body_at_wordpress_depth_limit_is_accepted(client) -> None:  # type: ignore[no-untyped-def]
    # json_decode's depth of 512 takes 511 nested arrays (512 are refused, as the oracle does)
    response = client.request("POST", "/archive/wp-json/wp/v2/posts", content=b"[" * 511 + b"]" * 511,
                              headers={"Content-Type": "application/json"})
    assert _json(response)["code"] == "rest_cannot_create"
