"""A REST request: method, route, and parameters merged the way WordPress merges them.

Query strings are parsed with PHP's rules (``a[]=1&a[]=2`` is a list, ``a[b]=1`` an object, a
repeated ``a`` keeps the last value, dots and spaces in names become underscores). Lookups go
through the sources in WordPress's precedence: JSON body, form body, query string, route
(URL) parameters, registered defaults. Bodies are read as WordPress reads them
(:func:`parse_body`): a JSON body (any JSON media type) counts for every method, GET included,
and a malformed one is refused with ``json_decode``'s own error; a form body counts only for
the methods that accept body data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote_plus

_NAME_FIX = re.compile(r"[ .]")
_KEY_PART = re.compile(r"\[([^\]]*)\]")

SOURCES = ("json", "post", "get", "url", "defaults")


MAX_INPUT_VARS = 1000  # PHP's max_input_vars: later variables are dropped
MAX_INPUT_NESTING_LEVEL = 64  # PHP's max_input_nesting_level


def parse_php_query(query: str) -> dict[str, Any]:
    """Parse a query string into nested dicts/lists as PHP's parse_str would."""
    result: dict[str, Any] = {}
    if not query:
        return result
    for pair in query.split("&", MAX_INPUT_VARS)[:MAX_INPUT_VARS]:
        if not pair:
            continue
        name, sep, value = pair.partition("=")
        name = unquote_plus(name)
        value = unquote_plus(value)
        _assign(result, name, value)
    return _lists(result)


def _assign(result: dict[str, Any], name: str, value: str) -> None:
    bracket = name.find("[")
    if bracket <= 0:
        if bracket == 0 or not name:
            return
        base = _NAME_FIX.sub("_", name)
        result[base] = value
        return
    base = _NAME_FIX.sub("_", name[:bracket])
    rest = name[bracket:]
    keys: list[str] = []
    pos = 0
    while pos < len(rest):
        match = _KEY_PART.match(rest, pos)
        if not match:
            break
        keys.append(match.group(1))
        pos = match.end()
    if not keys:  # unmatched '[': PHP turns it into '_' and keeps the rest of the name
        result[base + "_" + rest[1:]] = value
        return
    if len(keys) > MAX_INPUT_NESTING_LEVEL:
        return  # PHP drops a variable nested deeper than max_input_nesting_level
    container = result
    key: str = base
    for part in keys:
        node = container.get(key)
        if not isinstance(node, _PhpArray):
            node = _PhpArray()
            container[key] = node
        key = node.next_key() if part == "" else part
        container = node
    container[key] = value


class _PhpArray(dict):  # type: ignore[type-arg]
    """An ordered PHP array being built (keys are strings until converted)."""

    def next_key(self) -> str:
        numeric = [int(k) for k in self if isinstance(k, str) and k.lstrip("-").isdigit()]
        return str(max(numeric) + 1 if numeric else 0)


def _lists(value: Any) -> Any:
    if isinstance(value, _PhpArray):
        converted = {k: _lists(v) for k, v in value.items()}
        keys = list(converted)
        if keys == [str(i) for i in range(len(keys))]:
            return list(converted.values())
        return converted
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


# -- bodies ---------------------------------------------------------------------------------------

# wp_is_json_media_type: application/json, application/<anything>+json, and +oembed variants
_JSON_MEDIA = re.compile(r"(^|\s|,)application/([\w!#$&\-^.+]+\+)?json(\+oembed)?($|\s|;|,)", re.I)
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")  # the methods whose form bodies count


def media_type(content_type: str) -> str:
    """The media type of a Content-Type header as WordPress reads it (lower case, before the
    first ``;`` unless the header starts with one; '' without a ``/``)."""
    value = content_type.strip().lower()
    cut = value.find(";")
    if cut > 0:
        value = value[:cut]
    return value if "/" in value else ""


def is_json_media_type(content_type: str) -> bool:
    """Whether a Content-Type announces JSON (wp_is_json_media_type over its media type)."""
    return bool(_JSON_MEDIA.search(media_type(content_type)))


