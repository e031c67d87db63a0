"""The pieces of kses that shortcodes inside HTML attributes need (the ``post`` context).

A quoted attribute value that a shortcode changed must pass wp_kses_one_attr(): the element
and the attribute must be allowed, and a URL attribute keeps only allowed protocols.
``style`` is refused (WordPress would check it with safecss)."""

from __future__ import annotations

import re

from broadsheet.render.escape import ALLOWED_PROTOCOLS, esc_attr
from broadsheet.render.escape import _without_bad_protocol as _strip_bad_protocols
from broadsheet.render.shortcodes.values import PCRE_SPACE as _S

__all__ = ["POST_TAG_ATTRS", "kses_one_attr", "split_element"]

_GLOBAL_ATTRS = frozenset(
    (
        "aria-controls", "aria-current", "aria-describedby", "aria-details", "aria-expanded",
        "aria-hidden", "aria-label", "aria-labelledby", "aria-live", "class", "data-*", "dir",
        "hidden", "id", "lang", "style", "title", "role", "xml:lang",
    )
)  # fmt: skip
# Element-specific attributes of wp_kses_allowed_html('post') (WordPress 6.x).
POST_TAG_ATTRS: dict[str, frozenset[str]] = {
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
_DATA_ATTR = re.compile(r"^data-[a-z0-9_-]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LEADING_WS = re.compile(rf"^{_S}*")
_TRAILING_WS = re.compile(rf"{_S}*$")
_EQUALS = re.compile(rf"{_S}*={_S}*")


def split_element(element: str) -> list[str] | None:
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
    allowed = POST_TAG_ATTRS.get(element.lower())
    if allowed is None:
        return False
    lowered = name.lower()
    if lowered == "style":  # WordPress would run safecss_filter_attr(); we refuse
        return False
    return lowered in allowed or bool(_DATA_ATTR.match(lowered))


def kses_one_attr(attr: str, element: str) -> str:
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
