"""The rows Broadsheet stores, as plain dataclasses (one per table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import phpjson
from ..site import ZERO_DATE

POST_COLUMNS = (
    "id", "type", "status", "author", "parent", "menu_order", "date", "date_gmt", "modified",
    "modified_gmt", "slug", "password", "comment_status", "ping_status", "guid", "mime_type",
    "template", "format", "title_raw", "content_raw", "excerpt_raw", "title_rendered",
    "content_rendered", "excerpt_rendered", "rendered_by", "comment_count", "fields",
    "content_rendered_after_blocks",
)


@dataclass
class Post:
    """A post of any type (post, page, attachment, revision, custom)."""

    id: int
    type: str
    status: str
    date: str  # local 'YYYY-MM-DD HH:MM:SS'
    date_gmt: str  # UTC; '0000-00-00 00:00:00' for floating drafts
    modified: str
    modified_gmt: str
    author: int = 0
    parent: int = 0
    menu_order: int = 0
    slug: str = ""
    password: str = ""
    comment_status: str = "open"
    ping_status: str = "open"
    guid: str = ""
    mime_type: str = ""
    template: str = ""
    format: str = "standard"
    title_raw: str | None = None
    content_raw: str | None = None
    excerpt_raw: str | None = None
    title_rendered: str = ""
    content_rendered: str = ""
    excerpt_rendered: str = ""
    rendered_by: str = "source"
    comment_count: int = 0
    fields: dict[str, Any] = field(default_factory=dict)
    # content.rendered in a request that already rendered block content, where that differs
    # (Broadsheet-rendered classic content with shortcodes; see docs/rendering.md)
    content_rendered_after_blocks: str | None = None

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Post:
        """Build from a SELECT of :data:`POST_COLUMNS`."""
        values = dict(zip(POST_COLUMNS, row, strict=True))
        fields = phpjson.loads(values["fields"] or "{}")
        values["fields"] = fields if isinstance(fields, dict) else {}
        for key in ("id", "author", "parent", "menu_order", "comment_count"):
            values[key] = int(values[key])
        return cls(**values)


@dataclass
class Term:
    """A term of a taxonomy. ``name`` is stored HTML-escaped, as WordPress stores it."""

    id: int
    taxonomy: str
    name: str
    slug: str
    description: str = ""
    parent: int = 0
    meta: Any = field(default_factory=list)
    count: int = 0  # published posts carrying the term (computed)


@dataclass
class User:
    """A user (an author, for a public archive)."""

    id: int
    nicename: str
    login: str = ""
    display_name: str = ""
    email: str = ""
    url: str = ""
    description: str = ""
    first_name: str = ""
    last_name: str = ""
    nickname: str = ""
    locale: str = ""
    registered: str = ZERO_DATE
    roles: list[str] = field(default_factory=list)
    avatar_urls: dict[str, str] | None = None
    meta: Any = field(default_factory=list)


@dataclass
class Comment:
    """A comment, pingback or trackback."""

    id: int
    post_id: int
    date: str
    date_gmt: str
    parent: int = 0
    author: int = 0
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    author_user_agent: str = ""
    content_raw: str | None = None
    content_rendered: str = ""
    rendered_by: str = "source"
    status: str = "approved"
    type: str = "comment"
    avatar_urls: dict[str, str] | None = None
    meta: Any = field(default_factory=list)
