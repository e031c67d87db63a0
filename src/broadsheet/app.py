"""The web application: ``create_app(database_url)`` reads top to bottom.

A request for the REST API (``{home path}/wp-json/…`` or ``?rest_route=…``) goes through the
response cache, then the REST server. Everything else goes to the reader site (a later part;
for now a plain 404 page). Anonymous GET answers are cached in memory per process until the
content version moves or a time-dependent value in them (a relative date, a scheduled post)
changes.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse
from starlette.routing import Route

from . import clock
from .db import Database, connect
from .env import Env
from .rest.api import build_server
from .rest.request import Request, parse_php_query
from .rest.server import RequestState, RestServer, Served

MAX_BODY = 10 * 1024 * 1024


class Service:
    """The per-process state: database, site environment, REST server; rebuilt on content change."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._build()

    def _build(self) -> None:
        self.env = Env.open(self.db)
        self.server: RestServer = build_server(self.env)
        parts = urlsplit(self.env.site.home)
        self.home_path = parts.path.rstrip("/")
        self.rest_prefix = f"{self.home_path}/{self.env.site.settings['rest_url_prefix']}"
        self.generation = self.env.cache.version

    def refresh(self) -> bool:
        """Reload settings and drop caches when the content version moved."""
        if self.env.cache.refresh():
            self._build()
            return True
        return False

    def rest_route(self, path: str, query: dict[str, Any]) -> str | None:
        """The REST route a request path addresses, or None when it is not a REST request."""
        if path == self.rest_prefix or path.startswith(self.rest_prefix + "/"):
            route = path[len(self.rest_prefix):]
            return "/" + route.strip("/") if route.strip("/") else "/"
        if path in (self.home_path, self.home_path + "/", self.home_path + "/index.php") and "rest_route" in query:
            route = query["rest_route"]
            if not isinstance(route, str):
                return ""
            return "/" + route.strip("/") if route.strip("/") else "/"
        return None


@dataclass
class CachedAnswer:
    """A cached HTTP answer, the content version it was built from, and its headers as the
    ASGI interface sends them (encoded once)."""

    served: Served
    generation: int
    asgi_headers: list[tuple[bytes, bytes]]


class ResponseCache:
    """A bounded LRU of anonymous GET/HEAD answers."""

    def __init__(self, max_entries: int = 20000, max_bytes: int = 256 * 1024 * 1024) -> None:
        self.entries: OrderedDict[tuple[str, str, str], CachedAnswer] = OrderedDict()
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0

    def get(self, key: tuple[str, str, str], generation: int) -> CachedAnswer | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        expires = entry.served.expires
        if entry.generation != generation or expires is not None and clock.now() >= expires:
            self._drop(key)
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: tuple[str, str, str], served: Served, generation: int) -> None:
        if key in self.entries:
            self._drop(key)
        self.entries[key] = CachedAnswer(served, generation, _header_list(served))
        self.bytes += len(served.body)
        while len(self.entries) > self.max_entries or self.bytes > self.max_bytes:
            oldest = next(iter(self.entries))
            self._drop(oldest)

    def _drop(self, key: tuple[str, str, str]) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.bytes -= len(entry.served.body)

    def clear(self) -> None:
        self.entries.clear()
        self.bytes = 0


def _header_list(served: Served) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in served.headers]


