"""Every answer is consistent while the site changes under it (issue 12, item 1).

A real server (``broadsheet serve``) answers many concurrent clients while real
``broadsheet import`` runs, one after another, publish and withdraw a set of extra posts and
move them between categories: a WordPress export in one round, a REST JSON file in the next.
Every answer is checked against itself: ``X-WP-Total`` and ``X-WP-TotalPages`` against
``per_page`` and the items on the page, the ``Link`` header's next/prev against the page, the
embedded author, terms and featured image against the post that embeds them, term lists with
``hide_empty`` against their counts, filters against the items they return. An answer whose
count and rows (or post and embeds) were read in different snapshots fails one of these.

The extra posts are the oracle dump's published posts copied under new ids (900000 + i); the
round files are written at run time. A few seconds of load; nothing is timed.
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from broadsheet.db import connect

from .conftest import FIXTURES, ORACLE, ORACLE_NOW, import_path, start_server, stop_server

DUMP = ORACLE / "dump"
PREFIX = "/archive/wp-json/wp/v2"
EXTRA = 20  # posts added and withdrawn
FIRST_ID = 900000
SOAK_TAG = 990001  # a tag only the extra posts carry: empty whenever they are all withdrawn
ROUNDS = 6
CLIENTS = 12
WORDS = ("the", "energy", "chips", "hydrogen", "soak", "post")


@dataclass
class Tally:
    answers: Counter[str] = field(default_factory=Counter)
    totals: set[int] = field(default_factory=set)  # published posts seen in X-WP-Total
    problems: list[str] = field(default_factory=list)


def _categories() -> dict[int, str]:
    return {c["id"]: c["slug"] for c in json.loads((DUMP / "categories.json").read_text())}


def _families() -> dict[int, set[int]]:
    """Each category with its descendants (a category filter includes its children's posts)."""
    parents = {c["id"]: c["parent"] for c in json.loads((DUMP / "categories.json").read_text())}
    family: dict[int, set[int]] = {c: {c} for c in parents}
    for child in parents:
        up = parents[child]
        while up:
            family[up].add(child)
            up = parents[up]
    return family


def _states(rng: random.Random, round_no: int, categories: list[int]) -> list[tuple[bool, list[int]]]:
    """Per extra post: (published, its categories); even rounds publish most of them, odd rounds
    withdraw all, so the number of posts goes up and down."""
    out = []
    for _ in range(EXTRA):
        published = round_no % 2 == 0 and rng.random() < 0.85
        out.append((published, sorted(rng.sample(categories, rng.randint(1, 2)))))
    return out


def _stamp(round_no: int) -> tuple[str, str]:
    """Modified dates later with every round, so each round's copy replaces the last."""
    moment = f"2030-01-01T{round_no // 60:02d}:{round_no % 60:02d}:00"
    return moment, moment


def rest_round(path: Path, round_no: int, states: list[tuple[bool, list[int]]]) -> None:
    template = [p for p in json.loads((DUMP / "posts.json").read_text()) if p["status"] == "publish"]
    items = []
    for i, (published, cats) in enumerate(states):
        post = copy.deepcopy(template[i % len(template)])
        post.update(id=FIRST_ID + i, slug=f"consistency-{i}", status="publish" if published else "trash",
                    categories=cats, tags=[SOAK_TAG])
        post["modified"], post["modified_gmt"] = _stamp(round_no)
        post["link"] = f"http://127.0.0.1:8081/archive/en/consistency-{i}/"
        post["title"] = {"raw": f"Soak post {i}", "rendered": f"Soak post {i}"}
        items.append(post)
    path.write_text(json.dumps(items), encoding="utf-8")


def wxr_round(path: Path, round_no: int, states: list[tuple[bool, list[int]]], slugs: dict[int, str]) -> None:
    """A WordPress export holding only the extra posts (the oracle export's channel head,
    with its authors and terms, then one item per post)."""
    export = (FIXTURES / "wxr" / "export.wxr").read_text(encoding="utf-8")
    head = export[: export.index("<item>")]
    modified = _stamp(round_no)[0].replace("T", " ")
    items = []
    for i, (published, cats) in enumerate(states):
        terms = "".join(f'<category domain="category" nicename="{slugs[c]}"><![CDATA[{slugs[c]}]]></category>\n'
                        for c in cats)
        terms += '<category domain="post_tag" nicename="soak-only"><![CDATA[soak only]]></category>\n'
        items.append(f"""<item>
<title><![CDATA[Soak post {i}]]></title>
<link>http://127.0.0.1:8081/archive/en/consistency-{i}/</link>
<dc:creator><![CDATA[elena]]></dc:creator>
<guid isPermaLink="false">http://127.0.0.1:8081/archive/?p={FIRST_ID + i}</guid>
<description></description>
<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>Soak post {i} about energy and chips, round {round_no}.</p>
<!-- /wp:paragraph -->]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{FIRST_ID + i}</wp:post_id>
<wp:post_date><![CDATA[2024-02-0{1 + i % 9} 10:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2024-02-0{1 + i % 9} 09:00:00]]></wp:post_date_gmt>
<wp:post_modified><![CDATA[{modified}]]></wp:post_modified>
<wp:post_modified_gmt><![CDATA[{modified}]]></wp:post_modified_gmt>
<wp:comment_status><![CDATA[open]]></wp:comment_status>
<wp:ping_status><![CDATA[closed]]></wp:ping_status>
<wp:post_name><![CDATA[consistency-{i}]]></wp:post_name>
<wp:status><![CDATA[{"publish" if published else "trash"}]]></wp:status>
<wp:post_parent>0</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type><![CDATA[post]]></wp:post_type>
<wp:post_password><![CDATA[]]></wp:post_password>
<wp:is_sticky>0</wp:is_sticky>
{terms}<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[4]]></wp:meta_value></wp:postmeta>
</item>
""")
    path.write_text(head + "".join(items) + "</channel>\n</rss>\n", encoding="utf-8")


FAMILIES = _families()


# -- the checks ------------------------------------------------------------------------------------


def _links(response: httpx.Response) -> set[str]:
    return set(re.findall(r'rel="(\w+)"', response.headers.get("link", "")))


def check_page(response: httpx.Response, per_page: int, page: int, *, posts: bool) -> list[Any]:
    """The page's items after checking them against X-WP-Total/X-WP-TotalPages and Link."""
    body = response.json()
    if response.status_code == 400:
        # a page past the end: WordPress refuses it for posts (terms give an empty page)
        assert posts and body["code"] == "rest_post_invalid_page_number", body
        return []
    assert response.status_code == 200, (response.status_code, body)
    total = int(response.headers["x-wp-total"])
    pages = int(response.headers["x-wp-totalpages"])
    assert pages == math.ceil(total / per_page), (total, pages, per_page)
    if page < pages:
        expected = per_page
    elif page == pages:
        expected = total - (pages - 1) * per_page
    else:
        assert not posts or total == 0, (page, pages)  # posts: only an empty site answers past the end
        expected = 0
    assert len(body) == expected, f"{len(body)} items on page {page} of {pages}, {total} in all ({per_page} a page)"
    rels = _links(response)
    assert ("next" in rels) == (page < pages), (rels, page, pages)
    assert ("prev" in rels) == (page > 1), (rels, page, pages)
    return list(body)


def check_embeds(post: dict[str, Any], asked: str) -> None:
    """The objects a post embeds (``asked``: the ``_embed`` value) are the ones it names, read
    in the same snapshot."""
    embedded = post.get("_embedded", {})
    links = {rel: value for rel, value in post["_links"].items() if asked == "1" or rel in asked.split(",")}
    if post.get("author") and "author" in links:
        assert [a["id"] for a in embedded["author"]] == [post["author"]], post["id"]
    if "wp:term" in links:
        groups = embedded["wp:term"]
        assert len(groups) == len(links["wp:term"]), post["id"]
        by_taxonomy: dict[str, set[int]] = {}
        for link, group in zip(links["wp:term"], groups, strict=True):
            if isinstance(group, dict):  # WordPress embeds its refusal (a password-protected post)
                assert "code" in group, (post["id"], group)
                continue
            by_taxonomy[link["taxonomy"]] = {t["id"] for t in group}
        for taxonomy, field_name in (("category", "categories"), ("post_tag", "tags")):
            if taxonomy in by_taxonomy:
                assert by_taxonomy[taxonomy] == set(post[field_name]), (post["id"], taxonomy)
    if post.get("featured_media") and "wp:featuredmedia" in links:
        assert [m["id"] for m in embedded["wp:featuredmedia"]] == [post["featured_media"]], post["id"]


async def reader(client: httpx.AsyncClient, rng: random.Random, tally: Tally, stop: asyncio.Event,
                 categories: list[int]) -> None:
    while not stop.is_set():
        kind = rng.choice(("all", "page", "embed", "categories", "tags", "search", "filter", "filter_embed"))
        per_page = rng.choice((1, 3, 5, 7, 10))
        page = rng.randint(1, 12)
        params: dict[str, Any] = {"per_page": per_page, "page": page}
        path = "/posts"
        if kind == "all":
            params = {"per_page": 100}
            page, per_page = 1, 100
        elif kind == "embed":
            params["_embed"] = "1"
        elif kind in ("categories", "tags"):
            path = f"/{kind}"
            params.update(hide_empty="true", per_page=rng.choice((1, 2, 3, 5)), page=rng.randint(1, 6))
            per_page, page = params["per_page"], params["page"]
        elif kind == "search":
            params["search"] = rng.choice(WORDS)
        elif kind.startswith("filter"):
            term = rng.choice([*categories, SOAK_TAG])
            params["tags" if term == SOAK_TAG else "categories"] = term
            if kind == "filter_embed":
                params["_embed"] = "wp:term,author"
        if rng.random() < 0.5:
            params["_nocache"] = rng.random()  # an unknown parameter: a miss in the response cache
        response = await client.get(f"{PREFIX}{path}?{urlencode(params)}")
        try:
            items = check_page(response, per_page, page, posts=path == "/posts")
            if path == "/posts" and response.status_code == 200:
                if kind == "all":
                    tally.totals.add(int(response.headers["x-wp-total"]))
                if "_embed" in params:
                    for post in items:
                        check_embeds(post, params["_embed"])
                if "categories" in params:
                    family = FAMILIES[params["categories"]]
                    assert all(family & set(post["categories"]) for post in items), [p["categories"] for p in items]
                if "tags" in params:
                    assert all(SOAK_TAG in post["tags"] for post in items), [p["tags"] for p in items]
            elif path != "/posts":
                assert all(term["count"] > 0 for term in items), [(t["id"], t["count"]) for t in items]
            tally.answers[kind] += 1
        except (AssertionError, KeyError, ValueError) as exc:
            tally.problems.append(f"{response.request.url}: {response.status_code} {exc!r}")


async def run(base: str, url: str, tmp: Path) -> Tally:
    tally = Tally()
    slugs = _categories()
    categories = [c for c in slugs if c != 1]
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        readers = [asyncio.create_task(reader(client, random.Random(n), tally, stop, categories))
                   for n in range(CLIENTS)]
        rng = random.Random(12)
        try:
            for round_no in range(1, ROUNDS + 1):
                states = _states(rng, round_no, categories)
                if round_no % 2:
                    source = tmp / f"round{round_no}.wxr"
                    wxr_round(source, round_no, states, slugs)
                else:
                    source = tmp / f"round{round_no}.json"
                    rest_round(source, round_no, states)
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "broadsheet", "import", str(source), "--database", url,
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
                out, _ = await proc.communicate()
                assert proc.returncode == 0, out.decode()
                await asyncio.sleep(0.3)  # readers see this round's state too
        finally:
            stop.set()
            await asyncio.gather(*readers)
    return tally


def test_every_answer_agrees_with_itself_while_imports_add_and_withdraw_posts(database_url: str, tmp_path: Path) -> None:
    import_path(database_url, DUMP, ORACLE / "site.json")
    tag = json.loads((DUMP / "tags.json").read_text())[0]
    tag.update(id=SOAK_TAG, name="soak only", slug="soak-only", count=0)
    (tmp_path / "tag.json").write_text(json.dumps([tag]))
    import_path(database_url, tmp_path / "tag.json")
    proc, base = start_server(database_url, ORACLE_NOW)
    try:
        tally = asyncio.run(run(base, database_url, tmp_path))
    finally:
        stop_server(proc)
    assert not tally.problems, f"{len(tally.problems)} inconsistent answers:\n" + "\n".join(tally.problems[:20])
    # the imports did change what was read, and every kind of request was checked
    assert len(tally.totals) >= 2, tally.totals
    assert min(tally.answers.values()) >= 5 and len(tally.answers) == 8, tally.answers


def test_a_snapshot_whose_connection_dies_after_its_reads_keeps_them(database_url: str) -> None:
    """PostgreSQL restarting between a request's last read and the end of its snapshot (the
    soak saw it: ``AdminShutdown`` at COMMIT, a 500) loses nothing the request read."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL: a database server that closes connections")
    import psycopg

    db = connect(database_url)
    try:
        with db.reading():
            posts = db.scalar("SELECT count(*) FROM posts")
            backend = db.scalar("SELECT pg_backend_pid()")
            with psycopg.connect(database_url.split("?")[0], autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (backend,))
        assert posts == 0
        with db.reading():  # the next snapshot gets a working connection
            assert db.scalar("SELECT count(*) FROM posts") == 0
    finally:
        db.close()


def test_a_request_whose_connection_dies_mid_snapshot_is_not_a_500(oracle_copy: str, frozen_now: str) -> None:
    """What the soak's PostgreSQL restart found: a request whose statement was running when
    PostgreSQL shut down (``AdminShutdown``) answered 500; now the documented 503. Here one
    statement kills its own connection, as a restart does."""
    if not oracle_copy.startswith("postgresql"):
        pytest.skip("PostgreSQL: a database server that closes connections")
    from broadsheet.app import create_app

    from .conftest import serve_app

    app = create_app(oracle_copy, cache=False)
    db = app.core.db
    execute = db.execute
    fired: list[str] = []

    def cut(sql: str, params: Any = ()) -> Any:
        if "COUNT(" in sql.upper() and not fired:
            fired.append(sql)
            return execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return execute(sql, params)

    db.execute = cut  # type: ignore[method-assign]
    try:
        served = serve_app(app, "/wp/v2/posts", "per_page=2")
    finally:
        app.core.close()
    assert fired
    assert served.status == 503, served.body[:200]
    assert json.loads(served.body)["code"] == "rest_database_unavailable"
