"""Posts and comments waiting to be rendered (``rendered_by = 'pending'``), and rendering one.

Rows are written with ``rendered_by = PENDING``; rendering them gives the rows
:func:`~broadsheet.store.writer.store_rendering` and
:func:`~broadsheet.store.writer.store_comment_rendering` store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ...render.pipeline import Renderer
from ...store import writer
from ...store.models import Comment, Post
from .attachments import attachment_paragraph
from .config import RenderConfig

__all__ = ["PENDING", "PendingComment", "PendingPost", "RenderedPost", "render_post"]

PENDING = "pending"


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
    # Stored as templates numbered per request (render/instances.py), but an attachment's
    # description: the media routes serve it as stored.
    template = post.type != "attachment"
    try:
        content = renderer.render_content(post.content_raw, ctx, template=template)
        excerpt = renderer.render_excerpt(post.excerpt_raw, post.content_raw, ctx, template=template)
        if post.type != "attachment":  # an attachment's description: its own route, no blocks
            after_blocks = renderer.render_content_after_blocks(
                post.content_raw, ctx, rendered=content, template=True
            )
    finally:
        ctx.attachment_prefix = None
    return RenderedPost(post.id, title, content, excerpt, after_blocks)


def _stored_row(post: PendingPost, rendered: RenderedPost) -> tuple[Any, ...]:
    """A row for :func:`~broadsheet.store.writer.store_rendering`: rendering plus search keys."""
    keys = writer.search_keys(post.title_raw, post.excerpt_raw, post.content_raw)
    return (post.id, rendered.title, rendered.content, rendered.excerpt,
            rendered.content_after_blocks, *keys, post.modified_gmt, post.modified)  # fmt: skip


def _comment_row(renderer: Renderer, comment: PendingComment, ctx: Any) -> tuple[int, str, str]:
    ctx.begin(0)
    search = writer.comment_search_text(comment.content_raw, comment.author_name, comment.author_email,
                                        comment.author_url, comment.author_ip)  # fmt: skip
    return comment.id, renderer.render_comment(comment.content_raw, ctx), search
