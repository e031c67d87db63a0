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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import extensions as ext
from .. import phpjson, phpserialize
from ..db import Database
from ..extensions.publishpress_blocks_controls import BlockControls
from ..permalinks import Permalinks
from ..render.blocks import _LAYOUT_SUPPORT, Block, parse_blocks_with_cuts, render_parsed_blocks
from ..render.blocks import _TOKEN as _BLOCK_DELIMITER  # WordPress's block delimiter grammar
from ..render.context import Attachment, ImageSize, PostSummary, RenderOptions
from ..render.escape import esc_html, esc_url
from ..render.images import RenderState, attachment_image, filter_content_tags
from ..render.pipeline import Renderer, default_renderer
from ..render.texturize import capital_p_dangit
from ..settings import SiteSettings
from ..site import Site
from ..store import posts as post_store
from ..store import writer
from ..store.cache import ContentCache
from ..store.models import Comment, Post

__all__ = [
    "PENDING",
    "RenderConfig",
    "RenderStats",
    "AttachmentSource",
    "SiteRenderer",
    "ShippedContext",
    "StoreRenderContext",
    "attachment_paragraph",
    "block_window",
    "excerpt_window",
    "mark_for_rendering",
    "may_show_attachment_links",
    "oembed_cache_key",
    "render_config",
    "render_pending",
]

PENDING = "pending"
_RENDERING_EXTENSIONS = ("visual_link_preview", "publishpress_blocks")
_CLASSIC_THEME_CONTENT_WIDTH = {"twentytwentyone": 750}
_ATTACHMENT_KEYS = ("_wp_attached_file", "_wp_attachment_metadata", "_wp_attachment_image_alt")
# Where raw markup names attachments by id: image classes, [caption id], gallery ids, block attrs.
_ATTACHMENT_MARKERS = (
    "wp-image-",
    "attachment_",
    "ids=",
    "include=",
    '"id":',
    '"ids":[',
    '"mediaId":',
)
_ID_LIST = re.compile(r"""["']?[\d,\s]*\d""")
_DIGITS = re.compile(r"\d+")
_PHP_TRIM = " \t\n\r\0\x0b"
_CACHE_LIMIT = 4096  # attachments kept between chunks (bounded memory)


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
        content_width=int(
            theme.get("content_width") or _CLASSIC_THEME_CONTENT_WIDTH.get(stylesheet, 0)
        ),
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


def build_attachment(post: Post, meta: Mapping[str, str], uploads_baseurl: str, link: str,
                     metadata: Mapping[str, Any] | None = None) -> Attachment:  # fmt: skip
    """An :class:`Attachment` from its post row and raw meta values (metadata already decoded, or not)."""
    file = meta.get("_wp_attached_file") or ""
    if file.startswith(("http://", "https://")):
        url = file
    elif file:
        url = f"{uploads_baseurl}/{file}"
    else:
        url = post.guid
    data = metadata if metadata is not None else _metadata(meta.get("_wp_attachment_metadata"))
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


@dataclass(frozen=True)
class AttachmentSource:
    """What an :class:`Attachment` is built from: its post row, raw meta and page link (picklable)."""

    post: Post
    meta: dict[str, str]
    link: str

    def build(self, uploads_baseurl: str) -> Attachment:
        """The attachment as rendering sees it (metadata decoded once per process and value)."""
        raw = self.meta.get("_wp_attachment_metadata") or ""
        metadata = _DECODED_METADATA.get(raw)
        if metadata is None:
            if len(_DECODED_METADATA) > _CACHE_LIMIT:
                _DECODED_METADATA.clear()
            metadata = _DECODED_METADATA[raw] = _metadata(raw)
        return build_attachment(self.post, self.meta, uploads_baseurl, self.link, metadata)


_DECODED_METADATA: dict[str, dict[str, Any]] = {}


def _php_round2(value: float) -> str:
    """PHP's ``round($x, 2)`` (halves away from zero, on the shortest decimal form) printed as
    PHP prints a float (``precision`` 14: ``56.25``, ``100``)."""
    rounded = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{float(rounded):.14G}"


