"""``[embed]`` and auto-embeds: cached oEmbed HTML, an ``[audio]``/``[video]`` shortcode, or the
URL (a plain link for ``[embed]``).

``[embed]`` runs in its own pass before wpautop (WordPress's priority 8,
:func:`run_embed_shortcode`), followed by :func:`autoembed` (a URL alone on its line or in its
own paragraph is embedded the same way, but left as it is when nothing embeds it). In the main
pass (priority 11) ``embed`` is registered as a placeholder that outputs nothing, as in
WordPress. Nothing is fetched from the network: a URL without cached oEmbed HTML is treated as
a failed oEmbed request, as on a site that cannot reach the provider."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

from broadsheet.render.autop import HTML_TAG_RE
from broadsheet.render.context import RenderContext
from broadsheet.render.escape import esc_html, esc_url
from broadsheet.render.shortcodes.media import AUDIO_TYPES, VIDEO_TYPES
from broadsheet.render.shortcodes.registry import Shortcodes
from broadsheet.render.shortcodes.values import php_empty, php_int

__all__ = ["autoembed", "embed_placeholder", "embed_shortcodes", "run_embed_shortcode"]

_AUDIO_URL = re.compile(rf"^https?://.+?\.({'|'.join(AUDIO_TYPES)})$", re.IGNORECASE)
_VIDEO_URL = re.compile(rf"^https?://.+?\.({'|'.join(VIDEO_TYPES)})$", re.IGNORECASE)
_YOUTUBE_EMBED_URL = re.compile(r"https?://(www.)?youtube\.com/(?:v|embed)/([^/]+)", re.IGNORECASE)


def _embed(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[embed]URL[/embed]``: cached oEmbed HTML, a media shortcode, or a plain link."""
    url = content or ""
    if not url and not php_empty(attrs.get("src")):
        url = attrs["src"]
    if not url:
        return ""
    return _embed_url(url, attrs, ctx, link_unknown=True)


def _embed_url(url: str, attrs: dict[str, str], ctx: RenderContext, *, link_unknown: bool) -> str:
    """``WP_Embed::shortcode``: the handlers (YouTube ``/embed/`` URLs, audio, video files),
    then the cached oEmbed HTML, else the URL (linked when ``link_unknown``)."""
    url = url.replace("&amp;", "&")
    youtube = _YOUTUBE_EMBED_URL.search(url)
    if youtube is not None:
        video_id = quote_plus(youtube.group(2), safe="").replace("~", "%7E")  # urlencode()
        return autoembed("https://youtube.com/watch?v=" + video_id, ctx)
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
    if not link_unknown:
        return url
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


_LINE_BREAK = "<!-- wp-line-break -->"
_URL_ON_ITS_LINE = re.compile(
    r"^([ \t\n\r\f\v]*)(https?://[^ \t\n\r\f\v<>\"]+)([ \t\n\r\f\v]*)$",
    re.IGNORECASE | re.MULTILINE,
)
_URL_IN_ITS_PARAGRAPH = re.compile(
    r"(<p(?: [^>]*)?>[ \t\n\r\f\v]*)(https?://[^ \t\n\r\f\v<>\"]+)([ \t\n\r\f\v]*</p>)",
    re.IGNORECASE,
)


def _tag_line_breaks(match: re.Match[str]) -> str:
    tag = match.group()
    return tag.replace("\n", _LINE_BREAK) if "\n" in tag else tag


def _url_hint(text: str) -> bool:
    """WordPress's test ``(^|\\s|>)https?://`` (the same before and after newlines inside tags
    become placeholders, which end in ``>``)."""
    at = text.find("://")
    while at >= 0:
        for scheme in ("http", "https"):
            start = at - len(scheme)
            if (
                start >= 0
                and text[start:at].lower() == scheme
                and (start == 0 or text[start - 1] in " \t\n\r\f\v>")
            ):
                return True
        at = text.find("://", at + 3)
    return False


def autoembed(text: str, ctx: RenderContext) -> str:
    """``WP_Embed::autoembed`` (priority 8, after ``[embed]``): a URL alone on its line or in
    its own paragraph becomes what ``[embed]`` makes of it, or stays as it is."""
    if "://" not in text or not _url_hint(text):
        return text.replace(_LINE_BREAK, "\n") if _LINE_BREAK in text else text
    if "\n" in text:
        text = HTML_TAG_RE.sub(_tag_line_breaks, text)

    def embed(match: re.Match[str]) -> str:
        embedded = _embed_url(match.group(2), {}, ctx, link_unknown=False)
        return match.group(1) + embedded + match.group(3)

    text = _URL_ON_ITS_LINE.sub(embed, text)
    text = _URL_IN_ITS_PARAGRAPH.sub(embed, text)
    return text.replace(_LINE_BREAK, "\n") if _LINE_BREAK in text else text
