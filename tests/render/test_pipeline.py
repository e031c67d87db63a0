"""The composed rendering pipeline against real WordPress output (contract §4.1, §4.2, §4.5, §4.12).

Every post and page of the oracle's REST dump (WordPress 6.1.9) is rendered from its raw
title, content and excerpt and compared byte for byte with what WordPress returned; the seed
post is compared with the production answer. See tests/fixtures/render/oracle_posts.README.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from broadsheet.render.blocks import BlockRegistry
from broadsheet.render.context import (
    Attachment,
    ImageSize,
    PostSummary,
    RenderOptions,
    StaticContext,
)
from broadsheet.render.core_blocks import register_core_blocks
from broadsheet.render.pipeline import Renderer, default_renderer, make_clickable, the_title
from broadsheet.render.shortcodes import default_shortcodes

FIXTURES = Path(__file__).parent.parent / "fixtures" / "render"
ORACLE = json.loads((FIXTURES / "oracle_posts.json").read_text(encoding="utf-8"))
SEED = json.loads((FIXTURES / "seed_463973.json").read_text(encoding="utf-8"))
ITEMS = ORACLE["items"]
OVERRIDES = ORACLE["single_get_overrides"]


def attachment(data: dict[str, Any]) -> Attachment:
    sizes = tuple(
        ImageSize(name, s["file"], s["width"], s["height"], s["mime_type"])
        for name, s in data["sizes"].items()
        if name != "full"
    )
    return Attachment(
        id=data["id"],
        url=data["source_url"],
        file=data["file"],
        mime_type=data["mime_type"],
        width=data["width"],
        height=data["height"],
        sizes=sizes,
        alt=data["alt_text"],
        caption=data["caption"],
        title=data["title"],
        link=data["link"],
    )


# Featured images and password protection of the oracle's posts (oracle/dump/posts.json).
DUMP_POSTS = json.loads((FIXTURES.parent / "oracle" / "dump" / "posts.json").read_text("utf-8"))
FEATURED = {post["id"]: post["featured_media"] for post in DUMP_POSTS if post["featured_media"]}
PROTECTED = {post["id"] for post in DUMP_POSTS if post["content"]["protected"]}


def oracle_context() -> StaticContext:
    site = ORACLE["site"]
    options = RenderOptions(
        home=site["home"],
        uploads_baseurl=site["uploads_baseurl"],
        wp_version=site["wp_version"],
        timezone=site["timezone"],
        date_format=site["date_format"],
        time_format=site["time_format"],
    )
    posts = [
        PostSummary(id=i["id"], title=i["title"]["raw"], link=i["link"], date=i["date"],
                    featured_media=FEATURED.get(i["id"], 0), protected=i["id"] in PROTECTED)
        for i in ITEMS
        if i["type"] == "post" and i["status"] == "publish"
    ]  # fmt: skip
    return StaticContext(
        options,
        [attachment(a) for a in ORACLE["attachments"]],
        {i["id"]: i["link"] for i in ITEMS},
        posts,
    )


RENDERER = default_renderer()
CTX = oracle_context()


def item_id(item: dict[str, Any]) -> str:
    return f"{item['type']}-{item['id']}"


@pytest.mark.parametrize("item", ITEMS, ids=item_id)
def test_content_rendered_equals_wordpress(item: dict[str, Any]) -> None:
    expected = OVERRIDES.get(str(item["id"]), {}).get(
        "content_rendered", item["content"]["rendered"]
    )
    assert RENDERER.render_content(item["content"]["raw"], CTX) == expected


@pytest.mark.parametrize("item", ITEMS, ids=item_id)
def test_title_rendered_equals_wordpress(item: dict[str, Any]) -> None:
    rendered = RENDERER.render_title(
        item["title"]["raw"],
        private=item["status"] == "private",
        wp_version=ORACLE["site"]["wp_version"],
    )
    assert rendered == item["title"]["rendered"]


@pytest.mark.parametrize("item", ITEMS, ids=item_id)
def test_excerpt_rendered_equals_wordpress(item: dict[str, Any]) -> None:
    rendered = RENDERER.render_excerpt(item["excerpt"]["raw"], item["content"]["raw"], CTX)
    assert rendered == item["excerpt"]["rendered"]


@pytest.mark.parametrize("comment", ORACLE["comments"], ids=lambda c: f"comment-{c['id']}")
def test_comment_rendered_equals_wordpress(comment: dict[str, Any]) -> None:
    assert RENDERER.render_comment(comment["content"]["raw"], CTX) == comment["content"]["rendered"]


def test_classic_content_after_block_content_keeps_paragraphs_around_shortcodes() -> None:
    # The dump crawled post 9 in a collection, after block posts: WordPress then runs wpautop
    # after shortcode_unautop, and the [caption] figure stays inside a paragraph.
    [post] = [i for i in ITEMS if i["id"] == 9]
    after_blocks = RENDERER.render_content_after_blocks(post["content"]["raw"], CTX)
    assert after_blocks == post["content"]["rendered"]
    assert "<p><figure" in after_blocks
    assert RENDERER.render_content(post["content"]["raw"], CTX) == OVERRIDES["9"]["content_rendered"]


@pytest.mark.parametrize(
    "raw",
    [
        "<!-- wp:paragraph -->\n<p>[caption]x[/caption]</p>\n<!-- /wp:paragraph -->",  # blocks
        "Plain classic text\n\nwith two paragraphs.",  # no shortcode
        "A [not-a-shortcode] in the middle of a sentence.",  # nothing stands alone
    ],
)
def test_content_after_blocks_is_none_where_it_reads_the_same(raw: str) -> None:
    assert RENDERER.render_content_after_blocks(raw, CTX) is None


# --------------------------------------------------------------------------------------------
# The seed post, rendered for production's URL
# --------------------------------------------------------------------------------------------

SEED_CTX = StaticContext(
    RenderOptions(
        home=SEED["home"],
        uploads_baseurl=SEED["home"] + "/wp-content/uploads",
        wp_version="6.8",
        timezone="Europe/Amsterdam",
    )
)


def test_seed_content_rendered_equals_production() -> None:
    assert RENDERER.render_content(SEED["raw_content"], SEED_CTX) == SEED["content_rendered"]


def test_seed_title_rendered_equals_production() -> None:
    assert RENDERER.render_title(SEED["raw_title"]) == SEED["title_rendered"]


def test_seed_excerpt_rendered_equals_production() -> None:
    rendered = RENDERER.render_excerpt(SEED["raw_excerpt"], SEED["raw_content"], SEED_CTX)
    assert rendered == SEED["excerpt_rendered"]


def test_seed_content_follows_the_block_newline_pattern() -> None:
    html = RENDERER.render_content(SEED["raw_content"], SEED_CTX)
    assert html.startswith("\n<p>")
    assert "</p>\n\n\n\n<p>" in html
    assert '</p>\n\n\n<div class="vlp-link-container' in html
    assert html.endswith("</div></div></div>")


# --------------------------------------------------------------------------------------------
# Pipeline behaviours
# --------------------------------------------------------------------------------------------

MODERN = StaticContext(RenderOptions(wp_version="6.8"))


def test_block_content_is_not_autop_ed() -> None:
    html = "<!-- wp:fake/block -->\ntest\n<!-- /wp:fake/block -->"
    assert RENDERER.render_content(html, MODERN).strip() == "test"


def test_classic_content_is_autop_ed() -> None:
    assert RENDERER.render_content("test", MODERN) == "<p>test</p>\n"


def without_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if line)


def test_shortcodes_run_after_autop_in_classic_and_block_content() -> None:
    renderer = Renderer(BlockRegistry(), default_shortcodes())
    renderer.shortcodes.register("someshortcode", lambda attrs, content, ctx: content or "")
    classic = "Foo\n\n[someshortcode]\n\nBar\n\n[/someshortcode]\n\nBaz"
    blocks = (
        "<!-- wp:core/paragraph -->\n<p>Foo</p>\n<!-- /wp:core/paragraph -->\n\n"
        "<!-- wp:core/shortcode -->[someshortcode]\n\nBar\n\n[/someshortcode]<!-- /wp:core/shortcode -->\n\n"
        "<!-- wp:core/paragraph -->\n<p>Baz</p>\n<!-- /wp:core/paragraph -->"
    )
    register_core_blocks(renderer.registry)
    assert without_blank_lines(renderer.render_content(classic, MODERN)) == without_blank_lines(
        renderer.render_content(blocks, MODERN)
    )


def test_more_and_nextpage_comments_stay_in_rendered_content() -> None:
    html = RENDERER.render_content("a\n\n<!--more-->\n\nb\n\n<!--nextpage-->\n\nc", MODERN)
    assert "<!--more-->" in html and "<!--nextpage-->" in html


def test_smilies_follow_the_site_option() -> None:
    on = StaticContext(RenderOptions(use_smilies=True))
    off = StaticContext(RenderOptions(use_smilies=False))
    assert RENDERER.render_content("Hi :)", on) == "<p>Hi \U0001f642</p>\n"
    assert RENDERER.render_content("Hi :)", off) == "<p>Hi :)</p>\n"


def test_title_rendering_texturizes_and_fixes_wordpress_spelling() -> None:
    assert the_title('  Xi\'s Wordpress & "AI" -- now  ') == (
        "Xi&#8217;s WordPress &#038; &#8220;AI&#8221; &#8212; now"
    )


def test_private_title_prefix_is_dropped_from_wordpress_67() -> None:
    assert RENDERER.render_title("Plan", private=True, wp_version="6.6") == "Private: Plan"
    assert RENDERER.render_title("Plan", private=True, wp_version="6.7") == "Plan"


def test_default_renderer_rejects_unknown_extensions() -> None:
    with pytest.raises(ValueError, match="unknown rendering extension"):
        default_renderer(["no_such_plugin"])


def test_default_renderer_without_extensions_renders_link_previews_as_saved_html() -> None:
    bare = default_renderer(())
    html = '<!-- wp:visual-link-preview/link {"url":"https://x.test/","title":"T"} /-->'
    assert bare.render_content(html, MODERN) == ""
    assert "vlp-link-container" in RENDERER.render_content(html, MODERN)


# --------------------------------------------------------------------------------------------
# make_clickable (comments)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "See https://example.org/report for numbers.",
            'See <a href="https://example.org/report" rel="nofollow">https://example.org/report</a> for numbers.',
        ),
        (
            "End with a dot http://example.org/a.",
            'End with a dot <a href="http://example.org/a" rel="nofollow">http://example.org/a</a>.',
        ),
        (
            "(see http://example.org/wiki/Foo_(bar))",
            '(see <a href="http://example.org/wiki/Foo_(bar)" rel="nofollow">'
            "http://example.org/wiki/Foo_(bar)</a>)",
        ),
        (
            "Visit www.example.org, now",
            'Visit <a href="http://www.example.org" rel="nofollow">http://www.example.org</a>, now',
        ),
        ("Mail me@example.org", 'Mail <a href="mailto:me@example.org">me@example.org</a>'),
        (
            '<a href="http://a.test/">http://a.test/</a>',
            '<a href="http://a.test/">http://a.test/</a>',
        ),
        ("<code>http://example.org</code>", "<code>http://example.org</code>"),
        ("no links here", "no links here"),
    ],
)
def test_make_clickable_links_bare_urls_hosts_and_addresses(text: str, expected: str) -> None:
    assert make_clickable(text) == expected


def test_comment_links_get_nofollow_ugc() -> None:
    rendered = RENDERER.render_comment("See https://example.org", MODERN)
    assert rendered == (
        '<p>See <a href="https://example.org" rel="nofollow ugc">https://example.org</a></p>\n'
    )


def test_comment_tags_are_balanced_before_autop() -> None:
    assert RENDERER.render_comment("<strong>open", MODERN) == "<p><strong>open</strong></p>\n"
