"""WordPress export (WXR 1.0–1.2) import: streamed, repaired where WordPress writes bad XML.

``broadsheet import export.wxr`` reads the file once, as a stream (``lxml.etree.iterparse``
over a repairing reader, each element dropped once read), so memory stays bounded whatever
the file's size. What it keeps:

* posts, pages, attachments and registered custom post types of every status, with the ids,
  slugs, dates (local and GMT, drafts' zero GMT date included), passwords, guids, parents,
  menu order, comment/ping status, post format and page template of the file; all post meta
  raw (PHP-serialized values stay serialized, as in ``wp_postmeta``), ``_wp_old_slug`` too;
* terms of every taxonomy with their ids, parents (the file names the parent's slug: it is
  resolved within the taxonomy), descriptions; post terms by (taxonomy, slug);
* authors, and the users the settings file lists under ``not_in_wxr`` (profile fields a WXR
  lacks); comments with their threads; revisions and spam comment ids from ``not_in_wxr``;
* sticky posts into the ``sticky_posts`` setting unless the settings file gives it.

WordPress writes comment author URLs without escaping, so a URL with a query string leaves a
bare ``&`` that makes the file malformed. :class:`RepairingReader` escapes bare ampersands
outside CDATA sections and comments before the parser sees them, and keeps carriage returns
inside CDATA (an XML parser would turn CR LF into LF; WordPress keeps the CRs) by writing them
as ``&#13;``. A DOCTYPE is refused outright (WordPress never writes one), so entity bombs and
external entities never reach the parser, which is also told not to resolve entities or use
the network.

Rows are written in batches; posts and comments are stored ``rendered_by = 'pending'`` and,
once the whole file is in, rendered by Broadsheet's pipeline (:mod:`.render_context`). A
cut-off or hostile file raises :class:`ImportError_` with a one-line message; the caller runs
the import in one transaction, so the database stays as it was.
"""

from __future__ import annotations

import gzip
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from lxml import etree

from .. import phpjson
from ..db import Database
from ..render.escape import esc_html
from ..render.slugs import sanitize_title
from ..settings import SiteSettings
from ..site import POST_FORMATS
from ..store import options, writer
from ..store import users as user_store
from ..store.models import Comment, Post, Term, User
from . import render_context
from .render_context import PENDING
from .wpjson import ImportError_

__all__ = ["RepairingReader", "import_file", "is_wxr", "mime_type_for", "settings_for"]

ZERO = "0000-00-00 00:00:00"
_WXR_VERSIONS = ("1.0", "1.1", "1.2")
_WP_NS = tuple(f"http://wordpress.org/export/{v}/" for v in _WXR_VERSIONS)
_EXCERPT_NS = tuple(f"http://wordpress.org/export/{v}/excerpt/" for v in _WXR_VERSIONS)
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"

