"""Visual Link Preview (Bootstrapped Ventures): the dynamic ``visual-link-preview/link`` block.

Two attribute shapes are rendered (plugin-fields.md §4):

* the real plugin's: one ``encoded`` attribute holding base64 JSON of the link (type, post,
  url, title, summary, image_id, image_url, template, nofollow, new_tab, custom_class). Internal
  links get the linked post's *current* permalink at render time. The output is the plugin's
  built-in "basic" dynamic template: an empty overlay anchor, then the ``side`` zone (image,
  block uid 2) and the ``main`` zone (title uid 0, summary uid 1), no whitespace between tags;
* the oracle's stand-in: plain ``url``/``title``/``summary``/``image_url``/``template``/
  ``className`` attributes, rendered to the same card markup (every zone always present), the
  advgb class carried in ``className``.

Text is not texturized here: ``wptexturize`` runs over the whole content afterwards, so titles
get curly quotes in text while the ``title=""`` attribute keeps ``&quot;``.

Knowingly left out: other templates than "basic" (every template renders as basic), custom
templates stored in the site's options, and the full kses allow-list: titles and summaries keep
only inline tags (``a b strong em i br span p`` …) with ``class``/``href``/``title``-like
attributes; other tags are dropped (their text kept) and entities are normalised.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from broadsheet.compat import Compat
from broadsheet.extensions import Extension
from broadsheet.render.blocks import Block, BlockRegistry
from broadsheet.render.context import Attachment, RenderContext
from broadsheet.render.escape import (
    esc_attr,
    esc_html,
    esc_url,
    normalize_entities,
    sanitize_html_class,
)
from broadsheet.render.images import calculate_image_srcset, constrain_dimensions
from broadsheet.render.php import PHP_TRIM, php_int
from broadsheet.render.slugs import strip_tags

__all__ = ["BLOCK_NAME", "build", "register_blocks", "render_link_preview"]

BLOCK_NAME = "visual-link-preview/link"
_IMAGE_BOX = (150, 999)  # the basic template's image size

# --------------------------------------------------------------------------------------------
# WordPress sanitising helpers the plugin calls
# --------------------------------------------------------------------------------------------

_LESS_THAN_RUN = re.compile(r"<[^>]*?((?=<)|>|$)")
_TEXT_FIELD_SPACE = re.compile(r"[\r\n\t ]+")
_OCTET = re.compile(r"%[a-f0-9]{2}", re.IGNORECASE)
_SPACES = re.compile(r" +")
_NEWLINE = re.compile(r"(\r\n|\n\r|\n|\r)")


def _sanitize_text_field(value: str) -> str:
    """``sanitize_text_field``: no tags, no line breaks, single spaces, no ``%XX`` octets."""
    if "<" in value:
        value = _LESS_THAN_RUN.sub(lambda m: m[0] if ">" in m[0] else esc_html(m[0]), value)
        value = strip_tags(value).strip(PHP_TRIM)
    value = _TEXT_FIELD_SPACE.sub(" ", value).strip(PHP_TRIM)
    found = False
    while _OCTET.search(value):
        value = _OCTET.sub("", value)
        found = True
    if found:
        value = _SPACES.sub(" ", value).strip(PHP_TRIM)
    return value


_KSES_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>|<")
_KSES_ATTRIBUTE = re.compile(
    r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:[ \t\n\r\f]*=[ \t\n\r\f]*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?"
)
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "ins", "mark", "p", "q", "s"}
    | {"small", "span", "strong", "sub", "sup", "u"}
)
_SAFE_ATTRIBUTES = frozenset({"class", "dir", "href", "id", "lang", "rel", "target", "title"})


def _kses_attributes(raw: str) -> str:
    kept = []
    for name, value in _KSES_ATTRIBUTE.findall(raw):
        name = name.lower()
        value = value[1:-1] if value[:1] in ('"', "'") else value
        if name not in _SAFE_ATTRIBUTES:
            continue
        if name == "href":
            value = esc_url(value)
            if not value:
                continue
        kept.append(f' {name}="{esc_attr(value)}"')
    return "".join(kept)


def _kses_tag(match: re.Match[str]) -> str:
    if match.group(2) is None:
        return "&lt;" if match.group(0) == "<" else match.group(0)
    closing, name = match.group(1), match.group(2).lower()
    if name not in _INLINE_TAGS:
        return ""
    if closing:
        return f"</{name}>"
    self_closing = " /" if match.group(3).rstrip().endswith("/") else ""
    return f"<{name}{_kses_attributes(match.group(3))}{self_closing}>"


def _kses_tag_keeping_lone_less_than(match: re.Match[str]) -> str:
    return match.group(0) if match.group(2) is None else _kses_tag(match)


def _kses_post(value: str) -> str:
    """A reduced ``wp_kses_post``: inline tags with safe attributes, entities normalised."""
    if "<" in value:
        value = _KSES_TAG.sub(_kses_tag, value)
    return normalize_entities(value)


def _esc_url_raw(url: str) -> str:
    """``esc_url_raw``: :func:`esc_url` without the display-only entity encoding."""
    return esc_url(url).replace("&#038;", "&").replace("&#039;", "'")


def _php_string(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)


# --------------------------------------------------------------------------------------------
# The real plugin's encoded link
# --------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _decode(encoded: str) -> dict[str, Any] | None:
    """``json_decode(base64_decode($encoded))`` when it yields an object (PHP refuses the
    ``NaN``/``Infinity`` that Python's parser accepts)."""
    try:
        raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=False)
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) and value else None