def attachment_paragraph(
    renderer: Renderer, ctx: Any, attachment: Attachment, config: RenderConfig
) -> str:
    """``prepend_attachment``: the media player, or the medium image (else the raw title, else
    the file name) linked to the file, as ``wp_get_attachment_link`` writes it."""
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
        text = attachment.title
    if not text.strip(_PHP_TRIM):
        text = esc_html(attachment.file.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return f"<p class=\"attachment\"><a href='{url}'>{text}</a></p>"


_VOID_ELEMENTS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)  # fmt: skip
_MARKUP = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?>|<", re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]*>")
_WP_WORD_SPLIT = re.compile(r"[\n\r\t ]+")
_CHARACTER_COUNT_LOCALES = ("zh", "ja", "ko")
_WINDOW_MARGIN = 25  # words beyond the excerpt length a window must hold (then checked)
_BLOCK_CONTROLS = "advgbBlockControls"  # the attribute PublishPress Blocks' filter acts on
_LAYOUT_BLOCKS = frozenset(_LAYOUT_SUPPORT)  # their HTML depends on a per-render counter


def excerpt_window(text: str, words: int) -> str:
    """A leading part of ``text`` that yields the same first ``words`` words, or ``text``.

    The cut is a paragraph break with every element and comment opened before it closed, and
    some words to spare ahead of it: everything ``the_content`` does is local to a paragraph or
    an element, so the words before the cut come out the same. (The caller still checks that
    the window gave more than ``words`` words, and uses the whole text when it did not.)
    """
    need = words + _WINDOW_MARGIN
    if len(text) < need * 12:
        return text
    count, pos = 0, 0
    stack: list[str] = []
    while True:
        cut = text.find("\n\n", pos)
        if cut < 0:
            return text
        segment = text[pos:cut]
        for match in _MARKUP.finditer(segment):
            name = match.group(2)
            if name is None:
                if not match.group().startswith("<!--"):
                    return text  # a lone "<" or an unfinished comment: no safe cut
                continue
            name = name.lower()
            if name in _VOID_ELEMENTS:
                continue
            if not match.group(1):
                stack.append(name)
            elif not stack or stack.pop() != name:
                return text
        count += len(_ANY_TAG.sub(" ", segment).split())
        if count >= need and not stack:
            return text[:cut]
        pos = cut + 2


def block_window(raw: str, words: int) -> str:
    """Leading whole top-level blocks of block markup holding some more than ``words`` words.

    The excerpt pipeline handles top-level blocks one after another, so the words it takes
    from these blocks are the words it would take from the whole content.
    """
    if _too_short_for_window(raw, words):
        return raw
    return _window_at(raw, words, _top_level_ends(raw))


def _too_short_for_window(raw: str, words: int) -> bool:
    return len(raw) < (words + _WINDOW_MARGIN) * 12 or "<!-- wp:" not in raw


def _top_level_ends(raw: str) -> Iterator[int]:
    """Offsets just after each top-level block delimiter (up to a stray closer)."""
    depth = 0
    for match in _BLOCK_DELIMITER.finditer(raw):
        if match.group("void"):
            at_top = depth == 0
        elif match.group("closer"):
            if depth == 0:
                return  # a stray closer: the parser stops there
            depth -= 1
            at_top = depth == 0
        else:
            depth += 1
            at_top = False
        if at_top:
            yield match.end()


def _window_at(raw: str, words: int, ends: Iterable[int]) -> str:
    """The text up to the first of ``ends`` with enough words before it (else all of it)."""
    need = words + _WINDOW_MARGIN
    count = last = 0
    for end in ends:
        count += len(_ANY_TAG.sub(" ", raw[last:end]).split())
        last = end
        if count >= need:
            return raw[:end]
    return raw


@dataclass
class _BlockMemo:
    """The content's block parse (and reusable block HTML), kept for the same post's excerpt."""

    raw: str
    ctx: Any
    blocks: list[Block]
    cuts: dict[int, int]  # offsets where the markup may be cut -> how many blocks lie before
    parts: list[str]  # each top-level block's HTML
    reusable: Callable[[Block], bool] | None  # which blocks' HTML an excerpt may reuse
    _index: dict[int, int] | None = None

    def html(self, block: Block) -> str | None:
        """The HTML of one of these top-level blocks, where it can be reused (else None)."""
        if self.reusable is None:
            return None
        if self._index is None:
            self._index = {id(b): i for i, b in enumerate(self.blocks)}
        at = self._index.get(id(block))
        if at is None or self.blocks[at] is not block or not self.reusable(block):
            return None
        return self.parts[at]

    def parse(self, text: str) -> list[Block] | None:
        """The blocks of ``text`` if it is this markup or a cut of it, else None."""
        if text is self.raw or text == self.raw:
            return list(self.blocks)
        count = self.cuts.get(len(text))
        if count is not None and self.raw.startswith(text):
            return self.blocks[:count]
        return None

    def window(self, raw: str, words: int) -> str | None:
        """:func:`block_window` of this markup (None for other markup)."""
        if raw is not self.raw and raw != self.raw:
            return None
        if _too_short_for_window(raw, words):
            return raw
        return _window_at(raw, words, self.cuts)