class BroadsheetApp:
    """The ASGI application."""

    def __init__(self, service: Service, *, cache: bool = True) -> None:
        self.service = service
        self.cache = ResponseCache() if cache else None
        self.fallback = Starlette(routes=[Route("/{path:path}", _not_found)])

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.fallback(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        if self.service.refresh() and self.cache is not None:
            self.cache.clear()
        method = scope["method"]
        path = scope.get("path", "/")
        raw_query = scope.get("query_string", b"").decode("latin-1")
        cacheable = self.cache is not None and method in ("GET", "HEAD") and _anonymous(scope)
        key = (method, path, raw_query)
        if cacheable:
            assert self.cache is not None
            hit = self.cache.get(key, self.service.generation)
            if hit is not None:
                await _send(send, hit.served.status, hit.asgi_headers, hit.served.body)
                return
        query = parse_php_query(raw_query)
        route = self.service.rest_route(path, query)
        if route is None:
            await self.fallback(scope, receive, send)
            return
        body = await _read_body(receive) if method not in ("GET", "HEAD") else b""
        served = self.handle(scope, method, route, query, body)
        if cacheable and served.status < 500:
            assert self.cache is not None
            self.cache.put(key, served, self.service.generation)
        await _send(send, served.status, _header_list(served), served.body)

    # -- RSGI (granian's native interface: less per-request work than ASGI) -------------------
    def __rsgi_init__(self, loop: Any) -> None:
        """Nothing to prepare per worker."""

    def __rsgi_del__(self, loop: Any) -> None:
        """Nothing to release per worker."""

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":
            return
        if self.service.refresh() and self.cache is not None:
            self.cache.clear()
        method, path, raw_query = scope.method, scope.path, scope.query_string
        headers = scope.headers
        anonymous = not any(h in headers for h in _CREDENTIALS)
        cacheable = self.cache is not None and method in ("GET", "HEAD") and anonymous
        key = (method, path, raw_query)
        if cacheable:
            assert self.cache is not None
            hit = self.cache.get(key, self.service.generation)
            if hit is not None:
                proto.response_bytes(hit.served.status, hit.served.headers, hit.served.body)
                return
        query = parse_php_query(raw_query)
        route = self.service.rest_route(path, query)
        if route is None:
            proto.response_bytes(404, [("content-type", "text/html; charset=utf-8")], NOT_FOUND_PAGE)
            return
        body = await proto() if method not in ("GET", "HEAD") else b""
        asgi_scope = {"headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]}
        served = self.handle(asgi_scope, method, route, query, body[:MAX_BODY])
        if cacheable and served.status < 500:
            assert self.cache is not None
            self.cache.put(key, served, self.service.generation)
        proto.response_bytes(served.status, served.headers, served.body)

    def handle(self, scope: dict[str, Any], method: str, route: str, query: dict[str, Any], body: bytes) -> Served:
        """Serve one REST request (never raises: failures become WordPress-style errors)."""
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        lowered = {k.lower(): v for k, v in headers.items()}
        override = None
        if "_method" in query and isinstance(query["_method"], str):
            override = query["_method"].upper()
        elif "x-http-method-override" in lowered:
            override = lowered["x-http-method-override"].upper()
        json_body, json_error, form = _parse_body(lowered.get("content-type", ""), body, method)
        request = Request(override or method, route, query=query, body=form, json_body=json_body,
                          json_error=json_error, headers=headers)
        if route == "":
            from .rest.errors import RestError

            error = RestError("rest_path_invalid_type", "The REST route parameter must be a string.", status=400)
            from . import phpjson

            return Served(400, [("Content-Type", "application/json; charset=UTF-8")], phpjson.dumps_bytes(error.to_dict()))
        origin = lowered.get("origin")
        try:
            return self.service.server.serve(request, state=RequestState(), origin=origin,
                                             method_override=bool(override and "x-http-method-override" in lowered))
        except Exception:  # a bug must not become a broken connection; report like WordPress
            import logging

            logging.getLogger("broadsheet").exception("error serving %s %s", method, route)
            from . import phpjson

            body_out = phpjson.dumps_bytes({"code": "rest_internal_error",
                                            "message": "The server could not complete the request.",
                                            "data": {"status": 500}})
            return Served(500, [("Content-Type", "application/json; charset=UTF-8")], body_out)


# Request headers that can make an answer differ from the anonymous one (so it is not cached).
_CREDENTIALS = ("authorization", "cookie", "origin", "x-http-method-override")
_CREDENTIALS_BYTES = tuple(name.encode("latin-1") for name in _CREDENTIALS)


def _anonymous(scope: dict[str, Any]) -> bool:
    return not any(name in _CREDENTIALS_BYTES for name, _ in scope.get("headers", []))


_JSON_MAX_DEPTH = 512  # json_decode()'s default depth, as WordPress decodes bodies
# json_last_error() and json_last_error_msg() for what a body can get wrong
_TOO_DEEP = (1, "Maximum stack depth exceeded")
_CONTROL_CHARACTER = (3, "Control character error, possibly incorrectly encoded")
_SYNTAX_ERROR = (4, "Syntax error")
_BAD_UTF8 = (5, "Malformed UTF-8 characters, possibly incorrectly encoded")


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels deep (json_decode's depth:
    each array or object is one level; scalars add none)."""
    level, todo = 0, [value]
    while True:
        containers = [item for item in todo if isinstance(item, dict | list)]
        if not containers:
            return False
        level += 1
        if level > limit:
            return True
        todo = [
            child
            for item in containers
            for child in (item.values() if isinstance(item, dict) else item)
        ]


def _parse_body(content_type: str, body: bytes, method: str) -> tuple[Any, tuple[int, str] | None, dict[str, Any]]:
    if not body or method in ("GET", "HEAD"):
        return None, None, {}
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or (media.startswith("application/") and media.endswith("+json")):
        try:
            value = json.loads(body)
        except UnicodeDecodeError:
            return None, _BAD_UTF8, {}
        except ValueError as exc:
            control = str(exc).startswith("Invalid control character")
            return None, _CONTROL_CHARACTER if control else _SYNTAX_ERROR, {}
        except RecursionError:
            return None, _TOO_DEEP, {}
        if _deeper_than(value, _JSON_MAX_DEPTH):
            return None, _TOO_DEEP, {}
        return value, None, {}
    if media in ("", "application/x-www-form-urlencoded"):
        try:
            return None, None, parse_php_query(body.decode("utf-8"))
        except UnicodeDecodeError:
            return None, None, {}
    return None, None, {}


async def _read_body(receive: Any) -> bytes:
    chunks = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


NOT_FOUND_PAGE = b"<!doctype html><title>Not found</title><h1>Not found</h1>"


async def _not_found(request: HttpRequest) -> HTMLResponse:
    return HTMLResponse(NOT_FOUND_PAGE, status_code=404)


def create_app(database_url: str, *, cache: bool = True) -> BroadsheetApp:
    """The ASGI application serving the site stored at ``database_url``."""
    return BroadsheetApp(Service(connect(database_url)), cache=cache)

