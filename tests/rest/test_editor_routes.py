"""The block editor's and admin's routes: listed, described and refused as WordPress 6.1 does.

The reference is the oracle's own recording (fixtures/editor-routes, see its README): OPTIONS of
every such route, and its answers to anonymous requests (without arguments, with valid required
arguments, in edit context, and to objects that exist). The index, the wp/v2 namespace index,
``types`` and ``taxonomies`` are compared whole in test_golden.py.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from broadsheet.app import create_app
from broadsheet.db import connect
from broadsheet.store import writer
from broadsheet.store.models import Post, Term

from ..conftest import serve_app
from .oracle_sites import oracle_site_with

RECORDED = Path(__file__).parent.parent / "fixtures" / "editor-routes"
with (RECORDED / "options" / "routes.tsv").open(encoding="utf-8") as _tsv:
    ROUTES = list(csv.DictReader(_tsv, delimiter="\t"))
PROBES = json.loads((RECORDED / "anonymous.json").read_text("utf-8"))
ABSENT = [p for p in PROBES if "{" not in p["path"]]
EXISTING = [p for p in PROBES if "{" in p["path"]]
MENU, ITEM = 900001, 900002  # a navigation menu and a menu item written into a copy of the site


def _ordered(value: Any) -> str:
    return json.dumps(value, indent=1)


def _without_hints(descriptor: Any) -> Any:  # also for objects: only self links carry hints
    if isinstance(descriptor, dict) and isinstance(descriptor.get("_links"), dict):
        links = {rel: [{k: v for k, v in link.items() if k != "targetHints"} for link in items]
                 for rel, items in descriptor["_links"].items()}
        return {**descriptor, "_links": links}
    return descriptor


def _send(client, probe: dict[str, Any], path: str | None = None):  # type: ignore[no-untyped-def]
    target = "/archive/wp-json" + (path or probe["path"])
    if probe["query"]:
        target += "?" + urlencode(probe["query"], doseq=True)
    kwargs: dict[str, Any] = {}
    if probe["json"] is not None:
        kwargs = {"content": json.dumps(probe["json"]).encode(),
                  "headers": {"Content-Type": "application/json"}}
    return client.request(probe["method"], target, **kwargs)


@pytest.mark.parametrize("route", ROUTES, ids=[r["name"] for r in ROUTES])
def test_options_describes_each_editor_route_as_the_oracle(client, route: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    response = client.request("OPTIONS", "/archive/wp-json" + route["path"])
    assert response.status_code == 200
    expected = json.loads((RECORDED / "options" / f"{route['name']}.json").read_text("utf-8"))
    assert _ordered(_without_hints(json.loads(response.content))) == _ordered(_without_hints(expected))


@pytest.mark.parametrize("probe", ABSENT, ids=[f"{p['method']} {p['path']} {p['query'] or p['json'] or ''}"
                                               for p in ABSENT])
def test_anonymous_request_is_answered_as_the_oracle_answered(client, probe: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    response = _send(client, probe)
    assert response.status_code == probe["status"]
    assert _ordered(json.loads(response.content)) == _ordered(probe["body"])


@pytest.fixture
def with_menu(oracle_copy: str, frozen_now: str) -> Iterator[Any]:
    """The site with a navigation menu holding one published menu item."""
    db = connect(oracle_copy)
    with db.transaction():
        writer.upsert_term(db, Term(MENU, "nav_menu", "Main", "main"))
        stamp = "2024-01-01 10:00:00"
        writer.upsert_post(db, Post(ITEM, "nav_menu_item", "publish", stamp, stamp, stamp, stamp,
                                    author=2580, slug=str(ITEM)))
        writer.set_post_terms(db, ITEM, [MENU])
    db.close()
    app = create_app(oracle_copy)
    yield app
    app.core.close()


@pytest.mark.parametrize("probe", EXISTING, ids=[f"{p['method']} {p['path']}" for p in EXISTING])
def test_editor_objects_that_exist_are_refused_not_missing(with_menu, probe: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    path = probe["path"].replace("{menu}", str(MENU)).replace("{item}", str(ITEM))
    served = serve_app(with_menu, path, method=probe["method"])
    body = json.loads(served.body)
    assert served.status == probe["status"]
    assert (body["code"], body["message"]) == (probe["body"]["code"], probe["body"]["message"])


def test_batch_dispatches_each_request_and_refuses_anonymous_writes(client) -> None:  # type: ignore[no-untyped-def]
    requests = [{"path": "/wp/v2/posts", "body": {"title": "x"}},
                {"method": "DELETE", "path": "/wp/v2/posts/7"},
                {"path": "/wp/v2/nothing"},
                {"method": "PUT", "path": "/wp/v2/media/6", "body": {"date": "bad"}}]
    response = client.request("POST", "/archive/wp-json/batch/v1", json={"requests": requests})
    assert response.status_code == 207
    answers = json.loads(response.content)["responses"]
    assert [(a["status"], a["body"]["code"], a["headers"]) for a in answers] == [
        (401, "rest_cannot_create", []), (401, "rest_cannot_delete", []), (404, "rest_no_route", []),
        (400, "rest_batch_not_allowed", [])]


def test_batch_with_require_all_validate_stops_at_validation(client) -> None:  # type: ignore[no-untyped-def]
    """Recorded from the oracle: the valid request's slot is null, nothing is dispatched."""
    requests = [{"path": "/wp/v2/posts", "body": {"title": "x"}},
                {"method": "PUT", "path": "/wp/v2/media/6", "body": {"date": "bad"}}]
    response = client.request("POST", "/archive/wp-json/batch/v1",
                              json={"requests": requests, "validation": "require-all-validate"})
    assert response.status_code == 207
    assert json.loads(response.content) == {"failed": "validation", "responses": [None, {
        "body": {"code": "rest_batch_not_allowed",
                 "message": "The requested route does not support batch requests.",
                 "data": {"status": 400}},
        "status": 400, "headers": []}]}


