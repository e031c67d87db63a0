"""Shortcodes: parsing, the registry, core handlers and the classic-content chain end to end.

Mirrors upstream tests/phpunit/tests/shortcode.php and the caption/gallery/audio/video output
cases of tests/phpunit/tests/media.php by behaviour. The fixtures under
tests/fixtures/render/shortcodes/ hold WordPress's own output (6.8 for parsing; 6.1.9 to 7.1 for
the core handlers) for the same inputs and the same test handlers as defined here; see
tests/fixtures/render/wp_harness/README.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from broadsheet.render.autop import wpautop
from broadsheet.render.context import (
    Attachment,
    ImageSize,
    RenderContext,
    RenderOptions,
    StaticContext,
)
from broadsheet.render.images import filter_content_tags
from broadsheet.render.shortcodes import (
    Handler,
    Shortcodes,
    default_shortcodes,
    embed_shortcodes,
    parse_shortcode_atts,
    run_embed_shortcode,
)
from broadsheet.render.smilies import convert_smilies
from broadsheet.render.texturize import capital_p_dangit, wptexturize

FIXTURES = Path(__file__).parent.parent / "fixtures" / "render"


def _load(*parts: str) -> Any:
    return json.loads(FIXTURES.joinpath(*parts).read_text(encoding="utf-8"))


ATTACHMENTS = _load("media", "attachments.json")
PARSE_CASES = _load("shortcodes", "parse_atts.json")
DO_CASES = _load("shortcodes", "do_shortcode.json")
STRIP_CASES = _load("shortcodes", "strip_shortcodes.json")
CORE_CASES = _load("shortcodes", "core.json")
ORACLE_CLASSIC = _load("shortcodes", "oracle_classic.json")
PARENTS = {a["id"]: a["parent"] for a in ATTACHMENTS}


@dataclass
class ThemeOptions(RenderOptions):
    """RenderOptions plus the theme settings the core shortcodes read when present."""

    html5: Sequence[str] = ("caption", "gallery", "style", "script")
    content_width: int = 0


class ShortcodeTestContext(StaticContext):
    """A StaticContext that also knows the current post, attached media and cached oEmbeds."""

    def __init__(
        self, options: RenderOptions, post_id: int = 0, oembeds: dict[str, str] | None = None
    ) -> None:
        super().__init__(options, attachments=[attachment(a) for a in ATTACHMENTS])
        self.post_id = post_id
        self.oembeds = oembeds or {}

    def attached_media(self, post_id: int, mime_prefix: str) -> list[Attachment]:
        return [
            a
            for a in self._attachments.values()
            if PARENTS.get(a.id) == post_id and a.mime_type.startswith(mime_prefix)
        ]

    def oembed_html(self, url: str, attrs: dict[str, str]) -> str | None:
        return self.oembeds.get(url)


def attachment(data: dict[str, Any]) -> Attachment:
    sizes = tuple(
        ImageSize(s["name"], s["file"], s["width"], s["height"], s["mime_type"])
        for s in data["sizes"]
    )
    return Attachment(
        id=data["id"], url=data["url"], file=data["file"], mime_type=data["mime_type"],
        width=data["width"], height=data["height"], sizes=sizes, alt=data["alt"],
        caption=data["caption"], title=data["title"], link=data["link"],
    )  # fmt: skip


def context(
    version: str = "6.1", env: dict[str, Any] | None = None, **extra: Any
) -> ShortcodeTestContext:
    env = env or {}
    options = ThemeOptions(
        home="http://127.0.0.1:8081/archive", uploads_baseurl="http://127.0.0.1:8081/archive/wp-content/uploads",
        wp_version=version, html5=tuple(env.get("html5", ThemeOptions.html5)),
        content_width=env.get("content_width", 0),
    )  # fmt: skip
    return ShortcodeTestContext(options, post_id=env.get("post_id", 0), **extra)


# --- the test handlers of upstream shortcode.php (also registered by the fixture generator) ------


def _test_handler(kind: str, registry: Shortcodes) -> Handler:
    def dump(a: dict[str, str], c: str | None, x: RenderContext) -> str:
        return (
            "{"
            + "|".join(f"{k}={v}" for k, v in a.items())
            + "}("
            + ("null" if c is None else c)
            + ")"
        )

    def img(a: dict[str, str], c: str | None, x: RenderContext) -> str:
        return "<img" + "".join(f' {k}="{v}"' for k, v in a.items()) + " />"

    handlers: dict[str, Handler] = {
        "dump": dump,
        "footag": lambda a, c, x: "foo = " + a.get("foo", ""),
        "bartag": lambda a, c, x: "foo = " + a.get("foo", "no foo"),
        "baztag": lambda a, c, x: "content = " + registry.do_shortcode(c or "", x),
        "dumptag": lambda a, c, x: "".join(f"{k} = {v}\n" for k, v in a.items()),
        "img": img,
        "null": lambda a, c, x: "",
    }
    return handlers.get(kind, lambda a, c, x: kind)


def registry_for(register: dict[str, str], core: bool = False) -> Shortcodes:
    registry = default_shortcodes() if core else Shortcodes()
    for name, kind in register.items():
        registry.register(name, _test_handler(kind, registry))
    return registry


# --- WordPress's output for the same inputs -------------------------------------------------------


@pytest.mark.parametrize("case", PARSE_CASES, ids=[c["name"] for c in PARSE_CASES])
def test_attribute_parsing_matches_wordpress(case: dict[str, Any]) -> None:
    expected = json.loads(case["expected"])
    parsed = parse_shortcode_atts(case["input"])
    assert list(parsed.items()) == list(expected.items())


@pytest.mark.parametrize("case", DO_CASES, ids=[c["name"] for c in DO_CASES])
def test_do_shortcode_matches_wordpress(case: dict[str, Any]) -> None:
    registry = registry_for(case["register"])
    out = registry.do_shortcode(
        case["input"], context(), ignore_html=case.get("ignore_html", False)
    )
    assert out == case["expected"]


@pytest.mark.parametrize("case", STRIP_CASES, ids=[c["name"] for c in STRIP_CASES])
def test_strip_shortcodes_matches_wordpress(case: dict[str, Any]) -> None:
    assert registry_for(case["register"]).strip_shortcodes(case["input"]) == case["expected"]


@pytest.mark.parametrize(
    "case", CORE_CASES, ids=[f"{c['name']}@{c['version']}" for c in CORE_CASES]
)
def test_core_shortcode_output_matches_wordpress(case: dict[str, Any]) -> None:
    ctx = context(case["version"], case["env"])
    assert default_shortcodes().do_shortcode(case["input"], ctx) == case["expected"]


# --- behaviour ------------------------------------------------------------------------------------


def test_registry_refuses_names_with_brackets_spaces_or_markup() -> None:
    registry = Shortcodes()
    for bad in ("<html>", "[shortcode]", "bad/", "/bad", "bad space", "&amp;", "", "a=b"):
        with pytest.raises(ValueError):
            registry.register(bad, lambda a, c, x: "")
    for good in ("good!", "plain", "unreserved!#$%()*+,-.;?@^_{|}~chars"):
        registry.register(good, lambda a, c, x: "")
    assert registry.names == ("good!", "plain", "unreserved!#$%()*+,-.;?@^_{|}~chars")


def _recording(seen: list[tuple[dict[str, str], str | None]]) -> Handler:
    def handler(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
        seen.append((attrs, content))
        return "out"

    return handler


def test_handler_receives_parsed_attributes_and_empty_content_when_self_closing() -> None:
    seen: list[tuple[dict[str, str], str | None]] = []
    registry = Shortcodes({"tag": _recording(seen)})
    assert (
        registry.do_shortcode('a [tag foo="bar" 12 /] b [tag]x[/tag]', context()) == "a out b out"
    )
    assert seen == [({"foo": "bar", "0": "12"}, ""), ({}, "x")]


def test_an_opening_tag_encloses_everything_up_to_its_closing_tag() -> None:
    seen: list[tuple[dict[str, str], str | None]] = []
    registry = Shortcodes({"tag": _recording(seen)})
    assert registry.do_shortcode("a [tag] b [tag]x[/tag] c", context()) == "a out c"
    assert seen == [({}, " b [tag]x")]


def test_unregistered_shortcodes_stay_literal_and_double_brackets_escape() -> None:
    registry = Shortcodes({"footag": lambda a, c, x: "FOO"})
    assert registry.do_shortcode("[other] [footag] [[footag]]", context()) == "[other] FOO [footag]"


def test_shortcodes_are_not_run_inside_comments_or_unquoted_unknown_attributes() -> None:
    registry = Shortcodes({"footag": lambda a, c, x: "FOO"})
    out = registry.do_shortcode(
        '<!-- [footag] --><a title="[footag]" onclick="[footag]">', context()
    )
    assert out == '<!-- [footag] --><a title="FOO" onclick="[footag]">'


def test_strip_shortcodes_removes_registered_tags_with_their_content() -> None:
    registry = default_shortcodes()
    assert (
        registry.strip_shortcodes('a[gallery ids="1"]b[caption width="1"]c[/caption]d[x]')
        == "abd[x]"
    )


def test_subset_keeps_only_the_named_shortcodes() -> None:
    registry = default_shortcodes()
    assert registry.subset(["gallery", "nope"]).names == ("gallery",)
    assert default_shortcodes().names == (
        "wp_caption",
        "caption",
        "gallery",
        "playlist",
        "audio",
        "video",
        "embed",
    )


def test_caption_renders_the_oracle_post_9_figure() -> None:
    raw = next(item["raw"] for item in ORACLE_CLASSIC if item["id"] == 9)
    shortcode = raw[raw.index("[caption") : raw.index("[/caption]") + 10]
    out = default_shortcodes().do_shortcode(shortcode, context())
    assert out == (
        '<figure id="attachment_4" aria-describedby="caption-attachment-4" style="width: 300px" '
        'class="wp-caption alignnone"><img src="http://127.0.0.1:8081/archive/wp-content/uploads/2023/05/'
        'eindhoven-skyline-300x169.jpg" alt="" width="300" height="169" class="size-medium wp-image-4" />'
        '<figcaption id="caption-attachment-4" class="wp-caption-text">A caption with "quotes"</figcaption></figure>'
    )


def test_caption_ids_become_unique_per_request_from_wordpress_7_1() -> None:
    text = '[caption id="attachment_4" width="10"]<img src="a.jpg" /> A[/caption]'
    ctx = context("7.1")
    registry = default_shortcodes()
    assert 'id="attachment_4"' in registry.do_shortcode(text, ctx)
    assert 'id="attachment_4-2" aria-describedby="caption-attachment-4-2"' in registry.do_shortcode(
        text, ctx
    )
    assert 'id="attachment_4"' in registry.do_shortcode(text, context("7.1"))


def test_gallery_instances_are_numbered_per_request() -> None:
    ctx = context("6.8", {"post_id": 999})  # a post without attached images
    registry = default_shortcodes()
    assert "id='gallery-1'" in registry.do_shortcode('[gallery ids="4"]', ctx)
    assert registry.do_shortcode('[gallery ids=""]', ctx) == ""
    assert "id='gallery-3'" in registry.do_shortcode('[gallery ids="4"]', ctx)
    assert "id='gallery-1'" in registry.do_shortcode('[gallery ids="4"]', context("6.8"))


def test_gallery_without_ids_of_post_zero_lists_unattached_images() -> None:
    # get_children( post_parent => 0 ): WordPress lists the images attached to no post.
    out = default_shortcodes().do_shortcode("[gallery]", context("6.1"))
    assert "gallery-item" in out
    assert default_shortcodes().do_shortcode("[gallery]", context("6.1", {"post_id": 999})) == ""


def test_gallery_style_block_appears_only_without_html5_gallery_support() -> None:
    html5 = default_shortcodes().do_shortcode('[gallery ids="4"]', context("6.8"))
    legacy = default_shortcodes().do_shortcode('[gallery ids="4"]', context("6.8", {"html5": []}))
    assert "<style" not in html5 and html5.startswith("<div id='gallery-1'")
    assert legacy.startswith('\n\t\t<style type="text/css">\n\t\t\t#gallery-1 {')
    newer = default_shortcodes().do_shortcode('[gallery ids="4"]', context("7.0", {"html5": []}))
    assert newer.startswith("\n\t\t<style>\n")


def test_embed_uses_the_cached_oembed_html() -> None:
    url = "https://www.youtube.com/watch?v=abc"
    ctx = context(oembeds={url: '<iframe src="https://www.youtube.com/embed/abc"></iframe>'})
    out = run_embed_shortcode(f"Watch:\n[embed]{url}[/embed]", ctx)
    assert out == 'Watch:\n<iframe src="https://www.youtube.com/embed/abc"></iframe>'


def test_embed_without_cache_falls_back_to_a_link() -> None:
    url = "https://example.org/a page?x=1&amp;y=2"
    ctx = context(oembeds={"https://example.org/known": "{{unknown}}"})
    assert run_embed_shortcode(f"[embed]{url}[/embed]", ctx) == (
        '<a href="https://example.org/a%20page?x=1&#038;y=2">https://example.org/a page?x=1&amp;y=2</a>'
    )
    assert run_embed_shortcode("[embed]https://example.org/known[/embed]", ctx) == (
        '<a href="https://example.org/known">https://example.org/known</a>'
    )


def test_embed_of_media_files_becomes_audio_and_video_shortcodes() -> None:
    ctx = context()
    assert (
        run_embed_shortcode("[embed]https://x.test/a.mp3[/embed]", ctx)
        == '[audio src="https://x.test/a.mp3" /]'
    )
    assert run_embed_shortcode(
        '[embed width="400" height="300"]https://x.test/v.mp4[/embed]', ctx
    ) == ('[video width="400" height="300"  src="https://x.test/v.mp4" /]')
    assert (
        run_embed_shortcode('[embed src="https://x.test/v.webm" /]', ctx)
        == '[video  src="https://x.test/v.webm" /]'
    )
    assert run_embed_shortcode("[embed][/embed]", ctx) == ""


def test_embed_pass_ignores_embed_inside_html_tags() -> None:
    text = '<a title="[embed]https://x.test/[/embed]">t</a>'
    assert run_embed_shortcode(text, context()) == text
    assert embed_shortcodes().names == ("embed",)


def test_embed_left_for_the_main_pass_outputs_nothing() -> None:
    assert default_shortcodes().do_shortcode("a[embed]https://x.test/[/embed]b", context()) == "ab"


@dataclass
class ClassicChain:
    """The_content for classic content as WordPress 6.1 runs it (priorities 8 to 20)."""

    shortcodes: Shortcodes = field(default_factory=default_shortcodes)

    def render(self, raw: str, ctx: RenderContext) -> str:
        names = self.shortcodes.names
        text = run_embed_shortcode(raw, ctx)
        text = self.shortcodes.unautop(wpautop(wptexturize(text, shortcode_names=names)))
        text = filter_content_tags(text, ctx, wp_version="6.1")  # priority 10 before 6.4
        text = self.shortcodes.do_shortcode(capital_p_dangit(text), ctx)
        return convert_smilies(text, site_url="http://127.0.0.1:8081/archive")


@pytest.mark.parametrize("item", ORACLE_CLASSIC, ids=[f"oracle_{i['id']}" for i in ORACLE_CLASSIC])
def test_classic_oracle_content_renders_byte_for_byte(item: dict[str, Any]) -> None:
    assert ClassicChain().render(item["raw"], context()) == item["rendered"]
