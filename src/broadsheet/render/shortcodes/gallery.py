"""``[gallery]``: a grid of linked thumbnails with captions.

The images are the ``ids``/``include`` list (in the order given) or the post's attached
images; themes without HTML5 gallery support get ``<dl>`` markup and an inline ``<style>``."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from broadsheet.render.context import Attachment, RenderContext
from broadsheet.render.escape import esc_html, esc_url, sanitize_html_class
from broadsheet.render.images import attachment_image, render_state
from broadsheet.render.shortcodes.environment import (
    rendered_post_id,
    theme_supports_html5,
    wp_version,
)
from broadsheet.render.shortcodes.kses import POST_TAG_ATTRS
from broadsheet.render.shortcodes.registry import Shortcodes
from broadsheet.render.shortcodes.values import PHP_TRIM, php_empty, php_int, shortcode_atts
from broadsheet.render.texturize import wptexturize
from broadsheet.store.collation import fold  # MySQL's case- and accent-blind order

__all__ = ["gallery_shortcode"]

_ID_LIST_SPLIT = re.compile(r"[ \t\n\r\f\v,]+")
_TAG_NAME_CHARS = re.compile(r"[^a-zA-Z0-9-_:]")


def _id_list(value: str) -> list[int]:
    """wp_parse_id_list(): absolute integers, duplicates removed, order kept."""
    ids: list[int] = []
    for piece in _ID_LIST_SPLIT.split(value):
        number = abs(php_int(piece))
        if piece != "" and number not in ids:
            ids.append(number)
    return ids


def _gallery_attachments(
    atts: Mapping[str, str], post_id: int, ctx: RenderContext
) -> list[Attachment]:
    """The gallery's images: ``include`` (= ``ids``), else the post's attached images."""
    if not php_empty(atts["include"]):
        found = [ctx.attachment(i) for i in _id_list(atts["include"])]
        images = [a for a in found if a is not None and a.mime_type.startswith("image/")]
        if atts["orderby"] == "post__in":
            return images
    else:
        lookup = getattr(ctx, "attached_media", None)
        images = list(lookup(post_id, "image/")) if lookup else []
        if not php_empty(atts["exclude"]):
            excluded = set(_id_list(atts["exclude"]))
            images = [a for a in images if a.id not in excluded]
    key: Callable[[Attachment], Any] = (
        (lambda a: fold(a.title)) if atts["orderby"].lower() == "title" else (lambda a: a.id)
    )
    return sorted(images, key=key, reverse=atts["order"].upper() == "DESC")


def _attachment_link(
    attachment: Attachment, size: str, permalink: bool, attrs: Mapping[str, str], ctx: RenderContext
) -> str:
    """wp_get_attachment_link(): the image (or title) linked to the file or attachment page."""
    url = attachment.link if permalink and attachment.link else attachment.url
    text = attachment_image(attachment, size, ctx, attrs)
    if not text.strip(PHP_TRIM):
        text = attachment.title
    if not text.strip(PHP_TRIM):
        text = esc_html(attachment.file.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return f"<a href='{esc_url(url)}'>{text}</a>"


def _gallery_style(selector: str, columns: int, ctx: RenderContext) -> str:
    """The inline ``<style>`` block galleries get when the theme lacks HTML5 gallery support."""
    html5_style = wp_version(ctx) >= (7, 0, 0) or theme_supports_html5(ctx, "style")
    type_attr = "" if html5_style else ' type="text/css"'
    item_width = math.floor(100 / columns) if columns > 0 else 100
    return (
        f"\n\t\t<style{type_attr}>\n\t\t\t#{selector} {{\n\t\t\t\tmargin: auto;\n\t\t\t}}\n"
        f"\t\t\t#{selector} .gallery-item {{\n\t\t\t\tfloat: left;\n\t\t\t\tmargin-top: 10px;\n"
        f"\t\t\t\ttext-align: center;\n\t\t\t\twidth: {item_width}%;\n\t\t\t}}\n"
        f"\t\t\t#{selector} img {{\n\t\t\t\tborder: 2px solid #cfcfcf;\n\t\t\t}}\n"
        f"\t\t\t#{selector} .gallery-caption {{\n\t\t\t\tmargin-left: 0;\n\t\t\t}}\n"
        "\t\t\t/* see gallery_shortcode() in wp-includes/media.php */\n\t\t</style>\n\t\t"
    )


def _html_tag(value: str, fallback: str) -> str:
    """tag_escape() and the kses whitelist check the gallery applies to its three tag names."""
    tag = _TAG_NAME_CHARS.sub("", value).lower()
    return tag if tag in POST_TAG_ATTRS else fallback


@dataclass(frozen=True)
class _GalleryLayout:
    """The markup choices of one gallery: element names, columns and the link target."""

    selector: str
    item_tag: str
    icon_tag: str
    caption_tag: str
    columns: int
    size: str
    link: str
    html5: bool


def _gallery_settings(attrs: Mapping[str, str], ctx: RenderContext) -> dict[str, str]:
    """shortcode_atts() for ``[gallery]``; ``ids`` becomes ``include`` ordered as listed."""
    merged = dict(attrs)
    if not php_empty(merged.get("ids")):
        if php_empty(merged.get("orderby")):
            merged["orderby"] = "post__in"
        merged["include"] = merged["ids"]
    html5 = theme_supports_html5(ctx, "gallery")
    defaults = {
        "order": "ASC", "orderby": "menu_order ID", "id": str(rendered_post_id(ctx)),
        "itemtag": "figure" if html5 else "dl", "icontag": "div" if html5 else "dt",
        "captiontag": "figcaption" if html5 else "dd", "columns": "3", "size": "thumbnail",
        "include": "", "exclude": "", "link": "",
    }  # fmt: skip
    return shortcode_atts(defaults, merged)


def _gallery_item(
    attachment: Attachment, layout: _GalleryLayout, ctx: RenderContext, registry: Shortcodes
) -> str:
    """One ``gallery-item``: the (linked) image and its texturized caption."""
    caption = attachment.caption.strip(PHP_TRIM)
    image_attrs = {"aria-describedby": f"{layout.selector}-{attachment.id}"} if caption else {}
    if layout.link == "none":
        image = attachment_image(attachment, layout.size, ctx, image_attrs)
    else:
        permalink = layout.link != "file"
        image = _attachment_link(attachment, layout.size, permalink, image_attrs, ctx)
    orientation = ""
    if attachment.width or attachment.height:
        orientation = "portrait" if attachment.height > attachment.width else "landscape"
    icon = layout.icon_tag
    item = f"<{layout.item_tag} class='gallery-item'>"
    item += f"\n\t\t\t<{icon} class='gallery-icon {orientation}'>\n\t\t\t\t{image}\n\t\t\t</{icon}>"
    if layout.caption_tag and caption:
        texturized = wptexturize(attachment.caption, shortcode_names=registry.names)
        item += (
            f"\n\t\t\t\t<{layout.caption_tag} class='wp-caption-text gallery-caption' "
            f"id='{layout.selector}-{attachment.id}'>\n\t\t\t\t{texturized}\n\t\t\t\t</{layout.caption_tag}>"
        )
    return item + f"</{layout.item_tag}>"


def gallery_shortcode(
    attrs: dict[str, str], content: str | None, ctx: RenderContext, registry: Shortcodes
) -> str:
    """``[gallery]``: a grid of linked thumbnails with captions."""
    instance = render_state(ctx).instance("gallery")
    atts = _gallery_settings(attrs, ctx)
    gallery_id = php_int(atts["id"])
    attachments = _gallery_attachments(atts, gallery_id, ctx)
    if not attachments:
        return ""
    layout = _GalleryLayout(
        selector=f"gallery-{instance}", item_tag=_html_tag(atts["itemtag"], "dl"),
        icon_tag=_html_tag(atts["icontag"], "dt"), caption_tag=_html_tag(atts["captiontag"], "dd"),
        columns=php_int(atts["columns"]), size=atts["size"], link=atts["link"],
        html5=theme_supports_html5(ctx, "gallery"),
    )  # fmt: skip
    columns = layout.columns
    output = "" if layout.html5 else _gallery_style(layout.selector, columns, ctx)
    output += (
        f"<div id='{layout.selector}' class='gallery galleryid-{gallery_id} gallery-columns-{columns} "
        f"gallery-size-{sanitize_html_class(layout.size)}'>"
    )
    for count, attachment in enumerate(attachments, start=1):
        output += _gallery_item(attachment, layout, ctx, registry)
        if not layout.html5 and columns > 0 and count % columns == 0:
            output += '<br style="clear: both" />'
    if not layout.html5 and columns > 0 and len(attachments) % columns != 0:
        output += "\n\t\t\t<br style='clear: both' />"
    return output + "\n\t\t</div>\n"
