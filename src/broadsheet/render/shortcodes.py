"""WordPress shortcodes: the parser, a registry, and core's ``caption``/``gallery``/media handlers.

Parsing follows WordPress exactly: ``[name attrs]``, ``[name attrs /]`` and
``[name attrs]content[/name]``; ``[[name]]`` escapes a shortcode; unregistered names stay
literal; attributes are parsed like ``shortcode_parse_atts`` (quoted, unquoted and positional
values, C-style backslash escapes, lower-cased names). Inside HTML tags a shortcode only runs in
an attribute position or value, and a quoted value must then pass a kses check (allowed element,
allowed attribute, allowed URL protocol) or the attribute is left as it was.

Handlers are called as ``handler(attrs, content, ctx)``. Like WordPress, ``content`` is ``""``
(never None) for a shortcode that does not enclose anything; positional attributes are keyed
``"0"``, ``"1"``, …

``[embed]`` runs in its own pass before wpautop (WordPress's priority 8): use
:func:`run_embed_shortcode`. In the main pass (priority 11) ``embed`` is registered as a
placeholder that outputs nothing, as in WordPress.

Context extensions read when present (``RenderContext`` does not define them yet):
``ctx.post_id`` (the post being rendered: gallery/audio/video ids), ``ctx.attached_media(post_id,
mime_prefix)`` (attachments of a post, for ``[gallery]`` without ids and ``[audio]``/``[video]``
without a source), ``ctx.oembed_html(url, attrs)`` (cached oEmbed HTML, ``"{{unknown}}"`` or
None), and on ``ctx.options``: ``content_width`` (int, theme's ``$content_width``) and
``html5`` (theme ``html5`` supports; default ``caption``, ``gallery``, ``style``, ``script``).
Per-request counters (gallery/audio/video instances, 7.1's unique caption ids) live in
:func:`broadsheet.render.images.render_state`, one per context object.

Knowingly left out: ``[playlist]`` (not registered, so it stays literal), the YouTube
``/embed/`` URL handler of ``[embed]``, right-to-left gallery floats, ``style`` attributes
produced by shortcodes inside HTML (WordPress checks them with safecss; we refuse them), kses
filtering of HTML in ``[caption caption="…"]``, and every filter/action hook.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote_plus

from broadsheet.compat import parse_version
from broadsheet.render.autop import HTML_TAG_RE, shortcode_unautop
from broadsheet.render.context import Attachment, RenderContext
from broadsheet.render.escape import (
    ALLOWED_PROTOCOLS,
    esc_attr,
    esc_html,
    esc_url,
    sanitize_html_class,
)
from broadsheet.render.escape import _without_bad_protocol as _strip_bad_protocols
from broadsheet.render.images import attachment_image, render_state
from broadsheet.render.texturize import wptexturize

__all__ = [
    "Handler",
    "ShortcodeContext",
    "Shortcodes",
    "default_shortcodes",
    "embed_shortcodes",
    "parse_shortcode_atts",
    "run_embed_shortcode",
]

Handler = Callable[[dict[str, str], str | None, RenderContext], str]

_PHP_TRIM = " \t\n\r\0\x0b"
_S = r"[ \t\n\r\f\v]"
_INVALID_NAME = re.compile(r"[<>&/\[\]\x00-\x20=]")
_CANDIDATE_NAMES = re.compile(r"\[([^<>&/\[\]\x00-\x20=]++)")


class ShortcodeContext(RenderContext, Protocol):
    """Optional extras the core handlers use when the context provides them."""

    post_id: int

    def attached_media(self, post_id: int, mime_prefix: str) -> Sequence[Attachment]:
        """Attachments whose parent is ``post_id`` and whose MIME type starts with the prefix."""
        ...

    def oembed_html(self, url: str, attrs: Mapping[str, str]) -> str | None:
        """Cached oEmbed HTML for ``url`` (``"{{unknown}}"`` for a cached failure), or None."""
        ...


# --- attribute parsing ---------------------------------------------------------------------------

_ATTS = re.compile(
    rf"""([A-Za-z0-9_-]+){_S}*={_S}*"([^"]*)"(?:{_S}|$)"""
    rf"""|([A-Za-z0-9_-]+){_S}*={_S}*'([^']*)'(?:{_S}|$)"""
    rf"""|([A-Za-z0-9_-]+){_S}*={_S}*([^ \t\n\r\f\v'"]+)(?:{_S}|$)"""
    rf"""|"([^"]*)"(?:{_S}|$)|'([^']*)'(?:{_S}|$)|([^ \t\n\r\f\v]+)(?:{_S}|$)"""
)
_ODD_SPACES = re.compile("[\u00a0\u200b]+")
_BALANCED_TAGS = re.compile(r"^[^<]*+(?:<[^>]*+>[^<]*+)*+$")
_C_ESCAPE = re.compile(r"\\(?:([abfnrtv])|x([0-9A-Fa-f]{1,2})|([0-7]{1,3})|(.))", re.DOTALL)
_C_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_PHP_INT_KEY = re.compile(r"-?[1-9][0-9]*")


def _c_unescape(match: re.Match[str]) -> str:
    letter, hexa, octal, other = match.groups()
    if letter:
        return _C_ESCAPES[letter]
    if hexa:
        return chr(int(hexa, 16))
    if octal:
        return chr(int(octal, 8) % 256)
    return other


