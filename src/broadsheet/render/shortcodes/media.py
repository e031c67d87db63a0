"""``[audio]`` and ``[video]``: players with one ``<source>`` per format.

Without a source the post's first attached file of the kind plays; a source of another file
type becomes a plain link. YouTube and Vimeo URLs are normalised for MediaElement.js, videos
are scaled down to the theme's ``content_width``, and the attribute style follows the
declared WordPress version."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from broadsheet.render.context import RenderContext
from broadsheet.render.escape import esc_attr, esc_html, esc_url
from broadsheet.render.images import render_state
from broadsheet.render.shortcodes.environment import rendered_post_id, wp_version
from broadsheet.render.shortcodes.query_args import add_query_arg, remove_query_arg
from broadsheet.render.shortcodes.values import (
    PHP_TRIM,
    php_empty,
    php_int,
    php_round,
    shortcode_atts,
    validate_boolean,
)

__all__ = ["AUDIO_TYPES", "VIDEO_TYPES", "audio_shortcode", "video_shortcode"]

AUDIO_TYPES = ("mp3", "ogg", "flac", "m4a", "wav")
VIDEO_TYPES = ("mp4", "m4v", "webm", "ogv", "flv")
# The audio/video part of wp_get_mime_types(), in WordPress's order.
_MEDIA_MIME_TYPES: tuple[tuple[str, str], ...] = (
    ("asf|asx", "video/x-ms-asf"), ("wmv", "video/x-ms-wmv"), ("wmx", "video/x-ms-wmx"),
    ("wm", "video/x-ms-wm"), ("avi", "video/avi"), ("divx", "video/divx"), ("flv", "video/x-flv"),
    ("mov|qt", "video/quicktime"), ("mpeg|mpg|mpe", "video/mpeg"), ("mp4|m4v", "video/mp4"),
    ("ogv", "video/ogg"), ("webm", "video/webm"), ("mkv", "video/x-matroska"),
    ("3gp|3gpp", "video/3gpp"), ("3g2|3gp2", "video/3gpp2"), ("mp3|m4a|m4b", "audio/mpeg"),
    ("aac", "audio/aac"), ("ra|ram", "audio/x-realaudio"), ("wav|x-wav", "audio/wav"),
    ("ogg|oga", "audio/ogg"), ("flac", "audio/flac"), ("mid|midi", "audio/midi"),
    ("wma", "audio/x-ms-wma"), ("wax", "audio/x-ms-wax"), ("mka", "audio/x-matroska"),
)  # fmt: skip
_MIME_PATTERNS = tuple(
    (re.compile(rf"\.({exts})$", re.IGNORECASE), mime) for exts, mime in _MEDIA_MIME_TYPES
)
_YOUTUBE = re.compile(r"^https?://(?:www\.)?(?:youtube\.com/watch|youtu\.be/)")
_VIMEO = re.compile(r"^https?://(.+\.)?vimeo\.com/.*")


def _filetype(url: str) -> tuple[str, str]:
    """(extension, MIME type) of a media URL as wp_check_filetype() sees it, or ("", "")."""
    for pattern, mime in _MIME_PATTERNS:
        m = pattern.search(url)
        if m:
            return m.group(1), mime
    return "", ""


def _media_attribute_strings(
    html_atts: Mapping[str, object], version: tuple[int, int, int], *, skip_empty: bool
) -> str:
    """The attribute list of ``<audio>``/``<video>`` in the version's style."""
    parts: list[str] = []
    for name, value in html_atts.items():
        if version < (6, 8, 0):
            parts.append(f'{name}="{esc_attr("1" if value is True else str(value))}"')
        elif name in ("loop", "autoplay", "muted") and value is True:
            parts.append(name)
        elif name == "preload":
            if value in ("none", "metadata", "auto"):
                parts.append(f'preload="{esc_attr(str(value))}"')
        elif not skip_empty or not php_empty(value):
            parts.append(f'{name}="{esc_attr(str(value))}"')
    return " ".join(parts)