class SiteRenderer(Renderer):
    """The pipeline for stored posts: ``prepend_attachment`` for attachments, and generated
    excerpts computed from a leading window of long content (checked, else recomputed) that
    reuse the content's block parse and the HTML of its plain blocks."""

    _window = 0
    _memo: _BlockMemo | None = None

    def do_blocks(self, text: str, ctx: Any) -> str:
        """``do_blocks``, keeping the parse and the HTML of plain top-level blocks."""
        blocks, cuts = parse_blocks_with_cuts(text)
        parts = render_parsed_blocks(blocks, self.registry, ctx)
        reusable = self._plain if self._plain_filters(text) else None
        self._memo = _BlockMemo(text, ctx, blocks, cuts, parts, reusable)
        return "".join(parts)

    def _plain_filters(self, text: str) -> bool:
        """Whether every ``render_block`` filter leaves this markup's blocks as they are."""
        return all(
            isinstance(fn, BlockControls) and _BLOCK_CONTROLS not in text
            for fn in self.registry.filters
        )

    def _plain(self, block: Block) -> bool:
        """A block whose HTML depends on nothing but itself (no callback, layout or filter)."""
        name = block.name
        registry = self.registry
        if name is not None and (
            registry.is_dynamic(name) or name in _LAYOUT_BLOCKS or registry.block_filters(name)
        ):
            return False
        return all(self._plain(inner) for inner in block.inner_blocks)

    def excerpt_blocks(
        self, ctx: Any
    ) -> tuple[Callable[[str], list[Block]], Callable[[Block], str]]:
        """The content's parse and plain blocks' HTML where they apply (same post, same context)."""
        parse, render = super().excerpt_blocks(ctx)
        memo = self._memo
        if memo is None or memo.ctx is not ctx:
            return parse, render

        def parse_again(text: str) -> list[Block]:
            found = memo.parse(text)
            return found if found is not None else parse(text)

        def render_again(block: Block) -> str:
            found = memo.html(block)
            return found if found is not None else render(block)

        return parse_again, render_again

    def the_content(self, text: str, ctx: Any, *, blocks: bool = True, images: bool = True,
                    late_autop: bool = False) -> str:  # fmt: skip
        """``the_content``; an attachment's paragraph goes in front (after ``wpautop``)."""
        if self._window and not blocks and not images:  # the generated-excerpt pass
            text = excerpt_window(text, self._window)
        if blocks:
            self._memo = None  # a new content: forget the last one's blocks
        out = super().the_content(text, ctx, blocks=blocks, images=images, late_autop=late_autop)
        prefix = getattr(ctx, "attachment_prefix", None)
        if not prefix:
            return out
        if images:
            prefix = filter_content_tags(prefix, ctx, wp_version=ctx.options.wp_version)
        prefix = self._smilies(capital_p_dangit(prefix), ctx)
        return f"{prefix}\n{out}"

    def generated_excerpt(self, raw_content: str, ctx: Any) -> str:
        """``wp_trim_excerpt``: from a window of long content when that provably gives the same words."""
        options = ctx.options
        words, more = options.excerpt_length, options.excerpt_more
        locale = options.locale.split("_", 1)[0].lower()
        if (
            len(raw_content) < (words + _WINDOW_MARGIN) * 12
            or not more
            or locale in _CHARACTER_COUNT_LOCALES
        ):
            return super().generated_excerpt(raw_content, ctx)
        memo = self._memo
        window = memo.window(raw_content, words) if memo is not None else None
        self._window = words
        try:
            short = super().generated_excerpt(
                block_window(raw_content, words) if window is None else window, ctx
            )
        finally:
            self._window = 0
        if short.endswith(more) and _word_count(short[: -len(more)]) == words:
            return short
        return super().generated_excerpt(raw_content, ctx)


