"""Importing REST JSON: files, dump folders, live sites (network faked at the httpx transport)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from broadsheet import phpjson
from broadsheet.app import create_app
from broadsheet.db import connect
from broadsheet.importer import ImportError_, load_settings_file, run_import

from ..conftest import GOLDEN, ORACLE, SEED, SEED_NOW, serve, serve_app, snapshot

DUMP = ORACLE / "dump"
SITE = ORACLE / "site.json"


# -- the seed ------------------------------------------------------------------------------------


def test_seed_post_is_served_byte_for_byte_from_the_ioplus_dump(ioplus_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_NOW", SEED_NOW)
    status, body = serve(ioplus_url, "/wp/v2/posts/463973")
    assert status == 200
    assert body == SEED.read_bytes()


def test_seed_file_alone_imports_with_the_ids_it_refers_to(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = connect(database_url)
    report = run_import(db, [str(SEED)])
    assert report.posts == 1 and report.stubs > 0
    monkeypatch.setenv("BROADSHEET_NOW", SEED_NOW)
    status, body = serve(database_url, "/wp/v2/posts/463973")
    item = json.loads(body)
    seed = json.loads(SEED.read_bytes())
    assert status == 200
    for key in ("id", "link", "categories", "tags", "location", "article_type", "author", "featured_media",
                "class_list", "tax_additional", "author_meta", "featured_img", "title", "content", "excerpt"):
        assert item[key] == seed[key], key
    assert item["_links"] == seed["_links"]


# -- dump folders and files ----------------------------------------------------------------------


def test_importing_the_same_dump_twice_changes_nothing(oracle_copy: str) -> None:
    before = snapshot(oracle_copy)
    report = run_import(connect(oracle_copy), [str(DUMP)], site_settings=load_settings_file(str(SITE)))
    assert report.posts == 0 and report.skipped_posts == 56
    assert snapshot(oracle_copy) == before


def test_an_item_with_a_newer_modified_date_replaces_the_stored_one(oracle_copy: str, tmp_path: Path) -> None:
    posts = json.loads((DUMP / "posts.json").read_text())
    item = next(p for p in posts if p["id"] == 7)
    item["modified"], item["modified_gmt"] = "2025-01-01T10:00:00", "2025-01-01T09:00:00"
    item["title"] = {"raw": "Changed", "rendered": "Changed"}
    older = dict(next(p for p in posts if p["id"] == 8), title={"raw": "Old", "rendered": "Old"})
    path = tmp_path / "two.json"
    path.write_text(json.dumps([item, older]))
    report = run_import(connect(oracle_copy), [str(path)])
    assert (report.posts, report.skipped_posts) == (1, 1)
    db = connect(oracle_copy)
    assert db.scalar("SELECT title_rendered FROM posts WHERE id = 7") == "Changed"
    assert db.scalar("SELECT title_rendered FROM posts WHERE id = 8") != "Old"


@pytest.mark.parametrize("content, message", [
    ('[{"id": 1, "type": "post"', "malformed JSON"),
    ('{"id": "abc", "type": "post", "status": "publish", "date": "2020-01-01T00:00:00"}', "valid numeric id"),
    ('{"id": 5, "type": "post", "status": "publish", "date": "yesterday"}', "not a date"),
    ('[1, 2, 3]', "expected JSON objects"),
    ('\xff\xfe', "UTF-8"),
])
def test_bad_files_fail_with_one_line_and_leave_the_database_as_it_was(
        oracle_copy: str, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content.encode("latin-1"))
    before = snapshot(oracle_copy)
    with pytest.raises(ImportError_, match=message):
        run_import(connect(oracle_copy), [str(DUMP), str(path)], site_settings=load_settings_file(str(SITE)))
    assert snapshot(oracle_copy) == before


def _with(item_id: int, **changes: object) -> list[dict[str, object]]:
    posts = json.loads((DUMP / "posts.json").read_text())
    return [dict(p, **changes) if p["id"] == item_id else p for p in posts]


@pytest.mark.parametrize("file, items", [
    # Objects of the right kind whose fields have the wrong type (found by mutating the dump).
    ("posts.json", lambda: _with(7, content=True)),
    ("posts.json", lambda: _with(7, author=10**30)),
    ("pages.json", lambda: [dict(p, content="x") for p in json.loads((DUMP / "pages.json").read_text())]),
    ("comments.json", lambda: [dict(c, post=10**30) for c in json.loads((DUMP / "comments.json").read_text())]),
])
def test_objects_with_fields_of_the_wrong_type_fail_in_one_line_and_change_nothing(
        oracle_copy: str, tmp_path: Path, file: str, items: Any) -> None:
    folder = tmp_path / "dump"
    shutil.copytree(DUMP, folder)
    (folder / file).write_text(json.dumps(items()))
    before = snapshot(oracle_copy)
    with pytest.raises(ImportError_, match="malformed object") as raised:
        run_import(connect(oracle_copy), [str(folder)], site_settings=load_settings_file(str(SITE)))
    assert "\n" not in str(raised.value) and str(folder) in str(raised.value)
    assert snapshot(oracle_copy) == before


def test_a_truncated_dump_file_aborts_the_whole_import(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "dump"
    shutil.copytree(DUMP, folder)
    text = (folder / "comments.json").read_text()
    (folder / "comments.json").write_text(text[: len(text) // 2])
    with pytest.raises(ImportError_, match="comments.json: malformed JSON"):
        run_import(connect(database_url), [str(folder)])
    assert snapshot(database_url)["posts"] == []


def test_cli_import_reports_bad_input_in_one_line_with_a_nonzero_exit(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    db = tmp_path / "cli.db"
    result = subprocess.run([sys.executable, "-m", "broadsheet", "import", str(bad), "--database", f"sqlite:///{db}"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("broadsheet: ")
    assert "malformed JSON" in result.stderr


def test_cli_import_then_serve_a_dump(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    result = subprocess.run([sys.executable, "-m", "broadsheet", "import", str(DUMP), "--site-settings", str(SITE),
                             "--database", f"sqlite:///{db}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "imported 56 posts" in result.stdout


# -- live sites ----------------------------------------------------------------------------------


class DumpSite:
    """A fake WordPress answering the crawler from a dump folder (authenticated view)."""

    def __init__(self, folder: Path, *, fail_after: int | None = None,
                 singles: dict[str, dict[str, Any]] | None = None) -> None:
        self.docs = {name: json.loads((folder / f"{name}.json").read_text())
                     for name in ("index", "settings", "types", "taxonomies")}
        self.collections = {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")
                            if p.stem not in ("index", "settings", "types", "taxonomies", "statuses")}
        self.requests = 0
        self.fail_after = fail_after
        self.auth = "Basic " + base64.b64encode(b"admin:secret").decode()
        self.singles = singles or {}  # route -> the object a GET of it alone returns

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.fail_after is not None and self.requests > self.fail_after:
            raise httpx.ConnectError("connection refused", request=request)
        if request.headers.get("authorization") != self.auth:
            return httpx.Response(401, json={"code": "rest_not_logged_in"})
        parts = urlsplit(str(request.url))
        route = parts.path.split("/wp-json", 1)[1] or "/"
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if route == "/":
            return self._json(self.docs["index"])
        if route == "/wp/v2/users/me":
            return self._json(self.collections["users"][0])
        if route == "/wp/v2/settings":
            return self._json(self.docs["settings"])
        if route in ("/wp/v2/types", "/wp/v2/taxonomies"):
            return self._json(self.docs[route.rsplit("/", 1)[1]])
        name = route.removeprefix("/wp/v2/")
        if route in self.singles:
            return self._json(self.singles[route])
        collection, _, single_id = name.partition("/")
        if single_id.isdigit():  # one object alone, as its collection shows it
            found = [i for i in self.collections.get(collection, []) if i["id"] == int(single_id)]
            return self._json(found[0]) if found else httpx.Response(404, json={"code": "rest_post_invalid_id"})
        if name.endswith("/revisions"):
            parent = int(name.split("/")[1])
            items = [r for r in self.collections["revisions"] if r["parent"] == parent]
        else:
            items = self.collections.get(name)
            if items is None:
                return httpx.Response(404, json={"code": "rest_no_route"})
        per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
        chunk = items[(page - 1) * per_page: page * per_page]
        pages = max(1, -(-len(items) // per_page))
        return httpx.Response(200, content=phpjson.dumps_bytes(chunk),
                              headers={"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages),
                                       "Content-Type": "application/json"})

    def _json(self, value: object) -> httpx.Response:
        return httpx.Response(200, content=phpjson.dumps_bytes(value), headers={"Content-Type": "application/json"})


def test_authenticated_crawl_of_a_live_site_imports_everything(database_url: str) -> None:
    site = DumpSite(DUMP)
    client = httpx.Client(transport=httpx.MockTransport(site))
    report = run_import(connect(database_url), ["http://wp.test/archive"], auth="admin:secret", client=client,
                        site_settings=load_settings_file(str(SITE)))
    assert (report.posts, report.terms, report.users, report.comments) == (56, 34, 5, 9)


def test_a_crawl_whose_site_stops_answering_halfway_writes_nothing(oracle_copy: str) -> None:
    before = snapshot(oracle_copy)
    client = httpx.Client(transport=httpx.MockTransport(DumpSite(DUMP, fail_after=9)))
    with pytest.raises(httpx.ConnectError):
        run_import(connect(oracle_copy), ["http://wp.test/archive"], auth="admin:secret", client=client)
    assert snapshot(oracle_copy) == before


def test_anonymous_crawl_sees_what_the_public_sees(oracle_url: str, database_url: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Crawl Broadsheet itself (serving the oracle) anonymously: published content only."""
    monkeypatch.setenv("BROADSHEET_NOW", "2026-11-27T12:00:00Z")
    source = create_app(oracle_url)
    prefix = "http://127.0.0.1:8081/archive/wp-json"

    def handler(request: httpx.Request) -> httpx.Response:
        parts = urlsplit(str(request.url))
        route = parts.path.split("/wp-json", 1)[1] or "/"
        served = serve_app(source, route.rstrip("/") or "/", parts.query)
        return httpx.Response(served.status, headers=served.headers, content=served.body)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    try:
        report = run_import(connect(database_url), [prefix.removesuffix("/wp-json")], client=client)
    finally:
        source.core.close()
    assert report.posts == 37 + 5 + 4  # published posts, pages and media
    status, body = serve(database_url, "/wp/v2/posts/463973")
    mine = json.loads(body)
    theirs = json.loads(serve(oracle_url, "/wp/v2/posts/463973")[1])
    assert status == 200
    assert mine == theirs