def _media_sources(
    atts: Mapping[str, str], types: Sequence[str], instance: str, kind: str = ""
) -> tuple[str, str]:
    """``<source>`` tags for every given format, and the first file URL."""
    html, first_url = "", ""
    for fallback in types:
        value = atts.get(fallback, "")
        if php_empty(value):
            continue
        first_url = first_url or value
        mime = kind if fallback == "src" and kind else _filetype(value)[1]
        html += (
            f'<source type="{mime}" src="{esc_url(add_query_arg("_", instance, value))}" />'
        )
    return html, first_url


def _media_fallback(url: str) -> str:
    escaped = esc_url(url)
    return f'<a href="{escaped}">{escaped}</a>'


def _primary_source(
    atts: dict[str, str], types: tuple[str, ...], kind: str, ctx: RenderContext
) -> list[str] | None:
    """Which attributes hold sources (``src`` first when used), or None when there is nothing to play."""
    if not php_empty(atts["src"]):
        return ["src", *types]
    if any(not php_empty(atts[ext]) and _filetype(atts[ext])[0].lower() == ext for ext in types):
        return list(types)
    lookup = getattr(ctx, "attached_media", None)
    media = list(lookup(rendered_post_id(ctx), kind + "/")) if lookup else []
    if not media or not media[0].url:
        return None
    atts["src"] = media[0].url
    return ["src", *types]


def _drop_empty(html_atts: dict[str, object], names: Iterable[str]) -> dict[str, object]:
    """Remove the attributes WordPress omits when their value is empty."""
    return {k: v for k, v in html_atts.items() if k not in names or not php_empty(v)}


def _media_open_tag(
    tag: str, html_atts: Mapping[str, object], instance: str, version: tuple[int, int, int],
    ctx: RenderContext,
) -> str:
    """``<audio …>``/``<video …>``, after the old-IE shim on a request's first player (< 6.9)."""
    shim = ""
    if version < (6, 9, 0):
        text = f"<!--[if lt IE 9]><script>document.createElement('{tag}');</script><![endif]-->\n"
        shim = render_state(ctx).when_first(tag, instance, text)
    attributes = _media_attribute_strings(html_atts, version, skip_empty=tag == "video")
    return f'{shim}<{tag} {attributes} controls="controls">'


