"""Excerpts (contract §4.5).

Mirrors by behaviour: ``tests/phpunit/tests/formatting/wpTrimWords.php``, ``wpTrimExcerpt.php``,
``excerptRemoveBlocks.php``, ``balanceTags.php`` and ``tests/phpunit/tests/post/getTheExcerpt.php``.
"""

from __future__ import annotations

import pytest

from broadsheet.render.blocks import BlockRegistry, render_block
from broadsheet.render.context import RenderOptions, StaticContext
from broadsheet.render.core_blocks import register_core_blocks
from broadsheet.render.excerpt import (
    excerpt_remove_blocks,
    excerpt_remove_footnotes,
    force_balance_tags,
    generated_excerpt_text,
    strip_all_tags,
    teaser,
    wp_trim_words,
)
from broadsheet.render.pipeline import default_renderer

LONG_TEXT = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Fusce various lacinia vehicula. "
    "Etiam sapien risus, ultricies ac posuere eu, convallis sit amet augue. Pellentesque urna "
    "massa, lacinia vel iaculis eget, bibendum in mauris. Aenean eleifend pulvinar ligula, a "
    "convallis eros gravida non. Suspendisse potenti. Pellentesque et odio tortor. In vulputate "
    "pellentesque libero, sed dapibus velit mollis viverra. Pellentesque id urna euismod dolor "
    "cursus sagittis."
)


# --------------------------------------------------------------------------------------------
# wp_trim_words
# --------------------------------------------------------------------------------------------


def test_trim_words_keeps_55_words_by_default() -> None:
    expected = LONG_TEXT[: LONG_TEXT.index(" mollis")] + "&hellip;"
    assert wp_trim_words(LONG_TEXT) == expected
    assert len(expected.split(" ")) == 55


def test_trim_words_to_10() -> None:
    expected = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Fusce various&hellip;"
    assert wp_trim_words(LONG_TEXT, 10) == expected


def test_trim_words_to_5_with_a_custom_more() -> None:
    assert (
        wp_trim_words(LONG_TEXT, 5, "[...] Read on!") == "Lorem ipsum dolor sit amet,[...] Read on!"
    )


def test_trim_words_strips_tags_before_counting() -> None:
    text = 'This text contains a <a href="http://wordpress.org"> link </a> to WordPress.org!'
    assert wp_trim_words(text, 5) == "This text contains a link&hellip;"


@pytest.mark.parametrize(
    "text",
    [
        'This text contains<script>alert(" JavaScript");</script>. It should go.',
        'This text contains<style>#css { width:expression(alert("css")) }</style>. It should go.',
    ],
)
def test_trim_words_drops_script_and_style_contents(text: str) -> None:
    assert wp_trim_words(text) == "This text contains. It should go."


def test_trim_words_leaves_short_text_alone() -> None:
    assert wp_trim_words("This is some short text.") == "This is some short text."


def test_trim_words_joins_words_with_single_spaces() -> None:
    assert wp_trim_words("one\n\ntwo\t three  four", 3, "") == "one two three"
    assert wp_trim_words("one\n\ntwo\t three", 3, "") == "one two three"


def test_trim_words_does_not_split_on_no_break_space_or_inside_entities() -> None:
    assert wp_trim_words("a\u00a0b c&#8217;d e", 2, "…") == "a\u00a0b c&#8217;d…"


def test_trim_words_counts_characters_for_character_locales() -> None:
    assert wp_trim_words(LONG_TEXT, 20, count_chars=True) == LONG_TEXT[:20] + "&hellip;"
    assert wp_trim_words("あ" * 100, 19, count_chars=True) == "あ" * 19 + "&hellip;"


@pytest.mark.parametrize(
    ("num_words", "expected"), [("", ""), ("abc", ""), (None, ""), ("3", "Lorem ipsum dolor")]
)
def test_trim_words_casts_non_numeric_word_counts_like_php(
    num_words: str | None, expected: str
) -> None:
    assert wp_trim_words(LONG_TEXT, num_words, "") == expected