def _stripcslashes(text: str) -> str:
    """PHP's stripcslashes(): resolve C-style escapes; a lone trailing backslash stays."""
    return _C_ESCAPE.sub(_c_unescape, text) if "\\" in text else text


def parse_shortcode_atts(text: str) -> dict[str, str]:
    """Parse a shortcode's attribute text like ``shortcode_parse_atts`` (positional keys "0", "1"…)."""
    atts: dict[str, str] = {}
    next_index = 0
    text = _ODD_SPACES.sub(" ", text)
    for m in _ATTS.finditer(text):
        name_value = _named_pair(m)
        if name_value is not None:
            name = name_value[0].lower()
            if _PHP_INT_KEY.fullmatch(name) and int(name) >= next_index:
                next_index = int(name) + 1
            atts[name] = _stripcslashes(name_value[1])
            continue
        value = next((g for g in (m.group(7), m.group(8)) if g), None)
        if value is None and m.group(9) is not None:
            value = m.group(9)
        if value is not None:
            atts[str(next_index)] = _stripcslashes(value)
            next_index += 1
    for key, value in atts.items():
        if "<" in value and not _BALANCED_TAGS.match(value):
            atts[key] = ""
    return atts


def _named_pair(m: re.Match[str]) -> tuple[str, str] | None:
    """The (name, value) of a named attribute match; PHP's empty() skips a name of "0"."""
    for name_group in (1, 3, 5):
        name = m.group(name_group)
        if name and name != "0":
            return name, m.group(name_group + 1)
    return None


# --- the shortcode regex -------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _shortcode_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    """WordPress's get_shortcode_regex() for these names (groups 1–6 as in WordPress)."""
    tags = "|".join(re.escape(name) for name in names)
    return re.compile(
        rf"\[(\[?)({tags})(?![A-Za-z0-9_-])"
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
        r"(\]?)"
    )


_ESCAPE_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})


def _unescape_brackets(text: str) -> str:
    return text.replace("&#91;", "[").replace("&#93;", "]") if "&#9" in text else text


# --- kses pieces needed for shortcodes inside HTML attributes -----------------------------------

