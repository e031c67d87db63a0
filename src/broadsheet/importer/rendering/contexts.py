"""RenderContexts for stored posts.

:class:`ShippedContext` answers from what a job carries (in a worker process) and defers the
post when it is asked anything else; :class:`StoreRenderContext` answers from the database
(attachments, permalinks, the latest posts). Both keep WordPress's per-post state, and find a
post's cached oEmbed HTML under the meta key WordPress uses (:func:`oembed_cache_key`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ...db import Database, chunks
from ...permalinks import Permalinks
from ...render.context import Attachment, PostSummary, RenderOptions
from ...render.images import RenderState
from ...settings import SiteSettings
from ...site import Site
from ...store import posts as post_store
from ...store.cache import ContentCache
from ...store.collation import fast_fold
from ...store.models import Post
from ..wpjson import to_int
from .attachments import _ATTACHMENT_KEYS, _CACHE_LIMIT, AttachmentSource
from .config import RenderConfig

__all__ = ["ShippedContext", "StoreRenderContext", "oembed_cache_key"]


# --------------------------------------------------------------------------------------------
# oEmbed cache keys (WP_Embed::shortcode stores '_oembed_' . md5( $url . serialize( $attr ) ))
# --------------------------------------------------------------------------------------------


def _php_serialize_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        return f"d:{int(value) if value.is_integer() else repr(value)};"
    text = str(value)
    return f's:{len(text.encode("utf-8"))}:"{text}";'


def oembed_cache_key(url: str, attrs: Mapping[str, str], content_width: int = 0) -> str:
    """The post meta key under which WordPress caches an embed's HTML."""
    width = content_width or 500
    ceiling = math.ceil(width * 1.5)  # PHP: min( ceil( $width * 1.5 ), 1000 ), ceil() gives a float
    height: int | float = float(ceiling) if ceiling < 1000 else 1000
    merged: dict[str, Any] = {"width": width, "height": height}
    merged.update(attrs)
    body = "".join(_php_serialize_scalar(k) + _php_serialize_scalar(v) for k, v in merged.items())
    serialized = f"a:{len(merged)}:{{{body}}}"
    return "_oembed_" + hashlib.md5((url + serialized).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Contexts
# --------------------------------------------------------------------------------------------


class _Deferred(BaseException):
    """Raised in a worker when a post needs the database: the main process renders it.

    A BaseException, so no ``except Exception`` in rendering code can swallow it.
    """


class _PostScope:
    """Per-post state every context keeps (WordPress's per-request statics)."""

    options: RenderOptions

    def __init__(self) -> None:
        self.post_id = 0
        self.render_state = RenderState()
        self.attachment_prefix: str | None = None
        self._oembeds: Mapping[str, str] = {}
        self.content_width = 0

    def begin(self, post_id: int, oembeds: Mapping[str, str] | None = None) -> None:
        """Start rendering another post (fresh counters, its own oEmbed cache)."""
        self.post_id = post_id
        self.render_state = RenderState()
        self.attachment_prefix = None
        self._oembeds = oembeds or {}

    def oembed_html(self, url: str, attrs: Mapping[str, str]) -> str | None:
        """The cached oEmbed HTML for ``[embed]`` in the current post, if WordPress cached one."""
        return self._oembeds.get(oembed_cache_key(url, attrs, self.content_width))


class ShippedContext(_PostScope):
    """A RenderContext over what a job carries; anything else defers the post."""

    def __init__(self, options: RenderOptions, attachments: Mapping[int, AttachmentSource | None],
                 content_width: int = 0) -> None:  # fmt: skip
        super().__init__()
        self.options = options
        self._sources = attachments
        self._built: dict[int, Attachment | None] = {}
        self.content_width = content_width

    def attachment(self, attachment_id: int) -> Attachment | None:
        """A shipped attachment (None when it does not exist); unknown ids defer the post."""
        if attachment_id not in self._built:
            if attachment_id not in self._sources:
                raise _Deferred
            source = self._sources[attachment_id]
            self._built[attachment_id] = (
                source.build(self.options.uploads_baseurl) if source else None
            )
        return self._built[attachment_id]

    def permalink(self, post_id: int) -> str | None:
        """Not shipped: the post is rendered by the main process."""
        raise _Deferred

    def latest_posts(self, *, number: int, categories: Sequence[int] = (), order: str = "desc",
                     orderby: str = "date") -> list[PostSummary]:  # fmt: skip
        """Not shipped: the post is rendered by the main process."""
        raise _Deferred

    def attached_media(self, post_id: int, mime_prefix: str) -> list[Attachment]:
        """Not shipped: the post is rendered by the main process."""
        raise _Deferred


class StoreRenderContext(_PostScope):
    """A RenderContext answering from the database (attachments, permalinks, latest posts)."""

    def __init__(self, db: Database, settings: SiteSettings, config: RenderConfig) -> None:
        super().__init__()
        self.db = db
        self.options = config.options
        self.content_width = config.content_width
        self.site = Site(settings)
        self._sources: dict[int, AttachmentSource | None] = {}
        self._unlinked: set[int] = set()  # sources whose page link is not computed yet
        self._built: dict[int, Attachment | None] = {}
        self._latest: dict[Any, list[PostSummary]] = {}
        self.reset()

    def reset(self) -> None:
        """Drop cached rows (call between chunks to keep memory bounded)."""
        self.cache = ContentCache(self.db)
        self.links = Permalinks(self.site, self.cache)
        if len(self._sources) > _CACHE_LIMIT:
            self._sources.clear()
            self._unlinked.clear()
            self._built.clear()

    # -- attachments -------------------------------------------------------------------------
    def attachment_sources(
        self, ids: Sequence[int], *, final: bool = True, links: bool = True
    ) -> dict[int, AttachmentSource | None]:
        """What many attachments are built from (None for ids that are not attachments).

        With ``final=False`` (an import still writing) an attachment whose parent post is not
        stored yet counts as missing too, since its page link would still change. With
        ``links=False`` a source may come without its page link (``link == ""``), for content
        that cannot show it (see :func:`may_show_attachment_links`); a link is computed, from the
        rows as they were when the source was read, once some content needs it.
        """
        missing = [i for i in dict.fromkeys(ids) if i not in self._sources]
        for chunk in chunks(missing):
            self._load_sources(chunk, final)
        if links:
            self._link([i for i in dict.fromkeys(ids) if i in self._unlinked])
        return {i: self._sources.get(i) for i in ids}

    def before_replacing(self) -> None:
        """Stored posts are about to be replaced: compute the page links still missing now, so
        they come out as they would have when their sources were read."""
        self._link(list(self._unlinked))

    def _link(self, ids: list[int]) -> None:
        sources = [source for i in ids if (source := self._sources.get(i)) is not None]
        parents = [
            s.post.parent
            for s in sources
            if s.post.parent and not self.cache.has_post(s.post.parent)
        ]
        if parents:  # the parents' rows, for the attachment page links
            found = post_store.get_many(self.db, parents)
            self.cache.keep_posts({pid: found.get(pid) for pid in parents})
        for source in sources:
            self._sources[source.post.id] = replace(source, link=self.links.post(source.post))
        self._unlinked.difference_update(ids)

    def forget_missing(self, *, everything: bool = False) -> None:
        """Forget attachments found missing (or all: rows may have been replaced since)."""
        if everything:
            self._sources.clear()
            self._unlinked.clear()
            self._built.clear()
            return
        for key in [k for k, v in self._sources.items() if v is None]:
            del self._sources[key]

    def _load_sources(self, ids: list[int], final: bool = True) -> None:
        marks = ", ".join("?" for _ in ids)
        rows = self.db.all(
            "SELECT id, status, date, date_gmt, slug, parent, guid, mime_type, title_raw, excerpt_raw, author"
            f" FROM posts WHERE type = 'attachment' AND id IN ({marks})",
            ids,
        )
        meta: dict[int, dict[str, str]] = {}
        for post_id, key, value in self.db.all(
            f"SELECT post_id, key, value FROM postmeta WHERE post_id IN ({marks})"
            f" AND key IN ({', '.join('?' for _ in _ATTACHMENT_KEYS)}) ORDER BY position",
            [*ids, *_ATTACHMENT_KEYS],
        ):
            meta.setdefault(int(post_id), {}).setdefault(key, value)
        stored = self._stored_posts([int(r[5]) for r in rows if r[5]]) if not final else set()
        for attachment_id in ids:
            self._sources[attachment_id] = None
        for row in rows:
            if not final and row[5] and int(row[5]) not in stored:
                continue  # its parent is not stored yet
            post = Post(
                id=int(row[0]), type="attachment", status=row[1], date=row[2], date_gmt=row[3],
                modified=row[2], modified_gmt=row[3], slug=row[4], parent=int(row[5]), guid=row[6],
                mime_type=row[7], title_raw=row[8], excerpt_raw=row[9], author=int(row[10]),
            )  # fmt: skip
            self._sources[post.id] = AttachmentSource(post, meta.get(post.id, {}), "")
            self._unlinked.add(post.id)

    def _stored_posts(self, ids: list[int]) -> set[int]:
        """Which of these post ids are stored (rows already read count as they were read)."""
        found = {i for i in ids if self.cache.peek_post(i) is not None}
        unknown = [i for i in dict.fromkeys(ids) if not self.cache.has_post(i)]
        for part in chunks(unknown):
            rows = self.db.all(
                f"SELECT id FROM posts WHERE id IN ({', '.join('?' for _ in part)})", part
            )
            found.update(int(r[0]) for r in rows)
        return found

    def attachment(self, attachment_id: int) -> Attachment | None:
        """The attachment with this id, or None."""
        if attachment_id not in self._built:
            source = self.attachment_sources([attachment_id])[attachment_id]
            self._built[attachment_id] = (
                source.build(self.options.uploads_baseurl) if source else None
            )
        return self._built[attachment_id]

    def attachments(self, ids: Sequence[int]) -> dict[int, Attachment | None]:
        """Many attachments by id (None for ids that are not attachments)."""
        self.attachment_sources(ids)
        return {i: self.attachment(i) for i in ids}

    def attached_media(self, post_id: int, mime_prefix: str) -> list[Attachment]:
        """Attachments whose parent is ``post_id`` with a MIME type starting with the prefix."""
        rows = self.db.all(
            "SELECT id FROM posts WHERE type = 'attachment' AND parent = ? AND mime_type LIKE ?"
            " ORDER BY menu_order, id",
            (post_id, mime_prefix.replace("%", "") + "%"),
        )
        found = self.attachments([int(r[0]) for r in rows])
        return [a for a in found.values() if a is not None]

    # -- posts -------------------------------------------------------------------------------
    def permalink(self, post_id: int) -> str | None:
        """get_permalink() of a stored post, or None."""
        post = self.cache.post(post_id)
        return self.links.post(post) if post is not None else None

    def latest_posts(self, *, number: int, categories: Sequence[int] = (), order: str = "desc",
                     orderby: str = "date") -> list[PostSummary]:  # fmt: skip
        """Published posts, newest first (or by title), optionally in some categories."""
        key = (number, tuple(categories), order, orderby)
        if key not in self._latest:
            self._latest[key] = self._query_latest(number, categories, order, orderby)
        return self._latest[key]

    def _query_latest(
        self, number: int, categories: Sequence[int], order: str, orderby: str
    ) -> list[PostSummary]:
        direction = "ASC" if str(order).lower() == "asc" else "DESC"
        column = "title_key" if orderby == "title" else "date"
        where = "type = 'post' AND status = 'publish'"
        params: list[Any] = []
        if categories:
            marks = ", ".join("?" for _ in categories)
            where += (
                f" AND id IN (SELECT post_id FROM term_relationships WHERE term_id IN ({marks}))"
            )
            params.extend(int(c) for c in categories)
        if orderby == "title":
            # Titles folded here: an import stores the search keys only as it renders posts.
            titled = self.db.all(f"SELECT id, title_raw, title_rendered FROM posts WHERE {where}", params)
            titled.sort(key=lambda r: (fast_fold(r[1] if r[1] is not None else r[2]), int(r[0])),
                        reverse=direction == "DESC")  # fmt: skip
            ids = [int(r[0]) for r in titled[: max(int(number), 0)]]
        else:
            rows = self.db.all(
                f"SELECT id FROM posts WHERE {where} ORDER BY {column} {direction}, id {direction} LIMIT ?",
                [*params, max(int(number), 0)],
            )
            ids = [int(r[0]) for r in rows]
        self.cache.load_posts(ids)
        out = []
        for post_id in ids:
            post = self.cache.post(post_id)
            if post is None:
                continue
            author = self.cache.user(post.author)
            thumbnail = self.cache.meta_value(post_id, "_thumbnail_id")
            out.append(PostSummary(
                id=post.id, title=post.title_raw if post.title_raw is not None else post.title_rendered,
                link=self.links.post(post), date=post.date.replace(" ", "T"),
                author_name=author.display_name if author else "",
                featured_media=to_int(thumbnail), protected=bool(post.password),
            ))  # fmt: skip
        return out
