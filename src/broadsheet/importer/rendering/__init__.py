"""Rendering stored posts with Broadsheet's pipeline: the render pass an import ends with.

Posts imported from raw content (a WXR export) are stored with ``rendered_by = 'pending'``;
:func:`render_pending` renders every pending post and comment and stores the result
(``rendered_by = 'broadsheet'``). It runs after every row of an import is written, so
internal links and the Latest Posts block see the whole site.

One module a concept:

- :mod:`.config`: a site's :class:`RenderConfig` (options, rendering extensions, theme).
- :mod:`.site_renderer`: :class:`SiteRenderer`, the pipeline for stored posts
  (``prepend_attachment``, generated excerpts from a checked window of long content).
- :mod:`.attachments`: attachments built from stored rows, the paragraph in front of an
  attachment's description, the scan of raw markup for the attachment ids it names.
- :mod:`.contexts`: the RenderContexts, over a job's cargo (:class:`ShippedContext`) or over
  the database (:class:`StoreRenderContext`), and WordPress's oEmbed cache keys.
- :mod:`.pending`: the pending rows and rendering one post into the row that is stored.
- :mod:`.jobs`: jobs, run in worker processes (they never touch the database) or inline.
- :mod:`.render_pass`: :class:`RenderPass`, :func:`render_pending`, :func:`mark_for_rendering`.

Large imports render in worker processes: a post that asks a worker for anything its job does
not carry is rendered last, in the main process, with :class:`StoreRenderContext`. Both paths
run the same code, so the result does not depend on the path.
"""

from .attachments import (
    AttachmentSource,
    attachment_paragraph,
    build_attachment,
    may_show_attachment_links,
    referenced_attachments,
)
from .config import RenderConfig, render_config
from .contexts import ShippedContext, StoreRenderContext, oembed_cache_key
from .jobs import worker_count
from .pending import PENDING, PendingComment, PendingPost, RenderedPost, render_post
from .render_pass import RenderPass, RenderStats, mark_for_rendering, render_pending
from .site_renderer import SiteRenderer, block_window, excerpt_window, make_renderer

__all__ = [
    "PENDING",
    "AttachmentSource",
    "PendingComment",
    "PendingPost",
    "RenderConfig",
    "RenderPass",
    "RenderStats",
    "RenderedPost",
    "ShippedContext",
    "SiteRenderer",
    "StoreRenderContext",
    "attachment_paragraph",
    "block_window",
    "build_attachment",
    "excerpt_window",
    "make_renderer",
    "mark_for_rendering",
    "may_show_attachment_links",
    "oembed_cache_key",
    "referenced_attachments",
    "render_config",
    "render_pending",
    "render_post",
    "worker_count",
]