def parse_body(content_type: str, body: bytes, method: str, real_method: str) -> tuple[Any, tuple[int, str] | None, dict[str, Any]]:
    """(JSON value, json_decode error, form parameters) of a body, as WordPress reads it for a
    request whose method is ``method`` (after ``_method``/override) and whose HTTP method was
    ``real_method``: a JSON body whatever the method; a form body for POST only when PHP filled
    ``$_POST`` (a real POST of ``application/x-www-form-urlencoded``), for other methods when the
    content type is empty or that one. PHP's ``empty()`` skips the bodies ``""`` and ``"0"``."""
    if not body or body == b"0":
        return None, None, {}
    if is_json_media_type(content_type):
        error = json_decode_error(body)
        if error is not None:
            return None, error, {}
        return json.loads(body, parse_int=_php_int), None, {}
    media = media_type(content_type)
    if method == "POST":
        form = real_method == "POST" and media == "application/x-www-form-urlencoded"
    else:
        form = media in ("", "application/x-www-form-urlencoded")
    if not form:
        return None, None, {}
    return None, None, parse_php_query(body.decode("utf-8", "surrogateescape"))


def _php_int(text: str) -> int | float:
    """A JSON integer as json_decode gives it: beyond 64 bits, a float."""
    value = int(text)
    return value if -(2**63) <= value < 2**63 else float(value)


# json_last_error() and json_last_error_msg() of what a body can get wrong
JSON_DEPTH = (1, "Maximum stack depth exceeded")
JSON_CTRL_CHAR = (3, "Control character error, possibly incorrectly encoded")
JSON_SYNTAX = (4, "Syntax error")
JSON_UTF8 = (5, "Malformed UTF-8 characters, possibly incorrectly encoded")
JSON_UTF16 = (10, "Single unpaired UTF-16 surrogate in unicode escape")
JSON_MAX_NESTING = 511  # json_decode's default depth of 512 allows 511 nested arrays/objects