def test_trim_words_reads_an_exponent_word_count_like_php() -> None:
    assert wp_trim_words(LONG_TEXT, "1e1", "") == wp_trim_words(LONG_TEXT, 10, "")
    assert wp_trim_words(LONG_TEXT, " 3 words", "") == "Lorem ipsum dolor"


def test_strip_all_tags_removes_comments_and_trims() -> None:
    assert strip_all_tags("  <p>a<!-- x --> b</p>\n") == "a b"
    assert strip_all_tags("<p>a</p>\n\n<p>b</p>", remove_breaks=True) == "a b"


# --------------------------------------------------------------------------------------------
# excerpt_remove_blocks / footnotes
# --------------------------------------------------------------------------------------------

REMOVE_BLOCKS_CONTENT = """
<!-- wp:paragraph -->
<p>paragraph</p>
<!-- /wp:paragraph -->
<!-- wp:latest-posts {"postsToShow":3,"displayPostDate":true,"order":"asc","orderBy":"title"} /-->
<!-- wp:spacer -->
<div style="height:100px" aria-hidden="true" class="wp-block-spacer"></div>
<!-- /wp:spacer -->
<!-- wp:columns {"columns":1} -->
<div class="wp-block-columns has-1-columns">
\t<!-- wp:column -->
\t<div class="wp-block-column">
\t\t<!-- wp:archives {"displayAsDropdown":false,"showPostCounts":false} /-->
\t\t
\t\t<!-- wp:paragraph -->
\t\t<p>paragraph inside column</p>
\t\t<!-- /wp:paragraph -->
\t</div>
\t<!-- /wp:column -->
</div>
<!-- /wp:columns -->
"""


def test_excerpt_remove_blocks_drops_a_lone_dynamic_block() -> None:
    assert excerpt_remove_blocks("<!-- wp:core/block /-->") == ""


def test_excerpt_remove_blocks_keeps_text_blocks_and_wrapper_contents() -> None:
    expected = "\n\n<p>paragraph</p>\n\n\n\n\n\t\t<p>paragraph inside column</p>\n\t\t\n"
    assert excerpt_remove_blocks(REMOVE_BLOCKS_CONTENT) == expected


def test_excerpt_remove_blocks_renders_blocks_through_the_given_renderer() -> None:
    registry = BlockRegistry()
    register_core_blocks(registry)
    ctx = StaticContext(RenderOptions(wp_version="6.8"))
    content = "<!-- wp:heading -->\n<h2>Title</h2>\n<!-- /wp:heading -->"
    rendered = excerpt_remove_blocks(content, lambda block: render_block(block, registry, ctx))
    assert rendered == '\n<h2 class="wp-block-heading">Title</h2>\n'


def test_excerpt_remove_blocks_skips_blocks_with_nested_or_disallowed_inner_blocks() -> None:
    quote = (
        '<!-- wp:quote --><blockquote class="wp-block-quote"><!-- wp:paragraph --><p>ok</p>'
        "<!-- /wp:paragraph --></blockquote><!-- /wp:quote -->"
    )
    bad_quote = quote.replace("wp:paragraph", "wp:image")
    assert (
        excerpt_remove_blocks(quote) == '<blockquote class="wp-block-quote"><p>ok</p></blockquote>'
    )
    assert excerpt_remove_blocks(bad_quote) == ""


LIST_OF_ITEMS = (
    '<!-- wp:list -->\n<ul class="wp-block-list"><!-- wp:list-item -->\n<li>List item inside a '
    "list.</li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->"
)


def test_excerpt_remove_blocks_drops_lists_of_list_item_blocks_unless_list_items_allowed() -> None:
    assert excerpt_remove_blocks(LIST_OF_ITEMS) == ""
    assert excerpt_remove_blocks(LIST_OF_ITEMS, list_items=True) == (
        '\n<ul class="wp-block-list">\n<li>List item inside a list.</li>\n</ul>\n'
    )


