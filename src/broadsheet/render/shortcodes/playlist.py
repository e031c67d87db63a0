"""``[playlist]``: an audio or video player with a track list for MediaElement.js.

The tracks are the ``ids``/``include`` attachments of the playlist's type (audio, else video)
in the order given, or the post's attached files of that type. Without any track the shortcode
renders nothing, which the oracle shows. With tracks the markup follows WordPress's
``wp_playlist_shortcode``: the ``<audio>``/``<video>`` element sized to the theme's
``content_width``, a ``<noscript>`` list of links, and the track data as JSON. Of the track
metadata only what an :class:`~broadsheet.render.context.Attachment` carries is known (title,
caption, file, size; ``description`` and a ``media_meta`` mapping of ID3 fields when the context's
attachments have them); tracks use WordPress's generic media icon, not a featured image of the
audio file. That part was not checked against a running WordPress (the oracle has no audio or
video attachments).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from broadsheet.phpjson import dumps_bytes
from broadsheet.render.context import Attachment, RenderContext
from broadsheet.render.escape import esc_attr, esc_url
from broadsheet.render.images import render_state
from broadsheet.render.shortcodes.environment import rendered_post_id
from broadsheet.render.shortcodes.media import _filetype
from broadsheet.render.shortcodes.values import (
    php_empty,
    php_int,
    php_round,
    shortcode_atts,
    validate_boolean,
)
from broadsheet.store.collation import fold  # MySQL's case- and accent-blind order

__all__ = ["playlist_shortcode"]

_ID_LIST_SPLIT = re.compile(r"[ \t\n\r\f\v,]+")
_ID3_KEYS = ("artist", "album", "genre", "year", "length_formatted")


def _ids(value: str) -> list[int]:
    """wp_parse_id_list(): absolute integers, duplicates removed, order kept."""
    found: list[int] = []
    for piece in _ID_LIST_SPLIT.split(value):
        number = abs(php_int(piece))
        if piece != "" and number not in found:
            found.append(number)
    return found


def _tracks(atts: Mapping[str, str], ctx: RenderContext) -> list[Attachment]:
    kind = atts["type"] + "/"
    if not php_empty(atts["include"]):
        found = [ctx.attachment(i) for i in _ids(atts["include"])]
        tracks = [a for a in found if a is not None and a.mime_type.startswith(kind)]
        if atts["orderby"] == "post__in":
            return tracks
    else:
        lookup = getattr(ctx, "attached_media", None)
        tracks = list(lookup(php_int(atts["id"]), kind)) if lookup else []
        if not php_empty(atts["exclude"]):
            excluded = set(_ids(atts["exclude"]))
            tracks = [a for a in tracks if a.id not in excluded]
    if atts["orderby"].lower() == "title":
        return sorted(tracks, key=lambda a: fold(a.title), reverse=atts["order"].upper() == "DESC")
    return sorted(tracks, key=lambda a: a.id, reverse=atts["order"].upper() == "DESC")


def _track(attachment: Attachment, atts: Mapping[str, str], size: tuple[int, int],
           ctx: RenderContext) -> dict[str, Any]:  # fmt: skip
    track: dict[str, Any] = {
        "src": attachment.url,
        "type": _filetype(attachment.url)[1] or False,
        "title": attachment.title,
        "caption": attachment.caption,
        "description": getattr(attachment, "description", ""),
    }
    meta: dict[str, Any] = {}
    known = getattr(attachment, "media_meta", None) or {}
    for key in _ID3_KEYS:
        if not php_empty(known.get(key)):
            meta[key] = known[key]
    track["meta"] = meta
    if atts["type"] == "video" and (meta or attachment.width):
        width, height = attachment.width or 640, attachment.height or 360
        theme_width, theme_height = size
        if attachment.width and attachment.height:
            theme_height = php_round(attachment.height * theme_width / attachment.width)
        track["dimensions"] = {
            "original": {"width": width, "height": height},
            "resized": {"width": theme_width, "height": theme_height},
        }
    if not php_empty(atts["images"]):
        icon = f"{ctx.options.home}/wp-includes/images/media/{atts['type']}.png"
        track["image"] = {"src": icon, "width": 48, "height": 64}
        track["thumb"] = {"src": icon, "width": 48, "height": 64}
    return track


def playlist_shortcode(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[playlist]``: a player with a track list, or nothing without tracks."""
    instance = render_state(ctx).instance("playlist")
    del instance  # numbers nothing in the content; the draw still counts for the request
    merged = dict(attrs)
    if not php_empty(merged.get("ids")):
        if php_empty(merged.get("orderby")):
            merged["orderby"] = "post__in"
        merged["include"] = merged["ids"]
    defaults = {
        "type": "audio", "order": "ASC", "orderby": "menu_order ID",
        "id": str(rendered_post_id(ctx)), "include": "", "exclude": "", "style": "light",
        "tracklist": "1", "tracknumbers": "1", "images": "1", "artists": "1",
    }  # fmt: skip
    atts = shortcode_atts(defaults, merged)
    if atts["type"] != "audio":
        atts["type"] = "video"
    tracks = _tracks(atts, ctx)
    if not tracks:
        return ""
    content_width = int(getattr(ctx.options, "content_width", 0) or 0)
    theme_width = content_width - 22 if content_width else 640
    theme_height = php_round(360 * theme_width / 640) if content_width else 360
    data = {
        "type": atts["type"],
        "tracklist": validate_boolean(atts["tracklist"]),
        "tracknumbers": validate_boolean(atts["tracknumbers"]),
        "images": validate_boolean(atts["images"]),
        "artists": validate_boolean(atts["artists"]),
        "tracks": [_track(t, atts, (theme_width, theme_height), ctx) for t in tracks],
    }
    kind, style = esc_attr(atts["type"]), esc_attr(atts["style"])
    current = '\t\t<div class="wp-playlist-current-item"></div>\n\t' if kind == "audio" else ""
    height = f' height="{theme_height}"' if kind == "video" else ""
    links = "".join(
        f"<li><a href='{esc_url(t.url)}'>{t.title or t.file.rsplit('/', 1)[-1]}</a></li>"
        for t in tracks
    )
    return (
        f'<div class="wp-playlist wp-{kind}-playlist wp-playlist-{style}">\n\t{current}'
        f'<{kind} controls="controls" preload="none" width="{theme_width}"\n\t\t{height}\t></{kind}>\n'
        '\t<div class="wp-playlist-next"></div>\n\t<div class="wp-playlist-prev"></div>\n'
        f"\t<noscript>\n\t<ol>\n\t\t{links}\t</ol>\n\t</noscript>\n"
        '\t<script type="application/json" class="wp-playlist-script">'
        f"{dumps_bytes(data).decode('ascii')}</script>\n</div>\n\t"
    )
