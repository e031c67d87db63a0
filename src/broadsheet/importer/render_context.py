"""Rendering stored posts: a RenderContext over the database, and the render pass.

Posts imported from raw content (a WXR export) are stored with ``rendered_by = 'pending'``;
:func:`render_pending` renders every pending post and comment with Broadsheet's pipeline and
stores the result (``rendered_by = 'broadsheet'``). It runs after every row of an import is
written, so internal links and the Latest Posts block see the whole site.

Large imports render in worker processes. A worker never touches the database: each job
carries the posts and the attachments their content refers to (found by a scan of the raw
markup), and the worker's :class:`ShippedContext` answers from that. A post that asks for
anything else (a permalink, the latest posts, an attachment the scan missed) is handed back
and rendered in the main process with :class:`StoreRenderContext`, which answers from the
database. Both paths run the same code, so the result does not depend on the path.

Attachments render like WordPress's REST media objects: ``description.rendered`` is the
attachment's ``the_content`` with ``prepend_attachment``'s paragraph (the medium image or
the file link) in front, and ``caption.rendered`` is the excerpt pipeline over the same.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import extensions as ext
from .. import phpjson, phpserialize
from ..db import Database
from ..permalinks import Permalinks
from ..render.context import Attachment, ImageSize, PostSummary, RenderOptions
from ..render.escape import esc_html, esc_url
from ..render.images import RenderState, attachment_image, filter_content_tags
from ..render.pipeline import Renderer, default_renderer
from ..render.texturize import capital_p_dangit
from ..settings import SiteSettings
from ..site import Site
from ..store import writer
from ..store.cache import ContentCache
from ..store.models import Post

__all__ = [
    "PENDING",
    "RenderConfig",
    "RenderStats",
    "ShippedContext",
    "StoreRenderContext",
    "attachment_paragraph",
    "mark_for_rendering",
    "oembed_cache_key",
    "render_config",
    "render_pending",
]

PENDING = "pending"
_RENDERING_EXTENSIONS = ("visual_link_preview", "publishpress_blocks")
_CLASSIC_THEME_CONTENT_WIDTH = {"twentytwentyone": 750}
_ATTACHMENT_KEYS = ("_wp_attached_file", "_wp_attachment_metadata", "_wp_attachment_image_alt")
# Where raw markup names attachments by id: image classes, [caption id], gallery ids, block attrs.
_ATTACHMENT_REFERENCE = re.compile(
    r"""(?:wp-image-|attachment_|\bids=["']?|\binclude=["']?|"id":|"ids":\[|"mediaId":)([\d,\s]+)"""
)
_DIGITS = re.compile(r"\d+")
_PHP_TRIM = " \t\n\r\0\x0b"
_CACHE_LIMIT = 20000


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderConfig:
    """Everything a renderer needs besides the content (picklable, for worker processes)."""

    options: RenderOptions
    extensions: tuple[str, ...] = _RENDERING_EXTENSIONS
    theme_json: bool = False
    theme_image_style: bool = False  # Twenty Twenty-One's attachment image ``style``
    content_width: int = 0


def _timezone_name(settings: SiteSettings) -> str:
    """An IANA zone for the site (fixed whole-hour offsets map to Etc/GMT±N)."""
    name = str(settings["timezone_string"] or "")
    if name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        hours = float(settings["gmt_offset"] or 0)
    except (TypeError, ValueError):
        hours = 0.0
    if hours and hours.is_integer():
        return f"Etc/GMT{-int(hours):+d}"
    return "UTC"


def render_config(settings: SiteSettings) -> RenderConfig:
    """The rendering configuration of a site (options, extensions, theme behaviour)."""
    theme = settings["theme"] if isinstance(settings["theme"], dict) else {}
    stylesheet = str(theme.get("stylesheet") or theme.get("template") or "")
    options = RenderOptions(
        home=settings.home,
        uploads_baseurl=settings.uploads_baseurl.rstrip("/"),
        use_smilies=bool(settings["use_smilies"]),
        excerpt_length=int(settings["excerpt_length"] or 55),
        excerpt_more=str(settings["excerpt_more"]),
        locale=str(settings["locale"] or "en_US"),
        date_format=str(settings["date_format"] or "F j, Y"),
        time_format=str(settings["time_format"] or "g:i a"),
        timezone=_timezone_name(settings),
        wp_version=str(settings["wp_version"]),
        image_sizes=dict(settings["image_sizes"] or {}),
    )
    enabled = ext.enabled(settings["extensions"])
    return RenderConfig(
        options=options,
        extensions=tuple(name for name in _RENDERING_EXTENSIONS if name in enabled),
        theme_json=bool(theme.get("theme_json", False)),
        theme_image_style=stylesheet == "twentytwentyone",
        content_width=int(theme.get("content_width") or _CLASSIC_THEME_CONTENT_WIDTH.get(stylesheet, 0)),
    )


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
# Attachments
# --------------------------------------------------------------------------------------------


def _metadata(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    text = raw.strip()
    try:
        value = phpjson.loads(text) if text.startswith("{") else phpserialize.unserialize(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def build_attachment(post: Post, meta: Mapping[str, str], uploads_baseurl: str, link: str) -> Attachment:
    """An :class:`Attachment` from its post row and raw meta values."""
    file = meta.get("_wp_attached_file") or ""
    if file.startswith(("http://", "https://")):
        url = file
    elif file:
        url = f"{uploads_baseurl}/{file}"
    else:
        url = post.guid
    data = _metadata(meta.get("_wp_attachment_metadata"))
    sizes = data.get("sizes")
    renditions = tuple(
        ImageSize(
            str(name),
            str(size.get("file") or ""),
            _int(size.get("width")),
            _int(size.get("height")),
            str(size.get("mime-type") or size.get("mime_type") or ""),
        )
        for name, size in (sizes.items() if isinstance(sizes, dict) else ())
        if isinstance(size, dict)
    )
    return Attachment(
        id=post.id,
        url=url,
        file=file,
        mime_type=post.mime_type,
        width=_int(data.get("width")),
        height=_int(data.get("height")),
        sizes=renditions,
        alt=meta.get("_wp_attachment_image_alt") or "",
        caption=post.excerpt_raw or "",
        title=post.title_raw or "",
        link=link,
    )


def _php_round2(value: float) -> str:
    """PHP's ``round($x, 2)`` printed as PHP prints a float."""
    scaled = abs(value) * 100
    rounded = (int(scaled + 0.5) if scaled - int(scaled) != 0.5 else int(scaled) + 1) / 100
    rounded = -rounded if value < 0 else rounded
    return f"{rounded:.14G}"


def attachment_paragraph(
    renderer: Renderer, ctx: Any, attachment: Attachment, title_rendered: str, config: RenderConfig
) -> str:
    """``prepend_attachment``: the media player, or the medium image / file name linked to the file."""
    url = esc_url(attachment.url)
    if attachment.mime_type.startswith(("video/", "audio/")):
        kind = attachment.mime_type.split("/", 1)[0]
        dims = ""
        if kind == "video" and attachment.width and attachment.height:
            dims = f' width="{attachment.width}" height="{attachment.height}"'
        return renderer.shortcodes.do_shortcode(f'[{kind} src="{attachment.url}"{dims}]', ctx)
    image = attachment_image(attachment, "medium", ctx, wp_version=ctx.options.wp_version)
    if image and config.theme_image_style and attachment.width and attachment.height:
        ratio = _php_round2(100 * attachment.height / attachment.width)
        style = f"width:100%;height:{ratio}%;max-width:{attachment.width}px;"
        image = f'{image[:-3]} style="{style}" />'
    text = image
    if not text.strip(_PHP_TRIM):
        text = title_rendered
    if not text.strip(_PHP_TRIM):
        text = esc_html(attachment.file.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return f"<p class=\"attachment\"><a href='{url}'>{text}</a></p>"


class AttachmentRenderer(Renderer):
    """The pipeline plus ``prepend_attachment`` when the context renders an attachment."""

    def the_content(
        self, text: str, ctx: Any, *, blocks: bool = True, images: bool = True
    ) -> str:
        """``the_content``; an attachment's paragraph goes in front (after ``wpautop``)."""
        out = super().the_content(text, ctx, blocks=blocks, images=images)
        prefix = getattr(ctx, "attachment_prefix", None)
        if not prefix:
            return out
        if images:
            prefix = filter_content_tags(prefix, ctx, wp_version=ctx.options.wp_version)
        prefix = self._smilies(capital_p_dangit(prefix), ctx)
        return f"{prefix}\n{out}"


def make_renderer(config: RenderConfig) -> AttachmentRenderer:
    """The site's renderer (core blocks, shortcodes and the enabled extensions)."""
    base = default_renderer(config.extensions, theme_json=config.theme_json)
    return AttachmentRenderer(base.registry, base.shortcodes)


# --------------------------------------------------------------------------------------------
# Contexts
# --------------------------------------------------------------------------------------------


class _Deferred(BaseException):  # noqa: N818 - a signal, not an error; BaseException so render code cannot swallow it
    """Raised in a worker when a post needs the database: the main process renders it."""


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

    def __init__(self, options: RenderOptions, attachments: Mapping[int, Attachment | None],
                 content_width: int = 0) -> None:  # fmt: skip
        super().__init__()
        self.options = options
        self._attachments = attachments
        self.content_width = content_width

    def attachment(self, attachment_id: int) -> Attachment | None:
        """A shipped attachment (None when it does not exist); unknown ids defer the post."""
        if attachment_id in self._attachments:
            return self._attachments[attachment_id]
        raise _Deferred

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
        self._attachments: dict[int, Attachment | None] = {}
        self._latest: dict[Any, list[PostSummary]] = {}
        self.reset()

    def reset(self) -> None:
        """Drop cached rows (call between chunks to keep memory bounded)."""
        self.cache = ContentCache(self.db, check_interval=1e9)
        self.links = Permalinks(self.site, self.cache)
        if len(self._attachments) > _CACHE_LIMIT:
            self._attachments.clear()

    # -- attachments -------------------------------------------------------------------------
    def attachments(self, ids: Sequence[int]) -> dict[int, Attachment | None]:
        """Many attachments by id (None for ids that are not attachments)."""
        missing = [i for i in dict.fromkeys(ids) if i not in self._attachments]
        for start in range(0, len(missing), 500):
            self._load_attachments(missing[start : start + 500])
        return {i: self._attachments.get(i) for i in ids}

    def _load_attachments(self, ids: list[int]) -> None:
        marks = ", ".join("?" for _ in ids)
        self.cache.load_posts(ids)
        rows = self.db.all(
            f"SELECT post_id, key, value FROM postmeta WHERE post_id IN ({marks})"
            f" AND key IN ({', '.join('?' for _ in _ATTACHMENT_KEYS)}) ORDER BY position",
            [*ids, *_ATTACHMENT_KEYS],
        )
        meta: dict[int, dict[str, str]] = {}
        for post_id, key, value in rows:
            meta.setdefault(int(post_id), {}).setdefault(key, value)
        for attachment_id in ids:
            post = self.cache.post(attachment_id)
            if post is None or post.type != "attachment":
                self._attachments[attachment_id] = None
                continue
            link = self.links.post(post)
            self._attachments[attachment_id] = build_attachment(
                post, meta.get(attachment_id, {}), self.options.uploads_baseurl, link
            )

    def attachment(self, attachment_id: int) -> Attachment | None:
        """The attachment with this id, or None."""
        return self.attachments([attachment_id])[attachment_id]

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

    def _query_latest(self, number: int, categories: Sequence[int], order: str, orderby: str) -> list[PostSummary]:
        direction = "ASC" if str(order).lower() == "asc" else "DESC"
        column = "title_key" if orderby == "title" else "date"
        where, params = "type = 'post' AND status = 'publish'", []
        if categories:
            marks = ", ".join("?" for _ in categories)
            where += f" AND id IN (SELECT post_id FROM term_relationships WHERE term_id IN ({marks}))"
            params.extend(int(c) for c in categories)
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
                featured_media=_int(thumbnail),
            ))  # fmt: skip
        return out


# --------------------------------------------------------------------------------------------
# Rendering one post
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingPost:
    """The raw fields of a post waiting to be rendered."""

    id: int
    type: str
    status: str
    title_raw: str
    content_raw: str
    excerpt_raw: str


def render_post(renderer: Renderer, config: RenderConfig, post: PendingPost, ctx: Any,
                oembeds: Mapping[str, str] | None = None) -> tuple[int, str, str, str]:  # fmt: skip
    """(id, title, content, excerpt) as WordPress's REST API renders them for this post."""
    ctx.begin(post.id, oembeds)
    version = config.options.wp_version
    title = renderer.render_title(post.title_raw, private=post.status == "private", wp_version=version)
    if post.type == "attachment":
        attachment = ctx.attachment(post.id)
        if attachment is not None:
            ctx.attachment_prefix = attachment_paragraph(renderer, ctx, attachment, title, config)
    try:
        content = renderer.render_content(post.content_raw, ctx)
        excerpt = renderer.render_excerpt(post.excerpt_raw, post.content_raw, ctx)
    finally:
        ctx.attachment_prefix = None
    return post.id, title, content, excerpt


def referenced_attachments(post: PendingPost) -> list[int]:
    """Ids the post's markup may ask for as attachments (the scan that fills a job)."""
    found = [post.id] if post.type == "attachment" else []
    for text in (post.content_raw, post.excerpt_raw):
        for match in _ATTACHMENT_REFERENCE.finditer(text):
            found.extend(int(d) for d in _DIGITS.findall(match.group(1)))
    return found


# --------------------------------------------------------------------------------------------
# Jobs (run inline or in worker processes)
# --------------------------------------------------------------------------------------------


@dataclass
class _Job:
    posts: list[PendingPost] = field(default_factory=list)
    attachments: dict[int, Attachment | None] = field(default_factory=dict)
    oembeds: dict[int, dict[str, str]] = field(default_factory=dict)
    comments: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _JobResult:
    posts: list[tuple[int, str, str, str]] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Worker:
    config: RenderConfig
    renderer: AttachmentRenderer


_WORKER: _Worker | None = None


def _init_worker(config: RenderConfig) -> None:
    global _WORKER
    _WORKER = _Worker(config, make_renderer(config))


def _run_job(job: _Job) -> _JobResult:
    """Render a job's posts and comments from what it carries."""
    assert _WORKER is not None
    worker = _WORKER
    ctx = ShippedContext(worker.config.options, job.attachments, worker.config.content_width)
    result = _JobResult()
    for post in job.posts:
        try:
            result.posts.append(render_post(worker.renderer, worker.config, post, ctx, job.oembeds.get(post.id)))
        except _Deferred:
            result.deferred.append(post.id)
    for comment_id, raw in job.comments:
        ctx.begin(0)
        result.comments.append((comment_id, worker.renderer.render_comment(raw, ctx)))
    return result


class _InlinePool:
    """The worker API in this process (small imports, one core)."""

    def __init__(self, config: RenderConfig) -> None:
        _init_worker(config)

    def submit(self, job: _Job) -> Future[_JobResult]:
        future: Future[_JobResult] = Future()
        future.set_result(_run_job(job))
        return future

    def shutdown(self) -> None:
        """Nothing to stop."""


# --------------------------------------------------------------------------------------------
# The render pass
# --------------------------------------------------------------------------------------------


@dataclass
class RenderStats:
    """What a render pass did."""

    posts: int = 0
    comments: int = 0
    deferred: int = 0
    workers: int = 0
    seconds: float = 0.0


_POST_CHUNK = 200
_COMMENT_CHUNK = 1000
_PARALLEL_THRESHOLD = 2000  # posts + comments below which worker start-up is not worth it


def _pending_posts(db: Database, after: int, limit: int) -> list[PendingPost]:
    rows = db.all(
        "SELECT id, type, status, title_raw, content_raw, excerpt_raw FROM posts"
        " WHERE rendered_by = ? AND id > ? ORDER BY id LIMIT ?",
        (PENDING, after, limit),
    )
    return [PendingPost(int(r[0]), r[1], r[2], r[3] or "", r[4] or "", r[5] or "") for r in rows]


def _posts_by_id(db: Database, ids: Sequence[int]) -> list[PendingPost]:
    marks = ", ".join("?" for _ in ids)
    rows = db.all(
        "SELECT id, type, status, title_raw, content_raw, excerpt_raw FROM posts"
        f" WHERE id IN ({marks}) ORDER BY id",
        list(ids),
    )
    return [PendingPost(int(r[0]), r[1], r[2], r[3] or "", r[4] or "", r[5] or "") for r in rows]


def _oembed_meta(db: Database, posts: Sequence[PendingPost]) -> dict[int, dict[str, str]]:
    ids = [p.id for p in posts if "embed" in p.content_raw]
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = db.all(
        f"SELECT post_id, key, value FROM postmeta WHERE post_id IN ({marks}) AND key LIKE '\\_oembed\\_%' ESCAPE '\\'",
        ids,
    )
    found: dict[int, dict[str, str]] = {}
    for post_id, key, value in rows:
        found.setdefault(int(post_id), {})[key] = value
    return found


def _post_jobs(db: Database, store_ctx: StoreRenderContext) -> Iterator[_Job]:
    after = 0
    while True:
        posts = _pending_posts(db, after, _POST_CHUNK)
        if not posts:
            return
        after = posts[-1].id
        store_ctx.reset()
        wanted = [i for post in posts for i in referenced_attachments(post)]
        yield _Job(posts=posts, attachments=store_ctx.attachments(wanted), oembeds=_oembed_meta(db, posts))


def _comment_jobs(db: Database) -> Iterator[_Job]:
    after = 0
    while True:
        rows = db.all(
            "SELECT id, content_raw FROM comments WHERE rendered_by = ? AND id > ? ORDER BY id LIMIT ?",
            (PENDING, after, _COMMENT_CHUNK),
        )
        if not rows:
            return
        after = int(rows[-1][0])
        yield _Job(comments=[(int(r[0]), r[1] or "") for r in rows])


def _worker_count(total: int, workers: int | None) -> int:
    if workers is not None:
        return max(workers, 0)
    configured = os.environ.get("BROADSHEET_RENDER_WORKERS")
    if configured is not None and configured.strip().isdigit():
        return int(configured)
    if total < _PARALLEL_THRESHOLD:
        return 0
    return min(os.cpu_count() or 1, 2) if (os.cpu_count() or 1) > 1 else 0


def render_pending(db: Database, settings: SiteSettings, *, progress: Callable[[str], None] | None = None,
                   workers: int | None = None) -> RenderStats:  # fmt: skip
    """Render every pending post and comment and store the result (``rendered_by = 'broadsheet'``)."""
    started = time.monotonic()
    total_posts = int(db.scalar("SELECT COUNT(*) FROM posts WHERE rendered_by = ?", (PENDING,)) or 0)
    total_comments = int(db.scalar("SELECT COUNT(*) FROM comments WHERE rendered_by = ?", (PENDING,)) or 0)
    stats = RenderStats()
    if not total_posts and not total_comments:
        return stats
    config = render_config(settings)
    store_ctx = StoreRenderContext(db, settings, config)
    stats.workers = _worker_count(total_posts + total_comments, workers)
    pool: Any
    if stats.workers:
        pool = ProcessPoolExecutor(max_workers=stats.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(config,))  # fmt: skip
    else:
        pool = _InlinePool(config)
    reporter = _Progress(progress, total_posts, total_comments)
    deferred: list[int] = []
    try:
        in_flight: deque[Future[_JobResult]] = deque()
        limit = max(stats.workers, 1) * 2
        for job in _chain(_post_jobs(db, store_ctx), _comment_jobs(db)):
            in_flight.append(pool.submit(job))
            while len(in_flight) >= limit:
                _store(db, in_flight.popleft().result(), stats, deferred, reporter)
        while in_flight:
            _store(db, in_flight.popleft().result(), stats, deferred, reporter)
    finally:
        pool.shutdown()
    _render_deferred(db, deferred, store_ctx, config, stats, reporter)
    stats.seconds = time.monotonic() - started
    return stats


def _chain(*parts: Iterator[_Job]) -> Iterator[_Job]:
    for part in parts:
        yield from part


def _store(db: Database, result: _JobResult, stats: RenderStats, deferred: list[int],
           reporter: _Progress) -> None:  # fmt: skip
    writer.update_rendered_many(db, result.posts)
    writer.update_comments_rendered(db, result.comments)
    deferred.extend(result.deferred)
    stats.posts += len(result.posts)
    stats.comments += len(result.comments)
    reporter.update(stats.posts, stats.comments)


def _render_deferred(db: Database, deferred: list[int], store_ctx: StoreRenderContext, config: RenderConfig,
                     stats: RenderStats, reporter: _Progress) -> None:  # fmt: skip
    if not deferred:
        return
    renderer = make_renderer(config)
    for start in range(0, len(deferred), _POST_CHUNK):
        store_ctx.reset()
        posts = _posts_by_id(db, deferred[start : start + _POST_CHUNK])
        oembeds = _oembed_meta(db, posts)
        rows = [render_post(renderer, config, post, store_ctx, oembeds.get(post.id)) for post in posts]
        writer.update_rendered_many(db, rows)
        stats.posts += len(rows)
        stats.deferred += len(rows)
        reporter.update(stats.posts, stats.comments)


class _Progress:
    """Throttled progress messages."""

    def __init__(self, callback: Callable[[str], None] | None, posts: int, comments: int) -> None:
        self.callback = callback
        self.posts = posts
        self.comments = comments
        self.last = 0.0

    def update(self, posts: int, comments: int) -> None:
        if self.callback is None or time.monotonic() - self.last < 0.2:
            return
        self.last = time.monotonic()
        self.callback(f"rendering: {posts:,}/{self.posts:,} posts, {comments:,}/{self.comments:,} comments")


def mark_for_rendering(db: Database, *, types: Sequence[str] | None = None) -> int:
    """Queue stored posts that have raw content (and their comments) for rendering again."""
    where = "content_raw IS NOT NULL AND type <> 'revision'"
    params: list[Any] = [PENDING]
    if types:
        where += f" AND type IN ({', '.join('?' for _ in types)})"
        params.extend(types)
    count = db.execute(f"UPDATE posts SET rendered_by = ? WHERE {where}", params).rowcount
    db.execute("UPDATE comments SET rendered_by = ? WHERE content_raw IS NOT NULL", (PENDING,))
    return int(count or 0)
