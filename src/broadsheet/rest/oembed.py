"""``/oembed/1.0``: oEmbed for the site's own posts (JSON and XML), and the refused proxy."""

from __future__ import annotations

import html
import math
import re
import secrets
import string
from typing import TYPE_CHECKING, Any

from ..render.escape import esc_attr, esc_html, esc_url
from .access import unreachable
from .errors import RestError, forbidden
from .params import absint
from .request import Request
from .response import Response
from .routing import READABLE, Endpoint

if TYPE_CHECKING:
    from ..env import Env
    from .server import RestServer

# Broadsheet's own embed helper: hides the fallback blockquote and resizes the iframe when the
# embedded page posts its height (the message format WordPress embeds use).
EMBED_SCRIPT = (
    "\n/* Broadsheet embed helper */\n"
    "(function(w,d){if(w.bsEmbed)return;w.bsEmbed=1;"
    "w.addEventListener('message',function(e){var m=e.data||{};"
    "if(!m.secret||/[^a-zA-Z0-9]/.test(m.secret))return;"
    "d.querySelectorAll('blockquote[data-secret=\"'+m.secret+'\"]').forEach(function(b){b.style.display='none';});"
    "d.querySelectorAll('iframe[data-secret=\"'+m.secret+'\"]').forEach(function(f){"
    "if(e.source!==f.contentWindow)return;f.removeAttribute('style');"
    "if(m.message==='height'){var h=Math.min(1000,Math.max(200,parseInt(m.value,10)||0));f.height=h;}});"
    "},false);})(window,document);\n"
)


class OEmbedController:
    """The oEmbed provider routes."""

    def __init__(self, env: Env, server: RestServer) -> None:
        self.env = env
        self.server = server

    def register(self) -> None:
        """Register /oembed/1.0/embed and /oembed/1.0/proxy."""
        url_arg = {"description": "The URL of the resource for which to fetch oEmbed data.", "type": "string",
                   "format": "uri", "required": True}
        self.server.register("oembed/1.0", "/embed", [
            Endpoint(READABLE, self.get_item, None, {
                "url": dict(url_arg), "format": {"default": "json", "sanitize_callback": _format},
                "maxwidth": {"default": 600, "sanitize_callback": absint}}),
        ])
        self.server.register("oembed/1.0", "/proxy", [
            Endpoint(READABLE, unreachable, self.proxy_permission, {
                "url": dict(url_arg),
                "format": {"description": "The oEmbed format to use.", "type": "string", "default": "json",
                           "enum": ["json", "xml"]},
                "maxwidth": {"description": "The maximum width of the embed frame in pixels.", "type": "integer",
                             "default": 600, "sanitize_callback": absint},
                "maxheight": {"description": "The maximum height of the embed frame in pixels.", "type": "integer",
                              "sanitize_callback": absint},
                "discover": {"description": "Whether to perform an oEmbed discovery request for unsanctioned providers.",
                             "type": "boolean", "default": True},
            }),
        ])

    def proxy_permission(self, request: Request) -> bool | RestError:
        """The proxy fetches remote URLs: only editors may use it."""
        return forbidden("rest_forbidden", "Sorry, you are not allowed to make proxied oEmbed requests.", request.user)

    def get_item(self, request: Request) -> Response:
        """The oEmbed response for one of the site's published posts."""
        post = self.env.links.resolve(str(request.get("url") or ""))
        if post is None or post.status != "publish":
            raise RestError("oembed_invalid_url", "Not Found", status=404)
        data = self.response_data(post, int(request.get("maxwidth") or 600))
        response = Response(data)
        if request.get("format") == "xml":
            response.headers["Content-Type"] = "text/xml; charset=UTF-8"
            response.raw_body = to_xml(data)
        return response

    def response_data(self, post: Any, maxwidth: int) -> dict[str, Any]:
        """get_oembed_response_data with the rich type's html and thumbnail."""
        width = min(max(200, maxwidth), 600)
        height = max(math.ceil(width / 16 * 9), 200)
        author = self.env.cache.user(post.author)
        settings = self.env.site.settings
        data: dict[str, Any] = {
            "version": "1.0",
            "provider_name": settings["name"],
            "provider_url": self.env.site.home,
            "author_name": author.display_name if author else settings["name"],
            "author_url": self.env.links.author(author) if author else self.env.site.home,
            "title": post.title_rendered,
            "type": "rich",
            "width": width,
            "height": height,
            "html": self.embed_html(post, width, height),
        }
        thumb = self.thumbnail(post, width)
        if thumb:
            data["thumbnail_url"], data["thumbnail_width"], data["thumbnail_height"] = thumb
        return data

    def embed_html(self, post: Any, width: int, height: int) -> str:
        """The blockquote + iframe + script an oEmbed consumer inserts."""
        link = self.env.links.post(post)
        secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))
        embed_url = link.rstrip("/") + "/embed/" + f"#?secret={secret}"
        title = post.title_rendered
        frame_title = esc_attr(f"&#8220;{title}&#8221; &#8212; {self.env.site.settings['name']}")
        return (
            f'<blockquote class="wp-embedded-content" data-secret="{esc_attr(secret)}">'
            f'<a href="{esc_url(link)}">{title}</a></blockquote>'
            f'<iframe sandbox="allow-scripts" security="restricted" src="{esc_url(embed_url)}" '
            f'width="{width}" height="{height}" title="{frame_title}" data-secret="{esc_attr(secret)}" '
            'frameborder="0" marginwidth="0" marginheight="0" scrolling="no" class="wp-embedded-content">'
            f"</iframe><script>{EMBED_SCRIPT}</script>\n"
        )

    def thumbnail(self, post: Any, width: int) -> tuple[str, int, int] | None:
        """URL and size of the featured image scaled to the embed width."""
        from .media_view import attachment_metadata

        raw = self.env.cache.meta_value(post.id, "_thumbnail_id")
        if not raw or not raw.isdigit():
            return None
        attachment = self.env.cache.post(int(raw))
        if attachment is None or not attachment.mime_type.startswith("image/"):
            return None
        meta = attachment_metadata(self.env, attachment.id)
        url = self.env.links.attachment_url(attachment)
        w, h = int(meta.get("width") or 0), int(meta.get("height") or 0)
        best = (url, w, h)
        for size in (meta.get("sizes") or {}).values():
            if isinstance(size, dict) and size.get("width", 0) >= width and size.get("width", 0) < best[1]:
                best = (url.rsplit("/", 1)[0] + "/" + size["file"], size["width"], size["height"])
        url, w, h = best
        if w > width and w:
            h = round(h * width / w)
            w = width
        return url, w, h


def _format(value: Any, request: Request, name: str) -> str:
    return "xml" if str(value) == "xml" else "json"



def to_xml(data: dict[str, Any]) -> bytes:
    """The XML oEmbed document WordPress writes (entities decoded, non-ASCII as &#xHEX;)."""
    parts = ['<?xml version="1.0"?>\n<oembed>']
    for key, value in data.items():
        text = html.unescape(esc_html(str(value) if not isinstance(value, bool) else ("1" if value else "")))
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        escaped = re.sub(r"[^\x00-\x7f]", lambda m: f"&#x{ord(m.group(0)):X};", escaped)
        parts.append(f"<{key}>{escaped}</{key}>")
    parts.append("</oembed>\n")
    return "".join(parts).encode("ascii")
