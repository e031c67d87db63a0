"""Routes and endpoints: WordPress's route table (regex, methods, args, permissions)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..lru import BoundedCache
from .errors import RestError
from .request import Request

Handler = Callable[[Request], Any]
Permission = Callable[[Request], "bool | RestError"]

READABLE = ("GET",)
CREATABLE = ("POST",)
EDITABLE = ("POST", "PUT", "PATCH")
DELETABLE = ("DELETE",)


@dataclass
class Endpoint:
    """One handler of a route: the methods it answers, its args, and who may call it."""

    methods: tuple[str, ...]
    callback: Handler
    permission: Permission | None = None
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    allow_batch: bool = False
    show_in_index: bool = True

    def answers(self, method: str) -> bool:
        """Whether this endpoint handles the method (HEAD falls back to GET)."""
        return method in self.methods or (method == "HEAD" and "GET" in self.methods)

    def defaults(self) -> dict[str, Any]:
        """Registered default values of the args."""
        return {name: arg["default"] for name, arg in self.args.items() if arg.get("default") is not None}


@dataclass
class Route:
    """A registered route: its WordPress regex pattern and endpoints."""

    namespace: str
    pattern: str
    endpoints: list[Endpoint]
    schema: Callable[[], dict[str, Any]] | None = None
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        # PCRE without the u flag: \w, \d and \s are ASCII only
        self.regex = re.compile("^" + self.pattern + "$", re.I | re.ASCII)

    @property
    def has_path_variables(self) -> bool:
        """Whether the route has named groups (then no self link in the index)."""
        return "(?P<" in self.pattern

    def visible_endpoints(self) -> list[Endpoint]:
        """Endpoints shown in the index."""
        return [e for e in self.endpoints if e.show_in_index]


class Router:
    """The ordered route table."""

    def __init__(self, cache: BoundedCache | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.namespaces: list[str] = []
        # matches by (path, method), in the process's bounded cache (they depend on no content)
        self.cache = cache if cache is not None else BoundedCache(8 * 1024 * 1024)

    def register(
        self, namespace: str, route: str, endpoints: list[Endpoint],
        schema: Callable[[], dict[str, Any]] | None = None,
    ) -> Route:
        """Add a route (``route`` is relative to the namespace, e.g. '/posts')."""
        pattern = "/" + namespace.strip("/") + route if namespace else route
        if namespace and namespace not in self.namespaces:
            self.namespaces.append(namespace)
        existing = self.routes.get(pattern)
        self.cache.clear()
        if existing is not None:
            existing.endpoints.extend(endpoints)
            return existing
        created = Route(namespace, pattern, endpoints, schema)
        self.routes[pattern] = created
        return created

    def match(self, path: str, method: str) -> tuple[Route, Endpoint, dict[str, str]] | None:
        """The first route and endpoint answering this path and method, with URL params."""
        key = ("route_match", path, method)
        found = self.cache.get(key, False)
        if found is False:
            found = self._match(path, method)
            size = 2 * len(path) + (0 if found is None else 64 * len(found[2]) + sum(map(len, found[2].values())))
            self.cache.put(key, found, size=size)
        if found is None:
            return None
        route, endpoint, params = found
        return route, endpoint, dict(params)

    def _match(self, path: str, method: str) -> tuple[Route, Endpoint, dict[str, str]] | None:
        for route in self.routes.values():
            found = route.regex.match(path)
            if not found:
                continue
            params = {k: v for k, v in found.groupdict().items() if v is not None}
            for endpoint in route.endpoints:
                if endpoint.answers(method):
                    return route, endpoint, params
        return None

    def match_path(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """The first route whose pattern matches the path, whatever the method."""
        for route in self.routes.values():
            found = route.regex.match(path)
            if found:
                return route, {k: v for k, v in found.groupdict().items() if v is not None}
        return None