_GLOBAL_ATTRS = frozenset(
    (
        "aria-controls", "aria-current", "aria-describedby", "aria-details", "aria-expanded",
        "aria-hidden", "aria-label", "aria-labelledby", "aria-live", "class", "data-*", "dir",
        "hidden", "id", "lang", "style", "title", "role", "xml:lang",
    )
)  # fmt: skip
# Element-specific attributes of wp_kses_allowed_html('post') (WordPress 6.x).
_POST_TAG_ATTRS: dict[str, frozenset[str]] = {
    tag: frozenset(attrs.split()) | _GLOBAL_ATTRS
    for tag, attrs in {
        "address": "", "a": "href rel rev name target download", "abbr": "", "acronym": "",
        "area": "alt coords href nohref shape target", "article": "align", "aside": "align",
        "audio": "autoplay controls loop muted preload src", "b": "", "bdo": "", "big": "",
        "blockquote": "cite", "br": "", "button": "disabled name type value", "caption": "align",
        "cite": "", "code": "", "col": "align char charoff span valign width",
        "colgroup": "align char charoff span valign width", "del": "datetime", "dd": "",
        "dfn": "", "details": "align open", "div": "align", "dl": "", "dt": "", "em": "",
        "fieldset": "", "figure": "align", "figcaption": "align", "font": "color face size",
        "footer": "align", "h1": "align", "h2": "align", "h3": "align", "h4": "align",
        "h5": "align", "h6": "align", "header": "align", "hgroup": "align",
        "hr": "align noshade size width", "i": "",
        "img": "alt align border height hspace loading longdesc vspace src usemap width",
        "ins": "datetime cite", "kbd": "", "label": "for", "legend": "align", "li": "align value",
        "main": "align", "map": "name", "mark": "", "menu": "type", "nav": "align",
        "object": "data type", "p": "align", "pre": "width", "q": "cite", "rb": "", "rp": "",
        "rt": "", "rtc": "", "ruby": "", "s": "", "samp": "", "span": "align",
        "section": "align", "small": "", "strike": "", "strong": "", "sub": "",
        "summary": "align", "sup": "",
        "table": "align bgcolor border cellpadding cellspacing rules summary width",
        "tbody": "align char charoff valign",
        "td": "abbr align axis bgcolor char charoff colspan headers height nowrap rowspan scope valign width",
        "textarea": "cols rows disabled name readonly", "tfoot": "align char charoff valign",
        "th": "abbr align axis bgcolor char charoff colspan headers height nowrap rowspan scope valign width",
        "thead": "align char charoff valign", "title": "",
        "tr": "align bgcolor char charoff valign", "track": "default kind label src srclang",
        "tt": "", "u": "", "ul": "type", "ol": "start type reversed", "var": "",
        "video": "autoplay controls height loop muted playsinline poster preload src width",
    }.items()
}  # fmt: skip
_URI_ATTRS = frozenset(
    (
        "action", "archive", "background", "cite", "classid", "codebase", "data", "formaction",
        "href", "icon", "longdesc", "manifest", "poster", "profile", "src", "usemap", "xmlns",
    )
)  # fmt: skip
_ELEMENT = re.compile(rf"^(<{_S}*)(/{_S}*)?([a-zA-Z0-9]+{_S}*)([^>]*)(>?)$")
_XHTML_SLASH = re.compile(rf"{_S}*/{_S}*$")
_HAIR_ATTR = (
    r"""(?:[_a-zA-Z][-_a-zA-Z0-9:.]*|\[\[?[^\[\]]+\]\]?)"""
    rf"""(?:{_S}*={_S}*(?:"[^"]*"|'[^']*'|[^ \t\n\r\f\v"']+(?:{_S}|$))|(?:{_S}|$)){_S}*"""
)
_HAIR_VALID = re.compile(rf"^(?:{_HAIR_ATTR})+$")
_HAIR_EACH = re.compile(_HAIR_ATTR)
_ODD_ELEMENT = re.compile(rf"^<{_S}*\[\[?[^\[\]]+\]")
_DATA_ATTR = re.compile(r"^data-[a-z0-9_-]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LEADING_WS = re.compile(rf"^{_S}*")
_TRAILING_WS = re.compile(rf"{_S}*$")
_EQUALS = re.compile(rf"{_S}*={_S}*")


def _split_element(element: str) -> list[str] | None:
    """wp_kses_attr_parse(): [front, attr, attr, …, back] or None when it cannot be parsed."""
    m = _ELEMENT.match(element)
    if not m or m.group(2):
        return None
    begin, _slash, name, attrs, end = m.groups()
    slash = _XHTML_SLASH.search(attrs)
    xhtml_slash = slash.group() if slash else ""
    if xhtml_slash:
        attrs = attrs[: -len(xhtml_slash)]
    if attrs and not _HAIR_VALID.match(attrs):
        return None
    pieces = [p.group() for p in _HAIR_EACH.finditer(attrs)] if attrs else []
    return [begin + name, *pieces, xhtml_slash + end]


def _attribute_allowed(name: str, element: str) -> bool:
    allowed = _POST_TAG_ATTRS.get(element.lower())
    if allowed is None:
        return False
    lowered = name.lower()
    if lowered == "style":  # WordPress would run safecss_filter_attr(); we refuse
        return False
    return lowered in allowed or bool(_DATA_ATTR.match(lowered))


def _kses_one_attr(attr: str, element: str) -> str:
    """wp_kses_one_attr() for the post context: the cleaned attribute, or only its whitespace."""
    attr = _CONTROL.sub("", attr)
    lead = _LEADING_WS.match(attr).group()  # type: ignore[union-attr]
    trail = _TRAILING_WS.search(attr[len(lead) :]).group()  # type: ignore[union-attr]
    core = attr[len(lead) : len(attr) - len(trail)]
    pieces = _EQUALS.split(core, maxsplit=1)
    name = pieces[0]
    if len(pieces) == 2:
        value = pieces[1]
        quote = value[:1]
        if quote in ('"', "'"):
            if value[-1:] != quote:
                return ""
            value = value[1:-1]
        else:
            quote = '"'
        value = esc_attr(value)
        if name.lower() in _URI_ATTRS:
            value = _strip_bad_protocols(value, ALLOWED_PROTOCOLS)
        core = f"{name}={quote}{value}{quote}"
    if not _attribute_allowed(name, element):
        core = ""
    return lead + core + trail


# --- the registry --------------------------------------------------------------------------------


class Shortcodes:
    """A set of registered shortcodes and the operations WordPress performs with them."""

    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        self._handlers: dict[str, Handler] = {}
        for name, handler in (handlers or {}).items():
            self.register(name, handler)

    def register(self, name: str, handler: Handler) -> None:
        """Register (or replace) a shortcode; names with ``<>&/[]=``, spaces or controls are refused."""
        if not name.strip(_PHP_TRIM) or _INVALID_NAME.search(name):
            raise ValueError(f"invalid shortcode name: {name!r}")
        self._handlers[name] = handler

    def remove(self, name: str) -> None:
        """Unregister a shortcode (no error when it is not registered)."""
        self._handlers.pop(name, None)

    @property
    def names(self) -> tuple[str, ...]:
        """Registered names in registration order."""
        return tuple(self._handlers)

    def __contains__(self, name: object) -> bool:
        return name in self._handlers

    def subset(self, names: Iterable[str]) -> Shortcodes:
        """A registry holding only the given (registered) shortcodes."""
        wanted = set(names)
        return Shortcodes({n: h for n, h in self._handlers.items() if n in wanted})

    def _present(self, text: str) -> tuple[str, ...]:
        """Registered names that occur after a ``[`` in ``text``, in registration order."""
        if "[" not in text or not self._handlers:
            return ()
        found = set(_CANDIDATE_NAMES.findall(text))
        return tuple(name for name in self._handlers if name in found)

    def do_shortcode(self, text: str, ctx: RenderContext, *, ignore_html: bool = False) -> str:
        """Replace registered shortcodes in ``text`` by their handlers' output."""
        names = self._present(text)
        if not names:
            return text
        pattern = _shortcode_regex(names)

        def call(m: re.Match[str]) -> str:
            return self._call(m, ctx)

        text = self._inside_html_tags(text, ignore_html, pattern, call)
        return _unescape_brackets(pattern.sub(call, text))

    def _call(self, m: re.Match[str], ctx: RenderContext) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return m.group()[1:-1]
        attrs = parse_shortcode_atts(m.group(3))
        content = m.group(5) or ""
        output = self._handlers[m.group(2)](attrs, content, ctx)
        return m.group(1) + (output or "") + m.group(6)

    def strip_shortcodes(self, text: str) -> str:
        """Remove registered shortcodes (with enclosed content); ``[[x]]`` becomes ``[x]``."""
        names = self._present(text)
        if not names:
            return text
        pattern = _shortcode_regex(names)
        text = self._inside_html_tags(text, True, pattern, _strip_one)
        return _unescape_brackets(pattern.sub(_strip_one, text))

    def unautop(self, text: str) -> str:
        """shortcode_unautop() with this registry's names."""
        return shortcode_unautop(text, self.names)

    @staticmethod
    def _inside_html_tags(
        text: str, ignore_html: bool, pattern: re.Pattern[str], call: Callable[[re.Match[str]], str]
    ) -> str:
        """Run shortcodes inside tag attributes where WordPress allows it; escape other brackets."""
        text = text.replace("&#91;", "&#091;").replace("&#93;", "&#093;")
        if "<" not in text:
            return text

        def element(m: re.Match[str]) -> str:
            return _shortcodes_in_element(m.group(), ignore_html, pattern, call)

        return HTML_TAG_RE.sub(element, text)


def _strip_one(m: re.Match[str]) -> str:
    if m.group(1) == "[" and m.group(6) == "]":
        return m.group()[1:-1]
    return m.group(1) + m.group(6)


def _shortcodes_in_element(
    element: str, ignore_html: bool, pattern: re.Pattern[str], call: Callable[[re.Match[str]], str]
) -> str:
    """do_shortcodes_in_html_tags() for one tag or comment."""
    has_open, has_close = "[" in element, "]" in element
    if not has_open or not has_close:
        return element.translate(_ESCAPE_BRACKETS) if has_open or has_close else element
    if ignore_html or element.startswith("<!--") or element.startswith("<![CDATA["):
        return element.translate(_ESCAPE_BRACKETS)
    parts = _split_element(element)
    if parts is None:
        if _ODD_ELEMENT.match(element):
            element = pattern.sub(call, element)
        return element.translate(_ESCAPE_BRACKETS)
    front, *attrs, back = parts
    name = re.search(r"[a-zA-Z0-9]+", front).group()  # type: ignore[union-attr]
    for i, attr in enumerate(attrs):
        opening, closing = attr.find("["), attr.find("]")
        if opening < 0 or closing < 0:
            continue
        double, single = attr.find('"'), attr.find("'")
        if (single < 0 or opening < single) and (double < 0 or opening < double):
            attrs[i] = pattern.sub(call, attr)  # unquoted: written by someone with unfiltered_html
            continue
        replaced, count = pattern.subn(call, attr)
        if count:
            cleaned = _kses_one_attr(replaced, name)
            if cleaned.strip(_PHP_TRIM):
                attrs[i] = cleaned
    return (front + "".join(attrs) + back).translate(_ESCAPE_BRACKETS)


# --- helpers shared by the core handlers ---------------------------------------------------------

_PHP_NUMBER = re.compile(
    r"[ \t\n\r\v\f]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)


def _php_int(value: object) -> int:
    """PHP's (int) cast of a shortcode value: the leading number, else 0."""
    if isinstance(value, int):
        return value
    m = _PHP_NUMBER.match(str(value))
    if not m:
        return 0
    number = m.group(1)
    try:
        return int(number) if number.lstrip("+-").isdigit() else int(float(number))
    except (ValueError, OverflowError):
        return 0


def _empty(value: object) -> bool:
    """PHP's empty() for the values shortcodes deal in."""
    return value in (None, "", "0", 0, False)


def _version(ctx: RenderContext) -> tuple[int, int, int]:
    return parse_version(getattr(ctx.options, "wp_version", "6.8"))


def _theme_supports_html5(ctx: RenderContext, feature: str) -> bool:
    supported = getattr(ctx.options, "html5", None)
    if supported is None:
        supported = ("caption", "gallery", "style", "script")
    return feature in supported


def _pick(defaults: Mapping[str, str], attrs: Mapping[str, str]) -> dict[str, str]:
    """shortcode_atts(): the known attributes, with defaults for the missing ones."""
    return {key: attrs.get(key, default) for key, default in defaults.items()}


def _unique_prefixed_id(ctx: RenderContext, prefix: str) -> str:
    """wp_unique_prefixed_id() with WordPress's ``-1`` suffix removed for the first use."""
    number = render_state(ctx).next("unique-id:" + prefix)
    return prefix[:-1] if number == 1 and prefix.endswith("-") else f"{prefix}{number}"


# --- [caption] -----------------------------------------------------------------------------------

_CAPTION_IMAGE = re.compile(
    r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_CAPTION_DEFAULTS = {
    "id": "",
    "caption_id": "",
    "align": "alignnone",
    "width": "",
    "caption": "",
    "class": "",
}


def _caption(
    attrs: dict[str, str], content: str | None, ctx: RenderContext, registry: Shortcodes
) -> str:
    """``[caption]``: an image with its caption in ``<figure>`` (HTML5 themes) or ``<div>``."""
    content = content or ""
    attrs = dict(attrs)
    if "caption" not in attrs:
        m = _CAPTION_IMAGE.search(content)
        if m:
            content, attrs["caption"] = m.group(1), m.group(2).strip(_PHP_TRIM)
    atts = _pick(_CAPTION_DEFAULTS, attrs)
    width = _php_int(atts["width"])
    if width < 1 or _empty(atts["caption"]):
        return content
    unique = _version(ctx) >= (7, 1, 0)
    element_id = sanitize_html_class(atts["id"]) if atts["id"] else ""
    if element_id and unique:
        element_id = _unique_prefixed_id(ctx, element_id + "-")
    caption_id = ""
    if atts["caption_id"]:
        caption_id = sanitize_html_class(atts["caption_id"])
        if unique:
            caption_id = _unique_prefixed_id(ctx, caption_id + "-")
    elif element_id:
        caption_id = "caption-" + element_id.replace("_", "-")
    id_attr = f'id="{esc_attr(element_id)}" ' if element_id else ""
    caption_id_attr = f'id="{esc_attr(caption_id)}" ' if caption_id else ""
    described_by = f'aria-describedby="{esc_attr(caption_id)}" ' if caption_id else ""
    css_class = esc_attr(f"wp-caption {atts['align']} {atts['class']}".strip(_PHP_TRIM))
    html5 = _theme_supports_html5(ctx, "caption")
    style = f'style="width: {width if html5 else width + 10}px" '
    inner = registry.do_shortcode(content, ctx)
    if html5:
        return (
            f'<figure {id_attr}{described_by}{style}class="{css_class}">{inner}'
            f'<figcaption {caption_id_attr}class="wp-caption-text">{atts["caption"]}</figcaption></figure>'
        )
    inner = inner.replace("<img ", "<img " + described_by)
    return (
        f'<div {id_attr}{style}class="{css_class}">{inner}'
        f'<p {caption_id_attr}class="wp-caption-text">{atts["caption"]}</p></div>'
    )


# --- [gallery] -----------------------------------------------------------------------------------

_ID_LIST_SPLIT = re.compile(r"[ \t\n\r\f\v,]+")
_TAG_NAME_CHARS = re.compile(r"[^a-zA-Z0-9-_:]")


def _id_list(value: str) -> list[int]:
    """wp_parse_id_list(): absolute integers, duplicates removed, order kept."""
    ids: list[int] = []
    for piece in _ID_LIST_SPLIT.split(value):
        number = abs(_php_int(piece))
        if piece != "" and number not in ids:
            ids.append(number)
    return ids


def _gallery_attachments(
    atts: Mapping[str, str], post_id: int, ctx: RenderContext
) -> list[Attachment]:
    """The gallery's images: ``include`` (= ``ids``), else the post's attached images."""
    if not _empty(atts["include"]):
        found = [ctx.attachment(i) for i in _id_list(atts["include"])]
        images = [a for a in found if a is not None and a.mime_type.startswith("image/")]
        if atts["orderby"] == "post__in":
            return images
    else:
        lookup = getattr(ctx, "attached_media", None)
        images = list(lookup(post_id, "image/")) if lookup and post_id else []
        if not _empty(atts["exclude"]):
            excluded = set(_id_list(atts["exclude"]))
            images = [a for a in images if a.id not in excluded]
    key: Callable[[Attachment], Any] = (
        (lambda a: a.title) if atts["orderby"].lower() == "title" else (lambda a: a.id)
    )
    return sorted(images, key=key, reverse=atts["order"].upper() == "DESC")


def _attachment_link(
    attachment: Attachment, size: str, permalink: bool, attrs: Mapping[str, str], ctx: RenderContext
) -> str:
    """wp_get_attachment_link(): the image (or title) linked to the file or attachment page."""
    url = attachment.link if permalink and attachment.link else attachment.url
    text = attachment_image(attachment, size, ctx, attrs, wp_version=ctx.options.wp_version)
    if not text.strip(_PHP_TRIM):
        text = attachment.title
    if not text.strip(_PHP_TRIM):
        text = esc_html(attachment.file.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return f"<a href='{esc_url(url)}'>{text}</a>"


def _gallery_style(selector: str, columns: int, ctx: RenderContext) -> str:
    """The inline ``<style>`` block galleries get when the theme lacks HTML5 gallery support."""
    html5_style = _version(ctx) >= (7, 0, 0) or _theme_supports_html5(ctx, "style")
    type_attr = "" if html5_style else ' type="text/css"'
    item_width = math.floor(100 / columns) if columns > 0 else 100
    return (
        f"\n\t\t<style{type_attr}>\n\t\t\t#{selector} {{\n\t\t\t\tmargin: auto;\n\t\t\t}}\n"
        f"\t\t\t#{selector} .gallery-item {{\n\t\t\t\tfloat: left;\n\t\t\t\tmargin-top: 10px;\n"
        f"\t\t\t\ttext-align: center;\n\t\t\t\twidth: {item_width}%;\n\t\t\t}}\n"
        f"\t\t\t#{selector} img {{\n\t\t\t\tborder: 2px solid #cfcfcf;\n\t\t\t}}\n"
        f"\t\t\t#{selector} .gallery-caption {{\n\t\t\t\tmargin-left: 0;\n\t\t\t}}\n"
        "\t\t\t/* see gallery_shortcode() in wp-includes/media.php */\n\t\t</style>\n\t\t"
    )


def _html_tag(value: str, fallback: str) -> str:
    """tag_escape() and the kses whitelist check the gallery applies to its three tag names."""
    tag = _TAG_NAME_CHARS.sub("", value).lower()
    return tag if tag in _POST_TAG_ATTRS else fallback


@dataclass(frozen=True)
class _GalleryLayout:
    """The markup choices of one gallery: element names, columns and the link target."""

    selector: str
    item_tag: str
    icon_tag: str
    caption_tag: str
    columns: int
    size: str
    link: str
    html5: bool


def _gallery_settings(attrs: Mapping[str, str], ctx: RenderContext) -> dict[str, str]:
    """shortcode_atts() for ``[gallery]``; ``ids`` becomes ``include`` ordered as listed."""
    merged = dict(attrs)
    if not _empty(merged.get("ids")):
        if _empty(merged.get("orderby")):
            merged["orderby"] = "post__in"
        merged["include"] = merged["ids"]
    html5 = _theme_supports_html5(ctx, "gallery")
    defaults = {
        "order": "ASC", "orderby": "menu_order ID", "id": str(int(getattr(ctx, "post_id", 0) or 0)),
        "itemtag": "figure" if html5 else "dl", "icontag": "div" if html5 else "dt",
        "captiontag": "figcaption" if html5 else "dd", "columns": "3", "size": "thumbnail",
        "include": "", "exclude": "", "link": "",
    }  # fmt: skip
    return _pick(defaults, merged)


def _gallery_item(
    attachment: Attachment, layout: _GalleryLayout, ctx: RenderContext, registry: Shortcodes
) -> str:
    """One ``gallery-item``: the (linked) image and its texturized caption."""
    caption = attachment.caption.strip(_PHP_TRIM)
    image_attrs = {"aria-describedby": f"{layout.selector}-{attachment.id}"} if caption else {}
    if layout.link == "none":
        image = attachment_image(
            attachment, layout.size, ctx, image_attrs, wp_version=ctx.options.wp_version
        )
    else:
        permalink = layout.link != "file"
        image = _attachment_link(attachment, layout.size, permalink, image_attrs, ctx)
    orientation = ""
    if attachment.width or attachment.height:
        orientation = "portrait" if attachment.height > attachment.width else "landscape"
    icon = layout.icon_tag
    item = f"<{layout.item_tag} class='gallery-item'>"
    item += f"\n\t\t\t<{icon} class='gallery-icon {orientation}'>\n\t\t\t\t{image}\n\t\t\t</{icon}>"
    if layout.caption_tag and caption:
        texturized = wptexturize(attachment.caption, shortcode_names=registry.names)
        item += (
            f"\n\t\t\t\t<{layout.caption_tag} class='wp-caption-text gallery-caption' "
            f"id='{layout.selector}-{attachment.id}'>\n\t\t\t\t{texturized}\n\t\t\t\t</{layout.caption_tag}>"
        )
    return item + f"</{layout.item_tag}>"


def _gallery(
    attrs: dict[str, str], content: str | None, ctx: RenderContext, registry: Shortcodes
) -> str:
    """``[gallery]``: a grid of linked thumbnails with captions."""
    instance = render_state(ctx).next("gallery")
    atts = _gallery_settings(attrs, ctx)
    gallery_id = _php_int(atts["id"])
    attachments = _gallery_attachments(atts, gallery_id, ctx)
    if not attachments:
        return ""
    layout = _GalleryLayout(
        selector=f"gallery-{instance}", item_tag=_html_tag(atts["itemtag"], "dl"),
        icon_tag=_html_tag(atts["icontag"], "dt"), caption_tag=_html_tag(atts["captiontag"], "dd"),
        columns=_php_int(atts["columns"]), size=atts["size"], link=atts["link"],
        html5=_theme_supports_html5(ctx, "gallery"),
    )  # fmt: skip
    columns = layout.columns
    output = "" if layout.html5 else _gallery_style(layout.selector, columns, ctx)
    output += (
        f"<div id='{layout.selector}' class='gallery galleryid-{gallery_id} gallery-columns-{columns} "
        f"gallery-size-{sanitize_html_class(layout.size)}'>"
    )
    for count, attachment in enumerate(attachments, start=1):
        output += _gallery_item(attachment, layout, ctx, registry)
        if not layout.html5 and columns > 0 and count % columns == 0:
            output += '<br style="clear: both" />'
    if not layout.html5 and columns > 0 and len(attachments) % columns != 0:
        output += "\n\t\t\t<br style='clear: both' />"
    return output + "\n\t\t</div>\n"


# --- [audio] and [video] -------------------------------------------------------------------------

_AUDIO_TYPES = ("mp3", "ogg", "flac", "m4a", "wav")
_VIDEO_TYPES = ("mp4", "m4v", "webm", "ogv", "flv")
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


def _validate_boolean(value: str) -> bool:
    """wp_validate_boolean(): "false" (any case) and PHP-falsy strings are False."""
    return value.lower() != "false" and not _empty(value)


def _php_urlencode(value: str) -> str:
    return quote_plus(value, safe="").replace("~", "%7E")


def _add_query_arg(key: str, value: str, url: str) -> str:
    """add_query_arg() for one key on a URL (existing values are re-encoded, as WordPress does)."""
    fragment = ""
    if "#" in url:
        url, fragment = url.split("#", 1)
        fragment = "#" + fragment
    protocol = ""
    for scheme in ("http://", "https://"):
        if url.lower().startswith(scheme):
            protocol, url = url[: len(scheme)], url[len(scheme) :]
            break
    if "?" in url:
        base, query = url.split("?", 1)
        base += "?"
    elif protocol or "=" not in url:
        base, query = url + "?", ""
    else:
        base, query = "", url
    pairs = {k: _php_urlencode(v) for k, v in parse_qsl(query, keep_blank_values=True)}
    pairs[key] = value
    built = "&".join(f"{k}={v}" for k, v in pairs.items()).strip("?")
    built = re.sub(r"=(&|$)", r"\1", built)
    return (protocol + base + built + fragment).rstrip("?")


def _remove_query_arg(key: str, url: str) -> str:
    if "?" not in url:
        return url
    head, _, tail = url.partition("?")
    query, hashmark, fragment = tail.partition("#")
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0] != key]
    return (head + ("?" + "&".join(kept) if kept else "") + hashmark + fragment).rstrip("?")


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
        elif not skip_empty or not _empty(value):
            parts.append(f'{name}="{esc_attr(str(value))}"')
    return " ".join(parts)


def _media_sources(
    atts: Mapping[str, str], types: Sequence[str], instance: int, kind: str = ""
) -> tuple[str, str]:
    """``<source>`` tags for every given format, and the first file URL."""
    html, first_url = "", ""
    for fallback in types:
        value = atts.get(fallback, "")
        if _empty(value):
            continue
        first_url = first_url or value
        mime = kind if fallback == "src" and kind else _filetype(value)[1]
        html += (
            f'<source type="{mime}" src="{esc_url(_add_query_arg("_", str(instance), value))}" />'
        )
    return html, first_url


def _media_fallback(url: str) -> str:
    escaped = esc_url(url)
    return f'<a href="{escaped}">{escaped}</a>'


def _primary_source(
    atts: dict[str, str], types: tuple[str, ...], kind: str, ctx: RenderContext
) -> list[str] | None:
    """Which attributes hold sources (``src`` first when used), or None when there is nothing to play."""
    if not _empty(atts["src"]):
        return ["src", *types]
    if any(not _empty(atts[ext]) and _filetype(atts[ext])[0].lower() == ext for ext in types):
        return list(types)
    lookup = getattr(ctx, "attached_media", None)
    post_id = int(getattr(ctx, "post_id", 0) or 0)
    media = list(lookup(post_id, kind + "/")) if lookup else []
    if not media or not media[0].url:
        return None
    atts["src"] = media[0].url
    return ["src", *types]


def _post_id(ctx: RenderContext) -> int:
    return int(getattr(ctx, "post_id", 0) or 0)


def _drop_empty(html_atts: dict[str, object], names: Iterable[str]) -> dict[str, object]:
    """Remove the attributes WordPress omits when their value is empty."""
    return {k: v for k, v in html_atts.items() if k not in names or not _empty(v)}


def _media_open_tag(
    tag: str, html_atts: Mapping[str, object], instance: int, version: tuple[int, int, int]
) -> str:
    """``<audio …>``/``<video …>``, after the old-IE shim on a request's first player (< 6.9)."""
    shim = ""
    if instance == 1 and version < (6, 9, 0):
        shim = f"<!--[if lt IE 9]><script>document.createElement('{tag}');</script><![endif]-->\n"
    attributes = _media_attribute_strings(html_atts, version, skip_empty=tag == "video")
    return f'{shim}<{tag} {attributes} controls="controls">'


def _audio(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[audio]``: an ``<audio>`` player with one ``<source>`` per format."""
    instance = render_state(ctx).next("audio")
    version = _version(ctx)
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
    atts = _pick({**defaults, **dict.fromkeys(_AUDIO_TYPES, "")}, attrs)
    src = atts["src"]
    if not _empty(src) and _filetype(src)[0].lower() not in _AUDIO_TYPES:
        return f'<a class="wp-embedded-audio" href="{esc_url(src)}">{esc_html(src)}</a>'
    types = _primary_source(atts, _AUDIO_TYPES, "audio", ctx)
    if types is None:
        return ""
    html_atts: dict[str, object] = {
        "class": atts["class"], "id": f"audio-{_post_id(ctx)}-{instance}",
        "loop": _validate_boolean(atts["loop"]), "autoplay": _validate_boolean(atts["autoplay"]),
    }  # fmt: skip
    if "muted" in atts:
        html_atts["muted"] = _validate_boolean(atts["muted"])
    html_atts.update({"preload": atts["preload"], "style": atts["style"]})
    html_atts = _drop_empty(html_atts, ("loop", "autoplay", "preload", "muted"))
    sources, first_url = _media_sources(atts, types, instance)
    html = _media_open_tag("audio", html_atts, instance, version) + sources
    return html + _media_fallback(first_url) + "</audio>"


def _video_src(atts: dict[str, str], is_youtube: bool, is_vimeo: bool) -> None:
    """Normalise YouTube/Vimeo URLs the way WordPress does for MediaElement.js."""
    if is_youtube:
        src = _remove_query_arg("feature", atts["src"]).strip(_PHP_TRIM)
        if src.startswith("//"):
            src = "http:" + src
        atts["src"] = re.sub(r"^[A-Za-z0-9_]+://", "https://", src, count=1)
    elif is_vimeo:
        m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]*)([^?#]*)", atts["src"])
        host, path = (m.group(1), m.group(2)) if m else ("", "")
        atts["src"] = _add_query_arg("loop", "1" if atts["loop"] else "0", f"https://{host}{path}")


def _video_size(atts: Mapping[str, str], ctx: RenderContext) -> tuple[int, int]:
    """Width and height, scaled down to the theme's ``$content_width`` when wider."""
    content_width = int(getattr(ctx.options, "content_width", 0) or 0)
    width, height = _php_int(atts["width"]), _php_int(atts["height"])
    if content_width and width > content_width:
        return content_width, _php_round(height * content_width / width)
    return width, height


def _video_inner_content(content: str | None) -> str:
    """Enclosed markup (``<track>`` etc.) with line breaks and tabs removed."""
    if _empty(content):
        return ""
    body = str(content)
    if "\n" in body:
        body = body.replace("\r\n", "").replace("\n", "").replace("\t", "")
    return body.strip(_PHP_TRIM)


def _video(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[video]``: a ``<video>`` player wrapped in ``<div class="wp-video">``."""
    instance = render_state(ctx).next("video")
    defaults = {
        "src": "", "poster": "", "loop": "", "autoplay": "", "muted": "false", "preload": "metadata",
        "width": "640", "height": "360", "class": "wp-video-shortcode",
    }  # fmt: skip
    atts = _pick({**defaults, **dict.fromkeys(_VIDEO_TYPES, "")}, attrs)
    width, height = _video_size(atts, ctx)
    src = atts["src"]
    is_vimeo = not _empty(src) and bool(_VIMEO.match(src))
    is_youtube = not _empty(src) and bool(_YOUTUBE.match(src))
    if (
        not _empty(src)
        and not (is_youtube or is_vimeo)
        and _filetype(src)[0].lower() not in _VIDEO_TYPES
    ):
        return f'<a class="wp-embedded-video" href="{esc_url(src)}">{esc_html(src)}</a>'
    types = _primary_source(atts, _VIDEO_TYPES, "video", ctx)
    if types is None:
        return ""
    _video_src(atts, is_youtube, is_vimeo)
    html_atts: dict[str, object] = {
        "class": atts["class"], "id": f"video-{_post_id(ctx)}-{instance}",
        "width": abs(width), "height": abs(height), "poster": esc_url(atts["poster"]),
        "loop": _validate_boolean(atts["loop"]), "autoplay": _validate_boolean(atts["autoplay"]),
        "muted": _validate_boolean(atts["muted"]), "preload": atts["preload"],
    }  # fmt: skip
    html_atts = _drop_empty(html_atts, ("poster", "loop", "autoplay", "preload", "muted"))
    kind = "video/youtube" if is_youtube else "video/vimeo" if is_vimeo else ""
    sources, first_url = _media_sources(atts, types, instance, kind)
    html = _media_open_tag("video", html_atts, instance, _version(ctx)) + sources
    html += _video_inner_content(content) + _media_fallback(first_url) + "</video>"
    width_rule = f"width: {width}px;" if not _empty(atts["width"]) else ""
    return f'<div style="{width_rule}" class="wp-video">{html}</div>'


def _php_round(value: float) -> int:
    """PHP's round() to an integer: halves go away from zero."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


# --- [embed] -------------------------------------------------------------------------------------

_AUDIO_URL = re.compile(rf"^https?://.+?\.({'|'.join(_AUDIO_TYPES)})$", re.IGNORECASE)
_VIDEO_URL = re.compile(rf"^https?://.+?\.({'|'.join(_VIDEO_TYPES)})$", re.IGNORECASE)


def _embed(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    """``[embed]URL[/embed]``: cached oEmbed HTML, a media shortcode, or a plain link."""
    url = content or ""
    if not url and not _empty(attrs.get("src")):
        url = attrs["src"]
    if not url:
        return ""
    url = url.replace("&amp;", "&")
    if _AUDIO_URL.match(url):
        return f'[audio src="{esc_url(url)}" /]'
    if _VIDEO_URL.match(url):
        dimensions = ""
        if not _empty(attrs.get("width")) and not _empty(attrs.get("height")):
            dimensions = f'width="{_php_int(attrs["width"])}" height="{_php_int(attrs["height"])}" '
        return f'[video {dimensions} src="{esc_url(url)}" /]'
    lookup = getattr(ctx, "oembed_html", None)
    cached = lookup(url, attrs) if lookup else None
    if cached and cached != "{{unknown}}":
        return str(cached)
    return f'<a href="{esc_url(url)}">{esc_html(url)}</a>'


def _nothing(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
    return ""


def embed_shortcodes() -> Shortcodes:
    """A registry with only the real ``[embed]`` handler (WordPress's priority-8 pass)."""
    return Shortcodes({"embed": _embed})


_EMBED_ONLY = embed_shortcodes()


def run_embed_shortcode(text: str, ctx: RenderContext) -> str:
    """Expand ``[embed]`` before wpautop, ignoring shortcodes inside HTML tags (WP_Embed)."""
    return _EMBED_ONLY.do_shortcode(text, ctx, ignore_html=True)


def default_shortcodes() -> Shortcodes:
    """Core's shortcodes in WordPress's registration order (``embed`` outputs nothing here)."""
    registry = Shortcodes()

    def caption(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
        return _caption(attrs, content, ctx, registry)

    def gallery(attrs: dict[str, str], content: str | None, ctx: RenderContext) -> str:
        return _gallery(attrs, content, ctx, registry)

    registry.register("wp_caption", caption)
    registry.register("caption", caption)
    registry.register("gallery", gallery)
    registry.register("audio", _audio)
    registry.register("video", _video)
    registry.register("embed", _nothing)
    return registry