# Post types WordPress itself registers (an export of "all content" carries many of them).
CORE_POST_TYPES = frozenset({
    "post", "page", "attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset",
    "oembed_cache", "user_request", "wp_block", "wp_template", "wp_template_part",
    "wp_global_styles", "wp_navigation", "wp_font_family", "wp_font_face",
})  # fmt: skip
_RENDERED_CORE_TYPES = frozenset({"post", "page", "attachment", "wp_block"})
_COMMENT_STATUS = {
    "1": "approved",
    "approve": "approved",
    "0": "hold",
    "trash": "trash",
    "spam": "spam",
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_BATCH = 500
_BYTES_PER_ITEM = 4000  # a rough size of an exported item, to guess how much there is to render


def _wp(local: str) -> list[str]:
    return [f"{{{ns}}}{local}" for ns in _WP_NS]


def _field_map(pairs: Mapping[str, str]) -> dict[str, str]:
    """{clark tag: field} for wp:* names in every WXR version."""
    return {tag: name for local, name in pairs.items() for tag in _wp(local)}


_ITEM_FIELDS: dict[str, str] = {
    "title": "title",
    "guid": "guid",
    f"{{{_DC_NS}}}creator": "creator",
    f"{{{_CONTENT_NS}}}encoded": "content",
    **{f"{{{ns}}}encoded": "excerpt" for ns in _EXCERPT_NS},
    **_field_map({name: name for name in (
        "post_id", "post_date", "post_date_gmt", "post_modified", "post_modified_gmt",
        "comment_status", "ping_status", "post_name", "status", "post_parent", "menu_order",
        "post_type", "post_password", "is_sticky", "attachment_url",
    )}),
}  # fmt: skip
_COMMENT_FIELDS = _field_map({name: name for name in (
    "comment_id", "comment_author", "comment_author_email", "comment_author_url", "comment_author_IP",
    "comment_date", "comment_date_gmt", "comment_content", "comment_approved", "comment_type",
    "comment_parent", "comment_user_id",
)})  # fmt: skip
_AUTHOR_FIELDS = _field_map({name: name for name in (
    "author_id", "author_login", "author_email", "author_display_name", "author_first_name",
    "author_last_name",
)})  # fmt: skip
_TERM_FIELDS = _field_map({
    "term_id": "id", "category_nicename": "slug", "category_parent": "parent", "cat_name": "name",
    "category_description": "description", "tag_slug": "slug", "tag_name": "name",
    "tag_description": "description", "term_taxonomy": "taxonomy", "term_slug": "slug",
    "term_parent": "parent", "term_name": "name", "term_description": "description",
})  # fmt: skip
_HEADER_FIELDS = {
    "title": "title", "link": "link", "description": "description", "language": "language",
    "generator": "generator",
    **_field_map({"wxr_version": "wxr_version", "base_site_url": "base_site_url",
                  "base_blog_url": "base_blog_url"}),
}  # fmt: skip
_POSTMETA = frozenset(_wp("postmeta"))
_COMMENTMETA = frozenset(_wp("commentmeta"))
_TERMMETA = frozenset(_wp("termmeta"))
_COMMENT = frozenset(_wp("comment"))
_META_KEY = frozenset(_wp("meta_key"))
_META_VALUE = frozenset(_wp("meta_value"))
_TERM_TAXONOMY = {
    **{tag: "category" for tag in _wp("category")},
    **{tag: "post_tag" for tag in _wp("tag")},
    **{tag: "" for tag in _wp("term")},
}
_AUTHOR_TAGS = frozenset(_wp("author"))
_EVENT_TAGS = ["item", "channel", *_AUTHOR_TAGS, *_TERM_TAXONOMY]


# --------------------------------------------------------------------------------------------
# File types (wp_check_filetype over WordPress's default MIME list)
# --------------------------------------------------------------------------------------------

_MIME_TYPES: dict[str, str] = {}
for _exts, _mime in (
    ("jpg jpeg jpe", "image/jpeg"), ("gif", "image/gif"), ("png", "image/png"), ("bmp", "image/bmp"),
    ("tiff tif", "image/tiff"), ("webp", "image/webp"), ("avif", "image/avif"), ("ico", "image/x-icon"),
    ("heic", "image/heic"), ("heif", "image/heif"),
    ("asf asx", "video/x-ms-asf"), ("wmv", "video/x-ms-wmv"), ("wmx", "video/x-ms-wmx"),
    ("wm", "video/x-ms-wm"), ("avi", "video/avi"), ("divx", "video/divx"), ("flv", "video/x-flv"),
    ("mov qt", "video/quicktime"), ("mpeg mpg mpe", "video/mpeg"), ("mp4 m4v", "video/mp4"),
    ("ogv", "video/ogg"), ("webm", "video/webm"), ("mkv", "video/x-matroska"),
    ("3gp 3gpp", "video/3gpp"), ("3g2 3gp2", "video/3gpp2"),
    ("txt asc c cc h srt", "text/plain"), ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
    ("ics", "text/calendar"), ("rtx", "text/richtext"), ("css", "text/css"), ("htm html", "text/html"),
    ("vtt", "text/vtt"), ("dfxp", "application/ttaf+xml"),
    ("mp3 m4a m4b", "audio/mpeg"), ("aac", "audio/aac"), ("ra ram", "audio/x-realaudio"),
    ("wav", "audio/wav"), ("ogg oga", "audio/ogg"), ("flac", "audio/flac"), ("mid midi", "audio/midi"),
    ("wma", "audio/x-ms-wma"), ("wax", "audio/x-ms-wax"), ("mka", "audio/x-matroska"),
    ("rtf", "application/rtf"), ("js", "application/javascript"), ("pdf", "application/pdf"),
    ("swf", "application/x-shockwave-flash"), ("class", "application/java"),
    ("tar", "application/x-tar"), ("zip", "application/zip"), ("gz gzip", "application/x-gzip"),
    ("rar", "application/rar"), ("7z", "application/x-7z-compressed"),
    ("exe", "application/x-msdownload"), ("psd", "application/octet-stream"),
    ("xcf", "application/octet-stream"),
    ("doc", "application/msword"), ("pot pps ppt", "application/vnd.ms-powerpoint"),
    ("wri", "application/vnd.ms-write"), ("xla xls xlt xlw", "application/vnd.ms-excel"),
    ("mdb", "application/vnd.ms-access"), ("mpp", "application/vnd.ms-project"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("docm", "application/vnd.ms-word.document.macroEnabled.12"),
    ("dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template"),
    ("dotm", "application/vnd.ms-word.template.macroEnabled.12"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12"),
    ("xlsb", "application/vnd.ms-excel.sheet.binary.macroEnabled.12"),
    ("xltx", "application/vnd.openxmlformats-officedocument.spreadsheetml.template"),
    ("xltm", "application/vnd.ms-excel.template.macroEnabled.12"),
    ("xlam", "application/vnd.ms-excel.addin.macroEnabled.12"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("pptm", "application/vnd.ms-powerpoint.presentation.macroEnabled.12"),
    ("ppsx", "application/vnd.openxmlformats-officedocument.presentationml.slideshow"),
    ("ppsm", "application/vnd.ms-powerpoint.slideshow.macroEnabled.12"),
    ("potx", "application/vnd.openxmlformats-officedocument.presentationml.template"),
    ("potm", "application/vnd.ms-powerpoint.template.macroEnabled.12"),
    ("ppam", "application/vnd.ms-powerpoint.addin.macroEnabled.12"),
    ("sldx", "application/vnd.openxmlformats-officedocument.presentationml.slide"),
    ("sldm", "application/vnd.ms-powerpoint.slide.macroEnabled.12"),
    ("onetoc onetoc2 onetmp onepkg", "application/onenote"), ("oxps", "application/oxps"),
    ("xps", "application/vnd.ms-xpsdocument"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("odp", "application/vnd.oasis.opendocument.presentation"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("odg", "application/vnd.oasis.opendocument.graphics"),
    ("odc", "application/vnd.oasis.opendocument.chart"),
    ("odb", "application/vnd.oasis.opendocument.database"),
    ("odf", "application/vnd.oasis.opendocument.formula"),
    ("wp wpd", "application/wordperfect"), ("key", "application/vnd.apple.keynote"),
    ("numbers", "application/vnd.apple.numbers"), ("pages", "application/vnd.apple.pages"),
):  # fmt: skip
    for _ext in _exts.split():
        _MIME_TYPES[_ext] = _mime


def mime_type_for(filename: str) -> str:
    """The MIME type WordPress gives a file by its extension ('' when it allows none)."""
    name = filename.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    if "." not in name:
        return ""
    return _MIME_TYPES.get(name.rsplit(".", 1)[-1].lower(), "")


# --------------------------------------------------------------------------------------------
# The repairing reader
# --------------------------------------------------------------------------------------------

# Everything a document may hold before its root element: declaration, comments, PIs, space.
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t\r\n]+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
_BARE_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_CDATA_OPEN = b"<![CDATA["
_CDATA_CLOSE = b"]]>"
_CR_IN_CDATA = b"]]>&#13;<![CDATA["
_PROLOG_LIMIT = 1 << 20
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+.*$")


class RepairingReader:
    """A binary stream of WXR bytes as an XML parser can read them.

    Outside CDATA sections an ``&`` that does not start one of XML's five entities or a
    character reference becomes ``&amp;`` (WordPress's bare ampersands in comment author URLs);
    inside CDATA each carriage return is written as a character reference, so the parser keeps
    it. A DOCTYPE raises :class:`ImportError_` before the parser sees it.

    The work is done on large segments with C-level searches: a segment always ends just
    before a ``<``, so no CDATA marker is ever split, and whether a position lies inside CDATA
    is read off the nearest markers before it. WordPress writes comments only before the root
    element; those are passed through untouched.
    """

    def __init__(self, raw: IO[bytes], name: str = "file", chunk_size: int = 1 << 20) -> None:
        self._raw = raw
        self._name = name
        self._chunk_size = chunk_size
        self._pending = b""
        self._searched = 0  # how much of _pending is known to hold no usable cut point
        self._out = bytearray()
        self._in_prolog = True
        self._in_cdata = False
        self._eof = False
        self.repaired_ampersands = 0
        self.carriage_returns = 0
        self.lines = 1  # lines read so far (to tell a cut-off file from a broken one)

    @property
    def at_end(self) -> bool:
        """Whether the whole file has been read."""
        return self._eof

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` repaired bytes (all of them for a negative size); b'' at the end."""
        while (size < 0 or len(self._out) < size) and not (self._eof and not self._pending):
            self._fill()
        if size < 0 or size >= len(self._out):
            data = bytes(self._out)
            self._out.clear()
            return data
        data = bytes(self._out[:size])
        del self._out[:size]
        return data

    def _fill(self) -> None:
        chunk = self._raw.read(self._chunk_size)
        if not chunk:
            self._eof = True
        self.lines += chunk.count(b"\n")
        self._pending += chunk
        if self._in_prolog and not self._prolog():
            return
        if self._eof:
            cut = len(self._pending)
        else:
            cut = self._pending.rfind(b"<", self._searched)
            if cut <= 0:
                self._searched = max(len(self._pending) - 1, 0)
                return
        segment, self._pending, self._searched = self._pending[:cut], self._pending[cut:], 0
        self._body(segment)

    def _prolog(self) -> bool:
        """Pass what precedes the root element; False while more bytes are needed."""
        buf = self._pending
        end = _PROLOG.match(buf).end()
        if buf.startswith(b"<!DOCTYPE", end):
            self._refuse_doctype(buf[end : end + _PROLOG_LIMIT])
        if not _ROOT_START.match(buf, end) and not self._eof and len(buf) < _PROLOG_LIMIT:
            return False
        self._out += buf[:end]
        self._pending = buf[end:]
        self._in_prolog = False
        return True

    def _inside_cdata(self, segment: bytes, pos: int) -> bool:
        opened = segment.rfind(_CDATA_OPEN, 0, pos)
        closed = segment.rfind(_CDATA_CLOSE, 0, pos)
        if opened < 0 and closed < 0:
            return self._in_cdata
        return opened > closed

    def _body(self, segment: bytes) -> None:
        fixes: list[tuple[int, bytes]] = []
        if b"&" in segment:
            for match in _BARE_AMPERSAND.finditer(segment):
                if not self._inside_cdata(segment, match.start()):
                    fixes.append((match.start(), b"&amp;"))
        if b"\r" in segment:
            pos = segment.find(b"\r")
            while pos >= 0:
                if self._inside_cdata(segment, pos):
                    fixes.append((pos, _CR_IN_CDATA))
                pos = segment.find(b"\r", pos + 1)
        if fixes:
            fixes.sort()
            start = 0
            for pos, replacement in fixes:
                self._out += segment[start:pos]
                self._out += replacement
                start = pos + 1
            self._out += segment[start:]
            self.repaired_ampersands += sum(1 for _, r in fixes if r == b"&amp;")
            self.carriage_returns += sum(1 for _, r in fixes if r == _CR_IN_CDATA)
        else:
            self._out += segment
        self._in_cdata = self._inside_cdata(segment, len(segment))

    def _refuse_doctype(self, head: bytes) -> None:
        if b"<!ENTITY" in head and re.search(rb"<!ENTITY[^>]*\s(?:SYSTEM|PUBLIC)\s", head):
            raise ImportError_(
                f"{self._name}: refused: the file declares an external XML entity (<!ENTITY … SYSTEM …);"
                " external entities are never resolved"
            )
        if b"<!ENTITY" in head:
            raise ImportError_(
                f"{self._name}: refused: the file declares XML entities in a DOCTYPE (an entity"
                " expansion bomb?); WordPress exports never do"
            )
        raise ImportError_(
            f"{self._name}: refused: the file has a DOCTYPE; WordPress exports never do"
        )


# --------------------------------------------------------------------------------------------
# Records read from the stream
# --------------------------------------------------------------------------------------------


@dataclass
class _AuthorRecord:
    fields: dict[str, str]


@dataclass
class _TermRecord:
    taxonomy: str
    fields: dict[str, str]
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _ItemRecord:
    fields: dict[str, str]
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    meta: list[tuple[str, str]] = field(default_factory=list)
    comments: list[dict[str, str]] = field(default_factory=list)


class _HugeNode(Exception):  # noqa: N818 - a retry signal
    """A text node beyond libxml2's default limit: parse again with huge_tree."""


def _meta_pair(elem: Any) -> tuple[str, str]:
    if len(elem) == 2:  # WordPress writes the key, then the value
        first, second = elem
        if first.tag in _META_KEY and second.tag in _META_VALUE:
            return first.text or "", second.text or ""
    key = value = ""
    for child in elem:
        if child.tag in _META_KEY:
            key = child.text or ""
        elif child.tag in _META_VALUE:
            value = child.text or ""
    return key, value


def _read_item(elem: Any) -> _ItemRecord:
    fields: dict[str, str] = {}
    terms: list[tuple[str, str, str]] = []
    meta: list[tuple[str, str]] = []
    comments: list[dict[str, str]] = []
    field_name = _ITEM_FIELDS.get
    for child in elem:
        tag = child.tag
        name = field_name(tag)
        if name is not None:
            fields[name] = child.text or ""
        elif tag == "category":
            nicename = child.get("nicename")
            if nicename is not None:
                terms.append((child.get("domain") or "category", nicename, child.text or ""))
        elif tag in _POSTMETA:
            meta.append(_meta_pair(child))
        elif tag in _COMMENT:
            comments.append(_read_comment(child))
    return _ItemRecord(fields, terms, meta, comments)


def _read_comment(elem: Any) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in elem:
        name = _COMMENT_FIELDS.get(child.tag)
        if name is not None:
            fields[name] = child.text or ""
    return fields


def _read_term(elem: Any, taxonomy: str) -> _TermRecord:
    record = _TermRecord(taxonomy, {})
    for child in elem:
        name = _TERM_FIELDS.get(child.tag)
        if name is not None:
            record.fields[name] = child.text or ""
        elif child.tag in _TERMMETA:
            record.meta.append(_meta_pair(child))
    if not record.taxonomy:
        record.taxonomy = record.fields.get("taxonomy", "")
    return record


def _read_author(elem: Any) -> _AuthorRecord:
    return _AuthorRecord(
        {_AUTHOR_FIELDS[c.tag]: c.text or "" for c in elem if c.tag in _AUTHOR_FIELDS}
    )


def _records(stream: Any, header: dict[str, str], *, huge: bool) -> Iterator[Any]:
    """Authors, terms and items of the stream, in file order; ``header`` fills as it goes."""
    events = etree.iterparse(
        stream, events=("end",), tag=_EVENT_TAGS, resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=huge, remove_comments=True, remove_pis=True,
    )  # fmt: skip
    checked_root = False
    for _, elem in events:
        if not checked_root:
            root = elem.getroottree().getroot()
            if root.tag != "rss":
                raise ImportError_(
                    f"not a WordPress export: the document is <{root.tag}>, not <rss>"
                )
            checked_root = True
        parent = elem.getparent()
        if parent is not None and parent.tag == "channel":
            while parent[0] is not elem:  # read the channel's own fields, drop what is done
                _harvest(parent[0], header)
                del parent[0]
        tag = elem.tag
        if tag == "item":
            yield _read_item(elem)
        elif tag in _TERM_TAXONOMY:
            yield _read_term(elem, _TERM_TAXONOMY[tag])
        elif tag in _AUTHOR_TAGS:
            yield _read_author(elem)
        elif tag == "channel":
            for child in elem:
                _harvest(child, header)
        elem.clear()


def _harvest(elem: Any, header: dict[str, str]) -> None:
    name = _HEADER_FIELDS.get(elem.tag)
    if name is not None and name not in header:
        header[name] = (elem.text or "").strip()


# --------------------------------------------------------------------------------------------
# Converting and writing
# --------------------------------------------------------------------------------------------


def _number(value: str | None, what: str) -> int:
    if value is not None and value.isdigit() and value.isascii():
        return int(value)
    text = (value or "").strip()
    if not text:
        return 0
    if not re.fullmatch(r"-?\d+", text):
        raise ImportError_(f"{what} is not a number: {text[:40]!r}")
    return int(text)


def _date(value: str | None, what: str, default: str = ZERO) -> str:
    text = (value or "").strip()
    if not text:
        return default
    if not _DATE.fullmatch(text):
        raise ImportError_(f"{what} is not a date: {text[:40]!r}")
    return text


@dataclass
class _Entry:
    post: Post
    meta: dict[str, list[str]]
    term_ids: list[int]
    comments: list[Comment]


class _Importer:
    """One WXR file into the store."""

    def __init__(self, db: Database, source: str, settings: dict[str, Any], given: dict[str, Any],
                 report: Any, progress: Callable[[str], None] | None) -> None:  # fmt: skip
        self.db = db
        self.source = source
        self.name = Path(source).name
        self.settings = settings
        self.given = given
        self.report = report
        self.progress = progress
        extra = given.get("_not_in_wxr")
        self.extra: dict[str, Any] = extra if isinstance(extra, dict) else {}
        self.site = SiteSettings(settings)
        custom = {str(t.get("name")) for t in self.site["post_types"] or [] if isinstance(t, dict)}
        self.known_types = CORE_POST_TYPES | custom
        self.rendered_types = _RENDERED_CORE_TYPES | custom
        self.mime_types = {
            int(k): str(v) for k, v in (self.extra.get("attachment_mime_types") or {}).items()
            if str(k).isdigit()
        }  # fmt: skip
        self.spam = self._spam_ids()
        self.header: dict[str, str] = {}
        self.authors: list[_AuthorRecord] = []
        self.terms: list[_TermRecord] = []
        self.channel_written = False
        self.batch: dict[int, _Entry] = {}
        self.sticky: list[int] = []
        self.not_sticky: set[int] = set()  # posts stored as sticky that the file says are not
        self.was_sticky = {i for i in settings.get("sticky_posts") or [] if isinstance(i, int)}
        self.items = 0
        self.render: render_context.RenderPass | None = None
        self._last_progress = 0.0
        self._load_maps()

    # -- lookups -------------------------------------------------------------------------------
    def _spam_ids(self) -> dict[int, int]:
        found = {}
        for entry in self.extra.get("spam_comments") or []:
            if isinstance(entry, dict) and str(entry.get("id", "")).isdigit():
                found[int(entry["id"])] = int(entry.get("post") or 0)
        return found

    def _load_maps(self) -> None:
        self.term_ids: dict[tuple[str, str], int] = {
            (tax, slug): int(tid)
            for tid, tax, slug in self.db.all("SELECT id, taxonomy, slug FROM terms")
        }
        self.logins: dict[str, int] = {
            login: int(uid) for uid, login in self.db.all("SELECT id, login FROM users") if login
        }
        max_ids = self.extra.get("max_ids") if isinstance(self.extra.get("max_ids"), dict) else {}
        self.next_term = (
            max(int(self.db.scalar("SELECT MAX(id) FROM terms") or 0), _int(max_ids.get("terms")))
            + 1
        )
        self.next_user = (
            max(int(self.db.scalar("SELECT MAX(id) FROM users") or 0), _int(max_ids.get("users")))
            + 1
        )

    # -- the stream ----------------------------------------------------------------------------
    def run(self, *, huge: bool) -> None:
        """Read the file and write everything it holds."""
        try:
            raw = _open(self.source)
        except OSError as exc:
            raise ImportError_(f"{self.source}: {exc.strerror or exc}") from exc
        with raw:
            total = _size(self.source)
            reader = RepairingReader(_unzipped(raw), self.name)
            try:
                for record in _records(reader, self.header, huge=huge):
                    self._dispatch(record)
                    self._report_progress(raw, total)
            except etree.XMLSyntaxError as exc:
                raise self._syntax_error(exc, huge, reader) from exc
            except (OSError, EOFError) as exc:  # unreadable, or a cut-off .gz
                raise ImportError_(f"{self.name}: cannot read the file ({exc})") from exc
            except ImportError_ as exc:
                message = str(exc)
                raise ImportError_(
                    message if message.startswith(self.name) else f"{self.name}: {message}"
                ) from exc
        self._finish()

    def _syntax_error(
        self, exc: etree.XMLSyntaxError, huge: bool, reader: RepairingReader
    ) -> Exception:
        message = _POSITION_SUFFIX.sub("", str(getattr(exc, "msg", "") or exc).splitlines()[0])
        if not huge and any(s in message for s in ("XML_PARSE_HUGE", "too big", "Huge input")):
            return _HugeNode(message)
        line, column = exc.position if exc.position else (0, 0)
        cut = reader.at_end and line >= reader.lines - 1
        problem = "the file is cut off" if cut else "the file is not well-formed XML"
        return ImportError_(f"{self.name}: {problem} (line {line}, column {column}: {message})")

    def _report_progress(self, raw: Any, total: int) -> None:
        if self.progress is None or time.monotonic() - self._last_progress < 0.2:
            return
        self._last_progress = time.monotonic()
        done = _position(raw)
        share = f"{100 * done // total}%" if total else f"{done:,} bytes"
        rendered = (
            f", {self.render.stats.posts:,} rendered"
            if self.render and self.render.stats.posts
            else ""
        )
        self.progress(f"{self.name}: {share} read, {self.items:,} items{rendered}")

    def _dispatch(self, record: Any) -> None:
        if isinstance(record, _ItemRecord):
            if not self.channel_written:
                self._write_channel()
            self._add_item(record)
        elif isinstance(record, _TermRecord):
            self.terms.append(record)
        elif isinstance(record, _AuthorRecord):
            self.authors.append(record)

    # -- channel: settings, users, terms -------------------------------------------------------
    def _write_channel(self) -> None:
        self.channel_written = True
        version = self.header.get("wxr_version", "")
        if not re.fullmatch(r"\d+\.\d+", version):
            raise ImportError_("not a WordPress export (no valid <wp:wxr_version>)")
        self._apply_channel_settings()
        self.render = render_context.RenderPass(
            self.db, SiteSettings(self.settings), progress=None,
            workers=render_context.worker_count(_size(self.source) // _BYTES_PER_ITEM),
        )  # fmt: skip
        self._write_users()
        self._write_terms()

    def _apply_channel_settings(self) -> None:
        found: dict[str, Any] = {}
        if self.header.get("title"):
            found["name"] = esc_html(self.header["title"])
        if "description" in self.header:
            found["description"] = esc_html(self.header["description"])
        site_url = self.header.get("base_site_url") or self.header.get("link")
        home = self.header.get("base_blog_url") or self.header.get("link") or site_url
        if site_url:
            found["url"] = site_url.rstrip("/")
        if home:
            found["home"] = home.rstrip("/")
        language = self.header.get("language", "")
        if re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*", language):
            found["language"] = language.replace("_", "-")
            found["locale"] = language.replace("-", "_")
        values = {k: v for k, v in found.items() if k not in self.given}
        if values:
            self.settings.update(values)
            options.save(self.db, values)
            self.site = SiteSettings(self.settings)

    def _write_users(self) -> None:
        extras = {
            int(u["id"]): u for u in self.extra.get("users") or []
            if isinstance(u, dict) and str(u.get("id", "")).isdigit()
        }  # fmt: skip
        users: dict[int, User] = {}
        for record in self.authors:
            fields = record.fields
            login = fields.get("author_login", "")
            user_id = _number(fields.get("author_id"), f"author {login!r}: wp:author_id")
            if user_id <= 0:
                user_id = self.logins.get(login) or self._new_user_id()
            users[user_id] = User(
                id=user_id, nicename=_nicename(login), login=login,
                display_name=fields.get("author_display_name", ""), email=fields.get("author_email", ""),
                first_name=fields.get("author_first_name", ""), last_name=fields.get("author_last_name", ""),
                nickname=login,
            )  # fmt: skip
        for user_id, data in extras.items():
            users[user_id] = _merge_user(users.get(user_id) or User(user_id, ""), data)
        self._store_users(users)

    def _store_users(self, users: Mapping[int, User]) -> None:
        stored = user_store.get_many(self.db, list(users)) if users else {}
        for user_id, user in users.items():
            old = stored.get(user_id)
            if old is not None:
                user = _keep_known(old, user)
            if old != user:
                writer.upsert_user(self.db, user)
                self.report.users += 1
            if user.login:
                self.logins[user.login] = user_id
        self.next_user = max([self.next_user, *(u + 1 for u in users)])

    def _new_user_id(self) -> int:
        self.next_user += 1
        return self.next_user - 1

    def _author_id(self, login: str) -> int:
        if not login:
            return 0
        if login not in self.logins:  # WXR 1.0 names authors only by login
            user_id = self._new_user_id()
            self._store_users({user_id: User(user_id, _nicename(login), login=login, display_name=login,
                                             nickname=login)})  # fmt: skip
        return self.logins[login]

    def _write_terms(self) -> None:
        records = self.terms
        self.terms = []
        for record in records:
            tid = _number(
                record.fields.get("id"), f"term {record.fields.get('slug', '')!r}: wp:term_id"
            )
            if tid > 0:
                self.term_ids[(record.taxonomy, record.fields.get("slug", ""))] = tid
                self.next_term = max(self.next_term, tid + 1)
        names = {(r.taxonomy, r.fields.get("name", "")): r for r in records}
        terms: list[Term] = []
        for record in records:
            key = (record.taxonomy, record.fields.get("slug", ""))
            if not record.taxonomy or not key[1]:
                continue
            tid = self.term_ids.get(key) or self._new_term_id(key)
            terms.append(Term(
                id=tid, taxonomy=record.taxonomy, name=record.fields.get("name", ""), slug=key[1],
                description=record.fields.get("description", ""),
                parent=self._term_parent(record, names),
            ))  # fmt: skip
        self._store_terms(terms)

    def _term_parent(
        self, record: _TermRecord, names: Mapping[tuple[str, str], _TermRecord]
    ) -> int:
        parent = record.fields.get("parent", "")
        if not parent:
            return 0
        found = self.term_ids.get((record.taxonomy, parent))
        if found is None and (record.taxonomy, parent) in names:  # old exports named the parent
            slug = names[(record.taxonomy, parent)].fields.get("slug", "")
            found = self.term_ids.get((record.taxonomy, slug))
        return found or 0

    def _new_term_id(self, key: tuple[str, str]) -> int:
        tid = self.next_term
        self.next_term += 1
        self.term_ids[key] = tid
        return tid

    def _store_terms(self, terms: list[Term]) -> None:
        for start in range(0, len(terms), _BATCH):
            part = terms[start : start + _BATCH]
            marks = ", ".join("?" for _ in part)
            stored = {
                int(r[0]): r[1:] for r in self.db.all(
                    f"SELECT id, taxonomy, name, slug, description, parent, meta FROM terms WHERE id IN ({marks})",
                    [t.id for t in part],
                )
            }  # fmt: skip
            changed = []
            for term in part:
                old = stored.get(term.id)
                if old is not None:
                    term.meta = _json_or_empty(old[5])
                    if tuple(old[:5]) == (
                        term.taxonomy,
                        term.name,
                        term.slug,
                        term.description,
                        term.parent,
                    ):
                        continue
                changed.append(term)
            writer.upsert_terms(self.db, changed)
            self.report.terms += len(changed)

    # -- items ---------------------------------------------------------------------------------
    def _add_item(self, record: _ItemRecord) -> None:
        self.items += 1
        entry = self._entry(record)
        current = self.batch.get(entry.post.id)
        if current is None or _newer(entry.post, current.post):
            self.batch[entry.post.id] = entry
        if len(self.batch) >= _BATCH:
            self._flush()

    def _entry(self, record: _ItemRecord) -> _Entry:
        fields = record.fields
        post_id = _number(fields.get("post_id"), "an <item>'s wp:post_id")
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
        term_ids, post_format = self._post_terms(record.terms)
        date = _date(fields.get("post_date"), f"{what}: wp:post_date")
        date_gmt = _date(fields.get("post_date_gmt"), f"{what}: wp:post_date_gmt")
        status = fields.get("status") or ("inherit" if post_type == "attachment" else "publish")
        template = (meta.get("_wp_page_template") or [""])[0]
        post = Post(
            id=post_id, type=post_type, status=status, date=date, date_gmt=date_gmt,
            modified=_date(fields.get("post_modified"), f"{what}: wp:post_modified", date),
            modified_gmt=_date(fields.get("post_modified_gmt"), f"{what}: wp:post_modified_gmt", date_gmt),
            author=self._author_id(fields.get("creator", "")),
            parent=_number(fields.get("post_parent"), f"{what}: wp:post_parent"),
            menu_order=_number(fields.get("menu_order"), f"{what}: wp:menu_order"),
            slug=fields.get("post_name", ""), password=fields.get("post_password", ""),
            comment_status=fields.get("comment_status") or "closed",
            ping_status=fields.get("ping_status") or "closed",
            guid=fields.get("guid", ""), mime_type=self._mime_type(post_id, post_type, fields, meta),
            template="" if template == "default" else template, format=post_format,
            title_raw=fields.get("title", ""), content_raw=fields.get("content", ""),
            excerpt_raw=fields.get("excerpt", ""),
            rendered_by=PENDING if post_type in self.rendered_types else "source",
        )  # fmt: skip
        self._note_sticky(post, fields.get("is_sticky", "0").strip() == "1")
        comments = [self._comment(post_id, c) for c in record.comments]
        return _Entry(post, meta, term_ids, comments)

    def _post_terms(self, terms: list[tuple[str, str, str]]) -> tuple[list[int], str]:
        ids: list[int] = []
        post_format = "standard"
        for domain, slug, name in terms:
            taxonomy = "post_tag" if domain == "tag" else domain  # WXR 1.0 called tags "tag"
            if taxonomy == "post_format":
                candidate = slug.removeprefix("post-format-")
                post_format = candidate if candidate in POST_FORMATS else "standard"
                continue
            if not slug:
                continue
            tid = self.term_ids.get((taxonomy, slug))
            if (
                tid is None
            ):  # a term the channel did not list: create it, as WordPress's importer does
                tid = self._new_term_id((taxonomy, slug))
                self._store_terms([Term(tid, taxonomy, name, slug)])
            ids.append(tid)
        return ids, post_format

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

    def _note_sticky(self, post: Post, sticky: bool) -> None:
        if sticky and post.type == "post":
            self.sticky.append(post.id)
        elif post.id in self.was_sticky:
            self.not_sticky.add(post.id)

    def _comment(self, post_id: int, fields: Mapping[str, str]) -> Comment:
        comment_id = _number(
            fields.get("comment_id"), f"a comment on item {post_id}: wp:comment_id"
        )
        what = f"comment {comment_id}"
        if comment_id <= 0:
            raise ImportError_(f"a comment on item {post_id} has no valid wp:comment_id")
        approved = fields.get("comment_approved", "1").strip()
        status = (
            "spam" if comment_id in self.spam else _COMMENT_STATUS.get(approved, approved or "hold")
        )
        return Comment(
            id=comment_id, post_id=post_id,
            date=_date(fields.get("comment_date"), f"{what}: wp:comment_date"),
            date_gmt=_date(fields.get("comment_date_gmt"), f"{what}: wp:comment_date_gmt"),
            parent=_number(fields.get("comment_parent"), f"{what}: wp:comment_parent"),
            author=_number(fields.get("comment_user_id"), f"{what}: wp:comment_user_id"),
            author_name=fields.get("comment_author", ""), author_email=fields.get("comment_author_email", ""),
            author_url=fields.get("comment_author_url", "").strip(), author_ip=fields.get("comment_author_IP", ""),
            content_raw=fields.get("comment_content", ""), rendered_by=PENDING, status=status,
            type=fields.get("comment_type") or "comment",
        )  # fmt: skip

    def _flush(self) -> None:
        entries = list(self.batch.values())
        self.batch = {}
        if not entries:
            return
        marks = ", ".join("?" for _ in entries)
        stored = {
            int(r[0]): (r[1], r[2]) for r in self.db.all(
                f"SELECT id, modified_gmt, modified FROM posts WHERE id IN ({marks})", [e.post.id for e in entries]
            )
        }  # fmt: skip
        write = [
            e
            for e in entries
            if e.post.id not in stored or _newer(e.post, _Dates(*stored[e.post.id]))
        ]
        self.report.skipped_posts += len(entries) - len(write)
        replaced = [e.post.id for e in write if e.post.id in stored]
        if replaced and self.render is not None:
            self.render.before_replacing()
        writer.delete_by_ids(self.db, "posts", replaced)
        pending = [e.post for e in write if e.post.rendered_by == PENDING]
        writer.insert_posts(self.db, pending, keys=False)  # keys come with the rendering
        writer.insert_posts(self.db, [e.post for e in write if e.post.rendered_by != PENDING])
        writer.replace_posts_meta(self.db, {e.post.id: e.meta for e in write})
        writer.replace_posts_terms(self.db, {e.post.id: e.term_ids for e in write})
        self.report.posts += len(write)
        comments = self._write_comments([c for e in entries for c in e.comments])
        if self.render is not None:
            self.render.submit(pending, comments)

    def _write_comments(self, comments: list[Comment]) -> list[Comment]:
        if not comments:
            return []
        marks = ", ".join("?" for _ in comments)
        stored = {
            int(r[0]): tuple(r[1:]) for r in self.db.all(
                f"SELECT id, {', '.join(_COMMENT_COMPARED)} FROM comments WHERE id IN ({marks})",
                [c.id for c in comments],
            )
        }  # fmt: skip
        changed = [
            c
            for c in comments
            if stored.get(c.id) != tuple(getattr(c, k) for k in _COMMENT_COMPARED)
        ]
        writer.upsert_comments(
            self.db, changed, search=False
        )  # the search text comes with the rendering
        self.report.comments += len(changed)
        return changed

    # -- rendering -----------------------------------------------------------------------------
    def finish_rendering(self) -> None:
        """Render every post and comment still pending (the whole file is stored by now)."""
        if self.render is None:
            return
        self.render.progress = self.progress
        self.render.finish()

    def close(self) -> None:
        """Stop rendering workers (after an error)."""
        if self.render is not None:
            self.render.close()

    # -- what the WXR does not carry -------------------------------------------------------------
    def _finish(self) -> None:
        if not self.channel_written:
            self._write_channel()
        self._flush()
        for data in self.extra.get("revisions") or []:
            if isinstance(data, dict) and str(data.get("id", "")).isdigit():
                entry = _Entry(_revision(data), {}, [], [])
                self.batch[entry.post.id] = entry
        self._flush()
        self._write_spam_placeholders()
        self._save_sticky()

    def _write_spam_placeholders(self) -> None:
        if not self.spam:
            return
        ids = list(self.spam)
        marks = ", ".join("?" for _ in ids)
        present = {
            int(r[0]) for r in self.db.all(f"SELECT id FROM comments WHERE id IN ({marks})", ids)
        }
        placeholders = [
            Comment(cid, post_id, ZERO, ZERO, content_raw="", status="spam", rendered_by="source")
            for cid, post_id in self.spam.items() if cid not in present
        ]  # fmt: skip
        writer.upsert_comments(self.db, placeholders)

    def _save_sticky(self) -> None:
        if "sticky_posts" in self.given:
            return
        current = [i for i in self.settings.get("sticky_posts") or [] if isinstance(i, int)]
        kept = [i for i in current if i not in self.not_sticky]
        updated = kept + [i for i in self.sticky if i not in kept]
        if updated != current or "sticky_posts" not in self.settings:
            self.settings["sticky_posts"] = updated
            options.save(self.db, {"sticky_posts": updated})


_COMMENT_COMPARED = (
    "post_id", "parent", "author", "author_name", "author_email", "author_url", "author_ip", "date",
    "date_gmt", "content_raw", "status", "type",
)  # fmt: skip


@dataclass
class _Dates:
    modified_gmt: str
    modified: str


def _newer(post: Post, than: Post | _Dates) -> bool:
    return (post.modified_gmt, post.modified) > (than.modified_gmt, than.modified)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _json_or_empty(raw: Any) -> Any:
    try:
        return phpjson.loads(raw) if raw else []
    except ValueError:
        return []


def _nicename(login: str) -> str:
    return sanitize_title(login)[:50] or login


_USER_FIELDS = ("login", "nicename", "display_name", "email", "url", "description", "first_name",
                "last_name", "nickname", "registered", "roles", "locale")  # fmt: skip


def _merge_user(user: User, data: Mapping[str, Any]) -> User:
    """A user with the profile fields the settings file's ``not_in_wxr.users`` entry gives."""
    values = {name: data[name] for name in _USER_FIELDS if name in data and data[name] is not None}
    if "roles" in values:
        values["roles"] = (
            [str(r) for r in values["roles"]] if isinstance(values["roles"], list) else []
        )
    for name, value in values.items():
        if name != "roles":
            values[name] = str(value)
    merged = User(**{**user.__dict__, **values})
    if not merged.nicename:
        merged.nicename = _nicename(merged.login) or str(merged.id)
    return merged


def _keep_known(old: User, new: User) -> User:
    """The new user row, keeping what the store knew and the export does not say."""
    values = dict(new.__dict__)
    for name in ("url", "description", "nickname", "locale", "first_name", "last_name", "email"):
        if not values[name]:
            values[name] = getattr(old, name)
    if values["registered"] == ZERO:
        values["registered"] = old.registered
    if not values["roles"]:
        values["roles"] = old.roles
    values["avatar_urls"] = old.avatar_urls if not values["email"] else None
    values["meta"] = old.meta
    return User(**values)


def _revision(data: Mapping[str, Any]) -> Post:
    rid = int(data["id"])
    date = _date(str(data.get("date") or ""), f"revision {rid}: date")
    date_gmt = _date(str(data.get("date_gmt") or ""), f"revision {rid}: date_gmt")
    return Post(
        id=rid, type="revision", status="inherit", date=date, date_gmt=date_gmt,
        modified=_date(str(data.get("modified") or ""), f"revision {rid}: modified", date),
        modified_gmt=_date(str(data.get("modified_gmt") or ""), f"revision {rid}: modified_gmt", date_gmt),
        author=_int(data.get("author")), parent=_int(data.get("parent")), slug=str(data.get("slug") or ""),
        comment_status="closed", ping_status="closed", title_raw=str(data.get("title") or ""),
        content_raw=str(data.get("content") or ""), excerpt_raw=str(data.get("excerpt") or ""),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def _open(source: str) -> IO[bytes]:
    return open(source, "rb")  # noqa: SIM115 - closed by the caller's with-block


def _unzipped(raw: IO[bytes]) -> IO[bytes]:
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def _size(source: str) -> int:
    try:
        return os.path.getsize(source)
    except OSError:
        return 0


def _position(raw: Any) -> int:
    try:
        return int(raw.tell())
    except (OSError, ValueError):
        return 0


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(size)
    except OSError:
        return b""
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as handle:
                data = handle.read(size)
        except (OSError, EOFError):
            return b""
    return data


# --------------------------------------------------------------------------------------------
# The importer's entry points
# --------------------------------------------------------------------------------------------


def is_wxr(source: str) -> bool:
    """Whether a source is a WXR file (by extension or by its first bytes)."""
    if source.startswith(("http://", "https://")):
        return False
    lowered = source.lower()
    if lowered.endswith((".wxr", ".xml", ".wxr.gz", ".xml.gz")):
        return True
    path = Path(source)
    if not path.is_file():
        return False
    head = _head(path)
    return b"<rss" in head and b"wordpress.org/export/" in head


def settings_for(settings: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Settings for a WXR import: the stored and inferred settings with the settings file's on top.

    A WXR cannot tell which plugins the site ran, so when the settings file names no
    ``extensions`` and nothing else decided them, the default (IO+) profile applies (``None``).
    The export's channel (title, URLs, language) is applied by :func:`import_file` as it is read.
    """
    merged = {**settings, **{k: v for k, v in given.items() if not k.startswith("_")}}
    if "extensions" not in given and not merged.get("extensions"):
        merged["extensions"] = None
    return merged


def import_file(db: Database, source: str, settings: dict[str, Any], given: dict[str, Any], report: Any,
                progress: Callable[[str], None] | None = None) -> None:  # fmt: skip
    """Import one WXR file, then render what it brought (all or nothing with the caller's transaction)."""
    snapshot = dict(report.__dict__)
    db.execute("SAVEPOINT broadsheet_wxr")
    importer = _Importer(db, source, settings, given, report, progress)
    cache_size = _widen_page_cache(db)
    try:
        try:
            importer.run(huge=False)
        except _HugeNode:
            # A text node over libxml2's 10 MB default: read the file again with the limit lifted.
            importer.close()
            db.execute("ROLLBACK TO SAVEPOINT broadsheet_wxr")
            report.__dict__.update(snapshot)
            importer = _Importer(db, source, settings, given, report, progress)
            importer.run(huge=True)
        db.execute("RELEASE SAVEPOINT broadsheet_wxr")
        importer.finish_rendering()
    finally:
        importer.close()
        if cache_size is not None:
            db.execute(f"PRAGMA cache_size = {int(cache_size)}")


_IMPORT_PAGE_CACHE_KIB = 65536  # SQLite page cache while importing (the default is 2 MiB)


def _widen_page_cache(db: Database) -> int | None:
    """Give SQLite a larger page cache for the import (its indexes stay cached instead of being
    written out and read back); returns the setting to restore, None when nothing changed."""
    if db.dialect.name != "sqlite":
        return None
    current = int(db.scalar("PRAGMA cache_size") or 0)
    # A negative setting is in KiB, a positive one in pages.
    kib = -current if current < 0 else current * int(db.scalar("PRAGMA page_size") or 0) // 1024
    if kib >= _IMPORT_PAGE_CACHE_KIB:
        return None
    db.execute(f"PRAGMA cache_size = {-_IMPORT_PAGE_CACHE_KIB}")
    return current
