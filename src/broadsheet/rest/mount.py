"""The REST API as a mount of the request core: which requests are REST requests, and how an
HTTP request becomes a :class:`~broadsheet.rest.request.Request` for the REST server.

A site whose URL is ``https://example.org/archive`` answers at ``/archive/wp-json/…`` and at
``/archive/?rest_route=…``. The route is matched as WordPress matches it: the path as sent
(percent-escapes are not decoded, when the transport gives the raw path), a ``rest_route``
query parameter before the path. The body is parsed as WordPress parses it (JSON with
json_decode's errors, or a form; ``request.parse_body``), and ``_method`` /
``X-HTTP-Method-Override`` override the method.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .. import phpjson
from ..db import DatabaseUnavailable
from .api import build_server
from .request import Request, parse_body
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
    """Serves ``{home path}/{rest_url_prefix}/…`` (also after ``/index.php``) and any path of
    the site carrying ``?rest_route=…``."""

    def __init__(self, env: Env) -> None:
        self.server: RestServer = build_server(env)
        if not env.site.compat.at_least(6, 8):
            self.server.nocache_control = "no-cache, must-revalidate, max-age=0"
        self.home_path = urlsplit(env.site.home).path.rstrip("/")
        prefix = env.site.settings["rest_url_prefix"]
        self.prefix = f"{self.home_path}/{prefix}"
        self.prefixes = (self.prefix, f"{self.home_path}/index.php/{prefix}")

    def route(self, path: str, query: dict[str, Any]) -> str | None:
        """The REST route a request addresses ('' for a non-string ``rest_route``), or None
        when it is not a REST request. As in WordPress, a ``rest_route`` in the query string
        wins over the path (on any page of the site), an empty one is no REST request, and the
        route is taken as given: no slash is added or collapsed, only trailing slashes and
        backslashes go."""
        if "rest_route" in query and self._under_home(path):
            value = query["rest_route"]
            if not isinstance(value, str):
                return ""
            if value in ("", "0"):  # PHP's empty(): the page itself is asked for
                return None
            return value.rstrip("/\\") or "/"
        for prefix in self.prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix) + 1:]
                return ("/" + rest).rstrip("/\\") or "/"
        return None

    def _under_home(self, path: str) -> bool:
        if path != self.home_path and not path.startswith(self.home_path + "/"):
            return False
        last = path.rsplit("/", 1)[-1]
        return not last.endswith(".php") or last == "index.php"

    def handle(self, request: HttpRequest, query: dict[str, Any], route: str, user: Any) -> Served:
        """Serve one REST request (never raises: failures become WordPress-style errors)."""
        headers = dict(request.headers)
        raw_path = getattr(request, "raw_path", None)
        if raw_path is not None and "rest_route" not in query:
            # WordPress matches the path as sent: an escaped character (%2F, %6F) matches nothing
            raw_route = self.route(raw_path, {})
            if raw_route is None:
                from ..core import not_found

                return not_found()
            route = raw_route
        override = None
        header_override = False  # only an override by header may earn no-cache headers
        if "_method" in query and isinstance(query["_method"], str):
            override = query["_method"].upper()
        elif "x-http-method-override" in headers:
            override, header_override = headers["x-http-method-override"].upper(), True
        method = request.method
        if route == "":
            return error_answer(400, "rest_path_invalid_type", "The REST route parameter must be a string.")
        effective = method if override is None else override  # an empty override matches no route
        json_body, json_error, form = parse_body(headers.get("content-type", ""), request.body, effective, method)
        rest_request = Request(effective, route, query=query, body=form, json_body=json_body,
                               json_error=json_error, headers=headers, user=user)
        try:
            return self.server.serve(rest_request, state=RequestState(), origin=headers.get("origin"),
                                     method_override=header_override,
                                     http_method=method)
        except DatabaseUnavailable:
            raise  # not a bug: the request core answers 503
        except Exception:  # a bug must not become a broken connection; report like WordPress
            logging.getLogger("broadsheet").exception("error serving %s %s", method, route)
            return error_answer(500, "rest_internal_error", "The server could not complete the request.")
