"""What the core shortcodes read from the render context besides the content: the WordPress
version, the theme's HTML5 support and the post being rendered."""

from __future__ import annotations

from broadsheet.compat import parse_version
from broadsheet.render.context import RenderContext

__all__ = ["rendered_post_id", "theme_supports_html5", "wp_version"]


def wp_version(ctx: RenderContext) -> tuple[int, int, int]:
    """The WordPress version the output is for (``options.wp_version``, default 6.8)."""
    return parse_version(getattr(ctx.options, "wp_version", "6.8"))


def theme_supports_html5(ctx: RenderContext, feature: str) -> bool:
    """current_theme_supports('html5', feature): ``options.html5``, or a default theme's list."""
    supported = getattr(ctx.options, "html5", None)
    if supported is None:
        supported = ("caption", "gallery", "style", "script")
    return feature in supported


def rendered_post_id(ctx: RenderContext) -> int:
    """The id of the post being rendered (0 when the context has none)."""
    return int(getattr(ctx, "post_id", 0) or 0)
