"""Importing WordPress exports (WXR): the oracle's export, older formats, repairs, hostile files.

Fixtures: tests/fixtures/wxr/ (see its README). Rendered output is compared with what the
oracle WordPress itself served (tests/fixtures/oracle/dump/, golden-backport/, the seed).
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import time
from pathlib import Path
from typing import Any

import pytest

from broadsheet.db import connect
from broadsheet.importer import ImportError_, ImportReport, load_settings_file, wxr
from broadsheet.importer import rendering as rc
from broadsheet.render.context import RenderOptions
from broadsheet.render.instances import resolve
from broadsheet.render.pipeline import default_renderer
from broadsheet.store import options as stored_options
from broadsheet.store.collation import fast_fold, fold

from ..conftest import (
    FIXTURES,
    GOLDEN,
    ORACLE,
    ORACLE_NOW,
    SEED,
    SEED_NOW,
    import_path,
    keyed,
    rows,
    serve,
    snapshot,
)

WXR = FIXTURES / "wxr"
EXPORT = WXR / "export.wxr"
SITE = WXR / "site.json"
SITE_IOPLUS = WXR / "site-ioplus.json"
DUMP = ORACLE / "dump"


# -- helpers -------------------------------------------------------------------------------------


def import_wxr(
    url: str, path: Path = EXPORT, settings: Path | dict[str, Any] | None = SITE, **kwargs: Any
) -> ImportReport:
    """Import an export (the oracle's, with its settings file, unless told otherwise)."""
    return import_path(url, path, settings, **kwargs)


def settings_stored(url: str) -> dict[str, Any]:
    """The site settings as stored (the options table, decoded)."""
    db = connect(url)
    try:
        return stored_options.load(db).stored()
    finally:
        db.close()


def variant(
    tmp_path: Path, old: bytes, new: bytes, name: str = "variant.wxr", count: int = 1
) -> Path:
    """A copy of the oracle export with one passage replaced."""
    data = EXPORT.read_bytes()
    assert old in data, old
    path = tmp_path / name
    path.write_bytes(data.replace(old, new, count))
    return path


def edit_item(tmp_path: Path, post_id: int, replacements: dict[bytes, bytes]) -> Path:
    """A copy of the oracle export with passages of one item replaced."""
    data = EXPORT.read_bytes()
    marker = b"<wp:post_id>%d</wp:post_id>" % post_id
    start = data.rindex(b"<item>", 0, data.index(marker))
    end = data.index(b"</item>", start)
    item = data[start:end]
    for old, new in replacements.items():
        assert old in item, old
        item = item.replace(old, new)
    path = tmp_path / f"item-{post_id}.wxr"
    path.write_bytes(data[:start] + item + data[end:])
    return path


def dump_items(name: str) -> dict[int, dict[str, Any]]:
    return {item["id"]: item for item in json.loads((DUMP / name).read_text("utf-8"))}


# -- the oracle's export: rows ---------------------------------------------------------------------


def test_the_oracle_export_imports_every_item_term_author_and_comment(oracle_wxr: Any) -> None:
    url, report = oracle_wxr
    assert (report.posts, report.terms, report.comments) == (53 + 3, 34, 8)
    counts = dict(rows(url, "SELECT type, COUNT(*) FROM posts GROUP BY type"))
    assert counts == {"post": 42, "page": 7, "attachment": 4, "revision": 3}
    statuses = dict(
        rows(url, "SELECT status, COUNT(*) FROM posts WHERE type = 'post' GROUP BY status")
    )
    assert statuses == {
        "publish": 37,
        "draft": 1,
        "pending": 1,
        "future": 1,
        "private": 1,
        "trash": 1,
    }


def test_posts_keep_their_ids_slugs_dates_and_flags_as_stored(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    posts = keyed(
        url, "SELECT id, slug, date, date_gmt, password, guid, parent, format, author FROM posts"
    )
    assert (
        posts[463973][0]
        == "unraveling-the-complex-web-of-ai-cooperation-between-china-and-the-west"
    )
    assert posts[463973][4] == "https://innovationorigins.com/?p=463973"
    assert posts[30][2] == "0000-00-00 00:00:00"  # a draft keeps WordPress's floating GMT date
    assert posts[11][3] == "oracle" and posts[57][3] == "press"
    assert posts[52][5] == 51 and posts[53][5] == 52  # page tree
    assert (posts[14][6], posts[15][6], posts[16][6]) == ("aside", "quote", "link")
    assert posts[18][0].startswith("%")  # percent-encoded Chinese slug, as stored
    assert posts[463973][7] == 2580


def test_attachments_get_mime_types_from_the_settings_file_or_their_extension(
    database_url: str,
) -> None:
    given = load_settings_file(str(SITE))
    given["_not_in_wxr"] = {
        k: v for k, v in given["_not_in_wxr"].items() if k != "attachment_mime_types"
    }
    import_wxr(database_url, settings=given)
    mimes = dict(rows(database_url, "SELECT id, mime_type FROM posts WHERE type = 'attachment'"))
    assert mimes == {4: "image/jpeg", 5: "image/png", 6: "application/pdf", 493233: "image/png"}
    assert (
        wxr.mime_type_for("2024/01/report.DOCX")
        == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert wxr.mime_type_for("clip.m4v?x=1") == "video/mp4"
    assert wxr.mime_type_for("noextension") == ""


def test_post_meta_is_kept_raw_with_serialized_values_as_strings(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    meta = {(r[0], r[1]): r[2] for r in rows(url, "SELECT post_id, key, value FROM postmeta")}
    assert meta[(4, "_wp_attachment_metadata")].startswith('a:6:{s:5:"width";i:1600;')
    assert meta[(12, "blocksy_post_meta_options")].startswith("a:")
    assert meta[(463973, "_thumbnail_id")] == "493233"
    assert meta[(34, "_wp_desired_post_slug")] == "trashed-story"


def test_terms_keep_ids_and_parents_resolved_by_slug_within_their_taxonomy(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    terms = keyed(url, "SELECT id, taxonomy, slug, parent, name, description FROM terms")
    assert terms[4] == ("category", "chips-fabs", 3, "Chips &amp; Fabs", "")
    assert terms[3][2] == 2 and terms[69737][2] == 69736 and terms[69736][2] == 66582
    assert terms[5246][:2] == ("post_tag", "europe") and terms[66582][:2] == ("location", "europe")
    assert terms[2][4] == 'Technology news: chips, software &amp; "deep tech".'
    relationships = {
        r[0] for r in rows(url, "SELECT term_id FROM term_relationships WHERE post_id = 463973")
    }
    assert {5246, 66582, 8553, 60595} <= relationships


def test_authors_merge_with_the_users_the_export_lacks(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    users = keyed(
        url,
        "SELECT id, login, nicename, display_name, url, description, roles, registered FROM users",
    )
    assert set(users) == {1, 2580, 2581, 2582, 2583}  # admin and reader authored nothing
    assert users[2581][3] == "https://example.org/elena"
    assert users[2581][4].startswith("Editor covering energy &amp; mobility.")
    assert json.loads(users[2583][5]) == ["subscriber"] and users[2583][6] == "2023-05-05 05:05:05"


def test_comments_keep_threads_statuses_and_the_spam_the_export_leaves_out(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    comments = keyed(url, "SELECT id, post_id, parent, status, type, author FROM comments")
    assert comments[3][1] == 2 and comments[4][1] == 3 and comments[3][4] == 2580
    assert comments[5][2] == "hold" and comments[7][3] == "pingback"
    assert comments[6][:3] == (13, 0, "spam")


def test_revisions_come_from_the_settings_file(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    revisions = rows(url, "SELECT id, parent, slug FROM posts WHERE type = 'revision' ORDER BY id")
    assert revisions == [
        (28, 27, "27-revision-v1"),
        (29, 27, "27-revision-v1"),
        (35, 34, "34-revision-v1"),
    ]


def test_sticky_posts_come_from_the_export_when_the_settings_file_does_not_say(
    database_url: str,
) -> None:
    given = load_settings_file(str(SITE))
    del given["sticky_posts"]
    import_wxr(database_url, settings=given)
    assert rows(database_url, "SELECT value FROM options WHERE name = 'sticky_posts'") == [
        ("[9,12]",)
    ]


def test_without_a_settings_file_the_channel_gives_the_site_settings(database_url: str) -> None:
    import_wxr(database_url, settings=None)
    options = settings_stored(database_url)
    assert (
        options["name"] == "Innovation Origins"
        and options["description"] == "Archive of innovation news"
    )
    assert options["url"] == options["home"] == "http://127.0.0.1:8081/archive"
    assert (options["language"], options["locale"]) == ("en-US", "en_US")
    assert options["extensions"] is None  # the default (IO+) profile


def test_the_settings_file_wins_over_the_channel(database_url: str) -> None:
    import_wxr(database_url, settings={"name": "Renamed", "url": "https://example.org/news"})
    options = settings_stored(database_url)
    assert options["name"] == "Renamed" and options["url"] == "https://example.org/news"
    assert options["home"] == "http://127.0.0.1:8081/archive"


# -- the oracle's export: rendering ----------------------------------------------------------------


def _expected_content(item: dict[str, Any]) -> str:
    if item["id"] == 9:  # the dump has the collection rendering; a single GET renders like us
        return json.loads((GOLDEN / "post_classic.body").read_text("utf-8"))["content"]["rendered"]
    return item["content"]["rendered"]


def test_posts_and_pages_render_as_wordpress_rendered_them(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    stored = keyed(
        url, "SELECT id, title_rendered, content_rendered, excerpt_rendered, rendered_by FROM posts"
    )
    items = {**dump_items("posts.json"), **dump_items("pages.json")}
    assert items
    for pid, item in items.items():
        title, content, excerpt, by = stored[pid]
        content, excerpt = resolve(content), resolve(excerpt)  # stored templates, as a single GET
        assert by == "broadsheet"
        assert (pid, title) == (pid, item["title"]["rendered"])
        assert (pid, content) == (pid, _expected_content(item))
        assert (pid, excerpt) == (pid, item["excerpt"]["rendered"])


def test_attachments_render_description_and_caption_as_wordpress_does(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    stored = keyed(
        url,
        "SELECT id, title_rendered, content_rendered, excerpt_rendered FROM posts WHERE type = 'attachment'",
    )
    for pid, item in dump_items("media.json").items():
        assert stored[pid] == (
            item["title"]["rendered"],
            item["description"]["rendered"],
            item["caption"]["rendered"],
        )
    assert stored[4][1].startswith(
        "<p class=\"attachment\"><a href='http://127.0.0.1:8081/archive/wp-content/uploads/2023/05/eindhoven-skyline.jpg'>"
    )


def test_comments_render_as_wordpress_rendered_them(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    stored = dict(rows(url, "SELECT id, content_rendered FROM comments WHERE status <> 'spam'"))
    for cid, item in dump_items("comments.json").items():
        if cid in stored:
            assert stored[cid] == item["content"]["rendered"], cid


def test_search_keys_match_those_of_the_row_writer(oracle_wxr: Any) -> None:
    url, _ = oracle_wxr
    for title, content, title_key, content_key in rows(
        url, "SELECT title_raw, content_raw, title_key, content_key FROM posts"
    ):
        assert (title_key, content_key) == (fold(title), fold(content))


def test_rendering_in_worker_processes_gives_the_same_rows(
    oracle_wxr: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROADSHEET_RENDER_WORKERS", "2")
    passes: list[rc.RenderStats] = []
    finish = rc.RenderPass.finish
    monkeypatch.setattr(
        rc.RenderPass, "finish", lambda self: passes.append(finish(self)) or passes[-1]
    )
    import_wxr(database_url)
    assert [(p.workers, p.posts, p.comments) for p in passes] == [(2, 53, 8)]
    sql = "SELECT id, title_rendered, content_rendered, excerpt_rendered, title_key, content_key FROM posts ORDER BY id"
    assert rows(database_url, sql) == rows(oracle_wxr[0], sql)
    sql = "SELECT id, content_rendered, search_text FROM comments ORDER BY id"
    assert rows(database_url, sql) == rows(oracle_wxr[0], sql)


def test_the_seed_post_is_served_byte_identical_except_for_registered_meta(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_wxr(database_url, settings=SITE_IOPLUS)
    monkeypatch.setenv("BROADSHEET_NOW", SEED_NOW)
    status, body = serve(database_url, "/wp/v2/posts/463973")
    ours, seed = json.loads(body), json.loads(SEED.read_bytes())
    assert status == 200
    assert ours == seed
    assert list(ours) == list(seed)


def test_the_seed_post_is_served_byte_for_byte(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_wxr(database_url, settings=SITE_IOPLUS)
    monkeypatch.setenv("BROADSHEET_NOW", SEED_NOW)
    assert serve(database_url, "/wp/v2/posts/463973") == (200, SEED.read_bytes())


def test_the_classic_post_is_served_as_the_single_get_golden(
    oracle_wxr: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROADSHEET_NOW", ORACLE_NOW)
    status, body = serve(oracle_wxr[0], "/wp/v2/posts/9")
    assert status == 200
    golden = json.loads((GOLDEN / "post_classic.body").read_text("utf-8"))
    ours = json.loads(body)
    for key in ("title", "content", "excerpt", "guid", "class_list", "sticky", "format", "link"):
        assert ours[key] == golden[key], key


# -- importing again -------------------------------------------------------------------------------


def test_importing_the_same_export_twice_changes_nothing(database_url: str) -> None:
    import_wxr(database_url)
    before = snapshot(database_url)
    report = import_wxr(database_url)
    assert (report.posts, report.skipped_posts, report.comments, report.terms, report.users) == (
        0,
        56,
        0,
        0,
        0,
    )
    assert snapshot(database_url) == before


def test_a_newer_post_modified_replaces_the_post_and_renders_it_again(
    database_url: str, tmp_path: Path
) -> None:
    import_wxr(database_url)
    newer = edit_item(
        tmp_path,
        12,
        {
            b"<wp:post_modified><![CDATA[2024-04-02 06:00:00]]>": b"<wp:post_modified><![CDATA[2025-07-01 14:00:00]]>",
            b"<wp:post_modified_gmt><![CDATA[2024-04-02 04:00:00]]>": b"<wp:post_modified_gmt><![CDATA[2025-07-01 12:00:00]]>",
            b"<title><![CDATA[": b"<title><![CDATA[Updated -- ",
        },
    )
    report = import_wxr(database_url, newer)
    assert (report.posts, report.skipped_posts) == (1, 55)
    [(title, modified, by)] = rows(
        database_url, "SELECT title_rendered, modified, rendered_by FROM posts WHERE id = 12"
    )
    assert (
        title.startswith("Updated &#8212; ")
        and modified == "2025-07-01 14:00:00"
        and by == "broadsheet"
    )


def test_an_older_copy_of_a_post_does_not_replace_it(database_url: str, tmp_path: Path) -> None:
    import_wxr(database_url)
    [(title,)] = rows(database_url, "SELECT title_raw FROM posts WHERE id = 12")
    older = edit_item(tmp_path, 12, {b"<title><![CDATA[": b"<title><![CDATA[Stale "})
    report = import_wxr(database_url, older)
    assert report.posts == 0
    assert rows(database_url, "SELECT title_raw FROM posts WHERE id = 12") == [(title,)]


# -- what WordPress writes malformed --------------------------------------------------------------


def test_a_bare_ampersand_in_a_comment_author_url_is_repaired(
    database_url: str, tmp_path: Path
) -> None:
    path = variant(
        tmp_path,
        b"<wp:comment_author_url>https://example.org/jan</wp:comment_author_url>",
        "<wp:comment_author_url>https://example.org/ü?a=1&b=2</wp:comment_author_url>".encode(),
    )
    import_wxr(database_url, path)
    assert rows(database_url, "SELECT author_url FROM comments WHERE id = 2") == [
        ("https://example.org/ü?a=1&b=2",)
    ]


def test_carriage_returns_inside_cdata_are_kept(database_url: str, tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        b"Preformatted block\n\nwith a blank line",
        b"Preformatted block\r\n\r\nwith a blank line",
    )
    import_wxr(database_url, path)
    [(raw, rendered)] = rows(
        database_url, "SELECT content_raw, content_rendered FROM posts WHERE id = 9"
    )
    assert "Preformatted block\r\n\r\nwith a blank line" in raw
    assert (
        "<pre>\nPreformatted block\r\n\r\nwith a blank line" in rendered
    )  # wpautop leaves <pre> alone


def _repaired(data: bytes, chunk_size: int) -> bytes:
    reader = wxr.RepairingReader(io.BytesIO(data), "t.wxr", chunk_size=chunk_size)
    out = []
    while piece := reader.read(7):
        out.append(piece)
    return b"".join(out)


@pytest.mark.parametrize("chunk_size", [1, 2, 5, 64, 1 << 20])
def test_repairs_do_not_depend_on_where_the_stream_is_cut(chunk_size: int) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!-- Activate & Run -->\n<rss><a x="1&2">A & B &amp; &#38; &#x26;</a>'
        b"<b><![CDATA[x & y\r\n]]]]><![CDATA[>z]]></b><c>&copy; &unknown</c>\r\n</rss>\n"
    )
    expected = (
        b'<?xml version="1.0"?>\n<!-- Activate & Run -->\n<rss><a x="1&amp;2">A &amp; B &amp; &#38; &#x26;</a>'
        b"<b><![CDATA[x & y]]>&#13;<![CDATA[\n]]]]><![CDATA[>z]]></b><c>&amp;copy; &amp;unknown</c>\r\n</rss>\n"
    )
    assert _repaired(data, chunk_size) == expected


def test_an_ampersand_inside_cdata_or_a_prolog_comment_is_left_alone() -> None:
    data = b"<!-- a & b --><rss><![CDATA[AT&T &nbsp;]]></rss>"
    assert _repaired(data, 4) == data


# -- broken and hostile files ----------------------------------------------------------------------


def test_an_entity_bomb_is_refused_and_nothing_is_written(
    database_url: str, tmp_path: Path
) -> None:
    bomb = (
        b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        + b"".join(b'<!ENTITY c%d "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">' % i for i in range(8))
        + b"]>\n<rss"
    )
    path = variant(tmp_path, b"<rss", bomb)
    path.write_bytes(
        path.read_bytes().replace(b"<title>Innovation Origins</title>", b"<title>&c7;</title>")
    )
    before = snapshot(database_url)
    with pytest.raises(ImportError_, match="entity expansion bomb"):
        import_wxr(database_url, path)
    assert snapshot(database_url) == before


def test_an_external_entity_is_never_resolved(database_url: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    path = variant(
        tmp_path, b"<rss", f'<!DOCTYPE rss [<!ENTITY e SYSTEM "file://{secret}">]>\n<rss'.encode()
    )
    path.write_bytes(
        path.read_bytes().replace(
            b"<title><![CDATA[A classic-editor", b"<title>&e;<![CDATA[A classic-editor"
        )
    )
    with pytest.raises(ImportError_, match="external XML entity"):
        import_wxr(database_url, path)
    assert all("TOP SECRET" not in repr(table) for table in snapshot(database_url).values())


def test_a_file_cut_off_halfway_fails_in_one_line_and_writes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "cut.wxr"
    path.write_bytes(EXPORT.read_bytes()[: EXPORT.stat().st_size // 2])
    before = snapshot(database_url)
    with pytest.raises(ImportError_, match=r"cut\.wxr: the file is cut off \(line \d+") as caught:
        import_wxr(database_url, path)
    assert "\n" not in str(caught.value)
    assert snapshot(database_url) == before


def test_an_unknown_post_type_is_refused_and_nothing_is_written(
    database_url: str, tmp_path: Path
) -> None:
    path = variant(
        tmp_path,
        b"<wp:post_type><![CDATA[page]]></wp:post_type>",
        b"<wp:post_type><![CDATA[product]]></wp:post_type>",
    )
    before = snapshot(database_url)
    with pytest.raises(ImportError_, match="unknown post type 'product'"):
        import_wxr(database_url, path)
    assert snapshot(database_url) == before


def test_a_registered_custom_post_type_imports(database_url: str, tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        b"<wp:post_type><![CDATA[page]]></wp:post_type>",
        b"<wp:post_type><![CDATA[product]]></wp:post_type>",
    )
    given = load_settings_file(str(SITE)) | {
        "post_types": [{"name": "product", "rest_base": "products"}]
    }
    import_wxr(database_url, path, settings=given)
    [(rendered_by,)] = rows(database_url, "SELECT rendered_by FROM posts WHERE type = 'product'")
    assert rendered_by == "broadsheet"


def test_a_document_that_is_not_an_export_is_refused(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>y</title></item></channel></rss>'
    )
    with pytest.raises(ImportError_, match="not a WordPress export"):
        import_wxr(database_url, path)


def test_a_text_node_over_libxml2s_default_limit_still_imports(
    database_url: str, tmp_path: Path
) -> None:
    huge = "x" * 11_000_000
    path = variant(
        tmp_path,
        b"<wp:meta_value><![CDATA[For the fifth year in a row",
        b"<wp:meta_value><![CDATA[" + huge.encode() + b"For the fifth year in a row",
    )
    import_wxr(database_url, path)
    [(length,)] = rows(
        database_url, "SELECT LENGTH(value) FROM postmeta WHERE post_id = 12 AND key = 'subtitle'"
    )
    assert length > 11_000_000


# -- other export versions ----------------------------------------------------------------------


def test_a_wxr_1_0_export_imports_with_tags_terms_and_authors_by_name(database_url: str) -> None:
    report = import_wxr(database_url, WXR / "wxr-1.0.xml", settings=None)
    assert (report.posts, report.comments) == (2, 1)
    terms = keyed(database_url, "SELECT slug, taxonomy, parent, id FROM terms")
    assert terms["harbour"][:2] == ("category", terms["news"][2])  # parent named by its name in 1.0
    assert terms["town-hall"][0] == "post_tag" and terms["ferry"][0] == "post_tag"
    post_terms = {
        r[0]
        for r in rows(database_url, "SELECT term_id FROM term_relationships WHERE post_id = 12")
    }
    assert post_terms == {terms["harbour"][2], terms["town-hall"][2], terms["ferry"][2]}
    authors = dict(rows(database_url, "SELECT login, display_name FROM users"))
    assert authors == {"editor": "editor", "admin": "admin"}
    [(url, kind)] = rows(database_url, "SELECT author_url, type FROM comments")
    assert (url, kind) == ("http://reader.example.org/?p=1&q=2", "comment")
    [(content,)] = rows(database_url, "SELECT content_rendered FROM posts WHERE id = 12")
    assert (
        content
        == "<p>The council met on the quay &#8212; &#8220;finally&#8221;.</p>\n<p>A second paragraph.</p>\n"
    )


def test_a_wxr_1_1_export_without_modified_dates_imports(database_url: str, tmp_path: Path) -> None:
    data = EXPORT.read_bytes().replace(b"wordpress.org/export/1.2/", b"wordpress.org/export/1.1/")
    data = data.replace(
        b"<wp:wxr_version>1.2</wp:wxr_version>", b"<wp:wxr_version>1.1</wp:wxr_version>"
    )
    lines = [line for line in data.split(b"\n") if b"<wp:post_modified" not in line]
    path = tmp_path / "v11.wxr"
    path.write_bytes(b"\n".join(lines))
    report = import_wxr(database_url, path)
    assert report.posts == 56
    assert rows(database_url, "SELECT date, modified FROM posts WHERE id = 19") == [
        ("2023-12-05 09:00:00", "2023-12-05 09:00:00")
    ]


def test_a_gzipped_export_imports_and_a_cut_off_one_fails_in_one_line(
    database_url: str, tmp_path: Path
) -> None:
    packed = gzip.compress(EXPORT.read_bytes())
    (tmp_path / "export.wxr.gz").write_bytes(packed)
    (tmp_path / "cut.xml.gz").write_bytes(packed[: len(packed) * 3 // 4])
    assert wxr.is_wxr(str(tmp_path / "export.wxr.gz"))
    before = snapshot(database_url)
    with pytest.raises(ImportError_, match=r"cut\.xml\.gz: cannot read the file"):
        import_wxr(database_url, tmp_path / "cut.xml.gz")
    assert snapshot(database_url) == before
    assert import_wxr(database_url, tmp_path / "export.wxr.gz").posts == 56


def test_wxr_files_are_recognised_by_extension_or_content(tmp_path: Path) -> None:
    plain = tmp_path / "export"
    plain.write_bytes(EXPORT.read_bytes()[:4096])
    other = tmp_path / "data"
    other.write_text('{"id": 1}')
    assert wxr.is_wxr(str(EXPORT)) and wxr.is_wxr(str(plain))
    assert not wxr.is_wxr(str(other)) and not wxr.is_wxr("https://example.org/export.wxr")


def test_progress_is_reported_while_reading_and_rendering(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "monotonic", iter(range(0, 10**6)).__next__)
    messages: list[str] = []
    import_wxr(database_url, progress=messages.append)
    assert any("export.wxr: " in m and "% read" in m for m in messages)
    assert any(re.search(r"export\.wxr: \[#*\.*\] \d+% read", m) for m in messages)  # a bar
    assert any(m.startswith("rendered ") for m in messages)


# -- rendering details -------------------------------------------------------------------------------


def test_oembed_cache_keys_are_wordpress_s() -> None:
    # md5( $url . serialize( $attr ) ) computed by PHP 8.2 for these inputs (WP_Embed::shortcode).
    url = "https://www.youtube.com/watch?v=abc&t=1"
    assert rc.oembed_cache_key(url, {}, 0) == "_oembed_d4a387ba5dc70125119920a0d5ab8361"
    assert rc.oembed_cache_key(url, {}, 750) == "_oembed_232566350395bbb64e59f3ca45e404bf"
    assert (
        rc.oembed_cache_key("https://x.test/v", {"width": "400"}, 750)
        == "_oembed_3c4b470df7dfbbd02ae8764aaa69d8e2"
    )


_BLOCK_WORDS = 'the energy of a city -- "said" it\'s grid chip 5\' 10" café data... Zürich'
_CLASSIC_WORDS = 'news of the day -- it\'s "quoted" and <em>marked</em> up...'


def _long_block_post(rng: random.Random) -> str:
    words = _BLOCK_WORDS.split()
    blocks = []
    for _ in range(rng.randint(4, 12)):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 60)))
        kind = rng.random()
        if kind < 0.15:
            blocks.append(
                f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{text[:40]}</h2>\n<!-- /wp:heading -->'
            )
        elif kind < 0.25:
            blocks.append(
                f"<!-- wp:list -->\n<ul><li>{text}</li><li>{text[:20]}</li></ul>\n<!-- /wp:list -->"
            )
        elif kind < 0.3:
            blocks.append(
                f'<!-- wp:image {{"id":4}} -->\n<figure class="wp-block-image"><img src="x.jpg" alt=""/><figcaption>{text}</figcaption></figure>\n<!-- /wp:image -->'
            )
        else:
            blocks.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->")
    return "\n\n".join(blocks)


def _long_classic_post(rng: random.Random) -> str:
    words = _CLASSIC_WORDS.split()
    parts = [
        " ".join(rng.choice(words) for _ in range(rng.randint(3, 50)))
        for _ in range(rng.randint(3, 14))
    ]
    if rng.random() < 0.3:
        parts.insert(2, "<pre>\ncode\n\nmore code\n</pre>")
    return "\n\n".join(parts)


def test_excerpts_from_a_window_of_long_content_equal_excerpts_from_all_of_it() -> None:
    rng = random.Random(7)
    options = RenderOptions(home="https://example.org", wp_version="6.1.9")
    windowed = rc.make_renderer(rc.RenderConfig(options))
    whole = default_renderer(())
    context = rc.ShippedContext(options, {4: None})
    for _ in range(300):
        raw = _long_block_post(rng) if rng.random() < 0.7 else _long_classic_post(rng)
        context.begin(1)
        assert windowed.render_excerpt("", raw, context) == whole.render_excerpt(
            "", raw, context
        ), raw


def test_a_window_never_cuts_inside_an_element_or_block() -> None:
    text = "<div>\n\n" + "word " * 200 + "\n\n</div>\n\nafter"
    assert (
        rc.excerpt_window(text, 55) == text[: text.index("</div>") + 6]
    )  # not at a break inside the div
    unbalanced = "<p>\n\n" + "word " * 200 + "\n\nmore"
    assert rc.excerpt_window(unbalanced, 55) == unbalanced
    paragraph = "<!-- wp:paragraph -->\n<p>" + "word " * 200 + "</p>\n<!-- /wp:paragraph -->\n"
    blocks = (
        "<!-- wp:group -->\n"
        + paragraph * 3
        + "<!-- /wp:group -->\n\n<!-- wp:paragraph -->\n<p>tail</p>\n<!-- /wp:paragraph -->"
    )
    assert rc.block_window(blocks, 55).endswith("<!-- /wp:group -->")


def test_fast_fold_folds_exactly_like_the_collation() -> None:
    every = "".join(chr(c) for c in range(0x20, 0x30000) if not 0xD800 <= c < 0xE000)
    assert fast_fold(every) == fold(every)
    rng = random.Random(3)
    pool = [
        "e\u0301",
        "\u0301",
        "ß",
        "Σ",
        "ǅ",
        "ﬁ",
        "①",
        "Ａ",
        "\uab70",
        "a\u0328\u0301",
        "x\U0001d165",
        "ø",
        " ",
        "A",
    ]
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 20)))
        assert fast_fold(text) == fold(text), repr(text)


def test_settings_for_defaults_extensions_to_the_standard_profile() -> None:
    assert wxr.settings_for({"name": "x"}, {})["extensions"] is None
    assert wxr.settings_for({}, {"extensions": {"acf": {}}})["extensions"] == {"acf": {}}
    assert wxr.settings_for({"url": "a"}, {"url": "b", "_not_in_wxr": {}}) == {
        "url": "b",
        "extensions": None,
    }


def test_terms_and_authors_listed_after_the_items_are_imported_too(
    database_url: str, tmp_path: Path
) -> None:
    # WordPress writes every author and term before the first item; a file that lists some
    # after the items still imports them, as WordPress's importer (which reads the whole file
    # first) does. A term an item already used keeps the id it was given then.
    data = EXPORT.read_bytes()
    health = data[data.index(b"\t\t<wp:category>\n\t\t<wp:term_id>7<") :]
    health = health[: health.index(b"</wp:category>") + len(b"</wp:category>")]
    author = data[data.index(b"\t<wp:author><wp:author_id>2582<") :]
    author = author[: author.index(b"</wp:author>") + len(b"</wp:author>")]
    moved = data.replace(health, b"").replace(author, b"")
    moved = moved.replace(b"</channel>", health + b"\n" + author + b"\n</channel>")
    path = tmp_path / "late.wxr"
    path.write_bytes(moved)
    import_wxr(database_url, path)
    [(term_id, name, description)] = rows(
        database_url,
        "SELECT id, name, description FROM terms WHERE taxonomy = 'category' AND slug = 'health'",
    )
    assert (name, description) == ("Health", "MedTech and life sciences")
    tagged = rows(
        database_url, "SELECT COUNT(*) FROM term_relationships WHERE term_id = ?", (term_id,)
    )
    assert tagged[0][0] > 0
    assert rows(database_url, "SELECT login, display_name FROM users WHERE login = 'marc'") == [
        ("marc", "Marc O'Brien")
    ]