def _bundle_with_posts_params(params: list[str], **post_fields: Any) -> Any:
    from broadsheet.importer.sources import Bundle

    bundle = Bundle("test")
    args = {name: {} for name in ["context", "page", *params]}
    bundle.documents["index"] = {"routes": {"/wp/v2/posts": {"endpoints": [{"args": args}]}}}
    bundle.posts.append({"id": 1, "type": "post", "status": "publish", **post_fields})
    return bundle


@pytest.mark.parametrize("params, fields, version, backport", [
    # The release that added the newest /wp/v2/posts parameter the index lists.
    (["search_columns", "format", "ignore_sticky"], {"class_list": []}, "6.8", False),
    (["search_columns", "format"], {"class_list": []}, "6.7", False),
    (["search_columns"], {"class_list": []}, "6.6", False),
    (["search_columns"], {}, "6.2", False),
    ([], {}, "6.1", False),
    # Fields newer than the parameters: a site that backports them (the oracle).
    ([], {"class_list": [], "_links": {"self": [{"href": "x", "targetHints": {"allow": ["GET"]}}]}},
     "6.1", True),
])
def test_the_wordpress_version_is_read_from_the_index_parameters(
        params: list[str], fields: dict[str, Any], version: str, backport: bool) -> None:
    from broadsheet.importer.infer import infer

    found = infer(_bundle_with_posts_params(params, **fields))
    assert found["wp_version"] == version
    assert found.get("oracle_backport", False) is backport


