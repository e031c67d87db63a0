"""The block grammar, serialisation and do_blocks rendering (contract §4.3).

Mirrors by behaviour: ``tests/phpunit/tests/blocks/wpBlockParser.php`` (parser fixtures),
``render.php`` (do_blocks, dynamic blocks, nesting) and ``serialize.php``. Expected parser and
render outputs for the data-driven tests come from WordPress 6.1.9 itself (see
tests/fixtures/render/blocks/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from broadsheet.render.blocks import (
    Block,
    BlockRegistry,
    has_block,
    has_blocks,
    parse_blocks,
    render_block,
    render_blocks,
    serialize_block,
    serialize_block_attributes,
    serialize_blocks,
)
from broadsheet.render.context import RenderOptions, StaticContext
from broadsheet.render.core_blocks import register_core_blocks

FIXTURES = Path(__file__).parent.parent / "fixtures" / "render" / "blocks"
PARSER_CASES = json.loads((FIXTURES / "parser_cases.json").read_text(encoding="utf-8"))
RENDER_CASES = json.loads((FIXTURES / "render_cases_wp61.json").read_text(encoding="utf-8"))


def php_shape(value: Any) -> Any:
    """What PHP's json_encode prints for our values: empty dicts become ``[]``."""
    if isinstance(value, dict):
        return {k: php_shape(v) for k, v in value.items()} if value else []
    if isinstance(value, list):
        return [php_shape(v) for v in value]
    return value


def ctx_for(version: str) -> StaticContext:
    return StaticContext(RenderOptions(wp_version=version))


def core_registry(*, theme_json: bool = False) -> BlockRegistry:
    registry = BlockRegistry()
    register_core_blocks(registry, theme_json=theme_json)
    return registry


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", PARSER_CASES, ids=[c["name"] for c in PARSER_CASES])
def test_parser_output_equals_wordpress_parser(case: dict[str, Any]) -> None:
    parsed = [php_shape(block.to_dict()) for block in parse_blocks(case["input"])]
    assert json.dumps(parsed) == json.dumps(case["parsed"])


def test_parser_adds_core_namespace_to_names_without_one() -> None:
    [block] = parse_blocks("<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->")
    assert block.name == "core/paragraph"
    assert block.inner_html == "<p>x</p>"


def test_parser_records_inner_blocks_as_none_placeholders() -> None:
    [block] = parse_blocks("<!-- wp:a -->before<!-- wp:b /-->after<!-- /wp:a -->")
    assert block.inner_content == ["before", None, "after"]
    assert block.inner_html == "beforeafter"
    assert [inner.name for inner in block.inner_blocks] == ["core/b"]


def test_parser_keeps_attribute_key_order() -> None:
    [block] = parse_blocks('<!-- wp:a {"z":1,"a":2,"m":{"y":1,"b":2}} /-->')
    assert list(block.attrs or {}) == ["z", "a", "m"]
    assert list((block.attrs or {})["m"]) == ["y", "b"]


def test_parser_gives_none_attrs_for_malformed_json() -> None:
    [block] = parse_blocks('<!-- wp:a {"a":,} -->x<!-- /wp:a -->')
    assert block.attrs is None
    assert block.inner_html == "x"


def test_parser_rejects_json_constants_php_does_not_know() -> None:
    for literal in ("NaN", "Infinity", "-Infinity"):
        [block] = parse_blocks(f'<!-- wp:a {{"a":{literal}}} /-->')
        assert block.attrs is None


def test_parser_turns_everything_after_a_stray_closer_into_freeform() -> None:
    blocks = parse_blocks("<!-- wp:a /--><!-- /wp:b --><!-- wp:c /-->")
    assert [b.name for b in blocks] == ["core/a", None]
    assert blocks[1].inner_html == "<!-- /wp:b --><!-- wp:c /-->"


def test_parser_closes_unclosed_nested_blocks_as_top_level_blocks() -> None:
    blocks = parse_blocks("<!-- wp:a -->x<!-- wp:b -->y")
    assert [(b.name, b.inner_html) for b in blocks] == [
        (None, "x"),
        ("core/b", "y"),
        ("core/a", "x<!-- wp:b -->y"),
    ]


def test_parser_handles_deep_nesting() -> None:
    content = "deep inside"
    for _ in range(99):
        content = f"<!-- wp:core/test -->{content}<!-- /wp:core/test -->"
    [block] = parse_blocks(content)
    depth = 0
    while block.inner_blocks:
        block, depth = block.inner_blocks[0], depth + 1
    assert depth == 98
    assert block.inner_html == "deep inside"


