"""A site's render configuration: its options, the extensions that render, theme behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ... import extensions as ext
from ...render.context import RenderOptions
from ...settings import SiteSettings

__all__ = ["RenderConfig", "render_config"]

_CLASSIC_THEME_CONTENT_WIDTH = {"twentytwentyone": 750}


@dataclass(frozen=True)
class RenderConfig:
    """Everything a renderer needs besides the content (picklable, for worker processes)."""

    options: RenderOptions
    # The enabled extensions with a register_blocks hook; None: the default profile's.
    extensions: tuple[str, ...] | None = None
    theme_json: bool = False
    theme_image_style: bool = False  # Twenty Twenty-One's attachment image ``style``
    content_width: int = 0


def _timezone_name(settings: SiteSettings) -> str:
    """An IANA zone for the site (fixed whole-hour offsets map to Etc/GMT±N)."""
    name = str(settings["timezone_string"] or "")
    if name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        hours = float(settings["gmt_offset"] or 0)
    except (TypeError, ValueError):
        hours = 0.0
    if hours and hours.is_integer():
        return f"Etc/GMT{-int(hours):+d}"
    return "UTC"


def render_config(settings: SiteSettings) -> RenderConfig:
    """The rendering configuration of a site (options, extensions, theme behaviour)."""
    theme = settings["theme"] if isinstance(settings["theme"], dict) else {}
    stylesheet = str(theme.get("stylesheet") or theme.get("template") or "")
    options = RenderOptions(
        home=settings.home,
        uploads_baseurl=settings.uploads_baseurl.rstrip("/"),
        use_smilies=bool(settings["use_smilies"]),
        excerpt_length=int(settings["excerpt_length"] or 55),
        excerpt_more=str(settings["excerpt_more"]),
        locale=str(settings["locale"] or "en_US"),
        date_format=str(settings["date_format"] or "F j, Y"),
        time_format=str(settings["time_format"] or "g:i a"),
        timezone=_timezone_name(settings),
        wp_version=str(settings["wp_version"]),
        image_sizes=dict(settings["image_sizes"] or {}),
        theme_image_style=stylesheet == "twentytwentyone",
        content_width=int(
            theme.get("content_width") or _CLASSIC_THEME_CONTENT_WIDTH.get(stylesheet, 0)
        ),
    )
    return RenderConfig(
        options=options,
        extensions=ext.rendering_extensions(settings["extensions"]),
        theme_json=bool(theme.get("theme_json", False)),
        theme_image_style=stylesheet == "twentytwentyone",
        content_width=int(
            theme.get("content_width") or _CLASSIC_THEME_CONTENT_WIDTH.get(stylesheet, 0)
        ),
    )
