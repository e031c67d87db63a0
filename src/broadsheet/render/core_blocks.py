"""Core dynamic blocks a news archive needs, and core's block-specific render filters.

``register_core_blocks`` installs, on a :class:`BlockRegistry`:

* ``core/latest-posts`` — the list of recent posts (``ctx.latest_posts``), as WordPress 6.1
  renders it (titles through the title filters, optional featured image/author/date/excerpt);
* ``core/shortcode`` — ``wpautop`` over the saved shortcode text (shortcodes run later);
* ``core/file`` — the PDF embed ``aria-label`` rewrite;
* ``core/gallery`` — the per-request ``wp-block-gallery-N`` class;
* ``core/image`` — the ``data-id`` that a gallery hands its inner images (``render_block_data``);
* for themes without ``theme.json`` (the oracle's Twenty Twenty-One, ``theme_json=False``):
  the group block's ``wp-block-group__inner-container`` div and the outer ``<div>`` of aligned
  image blocks, as ``render_block_core/group`` and ``render_block_core/image`` filters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from broadsheet.render.autop import wpautop
from broadsheet.render.blocks import Block, BlockRegistry, add_class_to_first_tag, version_tuple
from broadsheet.render.context import PostSummary, RenderContext
from broadsheet.render.escape import esc_attr, esc_url
from broadsheet.render.images import attachment_image, render_state
from broadsheet.render.php import PCRE_SPACE as _S
from broadsheet.render.php import php_string
from broadsheet.render.phpdate import format_date
from broadsheet.render.pipeline import the_title

__all__ = ["register_core_blocks"]

# --------------------------------------------------------------------------------------------
# Attribute defaults and validation (block.json of core/latest-posts)
# --------------------------------------------------------------------------------------------

_LATEST_POSTS_ATTRIBUTES: dict[str, tuple[type | tuple[type, ...], Any]] = {
    "postsToShow": ((int, float), 5),
    "displayPostContent": (bool, False),
    "displayPostContentRadio": (str, "excerpt"),
    "excerptLength": ((int, float), 55),
    "displayAuthor": (bool, False),
    "displayPostDate": (bool, False),
    "postLayout": (str, "list"),
    "columns": ((int, float), 3),
    "order": (str, "desc"),
    "orderBy": (str, "date"),
    "align": (str, None),
    "className": (str, None),
    "categories": (list, None),
    "displayFeaturedImage": (bool, False),
    "featuredImageAlign": (str, None),
    "featuredImageSizeSlug": (str, "thumbnail"),
    "featuredImageSizeWidth": ((int, float), None),
    "featuredImageSizeHeight": ((int, float), None),
    "addLinkToFeaturedImage": (bool, False),
}


def _valid(value: Any, kind: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and kind is not bool:
        return False
    return isinstance(value, kind)


def _attributes(block: Block, schema: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
    """Block attributes with invalid values dropped and defaults filled in (WP_Block_Type)."""
    given = block.attrs or {}
    result: dict[str, Any] = {}
    for name, (kind, default) in schema.items():
        value = given.get(name)
        if name in given and _valid(value, kind):
            result[name] = value
        elif default is not None:
            result[name] = default
    return result


def _php_number(value: Any) -> str:
    """A number as PHP prints it in a string (``3``, ``2.5``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _post_datetime(post: PostSummary, timezone: str) -> datetime:
    try:
        zone = ZoneInfo(timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return datetime.fromisoformat(post.date).replace(tzinfo=zone)


# --------------------------------------------------------------------------------------------
# core/latest-posts
# --------------------------------------------------------------------------------------------


def _category_ids(value: Any) -> list[int]:
    if isinstance(value, str) and value.strip().isdigit():
        return [int(value)]
    if not isinstance(value, list):
        return []
    return [int(item["id"]) for item in value if isinstance(item, dict) and "id" in item]


def _featured_image(post: PostSummary, attrs: dict[str, Any], title: str, ctx: RenderContext) -> str:
    """The post's thumbnail as ``get_the_post_thumbnail`` prints it, in its wrapper."""
    style = ""
    if "featuredImageSizeWidth" in attrs:
        style += f"max-width:{php_string(attrs['featuredImageSizeWidth'])}px;"
    if "featuredImageSizeHeight" in attrs:
        style += f"max-height:{php_string(attrs['featuredImageSizeHeight'])}px;"
    classes = "wp-block-latest-posts__featured-image"
    if attrs.get("featuredImageAlign"):
        classes += " align" + attrs["featuredImageAlign"]
    size = attrs["featuredImageSizeSlug"]
    attachment = ctx.attachment(post.featured_media)
    image = ""
    if attachment is not None:
        image_attrs = {"class": f"attachment-{size} size-{size} wp-post-image", "style": esc_attr(style)}
        image = attachment_image(attachment, size, ctx, image_attrs)
    if attrs["addLinkToFeaturedImage"]:
        image = f'<a href="{esc_url(post.link)}" aria-label="{esc_attr(title)}">{image}</a>'
    return f'<div class="{esc_attr(classes)}">{image}</div>'


def _latest_post_item(post: PostSummary, attrs: dict[str, Any], ctx: RenderContext) -> str:
    link = esc_url(post.link)
    title = the_title(f"Protected: {post.title}" if post.protected else post.title) or "(no title)"
    item = "<li>"
    if attrs["displayFeaturedImage"] and post.featured_media:
        item += _featured_image(post, attrs, title, ctx)
    item += f'<a class="wp-block-latest-posts__post-title" href="{link}">{title}</a>'
    if attrs["displayAuthor"] and post.author_name:
        item += f'<div class="wp-block-latest-posts__post-author">by {post.author_name}</div>'
    if attrs["displayPostDate"]:
        when = _post_datetime(post, ctx.options.timezone)
        item += (
            f'<time datetime="{esc_attr(format_date("c", when))}" '
            f'class="wp-block-latest-posts__post-date">'
            f"{format_date(ctx.options.date_format, when)}</time>"
        )
    if attrs["displayPostContent"] and attrs["displayPostContentRadio"] == "excerpt":
        item += f'<div class="wp-block-latest-posts__post-excerpt">{post.excerpt}</div>'
    return item + "</li>\n"


def _latest_posts_class(attrs: dict[str, Any]) -> str:
    classes = "wp-block-latest-posts__list"
    if attrs["postLayout"] == "grid":
        classes += " is-grid columns-" + _php_number(attrs["columns"])
    if attrs["displayPostDate"]:
        classes += " has-dates"
    if attrs["displayAuthor"]:
        classes += " has-author"
    supports = []
    if attrs.get("align"):
        supports.append("align" + attrs["align"])
    if attrs.get("className"):
        supports.append(attrs["className"])
    supports.append("wp-block-latest-posts")
    return classes + " " + " ".join(supports)


def render_latest_posts(block: Block, content: str, ctx: RenderContext) -> str:
    """``core/latest-posts``: a list of the newest published posts."""
    attrs = _attributes(block, _LATEST_POSTS_ATTRIBUTES)
    posts: Sequence[PostSummary] = ctx.latest_posts(
        number=int(attrs["postsToShow"]),
        categories=_category_ids((block.attrs or {}).get("categories")),
        order=attrs["order"],
        orderby=attrs["orderBy"],
    )
    items = "".join(_latest_post_item(post, attrs, ctx) for post in posts)
    return f'<ul class="{esc_attr(_latest_posts_class(attrs))}">{items}</ul>'


# --------------------------------------------------------------------------------------------
# core/shortcode, core/file
# --------------------------------------------------------------------------------------------


def render_shortcode_block(block: Block, content: str, ctx: RenderContext) -> str:
    """``core/shortcode``: paragraphs around the saved text; the shortcodes run later."""
    return wpautop(content, math_block=version_tuple(ctx.options.wp_version) < (6, 2))


_PDF_OBJECT_LABEL = re.compile(
    r"<object.+(?P<attribute>aria-label=\"(?P<filename>[^\"]+)?\")", re.I
)


def _pdf_label(match: re.Match[str]) -> str:
    filename = match.group("filename") or ""
    label = f"Embed of {filename}." if filename and filename != "PDF embed" else "PDF embed"
    return match.group(0).replace(match.group("attribute"), f'aria-label="{label}"')


def render_file_block(block: Block, content: str, ctx: RenderContext) -> str:
    """``core/file``: name the embedded PDF in the ``<object>``'s ``aria-label``."""
    if "<object" not in content:
        return content
    return _PDF_OBJECT_LABEL.sub(_pdf_label, content)


# --------------------------------------------------------------------------------------------
# core/gallery, core/image
# --------------------------------------------------------------------------------------------


def render_gallery_block(block: Block, content: str, ctx: RenderContext) -> str:
    """``core/gallery``: a per-request ``wp-block-gallery-N`` class (its gap style goes to the
    page's head, not the content)."""
    class_name = "wp-block-gallery-" + render_state(ctx).instance("uid")
    if version_tuple(ctx.options.wp_version) < (6, 2):
        return content.replace('class="', f'class="{class_name} ', 1)
    return add_class_to_first_tag(content, class_name, _ANY_TAG)


class _AnyTag(frozenset[str]):
    """Every tag name (for :func:`add_class_to_first_tag`)."""

    def __contains__(self, name: object) -> bool:
        return True


_ANY_TAG = _AnyTag()
_IMG_TAG = re.compile(r"<img(?=[\s/>])", re.IGNORECASE)


def render_image_block(block: Block, content: str, ctx: RenderContext) -> str:
    """``core/image``: the ``data-id`` a gallery gave its images goes on the ``<img>`` (6.3+:
    an image block without an ``<img src>`` renders nothing)."""
    attrs = block.attrs or {}
    data_id = attrs.get("data-id")
    if version_tuple(ctx.options.wp_version) < (6, 2):
        if data_id is None:
            return content
        attribute = f'data-id="{esc_attr(php_string(data_id))}"'
        if attribute in content:
            return content
        return content.replace("<img", f"<img {attribute} ")
    return set_img_attribute(content, ctx, None if data_id is None else php_string(data_id))


def set_img_attribute(content: str, ctx: RenderContext, data_id: str | None) -> str:
    """The tag processor's ``set_attribute( 'data-id', … )`` on the first ``<img>``."""
    found = _IMG_TAG.search(content)
    if found is None:
        return "" if version_tuple(ctx.options.wp_version) >= (6, 3) else content
    end = content.find(">", found.end())
    tag = content[found.start() : end + 1 if end >= 0 else len(content)]
    if version_tuple(ctx.options.wp_version) >= (6, 3) and not _HAS_SRC.search(tag):
        return ""
    if data_id is None:
        return content
    value = esc_attr(data_id)
    existing = _DATA_ID.search(tag)
    if existing is not None:
        start = found.start() + existing.start()
        return content[:start] + f'data-id="{value}"' + content[found.start() + existing.end() :]
    return content[: found.end()] + f' data-id="{value}"' + content[found.end() :]


_HAS_SRC = re.compile(r"[\s/]src(?:\s*=|[\s/>])", re.IGNORECASE)
_DATA_ID = re.compile(r"data-id(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]*))?", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Classic-theme compatibility filters (themes without theme.json)
# --------------------------------------------------------------------------------------------

_IMAGE_WITH_ALIGN = re.compile(
    rf"(^{_S}*?<figure\b[^>]*?\bclass=[\"'])"
    r"([^\"']*?\bwp-block-image\b[^\"']*?\b(?:alignleft|alignright|aligncenter)\b[^\"']*?)"
    r"([\"'][^>]*?>.*?</figure>)",
    re.IGNORECASE,
)


def restore_image_outer_container(html: str, block: Block, ctx: RenderContext) -> str:
    """Wrap an aligned image block's ``<figure>`` in ``<div class="wp-block-image">``."""
    match = _IMAGE_WITH_ALIGN.search(html)
    if match is None:
        return html
    class_name = (block.attrs or {}).get("className")
    wrapper = ["wp-block-image"]
    if isinstance(class_name, str) and class_name:
        wrapper += class_name.split(" ")
    removed = wrapper if version_tuple(ctx.options.wp_version) < (6, 3) else [class_name]
    kept = [name for name in match.group(2).split(" ") if name not in removed]
    return (
        f'<div class="{" ".join(wrapper)}">{match.group(1)}{" ".join(kept)}{match.group(3)}</div>'
    )


def _group_tag(block: Block) -> str:
    tag = (block.attrs or {}).get("tagName")
    return re.escape(tag) if isinstance(tag, str) and tag else "div"


def restore_group_inner_container(html: str, block: Block, ctx: RenderContext) -> str:
    """Add the ``wp-block-group__inner-container`` div themes without theme.json expect."""
    tag = _group_tag(block)
    layout = (block.attrs or {}).get("layout")
    kind = layout.get("type") if isinstance(layout, dict) else None
    modern = version_tuple(ctx.options.wp_version) >= (6, 3)
    if kind == "flex" or (modern and kind == "grid"):
        return html
    already = rf"^{_S}*<{tag}\b[^>]*wp-block-group(?:{_S}|\")[^>]*>{_S}*<div\b[^>]*wp-block-group__inner-container(?:{_S}|\")"
    if re.search(already, html):
        return html
    moved: list[str] = []
    if modern:
        html, moved = _without_layout_classes(html)
    inner_class = " ".join(["wp-block-group__inner-container", *moved])
    wrap = re.compile(
        rf"(^{_S}*<{tag}\b[^>]*wp-block-group[^>]*>)(.*)(</{tag}>{_S}*$)", re.M | re.S
    )
    return wrap.sub(lambda m: f'{m[1]}<div class="{inner_class}">{m[2]}</div>{m[3]}', html)


def _without_layout_classes(html: str) -> tuple[str, list[str]]:
    """Take the ``is-layout-*`` classes off the group's own tag (newer WordPress moves them)."""
    match = re.search(r"<[a-zA-Z][^>]*\bclass=\"([^\"]*\bwp-block-group\b[^\"]*)\"", html)
    if match is None:
        return html, []
    names = match.group(1).split()
    moved = [name for name in names if "is-layout-" in name]
    kept = " ".join(name for name in names if "is-layout-" not in name)
    return html[: match.start(1)] + kept + html[match.end(1) :], moved


def register_core_blocks(registry: BlockRegistry, *, theme_json: bool = False) -> None:
    """Register core's dynamic blocks (and, for classic themes, core's compatibility filters)."""
    registry.register("core/latest-posts", render_latest_posts)
    registry.register("core/shortcode", render_shortcode_block)
    registry.register("core/file", render_file_block)
    registry.register("core/gallery", render_gallery_block)
    registry.register("core/image", render_image_block)
    if not theme_json:
        registry.add_filter(restore_group_inner_container, "core/group")
        registry.add_filter(restore_image_outer_container, "core/image")