def test_excerpt_remove_footnotes_removes_footnote_anchors_only() -> None:
    content = (
        '<p>Fact<sup data-fn="a1" class="fn" id="a1-link"><a href="#a1" id="a1-link">1</a></sup>'
        " and <sup>2</sup></p>"
    )
    assert excerpt_remove_footnotes(content) == "<p>Fact and <sup>2</sup></p>"


# --------------------------------------------------------------------------------------------
# teaser / force_balance_tags
# --------------------------------------------------------------------------------------------


def test_teaser_stops_at_the_more_tag() -> None:
    assert teaser("Post 2 Page 1<!--more-->Post 2 Page 2") == "Post 2 Page 1"
    assert teaser("Intro<!--more Read on-->rest") == "Intro"


def test_teaser_takes_the_first_nextpage_page() -> None:
    assert teaser("Post 2 Page 1<!--nextpage-->Post 2 Page 2") == "Post 2 Page 1"
    assert teaser("\n<!--nextpage-->\nOnly page one\n<!--nextpage-->\ntwo") == "Only page one"


def test_teaser_balances_tags_cut_by_the_more_tag() -> None:
    assert teaser("<p>Intro <strong>bold<!--more-->rest</strong></p>") == (
        "<p>Intro <strong>bold</strong></p>"
    )


def test_teaser_removes_more_block_delimiters() -> None:
    content = "<!-- wp:paragraph --><p>a</p><!-- /wp:paragraph --><!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->b"
    assert teaser(content) == "<!-- wp:paragraph --><p>a</p><!-- /wp:paragraph -->\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<div>inside", "<div>inside</div>"),
        ("<dIv>inside", "<div>inside</div>"),
        ("<my-custom-element>inside", "<my-custom-element>inside</my-custom-element>"),
        ("<0-day>inside", "&lt;0-day>inside"),
        ("<UPPERCASE-TAG>inside", "<UPPERCASE-TAG>inside"),
        ("<what->inside", "<what->inside"),
        ("<br>", "<br />"),
        ("<img></img>", "<img />"),
        ('<p class="main2" />', '<p class="main2"></p>'),
        ("<STRONG/>", "<strong></strong>"),
        ('<img src="/images/example.png">', '<img src="/images/example.png"/>'),
        ('<input type="text" name="example" />', '<input type="text" name="example" />'),
        ("<div>Test<div>Test</div>", "<div>Test<div>Test</div></div>"),
        ("<span>Test</span></span>", "<span>Test</span>"),
        ("<b><b>This is bold</b></b>", "<b></b><b>This is bold</b>"),
        (
            '<p>Here is a <strong class="part">bold <em>and emphasis</p></em></strong>',
            '<p>Here is a <strong class="part">bold <em>and emphasis</em></strong></p>',
        ),
        ("<ul><li>Aaa</li><li>Bbb</ul></li>", "<ul><li>Aaa</li><li>Bbb</li></ul>"),
        ("<b><i>Test</b>", "<b><i>Test</i></b>"),
        ("<p>Test test</em> test</p>", "<p>Test test test</p>"),
        ("</p>Test", "Test"),
        ("<div>Test</div></div><div>Test", "<div>Test</div><div>Test</div>"),
        (
            '<object id="obj1"><param name="param1"/><object id="obj2"><param name="param2"/></object></object>',
            '<object id="obj1"><param name="param1"/><object id="obj2"><param name="param2"/></object></object>',
        ),
        ("a < !-- b", "a < !-- b"),
    ],
)
def test_force_balance_tags_behaves_like_wordpress(source: str, expected: str) -> None:
    assert force_balance_tags(source) == expected


# --------------------------------------------------------------------------------------------
# The generated excerpt and get_the_excerpt
# --------------------------------------------------------------------------------------------

RENDERER = default_renderer()
CTX = StaticContext(RenderOptions(wp_version="6.8"))


def excerpt_text(content: str) -> str:
    return RENDERER.generated_excerpt(content, CTX)