def test_has_blocks_looks_for_a_block_opener() -> None:
    assert has_blocks("<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->")
    assert not has_blocks("<p>classic</p><!--more-->")


def test_has_block_matches_names_with_and_without_core_prefix() -> None:
    content = "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more --><!-- wp:my/block /-->"
    assert has_block("more", content)
    assert has_block("core/more", content)
    assert has_block("my/block", content)
    assert not has_block("mor", content)


# --------------------------------------------------------------------------------------------
# Serialisation (serialize.php)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "",
        "Example.",
        "Example.\n\nExample.",
        "<!-- wp:void /-->",
        '<!-- wp:void {"attr":true} /-->',
        "<!-- wp:empty /-->",
        "<!-- wp:outer --><!-- wp:inner /--><!-- /wp:outer -->",
        '<!-- wp:outer {"a":[1,2]} -->before<!-- wp:inner /-->after<!-- /wp:outer -->',
        "<!-- wp:my/block -->x<!-- /wp:my/block -->",
        "<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:separator /-->",
    ],
)
def test_serialize_blocks_round_trips_editor_markup(markup: str) -> None:
    assert serialize_blocks(parse_blocks(markup)) == markup


def test_serialize_block_strips_core_namespace_and_writes_void_blocks_for_empty_content() -> None:
    block = Block("core/paragraph", {}, [], "", [])
    assert serialize_block(block) == "<!-- wp:paragraph /-->"
    assert serialize_block(Block("core/a", {}, [], "0", ["0"])) == "<!-- wp:a /-->"


def test_serialize_block_attributes_escapes_html_sensitive_characters() -> None:
    attrs = {"a": '<i>--&"x"</i>', "b": "é/ü", "c": {}}
    assert serialize_block_attributes(attrs) == (
        '{"a":"\\u003ci\\u003e\\u002d\\u002d\\u0026\\u0022x\\u0022\\u003c/i\\u003e","b":"é/ü","c":[]}'
    )


def test_serialize_block_treats_malformed_attributes_as_none() -> None:
    [block] = parse_blocks('<!-- wp:a {"a":} -->x<!-- /wp:a -->')
    assert serialize_block(block) == "<!-- wp:a -->x<!-- /wp:a -->"


# --------------------------------------------------------------------------------------------
# Rendering (render.php, WordPress 6.1 oracle fixtures)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", RENDER_CASES, ids=[c["name"] for c in RENDER_CASES])
def test_render_blocks_equals_wordpress_61_do_blocks(case: dict[str, Any]) -> None:
    assert render_blocks(case["input"], core_registry(), ctx_for("6.1.9")) == case["rendered"]


def test_render_removes_block_delimiters_and_keeps_the_newline_pattern() -> None:
    content = (
        "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:paragraph -->\n<p>Two</p>\n<!-- /wp:paragraph -->"
    )
    assert render_blocks(content, BlockRegistry(), ctx_for("6.8")) == (
        "\n<p>One</p>\n\n\n\n<p>Two</p>\n"
    )


def test_dynamic_block_output_replaces_saved_html_one_by_one() -> None:
    registry = BlockRegistry()
    calls: list[str] = []

    def render(block: Block, content: str, ctx: object) -> str:
        calls.append(str((block.attrs or {})["value"]))
        return f"{len(calls)}:{calls[-1]}"

    registry.register("core/test", render)
    content = (
        'before<!-- wp:core/test {"value":"b1"} --><!-- /wp:core/test -->'
        '<!-- wp:core/test {"value":"b1"} --><!-- /wp:core/test -->between'
        '<!-- wp:core/test {"value":"b2"} /--><!-- wp:core/test {"value":"b2"} /-->after'
    )
    assert render_blocks(content, registry, ctx_for("6.8")) == "before1:b12:b1between3:b24:b2after"


def test_dynamic_blocks_nest_at_least_99_deep() -> None:
    registry = BlockRegistry()
    registry.register("core/test", lambda block, content, ctx: str(1 + int(content)))
    content = "0"
    for _ in range(99):
        content = f"<!-- wp:core/test -->{content}<!-- /wp:core/test -->"
    assert render_blocks(content, registry, ctx_for("6.8")) == "99"


def test_static_blocks_nest_at_least_99_deep() -> None:
    content = "deep inside"
    for _ in range(99):
        content = f"<!-- wp:core/test -->{content}<!-- /wp:core/test -->"
    assert render_blocks(content, BlockRegistry(), ctx_for("6.8")) == "deep inside"