def _link_properties(data: dict[str, Any], ctx: RenderContext) -> dict[str, Any]:
    """The sanitised link (``VLP_Link::__construct``)."""
    kind = data.get("type") if data.get("type") in ("internal", "external") else False
    url = data.get("url")
    if kind == "internal":
        post_id = php_int(data.get("post"))
        url = (ctx.permalink(post_id) or "") if post_id else ""
    external = kind == "external"
    return {
        "type": kind,
        "url": _esc_url_raw(_php_string(url)),
        "image_id": php_int(data["image_id"]) if "image_id" in data else 0,
        "image_url": _esc_url_raw(_php_string(data.get("image_url"))),
        "title": _sanitize_text_field(_php_string(data.get("title"))),
        "summary": _kses_post(_NEWLINE.sub(r"<br />\1", _php_string(data.get("summary")))),
        "custom_class": _sanitize_text_field(_php_string(data.get("custom_class"))),
        "nofollow": bool(data["nofollow"]) if data.get("nofollow") is not None else external,
        "new_tab": bool(data["new_tab"]) if data.get("new_tab") is not None else external,
    }


def _overlay_link(link: Mapping[str, Any]) -> str:
    if not link["url"]:
        return ""
    attrs = [("href", link["url"]), ("class", "vlp-link"), ("title", link["title"])]
    if link["nofollow"]:
        attrs.append(("rel", "nofollow"))
    if link["new_tab"]:
        attrs.append(("target", "_blank"))
    return "<a" + "".join(f' {k}="{esc_attr(v)}"' for k, v in attrs) + "></a>"


def _attachment_image(attachment: Attachment, ctx: RenderContext) -> str:
    """``wp_get_attachment_image($id, [150, 999])`` with the plugin's ``max-width`` style."""
    if not attachment.url:
        return ""
    width, height = constrain_dimensions(attachment.width, attachment.height, *_IMAGE_BOX)
    era = Compat.of(ctx.options.wp_version)
    attrs = {"src": attachment.url, "class": "attachment-150x999 size-150x999"}
    attrs["alt"] = strip_tags(attachment.alt).strip(PHP_TRIM)
    if era.at_least(6, 1) and not era.at_least(6, 4):
        attrs["decoding"] = "async"
    if not era.at_least(6, 4):
        attrs["loading"] = "lazy"
    srcset = calculate_image_srcset(
        (width, height), attachment.url, attachment, ctx.options.uploads_baseurl
    )
    if srcset and width:
        attrs["srcset"] = srcset
        attrs["sizes"] = f"(max-width: {width}px) 100vw, {width}px"
    dims = " ".join(f'{k}="{v}"' for k, v in (("width", width), ("height", height)) if v)
    style = f' style="max-width: {width}px;"' if width else ""
    body = "".join(f' {k}="{esc_attr(v)}"' for k, v in attrs.items())
    return f"<img{style} {dims}{body} />" if dims else f"<img{style}{body} />"


def _image(link: Mapping[str, Any], ctx: RenderContext) -> str:
    image_id = link["image_id"]
    if image_id == -1 and link["image_url"]:
        src = esc_attr(link["image_url"])
        return f'<img src="{src}" style="max-width: 150px; max-height: 150px" />'
    attachment = ctx.attachment(image_id) if image_id > 0 else None
    return _attachment_image(attachment, ctx) if attachment is not None else ""