def _word_count(text: str) -> int:
    """``len(preg_split('/[\\n\\r\\t ]+/', trim($text)))``: the words of a trimmed excerpt."""
    stripped = text.strip(" \t\n\r")
    if "\t" in stripped or "\n" in stripped or "\r" in stripped or "  " in stripped:
        return len(_WP_WORD_SPLIT.split(stripped))
    return stripped.count(" ") + 1  # words joined by single spaces, as wp_trim_words joins them


def make_renderer(config: RenderConfig) -> SiteRenderer:
    """The site's renderer (core blocks, shortcodes and the enabled extensions)."""
    base = default_renderer(config.extensions, theme_json=config.theme_json)
    return SiteRenderer(base.registry, base.shortcodes)


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
        self.cache = ContentCache(self.db, check_interval=1e9)
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
        for start in range(0, len(missing), 500):
            self._load_sources(missing[start : start + 500], final)
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
            if s.post.parent and s.post.parent not in self.cache.posts
        ]
        if parents:  # the parents' rows, for the attachment page links
            found = post_store.get_many(self.db, parents)
            self.cache.posts.update({pid: found.get(pid) for pid in parents})
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
        found = {i for i in ids if self.cache.posts.get(i) is not None}
        unknown = [i for i in dict.fromkeys(ids) if i not in self.cache.posts]
        for start in range(0, len(unknown), 500):
            part = unknown[start : start + 500]
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
        where, params = "type = 'post' AND status = 'publish'", []
        if categories:
            marks = ", ".join("?" for _ in categories)
            where += (
                f" AND id IN (SELECT post_id FROM term_relationships WHERE term_id IN ({marks}))"
            )
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


class PendingPost(NamedTuple):
    """The raw fields of a post waiting to be rendered (and the dates that identify its version).

    A named tuple: jobs carry thousands of them to worker processes, and tuples pickle cheaply.
    """

    id: int
    type: str
    status: str
    title_raw: str
    content_raw: str
    excerpt_raw: str
    modified_gmt: str = ""
    modified: str = ""

    @classmethod
    def of(cls, post: Post) -> PendingPost:
        """The pending form of a stored post row."""
        return cls(post.id, post.type, post.status, post.title_raw or "", post.content_raw or "",
                   post.excerpt_raw or "", post.modified_gmt, post.modified)  # fmt: skip


class PendingComment(NamedTuple):
    """The raw fields of a comment waiting to be rendered (and those its search text folds)."""

    id: int
    content_raw: str
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""

    @classmethod
    def of(cls, comment: Comment) -> PendingComment:
        """The pending form of a stored comment row."""
        return cls(comment.id, comment.content_raw or "", comment.author_name, comment.author_email,
                   comment.author_url, comment.author_ip)  # fmt: skip


class RenderedPost(NamedTuple):
    """A post as Broadsheet renders it (``content_after_blocks``: see
    :meth:`~broadsheet.render.pipeline.Renderer.render_content_after_blocks`)."""

    id: int
    title: str
    content: str
    excerpt: str
    content_after_blocks: str | None


def render_post(renderer: Renderer, config: RenderConfig, post: PendingPost, ctx: Any,
                oembeds: Mapping[str, str] | None = None) -> RenderedPost:  # fmt: skip
    """The post's fields as WordPress's REST API renders them."""
    ctx.begin(post.id, oembeds)
    version = config.options.wp_version
    title = renderer.render_title(
        post.title_raw, private=post.status == "private", wp_version=version
    )
    after_blocks = None
    if post.type == "attachment":
        attachment = ctx.attachment(post.id)
        if attachment is not None:
            ctx.attachment_prefix = attachment_paragraph(renderer, ctx, attachment, config)
    try:
        content = renderer.render_content(post.content_raw, ctx)
        excerpt = renderer.render_excerpt(post.excerpt_raw, post.content_raw, ctx)
        if post.type != "attachment":  # an attachment's description: its own route, no blocks
            after_blocks = renderer.render_content_after_blocks(post.content_raw, ctx)
    finally:
        ctx.attachment_prefix = None
    return RenderedPost(post.id, title, content, excerpt, after_blocks)


def _stored_row(post: PendingPost, rendered: RenderedPost) -> tuple[Any, ...]:
    """A row for :func:`~broadsheet.store.writer.store_rendering`: rendering plus search keys."""
    keys = (
        writer.fast_fold(post.title_raw),
        writer.fast_fold(post.excerpt_raw),
        writer.fast_fold(post.content_raw),
    )
    return (post.id, rendered.title, rendered.content, rendered.excerpt,
            rendered.content_after_blocks, *keys, post.modified_gmt, post.modified)  # fmt: skip


