"""WordPress's output escaping helpers: ``esc_html``, ``esc_attr``, ``esc_url``, ``sanitize_html_class``.

Semantics follow WordPress (``_wp_specialchars`` with ``ENT_QUOTES`` and no double encoding,
``wp_kses_normalize_entities``, ``esc_url`` in its default *display* context, and
``wp_kses_bad_protocol``).

Knowingly left out:

* the ``esc_html``/``attribute_escape``/``clean_url``/``sanitize_html_class`` filters and the
  ``kses_allowed_protocols`` filter (pass ``protocols`` to :func:`esc_url` instead);
* ``esc_url``'s non-display ("db") context, i.e. ``sanitize_url``/``esc_url_raw``;
* PHP byte semantics for invalid UTF-8: a Python ``str`` is only "invalid" when it holds lone
  surrogates, and then ``esc_html``/``esc_attr`` return ``""`` as WordPress does for bad UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from broadsheet.render.php import PHP_TRIM

__all__ = [
    "ALLOWED_PROTOCOLS",
    "esc_attr",
    "esc_html",
    "esc_url",
    "normalize_entities",
    "sanitize_html_class",
]

# wp_allowed_protocols(), in WordPress's order.
ALLOWED_PROTOCOLS: tuple[str, ...] = (
    "http", "https", "ftp", "ftps", "mailto", "news", "irc", "irc6", "ircs", "gopher", "nntp",
    "feed", "telnet", "mms", "rtsp", "sms", "svn", "tel", "fax", "xmpp", "webcal", "urn",
)  # fmt: skip

# Named entities kses keeps (the HTML 4 set). PHP's htmlspecialchars also accepts all of them
# when it avoids double encoding; "apos" is kept by kses but then re-encoded by htmlspecialchars.
_ENTITY_NAME_LIST = """
    nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn
    acute micro para middot cedil ordm raquo iquest Agrave Aacute Acirc Atilde Auml Aring AElig
    Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde
    Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml
    aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute
    ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml quot amp lt gt apos
    OElig oelig Scaron scaron Yuml circ tilde ensp emsp thinsp zwnj zwj lrm rlm ndash mdash lsquo
    rsquo sbquo ldquo rdquo bdquo dagger Dagger permil lsaquo rsaquo euro fnof Alpha Beta Gamma
    Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho Sigma Tau Upsilon Phi
    Chi Psi Omega alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron
    pi rho sigmaf sigma tau upsilon phi chi psi omega thetasym upsih piv bull hellip prime Prime
    oline frasl weierp image real trade alefsym larr uarr rarr darr harr crarr lArr uArr rArr dArr
    hArr forall part exist empty nabla isin notin ni prod sum minus lowast radic prop infin ang
    and or cap cup int sim cong asymp ne equiv le ge sub sup nsub sube supe oplus otimes perp sdot
    lceil rceil lfloor rfloor lang rang loz spades clubs hearts diams sup1 sup2 sup3 frac14 frac12
    frac34 there4
