"""The records of a WXR stream: authors, terms and items, read with ``lxml.etree.iterparse``.

The file is read once, each element dropped once read, so memory stays bounded whatever the
file's size; the channel's own fields (title, URLs, language, WXR version) fill a header as
they go by. The parser never resolves entities, loads a DTD or uses the network; a text node
beyond libxml2's default limit raises :class:`HugeNode`, so the caller can read the file again
with ``huge_tree``. Tag names are matched in every WXR version's namespace (1.0–1.2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..wpjson import ImportError_
from .reader import RepairingReader

__all__ = [
    "AuthorRecord",
    "HugeNode",
    "ItemRecord",
    "TermRecord",
    "parse_error",
    "read_records",
]

_WXR_VERSIONS = ("1.0", "1.1", "1.2")
_WP_NS = tuple(f"http://wordpress.org/export/{v}/" for v in _WXR_VERSIONS)
_EXCERPT_NS = tuple(f"http://wordpress.org/export/{v}/excerpt/" for v in _WXR_VERSIONS)
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"


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
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+.*$")


@dataclass
class AuthorRecord:
    """A ``<wp:author>``: its fields by name (``author_login``, ``author_email``…)."""

    fields: dict[str, str]


@dataclass
class TermRecord:
    """A ``<wp:category>``, ``<wp:tag>`` or ``<wp:term>`` with its taxonomy and term meta."""

    taxonomy: str
    fields: dict[str, str]
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ItemRecord:
    """An ``<item>``: its fields, terms, post meta and comments (each a dict of fields)."""

    fields: dict[str, str]
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    meta: list[tuple[str, str]] = field(default_factory=list)
    comments: list[dict[str, str]] = field(default_factory=list)


class HugeNode(Exception):  # noqa: N818 - a retry signal
    """A text node beyond libxml2's default limit: parse again with huge_tree."""


def parse_error(
    exc: etree.XMLSyntaxError, huge: bool, reader: RepairingReader, name: str
) -> Exception:
    """What a parse error of ``name`` means: :class:`HugeNode`, a cut-off or a broken file."""
    message = _POSITION_SUFFIX.sub("", str(getattr(exc, "msg", "") or exc).splitlines()[0])
    if not huge and any(s in message for s in ("XML_PARSE_HUGE", "too big", "Huge input")):
        return HugeNode(message)
    line, column = exc.position if exc.position else (0, 0)
    cut = reader.at_end and line >= reader.lines - 1
    problem = "the file is cut off" if cut else "the file is not well-formed XML"
    return ImportError_(f"{name}: {problem} (line {line}, column {column}: {message})")


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


def _read_item(elem: Any) -> ItemRecord:
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
    return ItemRecord(fields, terms, meta, comments)


def _read_comment(elem: Any) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in elem:
        name = _COMMENT_FIELDS.get(child.tag)
        if name is not None:
            fields[name] = child.text or ""
    return fields


def _read_term(elem: Any, taxonomy: str) -> TermRecord:
    record = TermRecord(taxonomy, {})
    for child in elem:
        name = _TERM_FIELDS.get(child.tag)
        if name is not None:
            record.fields[name] = child.text or ""
        elif child.tag in _TERMMETA:
            record.meta.append(_meta_pair(child))
    if not record.taxonomy:
        record.taxonomy = record.fields.get("taxonomy", "")
    return record


def _read_author(elem: Any) -> AuthorRecord:
    return AuthorRecord(
        {_AUTHOR_FIELDS[c.tag]: c.text or "" for c in elem if c.tag in _AUTHOR_FIELDS}
    )


def read_records(stream: Any, header: dict[str, str], *, huge: bool) -> Iterator[Any]:
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
