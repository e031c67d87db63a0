"""The application: response cache validity, content-version invalidation, the site's path."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from broadsheet.app import create_app
from broadsheet.db import connect
from broadsheet.importer import run_import
from broadsheet.store import options

from .conftest import ORACLE, serve_app


def test_answers_with_relative_dates_expire_when_the_text_would_change(oracle_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADSHEET_NOW", raising=False)
    served = serve_app(create_app(oracle_url), "/wp/v2/posts/463973")
    assert served.expires is not None and served.expires > time.time()


def test_frozen_clock_answers_never_expire(oracle_url: str, frozen_now: str) -> None:
    served = serve_app(create_app(oracle_url), "/wp/v2/posts/463973")
    assert served.expires is None
    assert json.loads(served.body)["relative_dates"] == {"created": "Posted 3 years ago", "modified": "Updated 3 years ago"}


def test_answers_without_time_dependent_fields_never_expire(oracle_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADSHEET_NOW", raising=False)
    assert serve_app(create_app(oracle_url), "/wp/v2/categories").expires is None


def test_an_import_elsewhere_reaches_a_running_server_within_a_second(oracle_copy: str, frozen_now: str,
                                                                       tmp_path: Path) -> None:
    app = create_app(oracle_copy)
    app.service.env.cache.check_interval = 0
    before = json.loads(serve_app(app, "/wp/v2/posts/7").body)
    posts = json.loads((ORACLE / "dump" / "posts.json").read_text())
    item = next(p for p in posts if p["id"] == 7)
    item.update(modified="2025-05-05T10:00:00", modified_gmt="2025-05-05T08:00:00",
                title={"raw": "New title", "rendered": "New title"})
    path = tmp_path / "one.json"
    path.write_text(json.dumps(item))
    version = options.content_version(connect(oracle_copy))
    run_import(connect(oracle_copy), [str(path)])
    assert options.content_version(connect(oracle_copy)) == version + 1
    assert app.service.refresh()
    after = json.loads(serve_app(app, "/wp/v2/posts/7").body)
    assert before["title"]["rendered"] != "New title"
    assert after["title"]["rendered"] == "New title"


def test_requests_outside_the_site_path_are_not_rest(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/wp-json/wp/v2/posts").status_code == 404
    assert client.get("/archive/wp-json/wp/v2/posts").status_code == 200


def test_cached_and_uncached_answers_are_identical(oracle_url: str, frozen_now: str) -> None:
    cached, plain = create_app(oracle_url), create_app(oracle_url, cache=False)
    for path in ("/archive/wp-json/wp/v2/posts?per_page=5&_embed", "/archive/wp-json/wp/v2/posts/463973"):
        route = path.split("/wp-json", 1)[1].split("?")[0]
        query = path.split("?", 1)[1] if "?" in path else ""
        assert serve_app(cached, route, query).body == serve_app(plain, route, query).body
