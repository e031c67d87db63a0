"""Per-request instance counters through import and the REST API, against the oracle's lists.

The list posts of ``tests/fixtures/render/oracle_cases/recorded.json`` (players, galleries,
layout blocks, duotone, escaped shortcodes in generated excerpts) are added, with the ids the
oracle gave them, to the oracle's own export; Broadsheet imports it (rendering every post) and
serves ``/wp/v2/posts?include=…&orderby=include`` as the oracle served the same posts in one
request. A single GET of a post numbers from 1 again.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from broadsheet.app import create_app

from ..conftest import FIXTURES, import_path, serve_app

RECORDED = json.loads(
    (FIXTURES / "render" / "oracle_cases" / "recorded.json").read_text(encoding="utf-8")
)
POSTS = RECORDED["list_posts"]


def _item(name: str, number: int) -> str:
    post = POSTS[name]
    raw = post["raw"].replace("]]>", "]]]]><![CDATA[>")
    date = f"2025-01-{number + 1:02d} 10:00:00"
    return f"""
		<item>
		<title><![CDATA[List post {number}]]></title>
		<dc:creator><![CDATA[elena]]></dc:creator>
		<content:encoded><![CDATA[{raw}]]></content:encoded>
		<excerpt:encoded><![CDATA[{post["raw_excerpt"]}]]></excerpt:encoded>
		<wp:post_id>{post["id"]}</wp:post_id>
		<wp:post_date><![CDATA[{date}]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[{date}]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[{date}]]></wp:post_modified_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[list-post-{number}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		</item>"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from ..conftest import _drop, _new_url

    folder = tmp_path_factory.mktemp("counters")
    export = (FIXTURES / "wxr" / "export.wxr").read_text(encoding="utf-8")
    items = "".join(_item(name, n) for n, name in enumerate(POSTS))
    at = export.rindex("</channel>")
    path = folder / "export.wxr"
    path.write_text(export[:at] + items + "\n" + export[at:], encoding="utf-8")
    url = _new_url(folder, "counters")
    import_path(url, path, FIXTURES / "wxr" / "site.json")
    served = create_app(url)
    yield served
    served.core.close()
    _drop(url)


def _get(app: Any, route: str, query: str) -> Any:
    answer = serve_app(app, route, query)
    assert answer.status == 200, answer.body[:300]
    return json.loads(answer.body)


VIEW_LISTS = [answer for answer in RECORDED["lists"] if answer["context"] == "view"]


@pytest.mark.parametrize("answer", VIEW_LISTS, ids=lambda a: a["name"])
def test_a_list_numbers_players_galleries_and_containers_across_its_posts(
    app: Any, answer: dict[str, Any]
) -> None:
    ids = ",".join(str(POSTS[name]["id"]) for name in answer["members"])
    query = f"include={ids}&orderby=include"
    if answer["fields"]:
        query += f"&_fields={answer['fields']}"
    items = _get(app, "/wp/v2/posts", query)
    assert [item["id"] for item in items] == [POSTS[name]["id"] for name in answer["members"]]
    if not answer["fields"] or "content" in answer["fields"]:
        assert [item["content"]["rendered"] for item in items] == answer["content"]
    if not answer["fields"] or "excerpt" in answer["fields"]:
        assert [item["excerpt"]["rendered"] for item in items] == answer["excerpt"]


def test_the_same_post_alone_numbers_from_one_again(app: Any) -> None:
    post = POSTS["list-classic-players"]
    first = VIEW_LISTS[0]  # counters-a: the players' post comes second
    in_list = first["content"][first["members"].index("list-classic-players")]
    assert f"audio-{post['id']}-2" in in_list
    for _ in range(2):  # a second time from the response cache
        alone = _get(app, f"/wp/v2/posts/{post['id']}", "_fields=content")["content"]["rendered"]
        assert f"audio-{post['id']}-1" in alone and "?_=1" in alone
        assert "[if lt IE 9]" in alone
    # and a list served again (cached objects) numbers as the first time
    ids = ",".join(str(POSTS[name]["id"]) for name in first["members"])
    again = _get(app, "/wp/v2/posts", f"include={ids}&orderby=include&_fields=id,content")
    assert [item["content"]["rendered"] for item in again] == first["content"]


def test_no_token_reaches_an_answer(app: Any) -> None:
    ids = ",".join(str(post["id"]) for post in POSTS.values())
    body = serve_app(app, "/wp/v2/posts", f"include={ids}&per_page=100").body.decode()
    assert not re.search("\\\\uff(?:fe|ff|fd|fc)", body, re.IGNORECASE)


def test_stored_content_is_a_template_only_where_a_counter_was_drawn() -> None:
    from broadsheet.render.instances import is_template

    from .test_oracle_cases import RENDERER, post_context

    plain = POSTS["list-classic-plain"]
    assert not is_template(RENDERER.render_content(plain["raw"], post_context(plain["id"]), template=True))
    players = POSTS["list-classic-players"]
    assert is_template(RENDERER.render_content(players["raw"], post_context(players["id"]), template=True))