def test_an_anonymous_dump_without_settings_is_served_as_its_wordpress_version(
        database_url: str, tmp_path: Path) -> None:
    # The oracle's index lists no search_columns parameter (WordPress 6.1), while its posts
    # carry class_list and targetHints (its backport): OPTIONS and the format filter follow 6.1.
    run_import(connect(database_url), [str(DUMP)])
    app = create_app(database_url)
    try:
        options = json.loads(serve_app(app, "/wp/v2/posts", method="OPTIONS").body)
        posts = json.loads(serve_app(app, "/wp/v2/posts/7").body)
    finally:
        app.core.close()
    args = options["endpoints"][0]["args"]
    assert "search_columns" not in args and "format" not in args
    assert "class_list" in posts and "targetHints" in posts["_links"]["self"][0]


def test_an_authenticated_crawl_keeps_both_renderings_of_a_classic_post(database_url: str) -> None:
    # The dump's crawl listed classic post 9 after block posts, so the collection showed its
    # [caption] inside <p>; a GET of the post alone (the oracle's recorded answer) does not.
    # The crawl asks for the post alone and keeps both, each served where WordPress serves it.
    alone = json.loads((GOLDEN / "post_classic.body").read_text("utf-8"))
    listed = next(p for p in json.loads((DUMP / "posts.json").read_text()) if p["id"] == 9)
    assert "<p><figure" in listed["content"]["rendered"]
    single = dict(listed, content={**listed["content"], "rendered": alone["content"]["rendered"]})
    site = DumpSite(DUMP, singles={"/wp/v2/posts/9": single})
    client = httpx.Client(transport=httpx.MockTransport(site))
    run_import(connect(database_url), ["http://wp.test/archive"], auth="admin:secret", client=client,
               site_settings=load_settings_file(str(SITE)))
    status, body = serve(database_url, "/wp/v2/posts/9")
    assert json.loads(body)["content"]["rendered"] == alone["content"]["rendered"]
    status, body = serve(database_url, "/wp/v2/posts", "include=36,9&orderby=include")
    assert [p["content"]["rendered"] for p in json.loads(body)][1] == listed["content"]["rendered"]