def _comment_row(renderer: Renderer, comment: PendingComment, ctx: Any) -> tuple[int, str, str]:
    ctx.begin(0)
    search = writer.fast_fold(" ".join([comment.content_raw, comment.author_name, comment.author_email,
                                        comment.author_url, comment.author_ip]))  # fmt: skip
    return comment.id, renderer.render_comment(comment.content_raw, ctx), search


def may_show_attachment_links(post: PendingPost) -> bool:
    """Whether rendering the post may show an attachment's page link.

    Only the ``[gallery]`` shortcode does (images linked to their attachment pages), and it
    cannot run in content that does not spell its name: not in the raw text, not through a
    JSON escape in block attributes, and not in cached oEmbed HTML (inserted before shortcodes
    run, so an embed counts too).
    """
    content, excerpt = post.content_raw, post.excerpt_raw
    if "gallery" in content or "\\u" in content or "embed" in content:
        return True
    return bool(excerpt) and ("gallery" in excerpt or "\\u" in excerpt or "embed" in excerpt)


def referenced_attachments(post: PendingPost) -> list[int]:
    """Ids the post's markup may ask for as attachments (the scan that fills a job)."""
    found = [post.id] if post.type == "attachment" else []
    for text in (post.content_raw, post.excerpt_raw):
        if not text:
            continue
        for marker in _ATTACHMENT_MARKERS:
            at = text.find(marker)
            while at >= 0:
                digits = _ID_LIST.match(text, at + len(marker))
                if digits is not None:
                    found.extend(int(d) for d in _DIGITS.findall(digits.group()))
                at = text.find(marker, at + len(marker))
    return found


# --------------------------------------------------------------------------------------------
# Jobs (run inline or in worker processes)
# --------------------------------------------------------------------------------------------


@dataclass
class _Job:
    posts: list[PendingPost] = field(default_factory=list)
    attachments: dict[int, AttachmentSource | None] = field(default_factory=dict)
    oembeds: dict[int, dict[str, str]] = field(default_factory=dict)
    comments: list[PendingComment] = field(default_factory=list)


@dataclass
class _JobResult:
    posts: list[tuple[Any, ...]] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    comments: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class _Worker:
    config: RenderConfig
    renderer: SiteRenderer


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
            rendered = render_post(
                worker.renderer, worker.config, post, ctx, job.oembeds.get(post.id)
            )
        except _Deferred:
            result.deferred.append(post.id)
            continue
        result.posts.append(_stored_row(post, rendered))
    result.comments = [_comment_row(worker.renderer, c, ctx) for c in job.comments]
    return result


class _InlinePool:
    """The worker API in this process (small imports, one core)."""

    def __init__(self, config: RenderConfig) -> None:
        _init_worker(config)

    def submit(self, function: Callable[[_Job], _JobResult], job: _Job) -> Future[_JobResult]:
        """Run the job now; its result as a finished future."""
        future: Future[_JobResult] = Future()
        future.set_result(function(job))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
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


_POST_CHUNK = 100
_COMMENT_CHUNK = 500
_PARALLEL_THRESHOLD = 2000  # pending posts + comments below which worker start-up is not worth it
_POST_COLUMNS_PENDING = (
    "id, type, status, title_raw, content_raw, excerpt_raw, modified_gmt, modified"
)


def _pending_rows(rows: list[tuple[Any, ...]]) -> list[PendingPost]:
    return [
        PendingPost(int(r[0]), r[1], r[2], r[3] or "", r[4] or "", r[5] or "", r[6], r[7])
        for r in rows
    ]


def _pending_posts(db: Database, after: int, limit: int) -> list[PendingPost]:
    return _pending_rows(db.all(
        f"SELECT {_POST_COLUMNS_PENDING} FROM posts WHERE rendered_by = ? AND id > ? ORDER BY id LIMIT ?",
        (PENDING, after, limit),
    ))  # fmt: skip


def _posts_by_id(db: Database, ids: Sequence[int]) -> list[PendingPost]:
    marks = ", ".join("?" for _ in ids)
    return _pending_rows(db.all(
        f"SELECT {_POST_COLUMNS_PENDING} FROM posts WHERE id IN ({marks}) AND rendered_by = ? ORDER BY id",
        [*ids, PENDING],
    ))  # fmt: skip


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