_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_UTF8_SEQUENCE = re.compile(
    rb"[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HEX4 = re.compile(rb"[0-9a-fA-F]{4}")


class _JsonProblem(Exception):
    def __init__(self, error: tuple[int, str]) -> None:
        self.error = error


class _JsonScanner:
    """Reads a JSON text token by token as PHP's json parser does, to find its first problem:
    the first token that cannot be scanned (control character, malformed UTF-8, unpaired
    surrogate escape) or that the grammar does not expect, in the order they come."""

    def __init__(self, text: bytes) -> None:
        self.text = text
        self.pos = 0

    def token(self) -> bytes:
        text, size = self.text, len(self.text)
        while self.pos < size and text[self.pos] in b" \t\n\r":
            self.pos += 1
        if self.pos >= size:
            return b""  # the end
        start = self.pos
        char = text[start]
        if char in b"{}[]:,":
            self.pos += 1
            return bytes([char])
        if char == 0x22:
            self._string()
            return b'"'
        if char < 0x20:
            raise _JsonProblem(JSON_CTRL_CHAR)
        for word in (b"true", b"false", b"null"):
            if text.startswith(word, start):
                self.pos += len(word)
                return b"v"
        number = _NUMBER.match(text, start)
        if number:
            self.pos = number.end()
            return b"v"
        raise _JsonProblem(JSON_SYNTAX if _UTF8_SEQUENCE.match(text, start) else JSON_UTF8)

    def _string(self) -> None:
        text, size = self.text, len(self.text)
        self.pos += 1
        while True:
            if self.pos >= size or text[self.pos] < 0x20:
                raise _JsonProblem(JSON_CTRL_CHAR)
            char = text[self.pos]
            if char == 0x22:
                self.pos += 1
                return
            if char == 0x5C:
                self._escape()
                continue
            sequence = _UTF8_SEQUENCE.match(text, self.pos)
            if sequence is None:
                raise _JsonProblem(JSON_UTF8)
            self.pos = sequence.end()

    def _escape(self) -> None:
        text = self.text
        kind = text[self.pos + 1:self.pos + 2]
        if kind and kind in b'"\\/bfnrt':
            self.pos += 2
            return
        if kind != b"u" or not _HEX4.match(text, self.pos + 2):
            raise _JsonProblem(JSON_SYNTAX)
        unit = int(text[self.pos + 2:self.pos + 6], 16)
        self.pos += 6
        if 0xDC00 <= unit <= 0xDFFF:
            raise _JsonProblem(JSON_UTF16)
        if 0xD800 <= unit <= 0xDBFF:
            if text[self.pos:self.pos + 2] != b"\\u" or not _HEX4.match(text, self.pos + 2) \
                    or not 0xDC00 <= int(text[self.pos + 2:self.pos + 6], 16) <= 0xDFFF:
                raise _JsonProblem(JSON_UTF16)
            self.pos += 6


def json_decode_error(body: bytes) -> tuple[int, str] | None:
    """What ``json_decode($body, true)`` would report (json_last_error, its message), or None
    when PHP decodes the body."""
    scanner = _JsonScanner(body)
    try:
        _json_value(scanner, scanner.token(), 0)
        if scanner.token() != b"":
            raise _JsonProblem(JSON_SYNTAX)
    except _JsonProblem as problem:
        return problem.error
    return None


def _json_value(scanner: _JsonScanner, token: bytes, depth: int) -> None:
    if token in (b"v", b'"'):
        return
    if token not in (b"[", b"{"):
        raise _JsonProblem(JSON_SYNTAX)
    if depth >= JSON_MAX_NESTING:
        raise _JsonProblem(JSON_DEPTH)
    close = b"]" if token == b"[" else b"}"
    item = scanner.token()
    if item == close:
        return
    while True:
        if close == b"}":
            if item != b'"' or scanner.token() != b":":
                raise _JsonProblem(JSON_SYNTAX)
            item = scanner.token()
        _json_value(scanner, item, depth + 1)
        after = scanner.token()
        if after == close:
            return
        if after != b",":
            raise _JsonProblem(JSON_SYNTAX)
        item = scanner.token()


class Request:
    """A REST request being dispatched (also used for internal requests: embeds, hints)."""

    def __init__(
        self,
        method: str,
        route: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        json_body: Any = None,
        json_error: tuple[int, str] | None = None,  # (json_last_error, its message)
        headers: Mapping[str, str] | None = None,
        user: Any = None,
        internal: bool = False,
    ) -> None:
        self.method = method.upper()
        self.route = route
        self.params: dict[str, dict[str, Any]] = {
            "json": dict(json_body) if isinstance(json_body, dict) else {},
            "post": dict(body or {}),
            "get": dict(query or {}),
            "url": {},
            "defaults": {},
        }
        self.json_error = json_error
        self.headers = {k.lower().replace("-", "_"): v for k, v in (headers or {}).items()}
        self.user = user
        self.internal = internal
        self.attributes: dict[str, Any] = {}
        self.state: Any = None  # RequestState of the top-level request (embed cache, validity)

    # -- parameter access -------------------------------------------------------------------
    def _order(self) -> tuple[str, ...]:
        # JSON params exist only when the body was JSON, and count for every method; form
        # params only for the methods that accept body data (get_parameter_order).
        if self.method in BODY_METHODS:
            return SOURCES
        return ("json", "get", "url", "defaults")

    def get(self, name: str, default: Any = None) -> Any:
        """The value of a parameter from the highest-precedence source that has it (non-null)."""
        for source in self._order():
            values = self.params[source]
            if name in values and values[name] is not None:
                return values[name]
        return default

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def __contains__(self, name: str) -> bool:
        return self.has(name)

    def has(self, name: str) -> bool:
        """Whether any source carries the parameter (even with a null value)."""
        return any(name in self.params[s] for s in self._order())

    def set(self, name: str, value: Any) -> None:
        """Set a parameter in the highest-precedence source that has it (else the query)."""
        for source in self._order():
            if name in self.params[source]:
                self.params[source][name] = value
                return
        self.params["get"][name] = value

    def query_params(self) -> dict[str, Any]:
        """The query-string parameters exactly as given."""
        return self.params["get"]

    def param_names(self) -> Iterator[str]:
        """Names of every parameter present."""
        seen: set[str] = set()
        for source in self._order():
            for name in self.params[source]:
                if name not in seen:
                    seen.add(name)
                    yield name

    def header(self, name: str) -> str | None:
        """A request header (case-insensitive)."""
        return self.headers.get(name.lower().replace("-", "_"))
