"""A REST request: method, route, and parameters merged the way WordPress merges them.

Query strings are parsed with PHP's rules (``a[]=1&a[]=2`` is a list, ``a[b]=1`` an object, a
repeated ``a`` keeps the last value, dots and spaces in names become underscores). Lookups go
through the sources in WordPress's precedence: JSON body, form body, query string, route
(URL) parameters, registered defaults.
"""

from __future__ import annotations

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
        if self.method in ("GET", "HEAD", "OPTIONS"):
            return ("get", "url", "defaults")
        return SOURCES

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