def audio_shortcode(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[audio]``: an ``<audio>`` player with one ``<source>`` per format."""
    instance = render_state(ctx).instance("audio")
    version = wp_version(ctx)
    defaults = {
        "src": "",
        "loop": "",
        "autoplay": "",
        "preload": "none",
        "class": "wp-audio-shortcode",
    }
    defaults["style"] = "width: 100%;"
    if version >= (6, 8, 0):
        defaults["muted"] = "false"
    atts = shortcode_atts({**defaults, **dict.fromkeys(AUDIO_TYPES, "")}, attrs)
    src = atts["src"]
    if not php_empty(src) and _filetype(src)[0].lower() not in AUDIO_TYPES:
        return f'<a class="wp-embedded-audio" href="{esc_url(src)}">{esc_html(src)}</a>'
    types = _primary_source(atts, AUDIO_TYPES, "audio", ctx)
    if types is None:
        return ""
    html_atts: dict[str, object] = {
        "class": atts["class"], "id": f"audio-{rendered_post_id(ctx)}-{instance}",
        "loop": validate_boolean(atts["loop"]), "autoplay": validate_boolean(atts["autoplay"]),
    }  # fmt: skip
    if "muted" in atts:
        html_atts["muted"] = validate_boolean(atts["muted"])
    html_atts.update({"preload": atts["preload"], "style": atts["style"]})
    html_atts = _drop_empty(html_atts, ("loop", "autoplay", "preload", "muted"))
    sources, first_url = _media_sources(atts, types, instance)
    html = _media_open_tag("audio", html_atts, instance, version, ctx) + sources
    return html + _media_fallback(first_url) + "</audio>"


def _video_src(atts: dict[str, str], is_youtube: bool, is_vimeo: bool) -> None:
    """Normalise YouTube/Vimeo URLs the way WordPress does for MediaElement.js."""
    if is_youtube:
        src = remove_query_arg("feature", atts["src"]).strip(PHP_TRIM)
        if src.startswith("//"):
            src = "http:" + src
        atts["src"] = re.sub(r"^[A-Za-z0-9_]+://", "https://", src, count=1)
    elif is_vimeo:
        m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]*)([^?#]*)", atts["src"])
        host, path = (m.group(1), m.group(2)) if m else ("", "")
        atts["src"] = add_query_arg("loop", "1" if atts["loop"] else "0", f"https://{host}{path}")


def _video_size(atts: Mapping[str, str], ctx: RenderContext) -> tuple[int, int]:
    """Width and height, scaled down to the theme's ``$content_width`` when wider."""
    content_width = int(getattr(ctx.options, "content_width", 0) or 0)
    width, height = php_int(atts["width"]), php_int(atts["height"])
    if content_width and width > content_width:
        return content_width, php_round(height * content_width / width)
    return width, height


def _video_inner_content(content: str | None) -> str:
    """Enclosed markup (``<track>`` etc.) with line breaks and tabs removed."""
    if php_empty(content):
        return ""
    body = str(content)
    if "\n" in body:
        body = body.replace("\r\n", "").replace("\n", "").replace("\t", "")
    return body.strip(PHP_TRIM)


def video_shortcode(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[video]``: a ``<video>`` player wrapped in ``<div class="wp-video">``."""
    instance = render_state(ctx).instance("video")
    defaults = {
        "src": "", "poster": "", "loop": "", "autoplay": "", "muted": "false", "preload": "metadata",
        "width": "640", "height": "360", "class": "wp-video-shortcode",
    }  # fmt: skip
    atts = shortcode_atts({**defaults, **dict.fromkeys(VIDEO_TYPES, "")}, attrs)
    width, height = _video_size(atts, ctx)
    src = atts["src"]
    is_vimeo = not php_empty(src) and bool(_VIMEO.match(src))
    is_youtube = not php_empty(src) and bool(_YOUTUBE.match(src))
    if (
        not php_empty(src)
        and not (is_youtube or is_vimeo)
        and _filetype(src)[0].lower() not in VIDEO_TYPES
    ):
        return f'<a class="wp-embedded-video" href="{esc_url(src)}">{esc_html(src)}</a>'
    types = _primary_source(atts, VIDEO_TYPES, "video", ctx)
    if types is None:
        return ""
    _video_src(atts, is_youtube, is_vimeo)
    html_atts: dict[str, object] = {
        "class": atts["class"], "id": f"video-{rendered_post_id(ctx)}-{instance}",
        "width": abs(width), "height": abs(height), "poster": esc_url(atts["poster"]),
        "loop": validate_boolean(atts["loop"]), "autoplay": validate_boolean(atts["autoplay"]),
        "muted": validate_boolean(atts["muted"]), "preload": atts["preload"],
    }  # fmt: skip
    html_atts = _drop_empty(html_atts, ("poster", "loop", "autoplay", "preload", "muted"))
    kind = "video/youtube" if is_youtube else "video/vimeo" if is_vimeo else ""
    sources, first_url = _media_sources(atts, types, instance, kind)
    html = _media_open_tag("video", html_atts, instance, wp_version(ctx), ctx) + sources
    html += _video_inner_content(content) + _media_fallback(first_url) + "</video>"
    width_rule = f"width: {width}px;" if not php_empty(atts["width"]) else ""
    return f'<div style="{width_rule}" class="wp-video">{html}</div>'