"""
_ENTITY_NAMES = frozenset(_ENTITY_NAME_LIST.split())

_NAMED_REF = re.compile(r"&amp;([A-Za-z]{2,8}[0-9]{0,2});")
_DECIMAL_REF = re.compile(r"&amp;#(0*[0-9]{1,7});")
_HEX_REF = re.compile(r"&amp;#[Xx](0*[0-9A-Fa-f]{1,6});")
_SPECIALS = re.compile(r"[&<>\"']")
_QUOTES_AND_BRACKETS = str.maketrans({"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"})


def _valid_code_point(value: int) -> bool:
    """Whether a numeric character reference may stay (XML's Char production)."""
    return (
        value in (0x9, 0xA, 0xD)
        or 0x20 <= value <= 0xD7FF
        or 0xE000 <= value <= 0xFFFD
        or 0x10000 <= value <= 0x10FFFF
    )


def _named(match: re.Match[str]) -> str:
    """Keep ``&name;`` when the name is a known entity, else disarm its ``&``."""
    name = match.group(1)
    return f"&{name};" if name in _ENTITY_NAMES else f"&amp;{name};"


def _decimal(match: re.Match[str]) -> str:
    """Keep a valid ``&#NNN;`` (zero-padded to three digits), else disarm its ``&``."""
    digits = match.group(1)
    if digits == "0":  # PHP's empty("0") quirk: the reference disappears
        return ""
    if not _valid_code_point(int(digits)):
        return f"&amp;#{digits};"
    return "&#" + digits.lstrip("0").rjust(3, "0") + ";"


def _hexadecimal(match: re.Match[str]) -> str:
    """Keep a valid ``&#xHH;`` (leading zeros dropped, lower-case x), else disarm its ``&``."""
    digits = match.group(1)
    if digits == "0":
        return ""
    if not _valid_code_point(int(digits, 16)):
        return f"&amp;#x{digits};"
    return "&#x" + digits.lstrip("0") + ";"


def normalize_entities(text: str) -> str:
    """Encode every ``&`` that does not start a valid entity as ``&amp;`` (kses normalisation)."""
    if "&" not in text:
        return text
    text = text.replace("&", "&amp;")
    text = _NAMED_REF.sub(_named, text)
    text = _DECIMAL_REF.sub(_decimal, text)
    return _HEX_REF.sub(_hexadecimal, text)


def _is_valid_unicode(text: str) -> bool:
    """False when the string holds lone surrogates (not encodable as UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def esc_html(text: str) -> str:
    """Escape ``& < > " '`` for HTML text without double-encoding valid entities."""
    if not text or not _is_valid_unicode(text):
        return ""
    if not _SPECIALS.search(text):
        return text
    text = normalize_entities(text)
    # After normalisation every "&" starts a valid entity except &apos; (not HTML 4).
    text = text.replace("&apos;", "&amp;apos;")
    return text.translate(_QUOTES_AND_BRACKETS)


def esc_attr(text: str) -> str:
    """Escape a value for an HTML attribute (same encoding as :func:`esc_html`)."""
    return esc_html(text)


# --- esc_url -------------------------------------------------------------------------------------

_URL_DISALLOWED = re.compile(r"[^a-z0-9\-~+_.?#=!&;,/:%@$|*'()\[\]\x80-\U0010ffff]", re.IGNORECASE)
_LINE_BREAK_OCTETS = ("%0d", "%0a", "%0D", "%0A")
_PHP_FILE = re.compile(r"[a-z0-9-]+?\.php", re.IGNORECASE | re.ASCII)
_COLON_REF_UNTERMINATED = re.compile(r"(&#0*58(?![;0-9])|&#x0*3a(?![;a-f0-9]))", re.IGNORECASE)
_PROTOCOL_SEPARATOR = re.compile(r":|&#0*58;|&#x0*3a;|&colon;", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SLASH_ZERO = re.compile(r"\\+0+")
_DECIMAL_CHAR = re.compile(r"&#([0-9]+);")
_HEX_CHAR = re.compile(r"&#[Xx]([0-9A-Fa-f]+);")
_PHP_WHITESPACE = re.compile(r"\s", re.ASCII)


def _strip_line_breaks(url: str) -> str:
    """Remove encoded CR/LF octets repeatedly, so nested ``%0%0dd`` cannot survive."""
    while True:
        before = url
        for octet in _LINE_BREAK_OCTETS:
            url = url.replace(octet, "")
        if url == before:
            return url


_STRTOL_PREFIX = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+")


def _is_ascii_alnum(char: str) -> bool:
    """C isalnum() in the C locale."""
    return char.isascii() and char.isalnum()


def _parse_port_digits(digits: str) -> int | None:
    """PHP strtol() on a port string: leading digits (after optional sign), else None."""
    found = _STRTOL_PREFIX.match(digits)
    return int(found.group(0)) if found else None


def _php_authority(
    url: str, start: int, parts: dict[str, str | int]
) -> dict[str, str | int] | None:
    """Parse user, password, host and port from ``url[start:]`` the way PHP's parse_url() does."""
    end = len(url)
    for stop in "/?#":
        found = url.find(stop, start)
        if found != -1:
            end = min(end, found)
    at = url.rfind("@", start, end)
    if at != -1:
        colon = url.find(":", start, at)
        if colon != -1:
            parts["user"], parts["pass"] = url[start:colon], url[colon + 1 : at]
        else:
            parts["user"] = url[start:at]
        start = at + 1
    host_end = end
    bracketed = start < len(url) and url[start] == "[" and url[end - 1] == "]"
    colon = -1 if bracketed else url.rfind(":", start, end)
    if colon != -1:
        host_end = colon
        digits = url[colon + 1 : end]
        if "port" not in parts and digits:
            port = _parse_port_digits(digits) if len(digits) <= 5 else None
            if port is None or not 0 <= port <= 65535:
                return None
            parts["port"] = port
    if host_end - start < 1:
        return None
    parts["host"] = url[start:host_end]
    return parts


def _php_port_prefix(
    url: str, colon: int, parts: dict[str, str | int]
) -> dict[str, str | int] | None:
    """PHP parse_url() for ``host:port...`` without a scheme (``a.com:80/x``)."""
    digits = ""
    for char in url[colon + 1 : colon + 7]:
        if not (char.isascii() and char.isdigit()):
            break
        digits += char
    after = colon + 1 + len(digits)
    if 0 < len(digits) < 6 and (after == len(url) or url[after] == "/"):
        port = int(digits)
        if port > 65535:
            return None
        parts["port"] = port
        return _php_authority(url, 2 if url.startswith("//") else 0, parts)
    if not digits and after == len(url):
        return None
    if url.startswith("//"):
        return _php_authority(url, 2, parts)
    return parts


def _php_parse_url(url: str) -> dict[str, str | int] | None:
    """Scheme, user, pass, host and port of ``url`` as PHP's parse_url() reports them."""
    parts: dict[str, str | int] = {}
    colon = url.find(":")
    if colon == 0:
        return _php_port_prefix(url, colon, parts)
    if colon == -1:
        return _php_authority(url, 2, parts) if url.startswith("//") else parts
    scheme = url[:colon]
    if not all(_is_ascii_alnum(c) or c in "+.-" for c in scheme):
        query_or_fragment = min(
            (i for i in (url.find("?"), url.find("#")) if i != -1), default=len(url)
        )
        if colon + 1 < len(url) and colon < query_or_fragment:
            return _php_port_prefix(url, colon, parts)
        return _php_authority(url, 2, parts) if url.startswith("//") else parts
    if colon + 1 == len(url):
        return {"scheme": scheme}
    if url[colon + 1] != "/":
        digits_end = colon + 1
        while digits_end < len(url) and url[digits_end].isascii() and url[digits_end].isdigit():
            digits_end += 1
        if (digits_end == len(url) or url[digits_end] == "/") and digits_end - colon < 7:
            return _php_port_prefix(url, colon, parts)
        return {"scheme": scheme}
    parts["scheme"] = scheme
    if url[colon + 2 : colon + 3] != "/":
        return parts
    if scheme.lower() == "file" and url[colon + 3 : colon + 4] == "/":
        return parts
    return _php_authority(url, colon + 3, parts)


def _wp_parse_url(url: str) -> dict[str, str | int] | None:
    """WordPress's wp_parse_url(): parse_url() that also copes with ``//host`` and ``/path``."""
    if url.startswith("//"):
        parts = _php_parse_url("placeholder:" + url)
        hidden: tuple[str, ...] = ("scheme",)
    elif url.startswith("/"):
        parts = _php_parse_url("placeholder://placeholder" + url)
        hidden = ("scheme", "host")
    else:
        return _php_parse_url(url)
    if parts is not None:
        for key in hidden:
            parts.pop(key, None)
    return parts


def _encode_brackets(url: str) -> str:
    """Percent-encode ``[`` and ``]`` outside the scheme/userinfo/host/port part."""
    parts = _wp_parse_url(url) or {}
    front = ""
    if "scheme" in parts:
        front += f"{parts['scheme']}://"
    elif url.startswith("/"):
        front += "//"
    front += str(parts.get("user", ""))
    if "pass" in parts:
        front += f":{parts['pass']}"
    if "user" in parts or "pass" in parts:
        front += "@"
    front += str(parts.get("host", ""))
    if "port" in parts:
        front += f":{parts['port']}"
    end_dirty = url.replace(front, "") if front else url
    if not end_dirty:
        return url
    end_clean = end_dirty.replace("[", "%5B").replace("]", "%5D")
    return url.replace(end_dirty, end_clean)


def _php_chr(code: int) -> str:
    """PHP's chr(): one byte, modulo 256."""
    return chr(code % 256)


def _scheme_if_allowed(candidate: str, protocols: Sequence[str]) -> str:
    """``"scheme:"`` when the decoded, lower-cased candidate is an allowed protocol, else ``""``."""
    candidate = _DECIMAL_CHAR.sub(lambda m: _php_chr(int(m.group(1))), candidate)
    candidate = _HEX_CHAR.sub(lambda m: _php_chr(int(m.group(1), 16)), candidate)
    candidate = _PHP_WHITESPACE.sub("", candidate)
    candidate = _CONTROL_CHARS.sub("", candidate)
    candidate = _SLASH_ZERO.sub("", candidate).lower()
    allowed = any(candidate == protocol.lower() for protocol in protocols)
    return candidate + ":" if allowed else ""


def _strip_bad_protocol_once(url: str, protocols: Sequence[str], depth: int = 1) -> str:
    """Drop one disallowed scheme prefix (``feed:`` may wrap at most two more)."""
    url = _COLON_REF_UNTERMINATED.sub(r"\g<1>;", url)
    pieces = _PROTOCOL_SEPARATOR.split(url, maxsplit=1)
    if len(pieces) < 2 or "/?" in pieces[0]:
        return url
    rest = pieces[1].strip(PHP_TRIM)
    scheme = _scheme_if_allowed(pieces[0], protocols)
    if scheme == "feed:":
        if depth > 2:
            return ""
        rest = _strip_bad_protocol_once(rest, protocols, depth + 1)
        if rest in ("", "0"):  # PHP's empty(): "0" counts as nothing too
            return rest
    return scheme + rest


def _without_bad_protocol(url: str, protocols: Sequence[str]) -> str:
    """Strip disallowed schemes until stable (at most six rounds, else give up with ``""``)."""
    url = _SLASH_ZERO.sub("", _CONTROL_CHARS.sub("", url))
    for _ in range(6):
        cleaned = _strip_bad_protocol_once(url, protocols)
        if cleaned == url:
            return url
        url = cleaned
    return ""


def esc_url(url: str, *, protocols: Sequence[str] | None = None, context: str = "display") -> str:
    """Clean a URL for display in HTML, or return ``""`` when its scheme is not allowed;
    ``context="db"`` is sanitize_url (no entity escaping of ``&`` and ``'``)."""
    if url == "":
        return ""
    url = _URL_DISALLOWED.sub("", url.lstrip(PHP_TRIM).replace(" ", "%20"))
    if url == "":
        return ""
    if not url.lower().startswith("mailto:"):
        url = _strip_line_breaks(url)
    url = url.replace(";//", "://")
    if ":" not in url and url[:1] not in ("/", "#", "?") and not _PHP_FILE.match(url):
        url = ("https://" if protocols and protocols[0] == "https" else "http://") + url
    if context == "display":
        url = normalize_entities(url).replace("&amp;", "&#038;").replace("'", "&#039;")
    if "[" in url or "]" in url:
        url = _encode_brackets(url)
    if url[0] == "/":
        return url
    allowed = ALLOWED_PROTOCOLS if protocols is None else protocols
    cleaned = _without_bad_protocol(url, allowed)
    return cleaned if cleaned.lower() == url.lower() else ""


_PERCENT_OCTET = re.compile(r"%[a-fA-F0-9][a-fA-F0-9]")
_NOT_CLASS_CHAR = re.compile(r"[^A-Za-z0-9_-]")


def sanitize_html_class(cls: str, fallback: str = "") -> str:
    """Strip percent-encoded octets and everything but ``A-Za-z0-9_-`` from a class name."""
    sanitized = _NOT_CLASS_CHAR.sub("", _PERCENT_OCTET.sub("", cls))
    if sanitized == "" and fallback:
        return sanitize_html_class(fallback)
    return sanitized
