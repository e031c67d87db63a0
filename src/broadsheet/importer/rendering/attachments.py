"""Attachments as rendering sees them.

An :class:`~broadsheet.render.context.Attachment` is built from its post row and raw meta
(:func:`build_attachment`); an :class:`AttachmentSource` is what a job ships to a worker to
build one. Attachments render like WordPress's REST media objects: ``description.rendered``
is the attachment's ``the_content`` with ``prepend_attachment``'s paragraph
(:func:`attachment_paragraph`: the medium image or the file link) in front, and
``caption.rendered`` is the excerpt pipeline over the same. :func:`referenced_attachments`
scans raw markup for the attachment ids it may ask for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...attachment_meta import decode_metadata
from ...render.context import Attachment, ImageSize
from ...render.escape import esc_html, esc_url
from ...render.images import attachment_image
from ...render.pipeline import Renderer
from ...store.models import Post
from ..wpjson import to_int
from .config import RenderConfig

if TYPE_CHECKING:
    from .pending import PendingPost

__all__ = [
    "AttachmentSource",
    "attachment_paragraph",
    "build_attachment",
    "may_show_attachment_links",
    "referenced_attachments",
]

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
    data = (
        metadata if metadata is not None else decode_metadata(meta.get("_wp_attachment_metadata"))
    )
    sizes = data.get("sizes")
    renditions = tuple(
        ImageSize(
            str(name),
            str(size.get("file") or ""),
            to_int(size.get("width")),
            to_int(size.get("height")),
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
        width=to_int(data.get("width")),
        height=to_int(data.get("height")),
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
            metadata = _DECODED_METADATA[raw] = decode_metadata(raw)
        return build_attachment(self.post, self.meta, uploads_baseurl, self.link, metadata)


_DECODED_METADATA: dict[str, dict[str, Any]] = {}


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
    image = attachment_image(attachment, "medium", ctx)  # with the theme's style (options)
    text = image
    if not text.strip(_PHP_TRIM):
        text = attachment.title
    if not text.strip(_PHP_TRIM):
        text = esc_html(attachment.file.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return f"<p class=\"attachment\"><a href='{url}'>{text}</a></p>"


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
