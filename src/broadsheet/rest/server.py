"""The REST server: WordPress's dispatch pipeline and how a response goes on the wire.

Order matters because it decides which error wins: JSONP check, authentication, OPTIONS,
route match, JSON body, required args, validation, sanitisation, permission, handler; then
the ``Allow`` header, ``_fields``, ``_envelope``, links, ``_embed``, and the JSON encoding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from .. import clock, phpjson
from ..lru import Dependencies
from ..render.escape import esc_url
from ..store.cache import ContentCache
from .errors import RestError, no_route
from .fields import filter_fields, parse_fields
from .links import compact
from .request import Request, parse_php_query
from .response import Response
from .routing import Endpoint, Route, Router
from .schema import parse_list, parse_request_arg, validate

_JSONP_OK = re.compile(r"^[\w.]*$", re.ASCII)  # PCRE's \w without /u: ASCII only; '' passes
EXPOSE_HEADERS = "X-WP-Total, X-WP-TotalPages, Link"
ALLOW_HEADERS = "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"


@dataclass
class Served:
    """A finished HTTP answer."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    expires: float | None = None  # when a time-dependent part of the body changes


@dataclass
class RequestState:
    """Per top-level request bookkeeping: embed cache and time-validity of the answer."""

    embed_cache: dict[str, Any] = field(default_factory=dict)
    expires: float | None = None
    # Whether block content has been rendered in this request yet: WordPress renders classic
    # content differently from then on (Renderer.render_content_after_blocks).
    blocks_rendered: bool = False
    # The per-request instance counters drawn so far (players, galleries, layout containers):
    # stored templates are numbered from here (broadsheet.render.instances, docs/rendering.md).
    counters: dict[str, int] = field(default_factory=dict)

    def valid_until(self, moment: float | None) -> None:
        """Note that the answer changes at ``moment``."""
        if moment is not None and (self.expires is None or moment < self.expires):
            self.expires = moment