def _process_context() -> Any:
    """Fork where there is fork: workers start at once and need no importable ``__main__``.

    Workers only render what they are sent; they never use the database connection they
    inherit, and leave through ``os._exit``, so nothing of the parent's is closed or flushed.
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def worker_count(pending: int, workers: int | None = None) -> int:
    """How many worker processes to render ``pending`` items with (0: in this process)."""
    if workers is not None:
        return max(workers, 0)
    configured = os.environ.get("BROADSHEET_RENDER_WORKERS", "").strip()
    if configured.isdigit():
        return int(configured)
    cores = os.cpu_count() or 1
    return min(cores, 2) if cores > 1 and pending >= _PARALLEL_THRESHOLD else 0


class RenderPass:
    """Renders pending posts and comments and stores the result (``rendered_by = 'broadsheet'``).

    An importer may :meth:`submit` rows as soon as it has written them, so worker processes
    render while it reads on; a post is only sent early when every attachment it names is
    already stored, and its result is only kept if the row is still the version that was sent.
    :meth:`finish` then renders whatever is still pending (the database decides), and last, in
    this process, the posts that needed the database while rendering.
    """

    def __init__(self, db: Database, settings: SiteSettings, *, workers: int = 0,
                 progress: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.db = db
        self.settings = settings
        self.config = render_config(settings)
        self.store_ctx = StoreRenderContext(db, settings, self.config)
        self.stats = RenderStats(workers=workers)
        self.progress = progress
        self._last_progress = 0.0
        self._deferred: list[int] = []
        self._in_flight: deque[Future[_JobResult]] = deque()
        self._pool: Any = None

    # -- the pool ------------------------------------------------------------------------------
    def _ensure_pool(self) -> Any:
        if self._pool is None:
            if self.stats.workers:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.stats.workers, mp_context=_process_context(),
                    initializer=_init_worker, initargs=(self.config,),
                )  # fmt: skip
            else:
                self._pool = _InlinePool(self.config)
        return self._pool

    def _submit(self, job: _Job) -> None:
        self._in_flight.append(self._ensure_pool().submit(_run_job, job))
        limit = max(self.stats.workers, 1) * 4
        while self._in_flight and (len(self._in_flight) > limit or self._in_flight[0].done()):
            self._store(self._in_flight.popleft().result())

    def _drain(self) -> None:
        while self._in_flight:
            self._store(self._in_flight.popleft().result())

    def close(self) -> None:
        """Stop the workers (after an error: results still in flight are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._in_flight.clear()

    def _store(self, result: _JobResult) -> None:
        writer.store_rendering(self.db, result.posts)
        writer.store_comment_rendering(self.db, result.comments)
        self._deferred.extend(result.deferred)
        self.stats.posts += len(result.posts)
        self.stats.comments += len(result.comments)
        self._report()

    def _report(self) -> None:
        if self.progress is None or time.monotonic() - self._last_progress < 0.2:
            return
        self._last_progress = time.monotonic()
        self.progress(f"rendered {self.stats.posts:,} posts, {self.stats.comments:,} comments")

    # -- early submission (while an import is still reading) -----------------------------------
    def submit(self, posts: Sequence[Post], comments: Sequence[Comment]) -> None:
        """Render freshly written pending rows now, where nothing they need is missing yet."""
        if not self.stats.workers:
            return  # in one process, rendering at the end costs the same and sees everything
        self.store_ctx.reset()
        pending = [PendingPost.of(post) for post in posts if post.rendered_by == PENDING]
        wanted = {post.id: referenced_attachments(post) for post in pending}
        sources = self.store_ctx.attachment_sources(
            [i for ids in wanted.values() for i in ids], final=False, links=False
        )
        ready = [post for post in pending if all(sources[i] is not None for i in wanted[post.id])]
        self._add_links(sources, ready, wanted, final=False)
        self.store_ctx.forget_missing()
        for start in range(0, len(ready), _POST_CHUNK):
            part = ready[start : start + _POST_CHUNK]
            shipped = {i: sources[i] for post in part for i in wanted[post.id]}
            self._submit(_Job(posts=part, attachments=shipped, oembeds=_oembed_meta(self.db, part)))
        waiting = [PendingComment.of(c) for c in comments if c.rendered_by == PENDING]
        for start in range(0, len(waiting), _COMMENT_CHUNK):
            self._submit(_Job(comments=waiting[start : start + _COMMENT_CHUNK]))

    def _add_links(self, sources: dict[int, AttachmentSource | None], posts: Sequence[PendingPost],
                   wanted: Mapping[int, list[int]], *, final: bool = True) -> None:  # fmt: skip
        """Give the attachments of posts that may show attachment page links their links."""
        ids = [i for post in posts if may_show_attachment_links(post) for i in wanted[post.id]]
        if ids:
            sources.update(self.store_ctx.attachment_sources(ids, final=final))

    def before_replacing(self) -> None:
        """The importer is about to replace stored posts (a newer copy of an item)."""
        self.store_ctx.before_replacing()

    # -- the rest ------------------------------------------------------------------------------
    def finish(self) -> RenderStats:
        """Render everything still pending; returns what the whole pass did."""
        started = time.monotonic()
        try:
            self._drain()
            self.store_ctx.forget_missing(everything=True)
            for job in self._remaining_jobs():
                self._submit(job)
            self._drain()
        finally:
            self.close()
        self._render_deferred()
        self.stats.seconds += time.monotonic() - started
        return self.stats

    def _remaining_jobs(self) -> Iterator[_Job]:
        after = 0
        while posts := _pending_posts(self.db, after, _POST_CHUNK):
            after = posts[-1].id
            self.store_ctx.reset()
            wanted = {post.id: referenced_attachments(post) for post in posts}
            sources = self.store_ctx.attachment_sources(
                [i for ids in wanted.values() for i in ids], links=False
            )
            self._add_links(sources, posts, wanted)
            yield _Job(posts=posts, attachments=sources, oembeds=_oembed_meta(self.db, posts))
        after = 0
        while rows := self.db.all(
            "SELECT id, content_raw, author_name, author_email, author_url, author_ip FROM comments"
            " WHERE rendered_by = ? AND id > ? ORDER BY id LIMIT ?",
            (PENDING, after, _COMMENT_CHUNK),
        ):
            after = int(rows[-1][0])
            yield _Job(
                comments=[
                    PendingComment(int(r[0]), r[1] or "", r[2], r[3], r[4], r[5]) for r in rows
                ]
            )

    def _render_deferred(self) -> None:
        if not self._deferred:
            return
        renderer = make_renderer(self.config)
        for start in range(0, len(self._deferred), _POST_CHUNK):
            self.store_ctx.reset()
            posts = _posts_by_id(self.db, self._deferred[start : start + _POST_CHUNK])
            oembeds = _oembed_meta(self.db, posts)
            rows = [
                _stored_row(post, render_post(renderer, self.config, post, self.store_ctx, oembeds.get(post.id)))
                for post in posts
            ]  # fmt: skip
            writer.store_rendering(self.db, rows)
            self.stats.posts += len(rows)
            self.stats.deferred += len(rows)
            self._report()
        self._deferred = []


def render_pending(db: Database, settings: SiteSettings, *, progress: Callable[[str], None] | None = None,
                   workers: int | None = None) -> RenderStats:  # fmt: skip
    """Render every pending post and comment and store the result (``rendered_by = 'broadsheet'``)."""
    pending = int(db.scalar("SELECT COUNT(*) FROM posts WHERE rendered_by = ?", (PENDING,)) or 0)
    pending += int(
        db.scalar("SELECT COUNT(*) FROM comments WHERE rendered_by = ?", (PENDING,)) or 0
    )
    if not pending:
        return RenderStats()
    return RenderPass(
        db, settings, workers=worker_count(pending, workers), progress=progress
    ).finish()


def mark_for_rendering(db: Database, *, types: Sequence[str] | None = None) -> int:
    """Queue stored posts that have raw content (and comments) to be rendered again."""
    where = "content_raw IS NOT NULL AND title_raw IS NOT NULL AND type <> 'revision'"
    params: list[Any] = [PENDING]
    if types:
        where += f" AND type IN ({', '.join('?' for _ in types)})"
        params.extend(types)
    count = db.execute(f"UPDATE posts SET rendered_by = ? WHERE {where}", params).rowcount
    db.execute("UPDATE comments SET rendered_by = ? WHERE content_raw IS NOT NULL", (PENDING,))
    return int(count or 0)
