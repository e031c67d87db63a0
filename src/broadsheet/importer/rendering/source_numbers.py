"""Per-request numbers in HTML imported as rendered (``rendered_by = 'source'``).

A REST dump or a crawl shows each post as WordPress served it, usually inside a collection: its
players, galleries and layout containers carry the numbers of that request (``audio-{id}-7``,
``wp-container-12``), which a single GET of the post, or a list of other posts, would not show.
Where the source also shows the raw content, Broadsheet renders it as a template
(docs/rendering.md) and, when the template numbers to exactly the source's HTML at some
counters, stores the template instead: the same bytes for that request, and WordPress's numbers
for every other. Where it does not (plugins shaped the HTML, an embed without cached HTML), the
source's HTML stays as it is.
"""

from __future__ import annotations

import re
from typing import Any

from ...db import Database
from ...render.instances import is_template, match_template, resolve
from ...settings import SiteSettings
from .config import render_config
from .contexts import StoreRenderContext
from .site_renderer import make_renderer

__all__ = ["number_source_posts"]

# Raw content that can draw a per-request counter when rendered: blocks with layout or duotone
# support and galleries, media and gallery shortcodes (escaped too), media URLs.
_MAY_DRAW = re.compile(
    r"<!-- wp:(?:core/)?(?:group|columns|column|buttons|gallery|navigation|social-links|query"
    r"|post-template|post-content|comments-pagination|query-pagination|image|cover)[ /]"
    r"|\[\[?(?:audio|video|gallery|playlist|embed|caption|wp_caption)\b"
    r"|\.(?:mp3|ogg|flac|m4a|wav|mp4|m4v|webm|ogv|flv)\b",
    re.IGNORECASE,
)


def number_source_posts(db: Database, settings: SiteSettings) -> int:
    """Store templates for source-rendered posts whose HTML Broadsheet's rendering reproduces
    (at some counters); how many posts changed."""
    rows = db.all(
        "SELECT id, type, content_raw, excerpt_raw, content_rendered, content_rendered_after_blocks,"
        " excerpt_rendered FROM posts WHERE rendered_by = 'source' AND content_raw IS NOT NULL"
        " AND type <> 'attachment' ORDER BY id"
    )
    candidates = [r for r in rows if _MAY_DRAW.search(r[2] or "") and not is_template(r[4] or "")]
    if not candidates:
        return 0
    config = render_config(settings)
    renderer = make_renderer(config)
    ctx = StoreRenderContext(db, settings, config)
    changed = 0
    for post_id, _, raw, raw_excerpt, content, after_blocks, excerpt in candidates:
        update = _numbered(renderer, ctx, int(post_id), raw, raw_excerpt or "", content or "",
                           after_blocks, excerpt or "")  # fmt: skip
        if update is not None:
            db.execute(
                "UPDATE posts SET content_rendered = ?, content_rendered_after_blocks = ?,"
                " excerpt_rendered = ? WHERE id = ?",
                (*update, post_id),
            )
            changed += 1
    return changed


def _numbered(renderer: Any, ctx: StoreRenderContext, post_id: int, raw: str, raw_excerpt: str,
              content: str, after_blocks: str | None,
              excerpt: str) -> tuple[str, str | None, str] | None:  # fmt: skip
    """The templates to store for one post, or None to keep the source's HTML."""
    ctx.begin(post_id)
    template = renderer.render_content(raw, ctx, template=True)
    if not is_template(template):
        return None
    late = renderer.render_content_after_blocks(raw, ctx, template=True)
    if match_template(template, content) is not None:
        stored_late = late
        if after_blocks is not None and (late is None or match_template(late, after_blocks) is None):
            stored_late = after_blocks  # the source's later form, as it showed it
    elif late is not None and match_template(late, content) is not None and after_blocks is None:
        # The source showed the post after block content (a collection): its form alone is ours.
        stored_late = late
    else:
        return None
    stored_excerpt = excerpt
    if not raw_excerpt.strip():
        generated = renderer.render_excerpt(raw_excerpt, raw, ctx, template=True)
        if is_template(generated) and resolve(generated) == excerpt:
            stored_excerpt = generated
    return template, stored_late, stored_excerpt