def test_dynamic_block_receives_rendered_inner_blocks_as_content() -> None:
    registry = BlockRegistry()
    registry.register("core/test", lambda block, content, ctx: "10")
    registry.register("core/dynamic", lambda block, content, ctx: f"[{content}]")
    html = "<!-- wp:dynamic -->before<!-- wp:test /-->after<!-- /wp:dynamic -->"
    assert render_blocks(html, registry, ctx_for("6.8")) == "[before10after]"
    html = "<!-- wp:dynamic -->a<!-- wp:dynamic -->deep<!-- /wp:dynamic -->b<!-- /wp:dynamic -->"
    assert render_blocks(html, registry, ctx_for("6.8")) == "[a[deep]b]"


def test_unregistered_and_freeform_blocks_keep_their_html() -> None:
    html = "lead<!-- wp:fake/block -->\ntest\n<!-- /wp:fake/block -->trail"
    assert render_blocks(html, BlockRegistry(), ctx_for("6.8")) == "lead\ntest\ntrail"


def test_render_block_filters_run_on_every_block_in_registration_order() -> None:
    registry = BlockRegistry()
    seen: list[str | None] = []

    def first(html: str, block: Block, ctx: object) -> str:
        seen.append(block.name)
        return html + "1"

    registry.add_filter(first)
    registry.add_filter(lambda html, block, ctx: html + "2")
    html = "x<!-- wp:a -->y<!-- wp:b /--><!-- /wp:a -->"
    assert render_blocks(html, registry, ctx_for("6.8")) == "x12y1212"
    assert seen == [None, "core/b", "core/a"]


def test_block_specific_filters_run_after_generic_ones_and_only_for_their_block() -> None:
    registry = BlockRegistry()
    registry.add_filter(lambda html, block, ctx: html + "+generic", "core/b")
    registry.add_filter(lambda html, block, ctx: html + "+all")
    html = "<!-- wp:a -->A<!-- /wp:a --><!-- wp:b -->B<!-- /wp:b -->"
    assert render_blocks(html, registry, ctx_for("6.8")) == "A+allB+all+generic"


def test_render_block_renders_one_parsed_block() -> None:
    [block] = parse_blocks(
        '<!-- wp:columns -->\n<div class="wp-block-columns"></div>\n<!-- /wp:columns -->'
    )
    assert render_block(block, core_registry(), ctx_for("6.1")) == (
        '\n<div class="is-layout-flex wp-container-1 wp-block-columns"></div>\n'
    )


# --------------------------------------------------------------------------------------------
# Version-dependent rewrites of static markup
# --------------------------------------------------------------------------------------------

HEADING = '<!-- wp:heading -->\n<h2 id="x">Title</h2>\n<!-- /wp:heading -->'
LIST = "<!-- wp:list -->\n<ul><li>a</li></ul>\n<!-- /wp:list -->"
PARAGRAPH = "<!-- wp:paragraph -->\n<p>p</p>\n<!-- /wp:paragraph -->"


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("6.1", '\n<h2 id="x">Title</h2>\n'),
        ("6.2", '\n<h2 class="wp-block-heading" id="x">Title</h2>\n'),
    ],
)
def test_heading_class_is_injected_from_wordpress_62(version: str, expected: str) -> None:
    assert render_blocks(HEADING, BlockRegistry(), ctx_for(version)) == expected


def test_heading_class_is_not_duplicated_when_stored_markup_has_it() -> None:
    html = '<!-- wp:heading -->\n<h2 class="wp-block-heading">T</h2>\n<!-- /wp:heading -->'
    assert render_blocks(html, BlockRegistry(), ctx_for("6.8")) == (
        '\n<h2 class="wp-block-heading">T</h2>\n'
    )


def test_heading_class_is_appended_to_existing_classes() -> None:
    html = '<!-- wp:heading {"level":3} -->\n<h3 class="has-text-align-center">T</h3>\n<!-- /wp:heading -->'
    assert render_blocks(html, BlockRegistry(), ctx_for("6.8")) == (
        '\n<h3 class="has-text-align-center wp-block-heading">T</h3>\n'
    )


@pytest.mark.parametrize(
    ("version", "expected"),
    [("6.5", "\n<ul><li>a</li></ul>\n"), ("6.6", '\n<ul class="wp-block-list"><li>a</li></ul>\n')],
)
def test_list_class_is_injected_from_wordpress_66(version: str, expected: str) -> None:
    assert render_blocks(LIST, BlockRegistry(), ctx_for(version)) == expected


