"""Items of a WXR as our models: each ``<item>`` becomes an entry (a post with its meta, term ids
and comments, see :mod:`.batch`); the settings file's revisions become revision posts.

Posts, pages, attachments and registered custom post types of every status keep the ids, slugs,
dates (local and GMT, drafts' zero GMT date included), passwords, guids, parents, menu order,
comment/ping status, post format and page template of the file; all post meta stays raw
(PHP-serialized values stay serialized, as in ``wp_postmeta``), ``_wp_old_slug`` too. Posts of
the types Broadsheet renders are stored ``rendered_by = 'pending'``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...settings import SiteSettings
from ...store.models import Post
from ..rendering import PENDING
from ..wpjson import ImportError_, to_int
from .batch import Entry
from .comments import comment_from
from .mime import mime_type_for
from .records import ItemRecord
from .sticky import StickyPosts
from .terms import Terms
from .users import Users
from .values import date, number

__all__ = ["CORE_POST_TYPES", "Items", "revisions"]

# Post types WordPress itself registers (an export of "all content" carries many of them).
CORE_POST_TYPES = frozenset({
    "post", "page", "attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset",
    "oembed_cache", "user_request", "wp_block", "wp_template", "wp_template_part",
    "wp_global_styles", "wp_navigation", "wp_font_family", "wp_font_face",
})  # fmt: skip
_RENDERED_CORE_TYPES = frozenset({"post", "page", "attachment", "wp_block"})


class Items:
    """Item records into entries, with the import's users, terms and sticky flags."""

    def __init__(
        self, settings: dict[str, Any], extra: Mapping[str, Any], spam: Mapping[int, int],
        users: Users, terms: Terms, sticky: StickyPosts,
    ) -> None:  # fmt: skip
        custom = {
            str(t.get("name"))
            for t in SiteSettings(settings)["post_types"] or []
            if isinstance(t, dict)
        }
        self.known_types = CORE_POST_TYPES | custom
        self.rendered_types = _RENDERED_CORE_TYPES | custom
        self.mime_types = {
            int(k): str(v) for k, v in (extra.get("attachment_mime_types") or {}).items()
            if str(k).isdigit()
        }  # fmt: skip
        self.spam = spam
        self.users = users
        self.terms = terms
        self.sticky = sticky

    def entry(self, record: ItemRecord) -> Entry:
        """The entry of an ``<item>``; :class:`ImportError_` for a bad id, type, date or number."""
        fields = record.fields
        post_id = number(fields.get("post_id"), "an <item>'s wp:post_id")
        what = f"item {post_id}"
        if post_id <= 0:
            raise ImportError_(
                f"an <item> without a valid wp:post_id (title {fields.get('title', '')[:60]!r})"
            )
        post_type = fields.get("post_type") or "post"
        if post_type not in self.known_types:
            raise ImportError_(
                f"{what} has the unknown post type {post_type!r}; register it in the settings file's"
                " post_types to import it"
            )
        meta: dict[str, list[str]] = {}
        for key, value in record.meta:
            meta.setdefault(key, []).append(value)
        term_ids, post_format = self.terms.for_post(record.terms)
        posted = date(fields.get("post_date"), f"{what}: wp:post_date")
        posted_gmt = date(fields.get("post_date_gmt"), f"{what}: wp:post_date_gmt")
        status = fields.get("status") or ("inherit" if post_type == "attachment" else "publish")
        template = (meta.get("_wp_page_template") or [""])[0]
        post = Post(
            id=post_id, type=post_type, status=status, date=posted, date_gmt=posted_gmt,
            modified=date(fields.get("post_modified"), f"{what}: wp:post_modified", posted),
            modified_gmt=date(fields.get("post_modified_gmt"), f"{what}: wp:post_modified_gmt", posted_gmt),
            author=self.users.author_id(fields.get("creator", "")),
            parent=number(fields.get("post_parent"), f"{what}: wp:post_parent"),
            menu_order=number(fields.get("menu_order"), f"{what}: wp:menu_order"),
            slug=fields.get("post_name", ""), password=fields.get("post_password", ""),
            comment_status=fields.get("comment_status") or "closed",
            ping_status=fields.get("ping_status") or "closed",
            guid=fields.get("guid", ""), mime_type=self._mime_type(post_id, post_type, fields, meta),
            template="" if template == "default" else template, format=post_format,
            title_raw=fields.get("title", ""), content_raw=fields.get("content", ""),
            excerpt_raw=fields.get("excerpt", ""),
            rendered_by=PENDING if post_type in self.rendered_types else "source",
        )  # fmt: skip
        self.sticky.note(post, fields.get("is_sticky", "0").strip() == "1")
        comments = [comment_from(post_id, c, self.spam) for c in record.comments]
        return Entry(post, meta, term_ids, comments)

    def _mime_type(self, post_id: int, post_type: str, fields: Mapping[str, str],
                   meta: Mapping[str, list[str]]) -> str:  # fmt: skip
        if post_type != "attachment":
            return ""
        if post_id in self.mime_types:
            return self.mime_types[post_id]
        file = (
            (meta.get("_wp_attached_file") or [""])[0]
            or fields.get("attachment_url", "")
            or fields.get("guid", "")
        )
        return mime_type_for(file) or "application/octet-stream"


def revisions(extra: Mapping[str, Any]) -> Iterator[Entry]:
    """The entries of the revisions the settings file lists (``not_in_wxr.revisions``)."""
    for data in extra.get("revisions") or []:
        if isinstance(data, dict) and str(data.get("id", "")).isdigit():
            yield Entry(_revision(data), {}, [], [])


def _revision(data: Mapping[str, Any]) -> Post:
    rid = int(data["id"])
    posted = date(str(data.get("date") or ""), f"revision {rid}: date")
    posted_gmt = date(str(data.get("date_gmt") or ""), f"revision {rid}: date_gmt")
    return Post(
        id=rid, type="revision", status="inherit", date=posted, date_gmt=posted_gmt,
        modified=date(str(data.get("modified") or ""), f"revision {rid}: modified", posted),
        modified_gmt=date(str(data.get("modified_gmt") or ""), f"revision {rid}: modified_gmt", posted_gmt),
        author=to_int(data.get("author")), parent=to_int(data.get("parent")), slug=str(data.get("slug") or ""),
        comment_status="closed", ping_status="closed", title_raw=str(data.get("title") or ""),
        content_raw=str(data.get("content") or ""), excerpt_raw=str(data.get("excerpt") or ""),
    )  # fmt: skip
