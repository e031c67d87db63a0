"""REST sources are read onto disk object by object (importer/spool.py): a crawl or a dump of a
large site never sits in memory whole, and what is read back is exactly what was read."""

from __future__ import annotations

import json
import math
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from broadsheet import phpjson
from broadsheet.importer import load_bundle, run_import
from broadsheet.importer.spool import Spool

from ..conftest import rows

PAGES = 20
PER_PAGE = 100  # the crawler's page size
TEXT = 40_000  # characters of rendered content per post: 80 MB over the whole site


def test_a_spool_gives_back_every_value_json_can_carry_in_order() -> None:
    spool = Spool()
    items = [{"id": i, "big": 2**70 + i, "text": "\ud800" + "é" * (i * 997 % 70_000), "nan": math.nan,
              "nested": [{"a": None, "b": True, "c": 1.5}]} for i in range(300)]  # fmt: skip
    for item in items:
        spool.append(item)
    assert len(spool) == 300
    for _ in range(2):  # as often as needed
        back = list(spool)
        assert [b["id"] for b in back] == list(range(300))
        assert all(b["big"] == i["big"] and b["text"] == i["text"] and b["nested"] == i["nested"]
                   and math.isnan(b["nan"]) and list(b) == list(i) for b, i in zip(back, items, strict=True))  # fmt: skip
    reading = iter(spool)
    assert next(reading)["id"] == 0
    spool.append({"id": 300})  # appended while iterating: not visited by that iteration
    assert [b["id"] for b in reading] == list(range(1, 300))
    assert [b["id"] for b in spool][-1] == 300
    spool.close()
    assert list(spool) == []


class BigSite:
    """A fake anonymous WordPress with PAGES pages of large posts, each page made on request."""

    def _post(self, post_id: int) -> dict[str, Any]:
        text = f"<p>post {post_id} " + "news " * (TEXT // 5) + "</p>"
        return {"id": post_id, "date": "2024-01-01T10:00:00", "date_gmt": "2024-01-01T09:00:00",
                "guid": {"rendered": f"http://big.test/?p={post_id}"}, "modified": "2024-01-02T10:00:00",
                "modified_gmt": "2024-01-02T09:00:00", "slug": f"post-{post_id}", "status": "publish",
                "type": "post", "link": f"http://big.test/post-{post_id}/", "title": {"rendered": f"Post {post_id}"},
                "content": {"rendered": text, "protected": False}, "excerpt": {"rendered": "", "protected": False},
                "author": 0, "featured_media": 0, "comment_status": "open", "ping_status": "open",
                "sticky": False, "template": "", "format": "standard", "meta": [], "categories": [], "tags": []}  # fmt: skip

    def __call__(self, request: httpx.Request) -> httpx.Response:
        parts = urlsplit(str(request.url))
        route = parts.path.split("/wp-json", 1)[1] or "/"
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if route == "/":
            return self._json({"name": "Big", "url": "http://big.test", "home": "http://big.test"})
        if route == "/wp/v2/types":
            return self._json({"post": {"slug": "post", "rest_base": "posts"}})
        if route == "/wp/v2/taxonomies":
            return self._json({})
        if route == "/wp/v2/posts":
            page = int(query["page"])
            chunk = [self._post((page - 1) * PER_PAGE + i + 1) for i in range(PER_PAGE)]
            return self._json(chunk, total=PAGES * PER_PAGE)
        if route in ("/wp/v2/users", "/wp/v2/comments"):
            return self._json([], total=0)
        return httpx.Response(404, json={"code": "rest_no_route"})

    def _json(self, value: object, total: int | None = None) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if total is not None:
            headers |= {"X-WP-Total": str(total), "X-WP-TotalPages": str(max(1, -(-total // PER_PAGE)))}
        return httpx.Response(200, content=phpjson.dumps_bytes(value), headers=headers)


def test_a_crawl_holds_one_page_in_memory_not_the_site(database_url: str) -> None:
    client = httpx.Client(transport=httpx.MockTransport(BigSite()))
    tracemalloc.start()
    try:
        bundle = load_bundle("http://big.test", client=client)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert len(bundle.posts) == PAGES * PER_PAGE
        # The site is 80 MB of content; a page of it is 4 MB, held a few times over while it is
        # made, sent, decoded and parsed (about 21 MB measured, whatever the number of pages).
        assert peak < 32_000_000, f"reading the crawl peaked at {peak / 1e6:.0f} MB"
        assert sum(1 for _ in bundle.posts) == PAGES * PER_PAGE
    finally:
        bundle.close()


def test_a_dump_folder_is_read_file_by_file_and_imports_whole(database_url: str, tmp_path: Path) -> None:
    site = BigSite()
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "index.json").write_text(json.dumps({"name": "Big", "url": "http://big.test", "home": "http://big.test"}))
    (folder / "posts.json").write_text(json.dumps([site._post(i) for i in range(1, 201)]))
    (folder / "pages.json").write_text(json.dumps([{**site._post(i), "type": "page"} for i in range(201, 211)]))
    from broadsheet.db import connect

    report = run_import(connect(database_url), [str(folder)])
    assert (report.posts, report.skipped_posts) == (210, 0)
    assert rows(database_url, "SELECT type, COUNT(*) FROM posts GROUP BY type ORDER BY type") == [
        ("page", 10), ("post", 200)]
