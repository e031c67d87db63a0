"""Visual Link Preview block (both attribute shapes) and PublishPress Blocks' block controls.

Expected markup follows plugin-fields.md §4 (the plugin's "basic" dynamic template) and the
oracle's stand-in output (the seed post's links, checked end to end in test_pipeline.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from broadsheet.extensions import load, rendering_extensions
from broadsheet.extensions.publishpress_blocks_controls import (
    block_identifier,
    register_block_filters,
)
from broadsheet.extensions.visual_link_preview import register_blocks
from broadsheet.render.blocks import BlockRegistry, parse_blocks, render_blocks
from broadsheet.render.context import Attachment, ImageSize, RenderOptions, StaticContext
from broadsheet.render.pipeline import default_renderer

SKYLINE = Attachment(
    id=4,
    url="http://site.test/wp-content/uploads/2023/05/eindhoven-skyline.jpg",
    file="2023/05/eindhoven-skyline.jpg",
    mime_type="image/jpeg",
    width=1600,
    height=900,
    sizes=(
        ImageSize("medium", "eindhoven-skyline-300x169.jpg", 300, 169, "image/jpeg"),
        ImageSize("thumbnail", "eindhoven-skyline-150x150.jpg", 150, 150, "image/jpeg"),
    ),
    alt="The skyline",
)
CTX = StaticContext(
    RenderOptions(
        home="http://site.test",
        uploads_baseurl="http://site.test/wp-content/uploads",
        wp_version="6.8",
    ),
    attachments=[SKYLINE],
    permalinks={42: "http://site.test/en/linked-story/"},
)


def vlp_registry() -> BlockRegistry:
    registry = BlockRegistry()
    register_blocks(registry)
    return registry


def encoded_block(link: dict[str, Any]) -> str:
    encoded = base64.b64encode(json.dumps(link).encode()).decode()
    return f'<!-- wp:visual-link-preview/link {{"encoded":"{encoded}"}} /-->'


def render(markup: str, ctx: StaticContext = CTX) -> str:
    return render_blocks(markup, vlp_registry(), ctx)


# --------------------------------------------------------------------------------------------
# The real plugin's encoded attribute, "basic" template
# --------------------------------------------------------------------------------------------


def test_external_link_renders_basic_template_with_nofollow_and_new_tab() -> None:
    link = {
        "type": "external",
        "url": "https://example.org/a?b=1&c=2",
        "title": 'Ext "title"',
        "summary": "Line one\nLine two",
        "template": "basic",
        "custom_class": "wp-block-visual-link-preview-link extra",
    }
    assert render(encoded_block(link)) == (
        '<div class="vlp-link-container vlp-layout-basic wp-block-visual-link-preview-link extra">'
        '<a href="https://example.org/a?b=1&amp;c=2" class="vlp-link" title="Ext &quot;title&quot;"'
        ' rel="nofollow" target="_blank"></a>'
        '<div class="vlp-layout-zone-main"><div class="vlp-block-0 vlp-link-title">Ext "title"</div>'
        '<div class="vlp-block-1 vlp-link-summary">Line one<br />\nLine two</div></div></div>'
    )


def test_internal_link_uses_the_current_permalink_without_nofollow() -> None:
    link = {"type": "internal", "post": 42, "url": "https://old.example/x/", "title": "Linked"}
    assert render(encoded_block(link)) == (
        '<div class="vlp-link-container vlp-layout-basic">'
        '<a href="http://site.test/en/linked-story/" class="vlp-link" title="Linked"></a>'
        '<div class="vlp-layout-zone-main"><div class="vlp-block-0 vlp-link-title">Linked</div>'
        "</div></div>"
    )


def test_internal_link_to_a_missing_post_has_no_anchor() -> None:
    link = {"type": "internal", "post": 999, "title": "Gone"}
    assert render(encoded_block(link)) == (
        '<div class="vlp-link-container vlp-layout-basic"><div class="vlp-layout-zone-main">'
        '<div class="vlp-block-0 vlp-link-title">Gone</div></div></div>'
    )


def test_explicit_nofollow_and_new_tab_flags_win_over_the_type_default() -> None:
    link = {
        "type": "external",
        "url": "https://e.test/",
        "title": "T",
        "nofollow": False,
        "new_tab": True,
    }
    assert '<a href="https://e.test/" class="vlp-link" title="T" target="_blank"></a>' in render(
        encoded_block(link)
    )


def test_missing_image_attachment_leaves_an_empty_image_block() -> None:
    link = {"type": "external", "url": "https://e.test/", "title": "T", "image_id": 12345}
    html = render(encoded_block(link))
    assert (
        '<div class="vlp-layout-zone-side"><div class="vlp-block-2 vlp-link-image"></div></div>'
        '<div class="vlp-layout-zone-main">'
    ) in html


def test_external_preview_image_uses_the_image_url() -> None:
    link = {
        "type": "external",
        "url": "https://e.test/",
        "image_id": -1,
        "image_url": "https://e.test/i.png",
    }
    assert render(encoded_block(link)) == (
        '<div class="vlp-link-container vlp-layout-basic">'
        '<a href="https://e.test/" class="vlp-link" title="" rel="nofollow" target="_blank"></a>'
        '<div class="vlp-layout-zone-side"><div class="vlp-block-2 vlp-link-image">'
        '<img src="https://e.test/i.png" style="max-width: 150px; max-height: 150px" />'
        "</div></div></div>"
    )


def test_existing_attachment_image_is_150_wide_with_max_width_style() -> None:
    link = {"type": "internal", "post": 42, "title": "T", "image_id": 4}
    html = render(encoded_block(link), CTX)
    assert (
        '<img style="max-width: 150px;" width="150" height="84" '
        'src="http://site.test/wp-content/uploads/2023/05/eindhoven-skyline.jpg" '
        'class="attachment-150x999 size-150x999" alt="The skyline" '
        'srcset="http://site.test/wp-content/uploads/2023/05/eindhoven-skyline.jpg 1600w, '
        'http://site.test/wp-content/uploads/2023/05/eindhoven-skyline-300x169.jpg 300w" '
        'sizes="(max-width: 150px) 100vw, 150px" />'
    ) in html


def test_title_is_sanitized_as_a_text_field() -> None:
    link = {"type": "external", "url": "https://e.test/", "title": "  <b>Bold</b>\n title %41 "}
    assert '<div class="vlp-block-0 vlp-link-title">Bold title</div>' in render(encoded_block(link))


def test_summary_keeps_inline_markup_but_drops_scripts_handlers_and_bad_urls() -> None:
    summary = (
        '<b onclick="x()">Bold</b> <script>alert(1)</script><a href="javascript:x()">y</a> a < b'
    )
    link = {"type": "external", "url": "https://e.test/", "summary": summary}
    assert (
        '<div class="vlp-block-1 vlp-link-summary"><b>Bold</b> alert(1)<a>y</a> a < b</div>'
        in render(encoded_block(link))
    )


def test_encoded_script_in_a_summary_does_not_become_a_script_tag() -> None:
    link = {
        "type": "external",
        "url": "https://e.test/",
        "summary": "&lt;script&gt;x()&lt;/script&gt;",
    }
    assert '<div class="vlp-block-1 vlp-link-summary">x()</div>' in render(encoded_block(link))


@pytest.mark.parametrize(
    "link",
    [
        {"url": "https://e.test/", "title": "no type"},
        {"type": "bogus", "url": "https://e.test/", "title": "bad type"},
        {"type": "external", "url": "https://e.test/"},
    ],
)
def test_links_without_type_or_visible_content_render_nothing(link: dict[str, Any]) -> None:
    assert render(encoded_block(link)) == ""


def test_undecodable_encoded_attribute_renders_nothing() -> None:
    assert render('<!-- wp:visual-link-preview/link {"encoded":"!!not base64!!"} /-->') == ""
    assert render('<!-- wp:visual-link-preview/link {"encoded":""} /-->') == ""


def encoded_json_block(json_text: str) -> str:
    """A block whose ``encoded`` attribute holds this exact JSON text (``1e400``, ``NaN``…)."""
    encoded = base64.b64encode(json_text.encode()).decode()
    return f'<!-- wp:visual-link-preview/link {{"encoded":"{encoded}"}} /-->'


@pytest.mark.parametrize("post", ["1e400", "-1e400", '"inf"', '"1e400"', "[]"])
def test_internal_link_to_a_post_id_that_is_not_a_number_has_no_anchor(post: str) -> None:
    markup = encoded_json_block(f'{{"type":"internal","post":{post},"title":"T"}}')
    assert default_renderer().render_content(markup, CTX) == (
        '<div class="vlp-link-container vlp-layout-basic"><div class="vlp-layout-zone-main">'
        '<div class="vlp-block-0 vlp-link-title">T</div></div></div>'
    )


def test_internal_link_post_id_is_read_as_php_casts_it() -> None:
    for post in ('"42 and more"', '"4.2e1"', "42.9"):
        markup = encoded_json_block(f'{{"type":"internal","post":{post},"title":"T"}}')
        assert 'href="http://site.test/en/linked-story/"' in render(markup), post


@pytest.mark.parametrize("image_id", ["1e400", '"infinity"', '"NaN"'])
def test_image_id_that_is_not_a_number_leaves_out_the_image_zone(image_id: str) -> None:
    json_text = f'{{"type":"external","url":"https://e.test/","image_id":{image_id},"title":"T"}}'
    assert default_renderer().render_content(encoded_json_block(json_text), CTX) == (
        '<div class="vlp-link-container vlp-layout-basic"><a href="https://e.test/" '
        'class="vlp-link" title="T" rel="nofollow" target="_blank"></a>'
        '<div class="vlp-layout-zone-main"><div class="vlp-block-0 vlp-link-title">T</div>'
        "</div></div>"
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_encoded_json_with_constants_php_refuses_renders_nothing(constant: str) -> None:
    json_text = f'{{"type":"external","url":"https://e.test/","image_id":{constant},"title":"T"}}'
    assert default_renderer().render_content(encoded_json_block(json_text), CTX) == ""


def test_encoded_json_nested_too_deep_for_php_renders_nothing() -> None:
    json_text = '{"type":"external","title":"T","x":' + "[" * 100_000 + "]" * 100_000 + "}"
    assert render(encoded_json_block(json_text)) == ""


def test_texturize_curls_title_text_but_not_the_title_attribute() -> None:
    link = {"type": "external", "url": "https://e.test/", "title": '"Quoted" title'}
    html = default_renderer().render_content(encoded_block(link), CTX)
    assert 'title="&quot;Quoted&quot; title"' in html
    assert 'vlp-link-title">&#8220;Quoted&#8221; title</div>' in html


# --------------------------------------------------------------------------------------------
# The oracle's stand-in attributes
# --------------------------------------------------------------------------------------------


def test_stand_in_attributes_render_every_zone() -> None:
    markup = (
        '<!-- wp:visual-link-preview/link {"url":"https://ioplus.nl/archive/en/x/",'
        '"title":"\\u0022ASML\\u0022 & co","summary":"Sum","template":"basic",'
        '"className":"advgb-dyn-c193b6d1"} /-->'
    )
    assert render(markup) == (
        '<div class="vlp-link-container vlp-layout-basic wp-block-visual-link-preview-link '
        'advgb-dyn-c193b6d1"><a href="https://ioplus.nl/archive/en/x/" class="vlp-link" '
        'title="&quot;ASML&quot; &amp; co"></a><div class="vlp-layout-zone-side">'
        '<div class="vlp-block-2 vlp-link-image"></div></div><div class="vlp-layout-zone-main">'
        '<div class="vlp-block-0 vlp-link-title">"ASML" &amp; co</div>'
        '<div class="vlp-block-1 vlp-link-summary">Sum</div></div></div>'
    )


def test_stand_in_template_is_sanitized_as_an_html_class() -> None:
    markup = '<!-- wp:visual-link-preview/link {"template":"my%20 t\\u00e9mpl_1-x!"} /-->'
    assert render(markup).startswith('<div class="vlp-link-container vlp-layout-mytmpl_1-x ')


def test_stand_in_defaults_and_image_url() -> None:
    markup = '<!-- wp:visual-link-preview/link {"title":5,"image_url":"https://e.test/i.png"} /-->'
    assert render(markup) == (
        '<div class="vlp-link-container vlp-layout-basic wp-block-visual-link-preview-link">'
        '<a href="" class="vlp-link" title=""></a><div class="vlp-layout-zone-side">'
        '<div class="vlp-block-2 vlp-link-image"><img src="https://e.test/i.png" alt="" /></div>'
        '</div><div class="vlp-layout-zone-main"><div class="vlp-block-0 vlp-link-title"></div>'
        '<div class="vlp-block-1 vlp-link-summary"></div></div></div>'
    )


def test_extension_registry_builds_the_block_registration() -> None:
    extension = load("visual_link_preview")
    registry = BlockRegistry()
    assert extension.register_blocks is not None
    extension.register_blocks(registry)
    assert registry.is_dynamic("visual-link-preview/link")


# --------------------------------------------------------------------------------------------
# PublishPress Blocks: block controls identifier classes
# --------------------------------------------------------------------------------------------


def controls_registry() -> BlockRegistry:
    registry = BlockRegistry()
    register_block_filters(registry)
    return registry


def controlled(html: str, controls: list[dict[str, Any]] | None, extra: str = "") -> str:
    attrs: dict[str, Any] = {} if controls is None else {"advgbBlockControls": controls}
    attr_json = json.dumps(attrs)[:-1] + extra + "}" if attrs or extra else ""
    return f"<!-- wp:paragraph {attr_json} -->{html}<!-- /wp:paragraph -->"


def md5_8(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()[:8]


def test_block_with_controls_gets_a_content_hash_class_on_its_first_class_attribute() -> None:
    html = '\n<p class="lead">x</p><span class="b">y</span>\n'
    out = render_blocks(controlled(html, []), controls_registry(), CTX)
    assert out == f'\n<p class="lead advgb-dyn-{md5_8(html)}">x</p><span class="b">y</span>\n'


def test_block_id_attribute_gives_an_advgb_block_class() -> None:
    markup = controlled("<p>x</p>", [], ',"block_id":"abc-1"')
    assert render_blocks(markup, controls_registry(), CTX) == '<p class="advgb-block-abc-1">x</p>'


def test_identifier_already_present_in_the_output_is_not_added_again() -> None:
    html = '<p class="lead">x</p>'
    identifier = f"advgb-dyn-{md5_8(html)}"
    registry = controls_registry()
    registry.register(
        "core/paragraph", lambda block, content, ctx: f'<p class="{identifier}">x</p>'
    )
    markup = controlled(html, [])
    [block] = parse_blocks(markup)
    assert block_identifier(block) == identifier
    assert render_blocks(markup, registry, CTX) == f'<p class="{identifier}">x</p>'


def test_blocks_without_controls_attribute_are_untouched() -> None:
    assert render_blocks(controlled("<p>x</p>", None), controls_registry(), CTX) == "<p>x</p>"


def test_expired_schedule_hides_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_NOW", "2024-06-01T12:00:00Z")
    past = [{"control": "schedule", "enabled": True, "dateTo": "2024-01-01T00:00:00"}]
    future = [{"control": "schedule", "enabled": True, "dateFrom": "2025-01-01T00:00:00"}]
    running = [{"control": "schedule", "enabled": True, "dateFrom": "2024-01-01T00:00:00"}]
    registry = controls_registry()
    assert render_blocks(controlled("<p>x</p>", past), registry, CTX) == ""
    assert render_blocks(controlled("<p>x</p>", future), registry, CTX) == ""
    assert render_blocks(controlled("<p>x</p>", running), registry, CTX).startswith(
        '<p class="advgb-dyn-'
    )


def test_disabled_controls_do_not_hide_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_NOW", "2024-06-01T12:00:00Z")
    controls = [{"control": "schedule", "enabled": False, "dateTo": "2024-01-01T00:00:00"}]
    assert render_blocks(controlled("<p>x</p>", controls), controls_registry(), CTX) != ""


@pytest.mark.parametrize(
    ("approach", "shown"), [("public", True), ("login", False), ("logout", True), ("hidden", False)]
)
def test_user_role_controls_judge_an_anonymous_visitor(approach: str, shown: bool) -> None:
    controls = [{"control": "user_role", "enabled": True, "approach": approach, "roles": []}]
    out = render_blocks(controlled("<p>x</p>", controls), controls_registry(), CTX)
    assert (out != "") is shown


def test_device_controls_prepend_hiding_css() -> None:
    html = "<p>x</p>"
    controls = [
        {"control": "device_type", "enabled": True, "devices": ["desktop", "mobile"]},
        {"control": "device_width", "enabled": True, "min_width": 600},
    ]
    identifier = f"advgb-dyn-{md5_8(html)}"
    assert render_blocks(controlled(html, controls), controls_registry(), CTX) == (
        f"<style>@media (min-width: 768px) and (max-width: 1024px) {{ .{identifier} {{ display: none !important; }} }} "
        f"@media (max-width: 599px) {{ .{identifier} {{ display: none !important; }} }}</style>"
        f'<p class="{identifier}">x</p>'
    )


def test_controls_mark_dynamic_link_previews_on_their_rendered_container() -> None:
    registry = vlp_registry()
    register_block_filters(registry)
    saved = '<div class="wp-block-visual-link-preview-link"><h3>Saved</h3></div>'
    markup = (
        '<!-- wp:visual-link-preview/link {"url":"https://e.test/","title":"T","advgbBlockControls":[]} -->'
        f"{saved}<!-- /wp:visual-link-preview/link -->"
    )
    out = render_blocks(markup, registry, CTX)
    assert out.startswith(
        '<div class="vlp-link-container vlp-layout-basic wp-block-visual-link-preview-link '
        f'advgb-dyn-{md5_8(saved)}">'
    )


@pytest.mark.parametrize("width", ["1e400", "-1e400", '"inf"', '"1e400"', '"NaN"', '"abc"'])
def test_device_width_that_is_not_a_number_adds_no_media_query(width: str) -> None:
    markup = (
        '<!-- wp:paragraph {"advgbBlockControls":[{"control":"device_width","enabled":true,'
        f'"min_width":{width},"max_width":{width}}}]}} --><p>x</p><!-- /wp:paragraph -->'
    )
    out = default_renderer().render_content(markup, CTX)
    assert out == f'<p class="advgb-dyn-{md5_8("<p>x</p>")}">x</p>'


def test_device_width_reads_numeric_strings_as_php_casts_them() -> None:
    identifier = f"advgb-dyn-{md5_8('<p>x</p>')}"
    controls = [
        {"control": "device_width", "enabled": True, "min_width": "1e3", "max_width": "12px"}
    ]
    assert render_blocks(controlled("<p>x</p>", controls), controls_registry(), CTX) == (
        f"<style>@media (max-width: 999px) {{ .{identifier} {{ display: none !important; }} }} "
        f"@media (min-width: 13px) {{ .{identifier} {{ display: none !important; }} }}</style>"
        f'<p class="{identifier}">x</p>'
    )


@pytest.mark.parametrize("day", ['"infinity"', "1e400", '"0"', '"sunday"'])
@pytest.mark.parametrize(
    ("now", "shown"), [("2024-06-02T12:00:00Z", True), ("2024-06-01T12:00:00Z", False)]
)
def test_schedule_days_that_are_not_numbers_mean_sunday(
    monkeypatch: pytest.MonkeyPatch, day: str, now: str, shown: bool
) -> None:
    monkeypatch.setenv("BROADSHEET_NOW", now)  # 2024-06-02 is a Sunday, 06-01 a Saturday
    markup = (
        '<!-- wp:paragraph {"advgbBlockControls":[{"control":"schedule","enabled":true,'
        f'"days":[{day}]}}]}} --><p>x</p><!-- /wp:paragraph -->'
    )
    out = default_renderer().render_content(markup, CTX)
    assert (out != "") is shown


def test_default_renderer_registers_each_extension_through_its_hook() -> None:
    controls_only = default_renderer(["publishpress_blocks"])
    assert [type(f).__name__ for f in controls_only.registry.filters] == ["BlockControls"]
    assert not controls_only.registry.is_dynamic("visual-link-preview/link")
    previews_only = default_renderer(["visual_link_preview"])
    assert previews_only.registry.is_dynamic("visual-link-preview/link")
    assert previews_only.registry.filters == ()


def test_rendering_extensions_are_the_enabled_ones_with_a_blocks_hook() -> None:
    assert rendering_extensions(None) == ("publishpress_blocks", "visual_link_preview")
    assert rendering_extensions({"acf": {}, "visual_link_preview": {}}) == ("visual_link_preview",)
    assert rendering_extensions({"blocksy": {}, "polylang": {}}) == ()


def test_an_extension_without_blocks_is_not_a_rendering_extension() -> None:
    with pytest.raises(ValueError, match="unknown rendering extension: 'acf'"):
        default_renderer(["acf"])
