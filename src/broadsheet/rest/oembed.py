"""``/oembed/1.0``: oEmbed for the site's own posts (JSON and XML), and the refused proxy."""

from __future__ import annotations

import html
import math
import re
import secrets
import string
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..render.escape import esc_attr, esc_html, esc_url
from ..render.images import constrain_dimensions
from ..render.slugs import sanitize_title
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
        self.server.pre_serve.append(self.serve_xml)
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
        """The oEmbed response for one of the site's publicly viewable posts, pages or
        attachments (its format is chosen when the answer is served: :meth:`serve_xml`)."""
        post = self.url_to_post(request.get("url"))
        if post is None or not self.publicly_viewable(post):
            raise RestError("oembed_invalid_url", "Not Found", status=404)
        width = request.get("maxwidth")
        return Response(self.response_data(post, 600 if width is None else int(width)))

    def url_to_post(self, url: Any) -> Any:
        """url_to_postid: ``p``, ``page_id`` or ``attachment_id`` anywhere in the URL, else its
        path under the site's home (any scheme, with or without ``www.``, or a path alone), its
        slugs read as WordPress's query reads them (percent-escapes in either case, or the
        characters themselves) and the endpoints a permalink can carry (``embed``, a page
        number, ``comment-page-N``) set aside."""
        if not isinstance(url, str):
            return None
        found = _ID_IN_URL.search(url)
        if found:
            post_id = int(found.group(2))
            return self.env.cache.post(post_id) if post_id else None
        home = urlsplit(self.env.site.home)
        parts = urlsplit(url.split("#", 1)[0].split("?", 1)[0])
        if parts.hostname is not None:
            if _strip_www(parts.hostname.lower()) != _strip_www((home.hostname or "").lower()):
                return None
            if (parts.port or _DEFAULT_PORTS.get(home.scheme)) != (home.port or _DEFAULT_PORTS.get(home.scheme)):
                return None
        path = parts.path
        home_path = home.path.rstrip("/")
        if path != home_path and not path.startswith(home_path + "/"):
            return None
        segments = [s for s in path[len(home_path):].split("/") if s]
        while len(segments) > 1 and (segments[-1] == "embed" or segments[-1].isdigit()
                                     or _COMMENT_PAGE.fullmatch(segments[-1])):
            segments.pop()
        if not segments:
            return None
        slugs = [sanitize_title(segment, context="query") for segment in segments]
        return self.env.links.resolve(self.env.site.home + "/" + "/".join(slugs) + "/")

    def publicly_viewable(self, post: Any) -> bool:
        """is_post_publicly_viewable: published; an attachment inherits its parent's status
        (published when it has none)."""
        if post.type == "attachment" and post.status == "inherit":
            parent = self.env.cache.post(post.parent) if post.parent else None
            return parent is None or parent.status == "publish"
        return bool(post.status == "publish" and post.type in self.env.site.post_types)

    def title(self, post: Any) -> str:
        """get_the_title: a password-protected post's title reads 'Protected: …'."""
        return f"Protected: {post.title_rendered}" if post.password else post.title_rendered

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
            "title": self.title(post),
            "type": "rich",
            "width": width,
            "height": height,
            "html": self.embed_html(post, width, height),
        }
        thumbnail_id = self.thumbnail_id(post)
        if post.type == "attachment" and post.mime_type.startswith("video/"):
            data["type"] = "video"
        if thumbnail_id:
            src = self.image_src(thumbnail_id, width)
            data["thumbnail_url"], data["thumbnail_width"], data["thumbnail_height"] = src or (None, None, None)
        return data

    def thumbnail_id(self, post: Any) -> int:
        """The featured image's id; an image attachment is its own, a video its poster's."""
        if post.type == "attachment" and _is_image(post):
            return int(post.id)
        raw = self.env.cache.meta_value(post.id, "_thumbnail_id")
        return int(raw) if raw and raw.strip().lstrip("-").isdigit() and int(raw) > 0 else 0

    def image_src(self, attachment_id: int, width: int) -> tuple[str, int, int] | None:
        """wp_get_attachment_image_src(id, [width, 99999]): no stored size is 99,999 pixels
        high, so the original file, its dimensions constrained to the width."""
        from .media_view import attachment_metadata

        attachment = self.env.cache.post(attachment_id)
        if attachment is None or attachment.type != "attachment":
            return None
        meta = attachment_metadata(self.env, attachment.id)
        url = self.env.links.attachment_url(attachment)
        full = (meta.get("sizes") or {}).get("full") if isinstance(meta.get("sizes"), dict) else None
        if not _is_image(attachment):
            if not isinstance(full, dict):
                return None
            url = url.rsplit("/", 1)[0] + "/" + str(full.get("file", ""))
            w, h = int(full.get("width") or 0), int(full.get("height") or 0)
        else:
            w, h = int(meta.get("width") or 0), int(meta.get("height") or 0)
        if not url:
            return None
        return (url, *constrain_dimensions(w, h, width, 99999))

    def embed_html(self, post: Any, width: int, height: int) -> str:
        """The blockquote + iframe + script an oEmbed consumer inserts."""
        link = self.env.links.post(post)
        secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))
        embed_url = link.rstrip("/") + "/embed/" + f"#?secret={secret}"
        title = self.title(post)
        frame_title = esc_attr(f"&#8220;{title}&#8221; &#8212; {self.env.site.settings['name']}")
        return (
            f'<blockquote class="wp-embedded-content" data-secret="{esc_attr(secret)}">'
            f'<a href="{esc_url(link)}">{title}</a></blockquote>'
            f'<iframe sandbox="allow-scripts" security="restricted" src="{esc_url(embed_url)}" '
            f'width="{width}" height="{height}" title="{frame_title}" data-secret="{esc_attr(secret)}" '
            'frameborder="0" marginwidth="0" marginheight="0" scrolling="no" class="wp-embedded-content">'
            f"</iframe><script>{EMBED_SCRIPT}</script>\n"
        )

    def serve_xml(self, request: Request, body: Callable[[], Any]) -> tuple[int, str, bytes] | None:
        """The oEmbed answer in XML when ``format=xml`` (errors too), as WordPress's
        rest_pre_serve_request filter writes it: (status, content type, body), or None."""
        if request.route != "/oembed/1.0/embed" or request.method != "GET" or request.get("format") != "xml":
            return None
        data = body()
        if not data or not isinstance(data, dict | list):
            return 501, "", b""  # _oembed_create_xml gives nothing: WordPress answers 501, empty
        return 0, f"text/xml; charset={self.server.charset}", to_xml(data)