class RestServer:
    """Routes plus the pipeline; controllers register their routes on it."""

    def __init__(self, api_root: str, *, charset: str = "UTF-8", jsonp_enabled: bool = True,
                 target_hints: bool = True, cache: ContentCache | None = None) -> None:
        self.router = Router(cache.store if cache is not None else None)
        self.api_root = api_root
        self.charset = charset
        self.jsonp_enabled = jsonp_enabled
        self.target_hints = target_hints
        self.authenticate: Callable[[Request], RestError | None] | None = None
        # wp_get_nocache_headers()'s Cache-Control for an anonymous caller (no-store and
        # private only since WordPress 6.8)
        self.nocache_control = "no-cache, must-revalidate, max-age=0, no-store, private"
        # rest_pre_serve_request: hooks that may write the answer themselves from the data
        # (given as a function, built only if asked for) as (status, or 0 to keep it; content
        # type; body), as oEmbed's XML does
        self.pre_serve: list[Callable[[Request, Callable[[], Any]], tuple[int, str, bytes] | None]] = []
        # Where embedded objects, target hints and route descriptions are remembered (each with
        # the moment it would read differently) until what they read changes.
        self.cache = cache

    # -- registration -------------------------------------------------------------------------
    def register(self, namespace: str, route: str, endpoints: list[Endpoint],
                 schema: Callable[[], dict[str, Any]] | None = None) -> Route:
        """Register a route."""
        return self.router.register(namespace, route, endpoints, schema)

    def url(self, route: str, query: str = "") -> str:
        """Absolute URL of a route (plus an encoded query string)."""
        url = self.api_root + route.lstrip("/")
        return f"{url}?{query}" if query else url

    # -- dispatch -----------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        """Run one request through matching, validation, permission and its handler."""
        if request.method == "OPTIONS":
            return self._options(request)
        matched = self.router.match(request.route, request.method)
        if matched is None:
            return Response.from_error(no_route())
        route, endpoint, url_params = matched
        request.params["url"] = dict(url_params)
        request.params["defaults"] = endpoint.defaults()
        request.attributes = {"route": route, "endpoint": endpoint}
        response = self._respond(request, endpoint)
        response.route, response.endpoint = route, endpoint
        return response

    def _respond(self, request: Request, endpoint: Endpoint) -> Response:
        error = self._check_params(request, endpoint)
        if error is None and endpoint.permission is not None:
            allowed = endpoint.permission(request)
            if isinstance(allowed, RestError):
                error = allowed
            elif allowed is not True:
                from .errors import forbidden

                error = forbidden("rest_forbidden", "Sorry, you are not allowed to do that.", request.user)
        if error is not None:
            return Response.from_error(error)
        try:
            result = endpoint.callback(request)
        except RestError as exc:
            return Response.from_error(exc)
        return result if isinstance(result, Response) else Response(result)

    def _check_params(self, request: Request, endpoint: Endpoint) -> RestError | None:
        if request.json_error is not None:  # any method: a JSON body counts for GET too
            return RestError(
                "rest_invalid_json", "Invalid JSON body passed.",
                {"status": 400, "json_error_code": request.json_error[0],
                 "json_error_message": request.json_error[1]},
            )
        required = [
            name for name, arg in endpoint.args.items()
            if arg.get("required") is True and request.get(name) is None
        ]
        if required:
            return RestError(
                "rest_missing_callback_param", f"Missing parameter(s): {', '.join(required)}",
                {"status": 400, "params": required},
            )
        invalid: dict[str, str] = {}
        details: dict[str, Any] = {}
        for name, arg in endpoint.args.items():
            value = request.get(name)
            check = arg.get("validate_callback")
            if value is None or not check:
                continue
            problem = check(value, request, name) if callable(check) else validate(value, arg, name)
            if problem is not None and problem is not True:
                invalid[name] = problem.message if isinstance(problem, RestError) else "Invalid parameter."
                if isinstance(problem, RestError):
                    details[name] = problem.to_dict()
        if invalid:
            return _invalid(invalid, details)
        return self._sanitize(request, endpoint)

    def _sanitize(self, request: Request, endpoint: Endpoint) -> RestError | None:
        invalid: dict[str, str] = {}
        details: dict[str, Any] = {}
        for source in request._order():
            values = request.params[source]
            for name in list(values):
                arg = endpoint.args.get(name)
                if arg is None:
                    continue
                sanitizer = arg.get("sanitize_callback")
                if sanitizer is False or (sanitizer is None and not arg.get("type")):
                    continue
                if sanitizer is None or sanitizer == "parse":
                    cooked = parse_request_arg(values[name], arg, name)
                else:
                    cooked = sanitizer(values[name], request, name)
                if isinstance(cooked, RestError):
                    invalid[name] = cooked.message
                    details[name] = cooked.to_dict()
                else:
                    values[name] = cooked
        if invalid:
            return _invalid(invalid, details)
        return None

    def _options(self, request: Request) -> Response:
        found = self.router.match_path(request.route)
        if found is None:
            return Response([])
        route, url_params = found
        request.params["url"] = dict(url_params)
        from .index import describe_route

        response = Response(describe_route(self, route, context="help"))
        response.route = route
        response.endpoint = route.endpoints[0] if route.endpoints else None
        return response

    # -- after dispatch -----------------------------------------------------------------------
    def allowed_methods(self, route: Route, request: Request) -> list[str]:
        """Methods of the route whose permission check passes for this request."""
        allowed: dict[str, bool] = {}
        for endpoint in route.endpoints:
            ok = endpoint.permission is None or endpoint.permission(request) is True
            for method in endpoint.methods:
                allowed[method] = ok
        return [m for m, ok in allowed.items() if ok]

    def _remember(self, key: Any, compute: Callable[[RequestState], Any], state: RequestState | None) -> Any:
        entry = self.cache.peek(("rest", key)) if self.cache is not None else None
        if entry is not None and (entry[1] is None or clock.now() < entry[1]):
            if state is not None:
                state.valid_until(entry[1])
            return entry[0]
        inner = RequestState()
        with Dependencies.collect() as read:
            value = phpjson.shaped(compute(inner))  # kept and encoded many times: shape it once
        if self.cache is not None:
            self.cache.keep(("rest", key), (value, inner.expires), list(read))
        if state is not None:
            state.valid_until(inner.expires)
        return value

    def target_hints_for(self, href: str, user: Any) -> dict[str, Any] | None:
        """WordPress 6.7's targetHints for a self link: the methods this user may use on it."""
        if user is None:
            return self._remember(("hints", href), lambda state: self._target_hints(href, user), None)
        return self._target_hints(href, user)

    def _target_hints(self, href: str, user: Any) -> dict[str, Any] | None:
        # As the oracle computes them: the link's route matched and its permission callbacks run
        # on the request as the URL gives it (no defaults applied, nothing validated).
        if not href.startswith(self.api_root):
            return None
        parts = urlsplit(href)
        route = "/" + href[len(self.api_root):].split("?", 1)[0].rstrip("/")
        request = Request("GET", route, query=parse_php_query(parts.query), user=user,
                          internal=True)
        matched = self.router.match(request.route, "GET")
        if matched is None:
            return None
        found_route, endpoint, url_params = matched
        request.params["url"] = dict(url_params)
        request.attributes = {"route": found_route, "endpoint": endpoint}
        methods = self.allowed_methods(found_route, request)
        return {"allow": methods} if methods else None

    def response_to_data(self, response: Response, embed: list[str] | bool | None,
                         state: RequestState, user: Any) -> Any:
        """The body as WordPress builds it: data, compacted links, then embedded objects."""
        data = response.data
        links = compact(response.links)
        if links and isinstance(data, dict):
            data = phpjson.extended(data, "_links", links)
        if self.target_hints:
            data = self._hint_walk(data, user)
        if embed:
            from .embed import embed_links

            if isinstance(data, list):
                data = [embed_links(self, item, embed, state, user) for item in data]
            else:
                data = embed_links(self, data, embed, state, user)
        return data

    def _hint_walk(self, data: Any, user: Any) -> Any:
        if isinstance(data, list):
            return [self._hint_walk(item, user) for item in data]
        if not isinstance(data, dict):
            return data
        links = data.get("_links")
        if isinstance(links, dict) and links.get("self"):
            selfs = []
            for link in links["self"]:
                if "href" in link and "targetHints" not in link:
                    hints = self.target_hints_for(link["href"], user)
                    if hints:
                        link = {**link, "targetHints": hints}
                selfs.append(link)
            data = phpjson.extended(data, "_links", {**links, "self": selfs})
        keyed_map = not isinstance(data.get("_links"), dict) and not isinstance(data.get("_embedded"), dict)
        if keyed_map and data and all(isinstance(v, dict) and "_links" in v for v in data.values()):
            # keyed maps of objects (types, taxonomies, statuses)
            return {k: self._hint_walk(v, user) for k, v in data.items()}
        return data

    # -- serving ------------------------------------------------------------------------------
    def serve(self, request: Request, *, state: RequestState | None = None,
              origin: str | None = None, method_override: bool = False, http_method: str | None = None) -> Served:
        """Dispatch a top-level request and encode the answer with WordPress's headers
        (``http_method``: the method on the wire, before ``_method`` or an override)."""
        state = state or RequestState()
        request.state = state
        query = request.query_params()
        jsonp = query.get("_jsonp")
        is_jsonp = "_jsonp" in query
        # A callback PHP finds falsy ('' or '0') passes the check and wraps nothing.
        wraps = is_jsonp and self.jsonp_enabled and jsonp not in ("", "0")
        content_type = f"application/{'javascript' if wraps else 'json'}; charset={self.charset}"
        head: list[tuple[str, str]] = [("Content-Type", content_type), ("X-Robots-Tag", "noindex")]
        discovery = ("Link", f'<{self.api_root}>; rel="https://api.w.org/"')
        fixed = [("X-Content-Type-Options", "nosniff"),
                 ("Access-Control-Expose-Headers", EXPOSE_HEADERS),
                 ("Access-Control-Allow-Headers", ALLOW_HEADERS)]
        if is_jsonp:
            problem = None
            if not self.jsonp_enabled:
                problem = ("rest_callback_disabled", "JSONP support is disabled on this site.")
            elif not isinstance(jsonp, str) or not _JSONP_OK.match(jsonp):
                problem = ("rest_callback_invalid", "Invalid JSONP callback function.")
                content_type = f"application/javascript; charset={self.charset}"
                head[0] = ("Content-Type", content_type)
            if problem:
                body = phpjson.dumps_bytes({"code": problem[0], "message": problem[1]})
                return Served(400, [*head, discovery, *fixed], body)
        response = self._authenticate_and_dispatch(request)
        if response.route is not None:
            methods = self.allowed_methods(response.route, request)
            if methods:
                response.headers["Allow"] = ", ".join(m.upper() for m in methods)
        fields = request.get("_fields")  # $request['_fields']: a JSON body's wins
        if fields is not None and not response.is_error:
            names = parse_fields(fields)
            if names:
                response.data = filter_fields(response.data, names)
        embed = parse_embed(query["_embed"]) if "_embed" in query else None
        if "_envelope" in query:
            body_data = self.response_to_data(response, embed, state, request.user)
            envelope = Response({"body": body_data, "status": response.status,
                                 "headers": _envelope_headers(response.headers)}, 200)
            response = envelope
            embed = None
        extra = dict(response.headers)
        if "Content-Type" in extra:
            head = [("Content-Type", extra.pop("Content-Type")), *head[1:]]
        headers = _merge_headers(head, discovery, fixed, extra)
        if origin and origin != "0":  # PHP's truthiness
            allowed = origin if origin == "null" else esc_url(origin, context="db")
            headers += [("Access-Control-Allow-Origin", allowed),
                        ("Access-Control-Allow-Methods", "OPTIONS, GET, POST, PUT, PATCH, DELETE"),
                        ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin")]
        elif (http_method or request.method) == "GET" and request.user is None:
            headers.append(("Vary", "Origin"))
        if method_override and 400 <= response.status < 500:
            headers += [("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"), ("Cache-Control", self.nocache_control)]
        if request.method == "HEAD":
            return Served(response.status, headers, b"", state.expires)
        if response.raw_body is not None:
            return Served(response.status, headers, response.raw_body, state.expires)
        for hook in self.pre_serve:
            written = hook(request, lambda: self.response_to_data(response, None, state, request.user))
            if written is not None:
                status, kind, body = written
                if kind:
                    headers = [("Content-Type", kind) if k == "Content-Type" else (k, v) for k, v in headers]
                return Served(status or response.status, headers, body, state.expires)
        data = self.response_to_data(response, embed, state, request.user)
        if response.status == 204 or data is None:
            return Served(response.status, headers, b"", state.expires)
        text = phpjson.dumps_pretty(data) if request.has("_pretty") else phpjson.dumps(data)
        if wraps:
            text = f"/**/{jsonp}({text})"
        return Served(response.status, headers, text.encode("ascii"), state.expires)

    def _authenticate_and_dispatch(self, request: Request) -> Response:
        if self.authenticate is not None:
            error = self.authenticate(request)
            if error is not None:
                return Response.from_error(error)
        return self.dispatch(request)

    def internal_get(self, href: str, user: Any, state: RequestState) -> Any:
        """Dispatch an embedded link's GET internally and return its data (or error data)."""
        if user is None:
            return self._remember(("embed", href), lambda inner: self._internal_get(href, user, inner), state)
        return self._internal_get(href, user, state)

    def _internal_get(self, href: str, user: Any, state: RequestState) -> Any:
        parts = urlsplit(href)
        route = "/" + href[len(self.api_root):].split("?", 1)[0] if href.startswith(self.api_root) else None
        if route is None:
            return no_route().to_dict()
        query = parse_php_query(parts.query)
        request = Request("GET", route.rstrip("/") or "/", query=query, user=user, internal=True)
        if not request.get("context"):
            request.set("context", "embed")
        if request.get("per_page") is None:
            matched = self.router.match(request.route, "GET")
            if matched is not None:
                maximum = matched[1].args.get("per_page", {}).get("maximum")
                if maximum is not None:
                    request.set("per_page", maximum)
        request.state = state
        response = self.dispatch(request)
        return self.response_to_data(response, None, state, user)


def _envelope_headers(headers: dict[str, str]) -> dict[str, Any]:
    """The headers an envelope carries: the totals as the integers WordPress set them."""
    return {name: int(value) if name in ("X-WP-Total", "X-WP-TotalPages") and value.isdigit() else value
            for name, value in headers.items()}


def _invalid(invalid: dict[str, str], details: dict[str, Any]) -> RestError:
    return RestError(
        "rest_invalid_param", f"Invalid parameter(s): {', '.join(invalid)}",
        {"status": 400, "params": invalid, "details": details},
    )


def _merge_headers(head: list[tuple[str, str]], discovery: tuple[str, str],
                   fixed: list[tuple[str, str]], extra: dict[str, str]) -> list[tuple[str, str]]:
    """PHP header() replace semantics: a response Link replaces the discovery Link."""
    headers = list(head)
    if "Link" not in extra:
        headers.append(discovery)
    headers += fixed
    headers += list(extra.items())
    return headers


def parse_embed(value: Any) -> list[str] | bool:
    """rest_parse_embed_param: True for all (a value PHP finds falsy, 'true', '1', or a list
    of nothing but separators), else the list of rels (an array is taken as it is)."""
    if value in ("", "0", "1", "true", None, False, True) or value == [] or value == {}:
        return True
    rels = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else parse_list(value)
    return rels if rels else True


def collection_link_query(query: dict[str, Any], page: int) -> str:
    """The request's query string with ``page`` set (in place when present), like add_query_arg."""
    params = dict(query)
    params["page"] = page
    return re.sub(r"=(&|$)", r"\1", build_query(params))


def php_urlencode(value: str) -> str:
    """PHP urlencode: everything but letters, digits and ``-_.`` escaped; spaces as ``+``."""
    return quote(value, safe="").replace("~", "%7E").replace("%20", "+")


def build_query(params: dict[str, Any], prefix: str | None = None) -> str:
    """WordPress build_query over urlencode_deep'd values: nested keys as %5B…%5D, keys raw."""
    parts: list[str] = []
    for key, value in params.items():
        name = f"{prefix}%5B{key}%5D" if prefix is not None else str(key)
        if isinstance(value, dict):
            parts.append(build_query(value, name))
        elif isinstance(value, list):
            parts.append(build_query({str(i): v for i, v in enumerate(value)}, name))
        elif value is None:
            continue
        else:
            text = "1" if value is True else "" if value is False else str(value)
            parts.append(f"{name}={php_urlencode(text)}")
    return "&".join(p for p in parts if p)