def _basic_template(link: Mapping[str, Any], ctx: RenderContext) -> str:
    """The "basic" dynamic template: side zone (image), then main zone (title, summary)."""
    side = ""
    if link["image_id"]:
        side = f'<div class="vlp-block-2 vlp-link-image">{_image(link, ctx)}</div>'
    main = ""
    if link["title"]:
        main += f'<div class="vlp-block-0 vlp-link-title">{link["title"]}</div>'
    # The plugin turns &lt;/&gt; back into </> (its "1.3.1 fix"); unlike the plugin we filter
    # the tags that this can create again, so an encoded <script> cannot come back to life.
    summary = link["summary"].replace("&lt;", "<").replace("&gt;", ">")
    if "<" in summary:
        summary = _KSES_TAG.sub(_kses_tag_keeping_lone_less_than, summary)
    if summary:
        main += f'<div class="vlp-block-1 vlp-link-summary">{summary}</div>'
    classes = "vlp-link-container vlp-layout-basic"
    if link["custom_class"]:
        classes += " " + link["custom_class"]
    zones = ""
    if side:
        zones += f'<div class="vlp-layout-zone-side">{side}</div>'
    if main:
        zones += f'<div class="vlp-layout-zone-main">{main}</div>'
    return f'<div class="{esc_attr(classes)}">{_overlay_link(link)}{zones}</div>'


def render_encoded(encoded: str, ctx: RenderContext) -> str:
    """The real plugin's block output for an ``encoded`` attribute ("" when nothing to show)."""
    data = _decode(encoded.strip(PHP_TRIM))
    if data is None:
        return ""
    link = _link_properties(data, ctx)
    if not link["type"] or not (link["image_id"] or link["title"] or link["summary"]):
        return ""
    return _basic_template(link, ctx)


# --------------------------------------------------------------------------------------------
# The oracle's stand-in attributes
# --------------------------------------------------------------------------------------------

_STAND_IN_DEFAULTS = {
    "url": "",
    "title": "",
    "summary": "",
    "image_url": "",
    "template": "basic",
    "className": "",
}


def _stand_in_attributes(attrs: Mapping[str, Any]) -> dict[str, str]:
    """Attributes validated against their string type, defaults filled in."""
    return {
        name: attrs[name] if isinstance(attrs.get(name), str) else default
        for name, default in _STAND_IN_DEFAULTS.items()
    }


def render_stand_in(attrs: Mapping[str, Any]) -> str:
    """The oracle's stand-in rendering (every zone present, image only with ``image_url``)."""
    a = _stand_in_attributes(attrs)
    template = sanitize_html_class(a["template"])
    classes = f"vlp-link-container vlp-layout-{template} wp-block-visual-link-preview-link"
    if a["className"]:
        classes += " " + a["className"]
    image = f'<img src="{esc_url(a["image_url"])}" alt="" />' if a["image_url"] else ""
    return (
        f'<div class="{esc_attr(classes)}">'
        f'<a href="{esc_url(a["url"])}" class="vlp-link" title="{esc_attr(a["title"])}"></a>'
        f'<div class="vlp-layout-zone-side"><div class="vlp-block-2 vlp-link-image">{image}'
        "</div></div>"
        '<div class="vlp-layout-zone-main">'
        f'<div class="vlp-block-0 vlp-link-title">{_kses_post(a["title"])}</div>'
        f'<div class="vlp-block-1 vlp-link-summary">{_kses_post(a["summary"])}</div>'
        "</div></div>"
    )


# --------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------


def render_link_preview(block: Block, content: str, ctx: RenderContext) -> str:
    """Render callback of ``visual-link-preview/link`` (either attribute shape)."""
    attrs = block.attrs or {}
    if "encoded" in attrs:
        encoded = attrs["encoded"]
        return render_encoded(encoded, ctx) if isinstance(encoded, str) else ""
    return render_stand_in(attrs)


def register_blocks(registry: BlockRegistry) -> None:
    """Register the Visual Link Preview block on a block registry."""
    registry.register(BLOCK_NAME, render_link_preview)


def build(config: dict[str, Any]) -> Extension:
    """The extension: no REST fields, one dynamic block."""
    return Extension(
        name="visual_link_preview",
        description="Visual Link Preview: the visual-link-preview/link block.",
        register_blocks=register_blocks,
        config=config,
    )
