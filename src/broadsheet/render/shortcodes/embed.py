"""``[embed]``: cached oEmbed HTML, an ``[audio]``/``[video]`` shortcode, or a plain link.

``[embed]`` runs in its own pass before wpautop (WordPress's priority 8,
:func:`run_embed_shortcode`); in the main pass (priority 11) ``embed`` is registered as a
placeholder that outputs nothing, as in WordPress. Nothing is fetched from the network."""

from __future__ import annotations

import re

from broadsheet.render.context import RenderContext
from broadsheet.render.escape import esc_html, esc_url
from broadsheet.render.shortcodes.media import AUDIO_TYPES, VIDEO_TYPES
from broadsheet.render.shortcodes.registry import Shortcodes
from broadsheet.render.shortcodes.values import php_empty, php_int

__all__ = ["embed_placeholder", "embed_shortcodes", "run_embed_shortcode"]

_AUDIO_URL = re.compile(rf"^https?://.+?\.({'|'.join(AUDIO_TYPES)})$", re.IGNORECASE)
_VIDEO_URL = re.compile(rf"^https?://.+?\.({'|'.join(VIDEO_TYPES)})$", re.IGNORECASE)


def _embed(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[embed]URL[/embed]``: cached oEmbed HTML, a media shortcode, or a plain link."""
    url = content or ""
    if not url and not php_empty(attrs.get("src")):
        url = attrs["src"]
    if not url:
        return ""
    url = url.replace("&amp;", "&")
    if _AUDIO_URL.match(url):
        return f'[audio src="{esc_url(url)}" /]'
    if _VIDEO_URL.match(url):
        dimensions = ""
        if not php_empty(attrs.get("width")) and not php_empty(attrs.get("height")):
            dimensions = f'width="{php_int(attrs["width"])}" height="{php_int(attrs["height"])}" '
        return f'[video {dimensions} src="{esc_url(url)}" /]'
    lookup = getattr(ctx, "oembed_html", None)
    cached = lookup(url, attrs) if lookup else None
    if cached and cached != "{{unknown}}":
        return str(cached)
    return f'<a href="{esc_url(url)}">{esc_html(url)}</a>'


def embed_placeholder(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[embed]`` in the main pass: nothing (the embed pass has run by then)."""
    return ""


def embed_shortcodes() -> Shortcodes:
    """A registry with only the real ``[embed]`` handler (WordPress's priority-8 pass)."""
    return Shortcodes({"embed": _embed})


_EMBED_ONLY = embed_shortcodes()


def run_embed_shortcode(text: str, ctx: RenderContext) -> str:
    """Expand ``[embed]`` before wpautop, ignoring shortcodes inside HTML tags (WP_Embed)."""
    return _EMBED_ONLY.do_shortcode(text, ctx, ignore_html=True)