def test_batch_method_outside_writes_is_invalid(client) -> None:  # type: ignore[no-untyped-def]
    """Recorded from the oracle: GET is not a batch method."""
    response = client.request("POST", "/archive/wp-json/batch/v1",
                              json={"requests": [{"method": "GET", "path": "/wp/v2/posts"}]})
    assert response.status_code == 400
    assert json.loads(response.content)["data"]["params"] == {
        "requests": "requests[0][method] is not one of POST, PUT, PATCH, and DELETE."}


def test_reusable_blocks_are_never_readable_anonymously(oracle_copy: str, frozen_now: str) -> None:
    db = connect(oracle_copy)
    with db.transaction():
        stamp = "2024-01-01 10:00:00"
        writer.upsert_post(db, Post(900003, "wp_block", "publish", stamp, stamp, stamp, stamp,
                                    slug="cta", title_raw="CTA", content_raw="<p>x</p>"))
    db.close()
    app = create_app(oracle_copy)
    try:
        listing = serve_app(app, "/wp/v2/blocks")
        single = serve_app(app, "/wp/v2/blocks/900003")
    finally:
        app.core.close()
    assert json.loads(listing.body) == [] and dict(listing.headers)["X-WP-Total"] == "1"
    assert single.status == 401 and json.loads(single.body)["code"] == "rest_forbidden"


@pytest.mark.parametrize("path", ["/wp/v2/types/%C3%A9", "/wp/v2/block-types/caf%C3%A9"])
def test_route_patterns_match_ascii_word_characters_only_as_pcre_does(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/archive/wp-json" + path)
    assert response.status_code == 404
    assert json.loads(response.content)["code"] == "rest_no_route"


def test_a_site_of_a_later_wordpress_lists_the_61_editor_routes(oracle_copy: str, frozen_now: str) -> None:
    """docs/rest-api.md, known difference: the recorded editor routes are WordPress 6.1's."""
    from broadsheet.store import options

    db = connect(oracle_copy)
    with db.transaction():
        options.save(db, {"wp_version": "6.7.1"})
    db.close()
    app = create_app(oracle_copy)
    try:
        routes = json.loads(serve_app(app, "/").body)["routes"]
    finally:
        app.core.close()
    assert "/wp/v2/block-types" in routes and "/wp/v2/menu-items" in routes
    assert "/wp/v2/font-families" not in routes


def test_a_published_navigation_post_reads_as_the_oracle_shows_it(tmp_path: Path) -> None:
    """Recorded from the oracle: navigation posts are public, linked through the posts'
    permalink structure (built-in types), without ``meta`` (no custom-fields support).
    ``targetHints`` is left out: WordPress 6.7 adds it to every self link, the oracle's
    emulation only to posts, pages and media."""
    recorded = json.loads((RECORDED / "navigation" / "anonymous.json").read_text("utf-8"))
    with oracle_site_with(tmp_path, RECORDED / "navigation" / "navigation.json") as app:
        served = serve_app(app, recorded["path"])
    assert served.status == recorded["status"]
    assert _ordered(_without_hints(json.loads(served.body))) == _ordered(recorded["body"])
