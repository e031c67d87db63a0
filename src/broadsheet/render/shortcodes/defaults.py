"""WordPress's default shortcodes, registered in its order."""

from __future__ import annotations

from broadsheet.render.context import RenderContext
from broadsheet.render.shortcodes.caption import caption_shortcode
from broadsheet.render.shortcodes.embed import embed_placeholder
from broadsheet.render.shortcodes.gallery import gallery_shortcode
from broadsheet.render.shortcodes.media import audio_shortcode, video_shortcode
from broadsheet.render.shortcodes.playlist import playlist_shortcode
from broadsheet.render.shortcodes.registry import Shortcodes

__all__ = ["default_shortcodes"]


def default_shortcodes() -> Shortcodes:
    """Core's shortcodes in WordPress's registration order (``embed`` outputs nothing here)."""
    registry = Shortcodes()

    def caption(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
        return caption_shortcode(attrs, content, ctx, registry)

    def gallery(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
        return gallery_shortcode(attrs, content, ctx, registry)

    registry.register("wp_caption", caption)
    registry.register("caption", caption)
    registry.register("gallery", gallery)
    registry.register("playlist", playlist_shortcode)
    registry.register("audio", audio_shortcode)
    registry.register("video", video_shortcode)
    registry.register("embed", embed_placeholder)
    return registry
