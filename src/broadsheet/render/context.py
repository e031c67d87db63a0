"""What the rendering pipeline may ask of the site while it turns raw content into HTML.

Rendering is pure text processing except for a few lookups WordPress makes while rendering:
attachment metadata (``[caption]``, ``[gallery]``, image ``srcset``), permalinks (internal link
previews), and recent posts (the Latest Posts block). The store provides an object that
satisfies :class:`RenderContext`; tests provide a small in-memory one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from broadsheet.store.collation import fold


@dataclass(frozen=True)
class ImageSize:
    """One rendition of an image attachment (WordPress's ``sizes`` entry)."""

    name: str
    file: str
    width: int
    height: int
    mime_type: str


@dataclass(frozen=True)
class Attachment:
    """An attachment as rendering needs it; ``file`` is relative to the uploads base URL."""

    id: int
    url: str  # full URL of the original file
    file: str  # e.g. "2023/05/eindhoven-skyline.jpg"
    mime_type: str
    width: int = 0
    height: int = 0
    sizes: Sequence[ImageSize] = ()
    alt: str = ""
    caption: str = ""  # raw post_excerpt of the attachment
    title: str = ""
    link: str = ""  # attachment page permalink

    def size_url(self, size: ImageSize) -> str:
        """URL of a rendition: the original's folder plus the rendition's file name."""
        base = self.url.rsplit("/", 1)[0]
        return f"{base}/{size.file}"


@dataclass(frozen=True)
class PostSummary:
    """A published post as blocks that list posts (Latest Posts) need it."""

    id: int
    title: str  # raw title
    link: str
    date: str  # local "YYYY-MM-DDTHH:MM:SS"
    excerpt: str = ""  # rendered excerpt
    author_name: str = ""
    featured_media: int = 0
    protected: bool = False  # password-protected: the title reads "Protected: …"


@dataclass
class RenderOptions:
    """Site settings that change how content renders."""

    home: str = "http://localhost"  # home URL without trailing slash
    uploads_baseurl: str = "http://localhost/wp-content/uploads"
    use_smilies: bool = True
    excerpt_length: int = 55
    excerpt_more: str = " [&hellip;]"
    locale: str = "en_US"
    date_format: str = "F j, Y"
    time_format: str = "g:i a"
    timezone: str = "UTC"
    wp_version: str = "6.8"
    image_sizes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Twenty Twenty-One's wp_get_attachment_image_attributes filter: attachment images (e.g.
    # in [gallery]) get style="width:100%;height:{ratio}%;max-width:{width}px;"
    theme_image_style: bool = False
    # The theme's $content_width (0: none): videos and playlists are scaled to it
    content_width: int = 0


class RenderContext(Protocol):
    """Lookups the rendering pipeline needs from the site."""

    options: RenderOptions

    def attachment(self, attachment_id: int) -> Attachment | None:
        """The attachment with this id, or None."""
        ...

    def permalink(self, post_id: int) -> str | None:
        """The current permalink of a published post, or None."""
        ...

    def latest_posts(
        self, *, number: int, categories: Sequence[int] = (), order: str = "desc",
        orderby: str = "date",
    ) -> list[PostSummary]:
        """Published posts for the Latest Posts block."""
        ...


class StaticContext:
    """A RenderContext over fixed data: for tests and the ``broadsheet render`` command."""

    def __init__(
        self,
        options: RenderOptions | None = None,
        attachments: Sequence[Attachment] = (),
        permalinks: dict[int, str] | None = None,
        posts: Sequence[PostSummary] = (),
    ) -> None:
        self.options = options or RenderOptions()
        self._attachments = {a.id: a for a in attachments}
        self._permalinks = dict(permalinks or {})
        self._posts = list(posts)

    def attachment(self, attachment_id: int) -> Attachment | None:
        return self._attachments.get(attachment_id)

    def permalink(self, post_id: int) -> str | None:
        return self._permalinks.get(post_id)

    def latest_posts(
        self, *, number: int, categories: Sequence[int] = (), order: str = "desc",
        orderby: str = "date",
    ) -> list[PostSummary]:
        def key(post: PostSummary) -> tuple[str, int]:
            return (fold(post.title) if orderby == "title" else post.date), post.id

        posts = sorted(self._posts, key=key, reverse=order.lower() != "asc")
        return posts[:number]
