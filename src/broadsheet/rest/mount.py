"""The REST API as a mount of the request core: which requests are REST requests, and how an
HTTP request becomes a :class:`~broadsheet.rest.request.Request` for the REST server.

A site whose URL is ``https://example.org/archive`` answers at ``/archive/wp-json/…`` and at
``/archive/?rest_route=…``. The body is parsed as WordPress parses it (JSON with json_decode's
errors, or a form), and ``_method`` / ``X-HTTP-Method-Override`` override the method.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .. import phpjson
from .api import build_server
from .request import Request, parse_php_query
from .server import RequestState, RestServer, Served

if TYPE_CHECKING:
    from ..core import HttpRequest
    from ..env import Env

_JSON = [("Content-Type", "application/json; charset=UTF-8")]


def error_answer(status: int, code: str, message: str) -> Served:
    """A WordPress-style JSON error answer."""
    return Served(status, list(_JSON), phpjson.dumps_bytes({"code": code, "message": message,
                                                             "data": {"status": status}}))


class RestMount:
    """Serves ``{home path}/{rest_url_prefix}/…`` and ``{home path}/?rest_route=…``."""

    def __init__(self, env: Env) -> None:
        self.server: RestServer = build_server(env)
        self.home_path = urlsplit(env.site.home).path.rstrip("/")
        self.prefix = f"{self.home_path}/{env.site.settings['rest_url_prefix']}"

    def route(self, path: str, query: dict[str, Any]) -> str | None:
        """The REST route a request addresses ('' for a non-string ``rest_route``), or None
        when it is not a REST request."""
        if path == self.prefix or path.startswith(self.prefix + "/"):
            route = path[len(self.prefix):].strip("/")
            return "/" + route if route else "/"
        if path in (self.home_path, self.home_path + "/", self.home_path + "/index.php") and "rest_route" in query:
            route = query["rest_route"]
            if not isinstance(route, str):
                return ""
            route = route.strip("/")
            return "/" + route if route else "/"
        return None

    def handle(self, request: HttpRequest, query: dict[str, Any], route: str, user: Any) -> Served:
        """Serve one REST request (never raises: failures become WordPress-style errors)."""
        headers = dict(request.headers)
        override = None
        if "_method" in query and isinstance(query["_method"], str):
            override = query["_method"].upper()
        elif "x-http-method-override" in headers:
            override = headers["x-http-method-override"].upper()
        method = request.method
        if route == "":
            return error_answer(400, "rest_path_invalid_type", "The REST route parameter must be a string.")
        json_body, json_error, form = _parse_body(headers.get("content-type", ""), request.body, method)
        rest_request = Request(override or method, route, query=query, body=form, json_body=json_body,
                               json_error=json_error, headers=headers, user=user)
        try:
            return self.server.serve(rest_request, state=RequestState(), origin=headers.get("origin"),
                                     method_override=bool(override and "x-http-method-override" in headers))
        except Exception:  # a bug must not become a broken connection; report like WordPress
            logging.getLogger("broadsheet").exception("error serving %s %s", method, route)
            return error_answer(500, "rest_internal_error", "The server could not complete the request.")


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

