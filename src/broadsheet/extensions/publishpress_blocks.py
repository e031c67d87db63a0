"""PublishPress Blocks ("advgb"): the Content Display fields and block controls.

Fields on posts: author_meta, featured_img, coauthors, tax_additional, comment_count,
relative_dates, absolute_dates, absolute_dates_time, featured_img_caption, series_order; pages
get their own set and order (the plugin gives pages the full-size image or false; the oracle,
which is the judge, shows the medium size or null, as for posts). ``tax_additional`` reproduces the plugin's bug: every tag links to
the post's alphabetically last category. Computations follow docs/extensions.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .. import clock
from ..render.escape import esc_html, esc_url
from ..render.phpdate import format_date
from ..render.timediff import human_time_diff, next_change
from . import Extension, MetaKey, RestField

if TYPE_CHECKING:
    from ..rest.posts_view import PostView


def _author_link(view: PostView) -> str:
    return view.env.links.author(view.author)


def author_meta_post(view: PostView) -> dict[str, str]:
    """Posts: display_name, then author_link."""
    return {"display_name": view.author.display_name if view.author else "", "author_link": _author_link(view)}


def author_meta_page(view: PostView) -> dict[str, str]:
    """Pages: author_link first."""
    if not view.post.author:
        return {"author_link": "", "display_name": ""}
    return {"author_link": _author_link(view), "display_name": view.author.display_name if view.author else ""}


def _image_src(view: PostView, size: str) -> str | None:
    from ..rest.media_view import attachment_metadata

    thumb = view.thumbnail
    if thumb is None or not thumb.mime_type.startswith("image/"):
        return None
    url = view.env.links.attachment_url(thumb)
    if size == "full":
        return url
    meta = attachment_metadata(view.env, thumb.id)
    sizes = meta.get("sizes") if isinstance(meta.get("sizes"), dict) else {}
    chosen = sizes.get(size) if sizes else None
    if isinstance(chosen, dict) and chosen.get("file"):
        return url.rsplit("/", 1)[0] + "/" + str(chosen["file"])
    return url


def featured_img_post(view: PostView) -> str | None:
    """Medium-size URL of the featured image (the original when no medium exists), or null."""
    return _image_src(view, "medium")


def coauthors(view: PostView) -> list[Any]:
    """PublishPress Authors is not part of this stack: always []."""
    return []


def tax_additional(view: PostView) -> dict[str, Any]:
    """Linked and unlinked term HTML for categories and tags (with the plugin's tag-link bug)."""
    out: dict[str, Any] = {}
    cats = view.terms_in("category")
    last = None
    if cats:
        linked, unlinked = [], []
        for cat in cats:
            last = cat
            linked.append(f'<a href="{esc_url(view.env.links.term(cat))}" class="advgb-post-tax-term">{esc_html(cat.name)}</a>')
            unlinked.append(f'<span class="advgb-post-tax-term">{esc_html(cat.name)}</span>')
        out["categories"] = {"linked": linked, "unlinked": unlinked}
    tags = view.terms_in("post_tag")
    if tags:
        linked, unlinked = [], []
        for tag in tags:
            href = view.env.links.term(last) if last is not None else view.env.links.term(tag)
            linked.append(f'<a href="{esc_url(href)}" class="advgb-post-tax-term">{esc_html(tag.name)}</a>')
            unlinked.append(f'<span class="advgb-post-tax-term">{esc_html(tag.name)}</span>')
        out["tags"] = {"linked": linked, "unlinked": unlinked}
    return out


def comment_count(view: PostView) -> str:
    """get_comments_number(): the stored count, as the string the database returns."""
    return str(view.post.comment_count)


def _parse(value: str) -> datetime:
    return datetime(int(value[0:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]), int(value[14:16]),
                    int(value[17:19]))


def _as_utc_epoch(local: str) -> float:
    """get_the_date('U'): the local wall time read as if it were UTC."""
    return _parse(local).replace(tzinfo=UTC).timestamp()


def relative_dates(view: PostView) -> dict[str, str]:
    """'Posted N units ago' / 'Updated N units ago', and when that text will change."""
    now = clock.now()
    long_minutes = view.env.site.compat.time_diff_long_minutes
    created = _as_utc_epoch(view.post.date)
    modified = _as_utc_epoch(view.post.modified)
    state = view.request.state
    if state is not None and not clock.is_frozen():
        state.valid_until(min(next_change(created, now), next_change(modified, now)))
    return {
        "created": "Posted " + human_time_diff(created, now, long_minutes=long_minutes) + " ago",
        "modified": "Updated " + human_time_diff(modified, now, long_minutes=long_minutes) + " ago",
    }


def _local(view: PostView, value: str) -> datetime:
    return _parse(value).replace(tzinfo=view.env.site.tz)


def absolute_dates(view: PostView) -> dict[str, str]:
    """'Posted on {date}' in the site's date format."""
    fmt = str(view.env.site.settings["date_format"])
    return {"created": "Posted on " + format_date(fmt, _local(view, view.post.date)),
            "modified": "Updated on " + format_date(fmt, _local(view, view.post.modified))}


def absolute_dates_time(view: PostView) -> dict[str, str]:
    """The same with the time format appended."""
    settings = view.env.site.settings
    fmt = f"{settings['date_format']} {settings['time_format']}"
    return {"created": "Posted on " + format_date(fmt, _local(view, view.post.date)),
            "modified": "Updated on " + format_date(fmt, _local(view, view.post.modified))}


def featured_img_caption(view: PostView) -> str:
    """The featured image's raw caption, or ''."""
    thumb = view.thumbnail
    if thumb is None:
        return ""
    if thumb.excerpt_raw is not None:
        return thumb.excerpt_raw
    kept = view.post.fields.get("featured_img_caption")
    return kept if isinstance(kept, str) else ""


def series_order(view: PostView) -> Any:
    """The ``_series_part`` meta (PublishPress Series is not active), '' when unset."""
    value = view.meta("_series_part")
    if value is not None:
        return value
    kept = view.post.fields.get("series_order")
    return kept if kept is not None else ""


def build(config: dict[str, Any]) -> Extension:
    """The PublishPress Blocks extension."""
    post, page = ("post",), ("page",)
    fields = [
        RestField("author_meta", post, author_meta_post),
        RestField("featured_img", post, featured_img_post),
        RestField("coauthors", post, coauthors),
        RestField("tax_additional", post, tax_additional),
        RestField("comment_count", post, comment_count),
        RestField("relative_dates", post, relative_dates),
        RestField("absolute_dates", post, absolute_dates),
        RestField("absolute_dates_time", post, absolute_dates_time),
        RestField("featured_img_caption", post, featured_img_caption),
        RestField("series_order", post, series_order),
        RestField("coauthors", page, coauthors),
        RestField("author_meta", page, author_meta_page),
        RestField("relative_dates", page, relative_dates),
        RestField("absolute_dates", page, absolute_dates),
        RestField("absolute_dates_time", page, absolute_dates_time),
        RestField("featured_img_caption", page, featured_img_caption),
        RestField("featured_img", page, featured_img_post),
        RestField("series_order", page, series_order),
    ]
    meta = [MetaKey("advgb_blocks_editor_width", "string", "", ("post", "page")),
            MetaKey("advgb_blocks_columns_visual_guide", "string", "", ("post", "page"))]

    def register_blocks(registry: Any) -> None:
        from .publishpress_blocks_controls import register_block_filters

        register_block_filters(registry)

    def orderby_extras(post_type: str, args: dict[str, Any]) -> None:
        if post_type == "post" and "orderby" in args:
            for extra in ("rand", "comment_count"):
                if extra not in args["orderby"]["enum"]:
                    args["orderby"]["enum"].append(extra)

    return Extension("publishpress_blocks", "PublishPress Blocks content display fields", fields=fields,
                     meta_keys=meta, register_blocks=register_blocks, collection_params=orderby_extras,
                     config=config)