def _format(value: Any, request: Request, name: str) -> str:
    return "xml" if str(value) == "xml" else "json"



def to_xml(data: dict[str, Any] | list[Any]) -> bytes:
    """The XML oEmbed document WordPress writes (_oembed_create_xml through SimpleXML): each
    value through esc_html, nested arrays as nested elements (list items named ``oembed``),
    entities decoded and written back as XML escapes, non-ASCII as ``&#xHEX;``."""
    return ('<?xml version="1.0"?>\n<oembed>' + _xml_children(data) + "</oembed>\n").encode("ascii")


def _xml_children(data: dict[str, Any] | list[Any]) -> str:
    items = data.items() if isinstance(data, dict) else enumerate(data)
    out = []
    for key, value in items:
        name = "oembed" if isinstance(key, int) or str(key).lstrip("-").isdigit() else str(key)
        if isinstance(value, dict | list):
            inner = _xml_children(value)
            out.append(f"<{name}>{inner}</{name}>" if inner else f"<{name}/>")
            continue
        text = "1" if value is True else "" if value is False or value is None else str(value)
        text = html.unescape(esc_html(text))
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        escaped = re.sub(r"[^\x00-\x7f]", lambda m: f"&#x{ord(m.group(0)):X};", escaped)
        out.append(f"<{name}>{escaped}</{name}>")
    return "".join(out)


_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".gif", ".png", ".webp")


def _is_image(post: Any) -> bool:
    """wp_attachment_is_image: an image MIME type (or, without one, an image file name)."""
    if post.mime_type:
        return bool(post.mime_type.startswith("image/"))
    return str(post.guid).lower().endswith(_IMAGE_EXTENSIONS)


def _strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


_ID_IN_URL = re.compile(r"[?&](p|page_id|attachment_id)=(\d+)")
_COMMENT_PAGE = re.compile(r"comment-page-[0-9]+")
_DEFAULT_PORTS = {"http": 80, "https": 443}