@pytest.mark.parametrize(
    ("version", "expected"),
    [("6.9", "\n<p>p</p>\n"), ("7.0", '\n<p class="wp-block-paragraph">p</p>\n')],
)
def test_paragraph_class_is_injected_from_wordpress_70(version: str, expected: str) -> None:
    assert render_blocks(PARAGRAPH, BlockRegistry(), ctx_for(version)) == expected


def test_registered_callback_replaces_the_version_class_injection() -> None:
    registry = BlockRegistry()
    registry.register("core/heading", lambda block, content, ctx: content.upper())
    assert render_blocks(HEADING, registry, ctx_for("6.8")) == '\n<H2 ID="X">TITLE</H2>\n'


COLUMNS = (
    '<!-- wp:columns -->\n<div class="wp-block-columns"><!-- wp:column -->\n'
    '<div class="wp-block-column"><!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph --></div>\n'
    "<!-- /wp:column --></div>\n<!-- /wp:columns -->"
)


@pytest.mark.parametrize(
    ("version", "columns_class", "column_class"),
    [
        ("6.1", "is-layout-flex wp-container-2 wp-block-columns", "is-layout-flow wp-block-column"),
        (
            "6.3",
            "wp-block-columns is-layout-flex wp-container-2 wp-block-columns-is-layout-flex",
            "wp-block-column is-layout-flow wp-block-column-is-layout-flow",
        ),
        (
            "6.4",
            "wp-block-columns is-layout-flex wp-container-core-columns-layout-1 "
            "wp-block-columns-is-layout-flex",
            "wp-block-column is-layout-flow wp-block-column-is-layout-flow",
        ),
        (
            "6.7",
            "wp-block-columns is-layout-flex wp-container-core-columns-is-layout-1 "
            "wp-block-columns-is-layout-flex",
            "wp-block-column is-layout-flow wp-block-column-is-layout-flow",
        ),
        (
            "6.8",
            "wp-block-columns is-layout-flex wp-container-core-columns-is-layout-9d6595d7 "
            "wp-block-columns-is-layout-flex",
            "wp-block-column is-layout-flow wp-block-column-is-layout-flow",
        ),
    ],
)
def test_layout_support_classes_follow_the_wordpress_version(
    version: str, columns_class: str, column_class: str
) -> None:
    html = render_blocks(COLUMNS, core_registry(theme_json=True), ctx_for(version))
    assert html == (
        f'\n<div class="{columns_class}">\n<div class="{column_class}">\n<p>x</p>\n</div>\n</div>\n'
    )


def test_layout_counter_runs_on_within_a_request_and_restarts_with_the_next() -> None:
    # wp_unique_id() counts per PHP request: a context is one request.
    registry, ctx = core_registry(), ctx_for("6.1")
    first = render_blocks(COLUMNS, registry, ctx)
    assert "wp-container-2" in first
    assert "wp-container-4" in render_blocks(COLUMNS, registry, ctx)
    assert render_blocks(COLUMNS, registry, ctx_for("6.1")) == first


def test_modern_layout_classes_go_to_the_inner_block_wrapper() -> None:
    html = (
        '<!-- wp:group {"layout":{"type":"flex","justifyContent":"center"}} -->\n'
        '<section class="outer"><div class="wp-block-group inner"><!-- wp:paragraph -->\n'
        "<p>x</p>\n<!-- /wp:paragraph --></div></section>\n<!-- /wp:group -->"
    )
    out = render_blocks(html, core_registry(theme_json=True), ctx_for("6.6"))
    assert out.startswith(
        '\n<section class="outer"><div class="wp-block-group inner is-content-justification-center'
        ' is-layout-flex wp-container-core-group-is-layout-1 wp-block-group-is-layout-flex">'
    )


def test_group_gets_an_inner_container_in_themes_without_theme_json() -> None:
    html = '<!-- wp:group -->\n<div class="wp-block-group"><!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph --></div>\n<!-- /wp:group -->'
    classic = render_blocks(html, core_registry(), ctx_for("6.8"))
    assert classic == (
        '\n<div class="wp-block-group"><div class="wp-block-group__inner-container is-layout-flow '
        'wp-block-group-is-layout-flow">\n<p>x</p>\n</div></div>\n'
    )
    block_theme = render_blocks(html, core_registry(theme_json=True), ctx_for("6.8"))
    assert block_theme == (
        '\n<div class="wp-block-group is-layout-flow wp-block-group-is-layout-flow">\n<p>x</p>\n</div>\n'
    )