def test_generated_excerpt_respects_the_more_tag() -> None:
    assert excerpt_text("Post 2 Page 1<!--more-->Post 2 Page 2") == "Post 2 Page 1"


def test_generated_excerpt_respects_nextpage() -> None:
    assert excerpt_text("Post 2 Page 1<!--nextpage-->Post 2 Page 2") == "Post 2 Page 1"


def test_generated_excerpt_renders_valid_blocks() -> None:
    content = "<!-- wp:paragraph --> <p>A test paragraph</p> <!-- /wp:paragraph -->"
    assert excerpt_text(content) == "A test paragraph"


def test_generated_excerpt_uses_the_content_for_plain_text() -> None:
    assert excerpt_text("Post content") == "Post content"


def test_generated_excerpt_removes_registered_shortcodes_with_their_content() -> None:
    content = 'Before [caption id="x"]<img src="a.jpg" /> Caption[/caption] after [unknown] end'
    assert excerpt_text(content) == "Before after [unknown] end"


def test_generated_excerpt_trims_to_the_site_excerpt_length_and_more() -> None:
    ctx = StaticContext(RenderOptions(excerpt_length=3, excerpt_more=" (more)"))
    assert RENDERER.generated_excerpt("one two three four", ctx) == "one two three (more)"


def test_generated_excerpt_text_escapes_cdata_ends() -> None:
    out = generated_excerpt_text("a ]]> b", the_content=lambda text: text)
    assert out == "a ]]&gt; b"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '<!-- wp:group -->\n<div class="wp-block-group"><!-- wp:columns -->\n<div class="wp-block-columns"><!-- wp:column -->\n'
            '<div class="wp-block-column"><!-- wp:paragraph -->\n<p>Column 1</p>\n<!-- /wp:paragraph --></div>\n<!-- /wp:column -->\n\n'
            '<!-- wp:column -->\n<div class="wp-block-column"><!-- wp:paragraph -->\n<p>Column 2</p>\n<!-- /wp:paragraph --></div>\n'
            "<!-- /wp:column --></div>\n<!-- /wp:columns --></div>\n<!-- /wp:group -->\n\n<!-- wp:paragraph -->\n<p></p>\n<!-- /wp:paragraph -->",
            "Column 1 Column 2",
        ),
        (
            '<!-- wp:group -->\n<div class="wp-block-group"><!-- wp:paragraph -->\n<p>Paragraph inside group block</p>\n'
            "<!-- /wp:paragraph --></div>\n<!-- /wp:group -->\n\n<!-- wp:paragraph -->\n<p></p>\n<!-- /wp:paragraph -->",
            "Paragraph inside group block",
        ),
    ],
)
def test_get_the_excerpt_descends_into_wrapper_blocks(content: str, expected: str) -> None:
    assert excerpt_text(content) == expected


@pytest.mark.parametrize(
    ("version", "expected"), [("6.8", ""), ("7.1", "List item inside a list.")]
)
def test_get_the_excerpt_of_a_list_of_list_items_depends_on_the_version(
    version: str, expected: str
) -> None:
    ctx = StaticContext(RenderOptions(wp_version=version))
    assert RENDERER.generated_excerpt(LIST_OF_ITEMS, ctx) == expected


def test_the_excerpt_wraps_a_manual_excerpt_in_a_paragraph() -> None:
    assert (
        RENDERER.render_excerpt("Post excerpt", "Ignored content", CTX) == "<p>Post excerpt</p>\n"
    )


def test_blank_manual_excerpt_falls_back_to_the_content() -> None:
    assert RENDERER.render_excerpt(" \n", "Foo", CTX) == "<p>Foo</p>\n"


def test_manual_excerpt_is_not_trimmed_or_stripped() -> None:
    manual = "<em>Kept</em> " + " ".join(["word"] * 80)
    assert RENDERER.render_excerpt(manual, "", CTX) == f"<p>{manual}</p>\n"
