"""``[caption]`` (and ``[wp_caption]``): an image with its caption, in ``<figure>`` for themes
with HTML5 caption support, else in ``<div>``; WordPress 7.1 makes the ids unique per request."""

from __future__ import annotations

import re

from broadsheet.render.context import RenderContext
from broadsheet.render.escape import esc_attr, sanitize_html_class
from broadsheet.render.images import render_state
from broadsheet.render.shortcodes.environment import theme_supports_html5, wp_version
from broadsheet.render.shortcodes.registry import Shortcodes
from broadsheet.render.shortcodes.values import PHP_TRIM, php_empty, php_int, shortcode_atts

__all__ = ["caption_shortcode"]

_CAPTION_IMAGE = re.compile(
    r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_CAPTION_DEFAULTS = {
    "id": "",
    "caption_id": "",
    "align": "alignnone",
    "width": "",
    "caption": "",
    "class": "",
}


def _unique_prefixed_id(ctx: RenderContext, prefix: str) -> str:
    """wp_unique_prefixed_id() with WordPress's ``-1`` suffix removed for the first use."""
    state = render_state(ctx)
    name = "unique-id:" + prefix
    number = state.instance(name)
    if not prefix.endswith("-"):
        return prefix + number
    return state.when_first(name, number, prefix[:-1], prefix + "{n}")


def caption_shortcode(
    attrs: dict[str, str], content: str | None, ctx: RenderContext, registry: Shortcodes
) -> str:
    """``[caption]``: an image with its caption in ``<figure>`` (HTML5 themes) or ``<div>``."""
    content = content or ""
    attrs = dict(attrs)
    if "caption" not in attrs:
        m = _CAPTION_IMAGE.search(content)
        if m:
            content, attrs["caption"] = m.group(1), m.group(2).strip(PHP_TRIM)
    atts = shortcode_atts(_CAPTION_DEFAULTS, attrs)
    width = php_int(atts["width"])
    if width < 1 or php_empty(atts["caption"]):
        return content
    unique = wp_version(ctx) >= (7, 1, 0)
    element_id = sanitize_html_class(atts["id"]) if atts["id"] else ""
    if element_id and unique:
        element_id = _unique_prefixed_id(ctx, element_id + "-")
    caption_id = ""
    if atts["caption_id"]:
        caption_id = sanitize_html_class(atts["caption_id"])
        if unique:
            caption_id = _unique_prefixed_id(ctx, caption_id + "-")
    elif element_id:
        caption_id = "caption-" + element_id.replace("_", "-")
    id_attr = f'id="{esc_attr(element_id)}" ' if element_id else ""
    caption_id_attr = f'id="{esc_attr(caption_id)}" ' if caption_id else ""
    described_by = f'aria-describedby="{esc_attr(caption_id)}" ' if caption_id else ""
    css_class = esc_attr(f"wp-caption {atts['align']} {atts['class']}".strip(PHP_TRIM))
    html5 = theme_supports_html5(ctx, "caption")
    style = f'style="width: {width if html5 else width + 10}px" '
    inner = registry.do_shortcode(content, ctx)
    if html5:
        return (
            f'<figure {id_attr}{described_by}{style}class="{css_class}">{inner}'
            f'<figcaption {caption_id_attr}class="wp-caption-text">{atts["caption"]}</figcaption></figure>'
        )
    inner = inner.replace("<img ", "<img " + described_by)
    return (
        f'<div {id_attr}{style}class="{css_class}">{inner}'
        f'<p {caption_id_attr}class="wp-caption-text">{atts["caption"]}</p></div>'
    )
