"""The application: the request core (response cache, content versions, bounded memory, body
limit) in process, and the ASGI and RSGI adapters over real HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from broadsheet.app import BroadsheetApp, create_app
from broadsheet.core import Core, HttpRequest
from broadsheet.db import connect
from broadsheet.importer import run_import
from broadsheet.lru import BoundedCache
from broadsheet.store import changes, writer
from broadsheet.store import posts as post_store

from .conftest import ORACLE, ORACLE_NOW, serve_app, start_server, stop_server


@contextmanager
def app_over(url: str, **kwargs: Any) -> Iterator[BroadsheetApp]:
    app = create_app(url, **kwargs)
    try:
        yield app
    finally:
        app.core.close()


def _changed_post(post_id: int, title: str, tmp_path: Path) -> Path:
    posts = json.loads((ORACLE / "dump" / "posts.json").read_text())
    item = next(p for p in posts if p["id"] == post_id)
    item.update(modified="2025-05-05T10:00:00", modified_gmt="2025-05-05T08:00:00",
                title={"raw": title, "rendered": title})
    path = tmp_path / f"post-{post_id}.json"
    path.write_text(json.dumps(item))
    return path


def _title(served: Any) -> str:
    return str(json.loads(served.body)["title"]["rendered"])


# -- answers that depend on time ----------------------------------------------------------------


def test_answers_with_relative_dates_expire_when_the_text_would_change(oracle_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADSHEET_NOW", raising=False)
    with app_over(oracle_url) as app:
        served = serve_app(app, "/wp/v2/posts/463973")
    assert served.expires is not None and served.expires > time.time()


def test_frozen_clock_answers_never_expire(oracle_url: str, frozen_now: str) -> None:
    with app_over(oracle_url) as app:
        served = serve_app(app, "/wp/v2/posts/463973")
    assert served.expires is None
    assert json.loads(served.body)["relative_dates"] == {"created": "Posted 3 years ago", "modified": "Updated 3 years ago"}


def test_answers_without_time_dependent_fields_never_expire(oracle_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADSHEET_NOW", raising=False)
    with app_over(oracle_url) as app:
        assert serve_app(app, "/wp/v2/categories").expires is None


def test_cached_and_uncached_answers_are_identical(oracle_url: str, frozen_now: str) -> None:
    with app_over(oracle_url) as cached, app_over(oracle_url, cache=False) as plain:
        for route, query in (("/wp/v2/posts", "per_page=5&_embed"), ("/wp/v2/posts/463973", "")):
            first = serve_app(cached, route, query)
            assert serve_app(cached, route, query) is first  # the kept answer
            assert first.body == serve_app(plain, route, query).body


def test_requests_outside_the_site_path_are_not_rest(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/wp-json/wp/v2/posts").status_code == 404
    assert client.get("/archive/wp-json/wp/v2/posts").status_code == 200


# -- content versions ---------------------------------------------------------------------------


def test_an_import_elsewhere_reaches_a_running_server_within_a_second(oracle_copy: str, frozen_now: str,
                                                                       tmp_path: Path) -> None:
    with app_over(oracle_copy) as app:
        before = serve_app(app, "/wp/v2/posts/7")
        version = changes.current(connect(oracle_copy))
        run_import(connect(oracle_copy), [str(_changed_post(7, "New title", tmp_path))])
        assert changes.current(connect(oracle_copy)) == version + 1
        deadline = time.monotonic() + 1.0  # the watcher thread notices by itself
        while app.core.store.generation != version + 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        after = serve_app(app, "/wp/v2/posts/7")
    assert _title(before) != "New title"
    assert _title(after) == "New title"


def test_a_change_to_one_post_drops_what_depends_on_it_and_nothing_else(oracle_copy: str, frozen_now: str,
                                                                         tmp_path: Path) -> None:
    with app_over(oracle_copy) as app:
        core = app.core
        seven, seed = serve_app(app, "/wp/v2/posts/7"), serve_app(app, "/wp/v2/posts/463973")
        listing = serve_app(app, "/wp/v2/posts", "per_page=100")
        db = connect(oracle_copy)  # another process's write, as the write API will make it
        with db.transaction():
            post = replace(post_store.get(db, 7), title_rendered="Seven, again")
            writer.upsert_post(db, post, replace_same=True)
            newer = changes.publish(db)
        assert json.loads(db.scalar("SELECT scope FROM content_changes ORDER BY version DESC LIMIT 1")) == {"post": [7]}
        core.refresh()  # unless the watcher thread (NOTIFY, or its poll) caught up already
        assert core.store.generation == newer
        assert serve_app(app, "/wp/v2/posts/463973") is seed  # unrelated: still the kept answer
        new_seven, new_listing = serve_app(app, "/wp/v2/posts/7"), serve_app(app, "/wp/v2/posts", "per_page=100")
    assert new_seven is not seven and _title(new_seven) == "Seven, again"
    assert new_listing is not listing
    assert "Seven, again" in {item["title"]["rendered"] for item in json.loads(new_listing.body)}


def test_a_change_too_large_to_list_drops_everything(oracle_copy: str, frozen_now: str) -> None:
    with app_over(oracle_copy) as app:
        seed = serve_app(app, "/wp/v2/posts/463973")
        db = connect(oracle_copy)
        with db.transaction():
            changes.note(db, "post", range(changes.MAX_LISTED + 1))
            newer = changes.publish(db)
        app.core.refresh()
        assert app.core.store.generation == newer
        assert serve_app(app, "/wp/v2/posts/463973") is not seed


def test_an_answer_built_from_an_older_snapshot_is_not_kept(oracle_copy: str, frozen_now: str) -> None:
    with app_over(oracle_copy) as app:
        core = app.core
        db = connect(oracle_copy)
        with db.transaction():
            changes.note(db, "post", [7])
            newer = changes.publish(db)
        core.store.advance(newer)  # as if another thread caught up meanwhile
        core.store.put(("probe",), "old", generation=newer - 1)
        assert ("probe",) not in core.store


# -- bounded memory -----------------------------------------------------------------------------


def test_the_cache_stays_within_its_budget_under_a_crawl(oracle_url: str, frozen_now: str) -> None:
    budget = 2 * 1024 * 1024
    with app_over(oracle_url, cache_mb=2) as app:
        store = app.core.store
        for page in range(1, 60):
            for per_page in (1, 2, 3, 5):
                serve_app(app, "/wp/v2/posts", f"per_page={per_page}&page={page}&_embed")
                assert store.bytes <= budget
        assert store.evictions > 0 and store.stats()["entries"] > 0


def test_bounded_cache_evicts_least_recently_used_first() -> None:
    cache = BoundedCache(10_000)
    for n in range(10):
        cache.put(n, "x" * 500)
    cache.get(0)  # now the most recently used
    for n in range(10, 20):
        cache.put(n, "x" * 500)
    assert 0 in cache and 1 not in cache and cache.bytes <= 10_000
    assert cache.invalidate([]) == 0
    cache.put("tagged", "v", tags=[("post", 1)])
    assert cache.invalidate([("post", 1)]) == 1 and "tagged" not in cache


# -- request limits -----------------------------------------------------------------------------


def test_a_body_over_the_limit_gets_413(oracle_url: str, frozen_now: str) -> None:
    with app_over(oracle_url) as app:
        core: Core = app.core
        served = core.handle(HttpRequest("POST", "/archive/wp-json/wp/v2/posts", "", [], b"x" * (core.max_body + 1)))
    assert served.status == 413
    assert json.loads(served.body)["code"] == "rest_request_too_large"


# -- the transports, over real HTTP -------------------------------------------------------------


def _granian(url: str, interface: str) -> tuple[subprocess.Popen[bytes], str]:
    """granian serving ``broadsheet.asgi:app`` over one interface (``rsgi`` or ``asgi``)."""
    return start_server(url, ORACLE_NOW, command=[sys.executable, "-m", "granian", "--interface", interface,
                                                  "--host", "127.0.0.1", "--no-ws", "broadsheet.asgi:app"])


REQUESTS = [
    ("GET", "/archive/wp-json/wp/v2/posts/463973", None),
    ("GET", "/archive/wp-json/wp/v2/posts?per_page=3&_embed", None),
    ("GET", "/archive/wp-json/wp/v2/posts?search=ai&_fields=id,title", None),
    ("HEAD", "/archive/wp-json/wp/v2/posts", None),
    ("OPTIONS", "/archive/wp-json/wp/v2/categories", None),
    ("GET", "/archive/?rest_route=/wp/v2/tags&per_page=2", None),
    ("GET", "/archive/wp-json/wp/v2/nope", None),
    ("GET", "/archive/not-rest", None),
    ("POST", "/archive/wp-json/wp/v2/posts", b'{"title": "x"}'),
    ("POST", "/archive/wp-json/wp/v2/posts", b'{"title": '),
    ("POST", "/archive/wp-json/wp/v2/posts", b"x" * (10 * 1024 * 1024 + 1)),
]


def test_asgi_and_rsgi_serve_the_same_answers(oracle_url: str) -> None:
    servers = [_granian(oracle_url, "rsgi"), _granian(oracle_url, "asgi")]
    try:
        answers = []
        for _, base in servers:
            seen = []
            with httpx.Client(base_url=base, timeout=30) as http:
                for method, path, body in REQUESTS:
                    headers = {"content-type": "application/json"} if body is not None else {}
                    response = http.request(method, path, content=body, headers=headers)
                    # granian itself adds Date and Server, and closes a connection whose body
                    # was refused unread (Connection: close, on either interface)
                    seen.append((response.status_code, response.content,
                                 sorted((k, v) for k, v in response.headers.items()
                                        if k not in ("date", "server", "connection"))))
            answers.append(seen)
    finally:
        for proc, _ in servers:
            stop_server(proc)
    rsgi, asgi = answers
    for request, one, other in zip(REQUESTS, rsgi, asgi, strict=True):
        assert one == other, request[:2]
    assert rsgi[0][0] == 200 and rsgi[-1][0] == 413 and rsgi[7][0] == 404


def test_two_servers_on_one_database_serve_an_import_within_a_second(oracle_copy: str, tmp_path: Path) -> None:
    servers = [start_server(oracle_copy, ORACLE_NOW), start_server(oracle_copy, ORACLE_NOW)]
    try:
        for _, base in servers:
            assert httpx.get(base + "/archive/wp-json/wp/v2/posts/7").json()["title"]["rendered"] != "Both"
        source = _changed_post(7, "Both", tmp_path)
        done = subprocess.run([sys.executable, "-m", "broadsheet", "import", str(source), "--database", oracle_copy],
                              capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        committed = time.monotonic()
        for _, base in servers:
            while True:
                title = httpx.get(base + "/archive/wp-json/wp/v2/posts/7").json()["title"]["rendered"]
                if title == "Both" or time.monotonic() - committed > 1.0:
                    break
                time.sleep(0.02)
            assert title == "Both"
    finally:
        for proc, _ in servers:
            stop_server(proc)


def test_serve_stops_gracefully_on_sigterm(oracle_url: str) -> None:
    proc, base = start_server(oracle_url, ORACLE_NOW)
    assert httpx.get(base + "/archive/wp-json/wp/v2/posts/463973").status_code == 200
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    if proc.stderr is not None:
        assert b"Traceback" not in proc.stderr.read()
        proc.stderr.close()
