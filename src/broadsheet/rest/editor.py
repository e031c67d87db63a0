"""The block editor's and the admin's routes, as WordPress lists them and answers a caller who
may use none of them.

WordPress registers, beside the content routes Broadsheet serves, the routes its block editor
and admin screens use: block types and the block renderer, reusable blocks, templates and
template parts, navigation, menus and menu items, global styles, themes, plugins, sidebars,
widgets, site health, the block and pattern directories, application passwords, batch
requests. Clients read them from the index, so Broadsheet lists them exactly as WordPress 6.1
does, in its order, and answers them as it answers an anonymous caller: after validating the
arguments, with the permission error each endpoint gives (mostly 401).

Their definitions (arguments, item schemas, the answer to a caller without rights) are data:
``schemas/editor_routes.json``, written by ``tests/fixtures/editor-routes/record.py`` from the
oracle's own descriptions and answers. The editor post types whose routes are WordPress's posts
controller (reusable blocks, navigation) are served by :class:`PostsController` from their type,
like any post type. Batch requests are served: each sub-request is matched, validated and
dispatched as WordPress does it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..render.escape import esc_url
from ..site import PostType, Taxonomy
from .access import parse_id, unreachable
from .errors import RestError, forbidden, no_route
from .params import CONTEXT_DESCRIPTION, collection_params, sanitize_key
from .posts import PostsController
from .request import Request, parse_php_query
from .response import Response
from .routing import Endpoint, Permission
from .schema import is_numeric, parse_list, validate
from .schemas.base import _is_php_array

if TYPE_CHECKING:
    from ..env import Env
    from ..store.models import Post
    from .index import IndexController
    from .server import RestServer

DATA_FILE = Path(__file__).parent / "schemas" / "editor_routes.json"
BATCH_LIMIT = 25


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text("utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _post_types() -> dict[str, PostType]:
    return {
        entry["name"]: PostType(
            entry["name"], entry["rest_base"], entry["label"], entry["label"],
            entry["hierarchical"], tuple(entry["supports"]), entry["icon"], entry["description"],
            entry["has_archive"], public=False, builtin=True,
        )
        for entry in _data()["post_types"]
    }


def post_types() -> list[PostType]:
    """WordPress's editor post types shown in REST, in registration order."""
    return list(_post_types().values())


def post_type(name: str) -> PostType | None:
    """An editor post type by name."""
    return _post_types().get(name)


def type_taxonomies(name: str) -> list[str]:
    """The taxonomies WordPress lists for an editor post type."""
    return next((list(e["taxonomies"]) for e in _data()["post_types"] if e["name"] == name), [])


@lru_cache(maxsize=1)
def _taxonomies() -> dict[str, tuple[Taxonomy, str]]:
    return {
        entry["name"]: (
            Taxonomy(entry["name"], entry["rest_base"], entry["label"], entry["label"],
                     entry["hierarchical"], tuple(entry["types"]), public=False, builtin=True,
                     description=entry["description"]),
            entry["after"],
        )
        for entry in _data()["taxonomies"]
    }


def taxonomy(name: str) -> Taxonomy | None:
    """An editor taxonomy (navigation menus) by name."""
    found = _taxonomies().get(name)
    return found[0] if found else None


def with_taxonomies(taxonomies: list[Taxonomy]) -> list[Taxonomy]:
    """The site's REST taxonomies with the editor's inserted where WordPress registers them."""
    out = list(taxonomies)
    for tax, after in _taxonomies().values():
        names = [t.name for t in out]
        out.insert(names.index(after) + 1 if after in names else len(out), tax)
    return out


def _rooted(value: Any, rest_root: str) -> Any:
    """A JSON value with ``{rest_root}`` replaced by the site's REST root."""
    text = json.dumps(value)
    if "{rest_root}" not in text:
        return value
    return json.loads(text.replace("{rest_root}", json.dumps(rest_root)[1:-1]))


def _error(answer: dict[str, Any], user: Any) -> RestError:
    if answer["status"] in (401, 403):
        return forbidden(answer["code"], answer["message"], user)
    return RestError(answer["code"], answer["message"], status=answer["status"])


_STANDARD = {name: arg for name, arg in collection_params().items() if name != "context"}


def _menu_item_url(value: Any, request: Request, name: str) -> RestError | None:
    """A menu item's URL: empty, or one sanitize_url keeps."""
    if value == "" or (isinstance(value, str) and esc_url(value, context="db")):
        return None
    return RestError("rest_invalid_url", "Invalid URL.")


class BlocksController(PostsController):
    """Reusable blocks: the posts controller, but reading one needs the edit_posts capability."""

    def can_read(self, post: Post) -> bool:
        """Nobody may read a reusable block yet (read_post maps to edit_posts)."""
        return False


class EditorRoutes:
    """Registers the editor's and admin's routes into their places in WordPress's order."""

    def __init__(self, env: Env, server: RestServer, index: IndexController) -> None:
        self.env = env
        self.server = server
        self.index = index

    def register(self, slot: str) -> None:
        """Register the routes WordPress registers at this point (``root``, ``post_types``,
        ``taxonomies``, ``users``, ``search``, ``settings``)."""
        for entry in _data()["routes"]:
            if entry["slot"] != slot:
                continue
            if "post_type" in entry:
                pt = _post_types()[entry["post_type"]]
                controller = BlocksController if pt.name == "wp_block" else PostsController
                controller(self.env, self.server, pt).register()
            elif "namespace_index" in entry:
                self.index.register_namespace(entry["namespace_index"])
            else:
                self._register_route(entry)

    def _register_route(self, entry: dict[str, Any]) -> None:
        root = self.env.site.rest_root
        endpoints = []
        path_params = set(re.findall(r"\(\?P<(\w+)>", entry["route"]))
        for spec in entry["endpoints"]:
            args = _rooted(spec["args"], root) if isinstance(spec["args"], dict) else {}
            writes = spec["methods"] != ["GET"]
            args = {name: self._hooked(entry["route"], name, arg, writes and name not in path_params)
                    for name, arg in args.items()}
            if spec["answer"] == "batch":
                callback: Callable[[Request], Any] = self.batch
                permission: Permission | None = None
            else:
                callback, permission = unreachable, self._permission(spec)
            endpoints.append(Endpoint(tuple(spec["methods"]), callback, permission, args,
                                      allow_batch=bool(spec.get("allow_batch"))))
        schema = entry.get("schema")
        described = (lambda: _rooted(schema, root)) if schema is not None else None
        self.server.register(entry["namespace"], entry["route"], endpoints, described)

    def _hooked(self, route: str, name: str, arg: dict[str, Any], from_schema: bool) -> dict[str, Any]:
        """An argument with the validation and sanitisation hooks WordPress registers for it
        (the recorded descriptions show none): the collection's standard arguments and every
        argument a write endpoint derives from the item schema are validated first, as
        ``rest_validate_request_arg`` does; a few controllers add their own checks."""
        if name == "context" and arg.get("description") == CONTEXT_DESCRIPTION:
            return {**arg, "sanitize_callback": sanitize_key, "validate_callback": True}
        standard = _STANDARD.get(name)
        if standard is not None and arg.get("description") == standard["description"]:
            return {**arg, "sanitize_callback": standard["sanitize_callback"], "validate_callback": True}
        if route.startswith("/menu-items") and name == "url":
            return {**arg, "validate_callback": _menu_item_url}
        if route == "/url-details" and name == "url":
            return {**arg, "validate_callback": self._http_url, "sanitize_callback": False}
        if name == "meta" and arg.get("type") == "object":  # WP_REST_Meta_Fields' check
            return {**arg, "validate_callback": _is_php_array, "sanitize_callback": False}
        if route.startswith("/menus") and name == "locations":
            return {**arg, "validate_callback": self._menu_locations}
        if from_schema and arg.get("type"):
            return {**arg, "validate_callback": True}
        return arg

    def _menu_locations(self, value: Any, request: Request, name: str) -> RestError | None:
        """A menu's locations must be ones the theme registers."""
        arg = request.attributes["endpoint"].args[name]
        problem = validate(value, arg, name)
        if problem is not None:
            return problem
        for location in parse_list(value):
            if location not in _data()["menu_locations"]:
                return RestError("rest_invalid_menu_location", "Invalid menu location.", {"location": location})
        return None

    def _http_url(self, value: Any, request: Request, name: str) -> bool:
        """wp_http_validate_url: an http(s) URL WordPress would fetch (host names are taken as
        public ones; Broadsheet does not resolve them)."""
        if not isinstance(value, str) or not value or is_numeric(value):
            return False
        try:
            parts = urlsplit(value)
            port = parts.port
        except ValueError:
            return False
        host = parts.hostname or ""
        if parts.scheme.lower() not in ("http", "https") or not value.lower().startswith(
                parts.scheme.lower() + "://") or not parts.netloc or not host:
            return False
        if parts.username is not None or parts.password is not None or any(c in host for c in ":#?[]"):
            return False
        home = urlsplit(self.env.site.home)
        same_host = (home.hostname or "").lower() == host.lower()
        octets = host.strip(".").split(".")
        if not same_host and len(octets) == 4 and all(o.isdigit() for o in octets):
            first, second = int(octets[0]), int(octets[1])
            if first in (127, 10, 0) or (first == 172 and 16 <= second <= 31) or (first == 192 and second == 168):
                return False
        return port is None or port in (80, 443, 8080) or (same_host and home.port == port)

    def _permission(self, spec: dict[str, Any]) -> Permission:
        """The endpoint's permission check as an anonymous caller meets it: the first rule whose
        condition holds gives its answer, else the endpoint's usual refusal."""
        answer, rules = spec["answer"], spec.get("rules", [])

        def check(request: Request) -> bool | RestError:
            for rule in rules:
                if self._holds(rule["if"], request):
                    return _error(rule["answer"], request.user)
            return _error(answer, request.user)

        return check

    def _holds(self, condition: dict[str, Any], request: Request) -> bool:
        """Whether a recorded rule's condition holds for this request."""
        kind, value = next(iter(condition.items()))
        if kind == "context":
            return bool(request.get("context") == value)
        if kind == "exists":
            return self._exists(value, request)
        if kind == "user":  # application passwords look the user up first
            given = str(request.get("user_id") or "")
            if value == "me":
                return given == "me" and request.user is None
            user_id = parse_id(given) if given != "me" else -1
            return user_id == 0 or (user_id > 0 and self.env.cache.user(user_id) is None)
        if kind == "active_theme":
            theme = self.env.site.settings["theme"] or {}
            return bool(request.get(value) == theme.get("stylesheet"))
        if kind == "equals":
            return all(request.get(name) == wanted for name, wanted in value.items())
        if kind == "positive":
            return parse_id(request.get(value)) > 0
        raise ValueError(f"unknown condition {kind!r}")

    def _exists(self, rule: dict[str, Any], request: Request) -> bool:
        object_id = parse_id(request.get(rule["param"]))
        if not object_id:
            return False
        if "post_type" in rule:
            post = self.env.cache.post(object_id)
            return post is not None and post.type == rule["post_type"]
        term = self.env.cache.term(object_id)
        return term is not None and term.taxonomy == rule["taxonomy"]

    # -- batch requests -----------------------------------------------------------------------
    def batch(self, request: Request) -> Response:
        """``POST /batch/v1``: every sub-request matched, validated and dispatched in turn."""
        subs = [self._sub_request(args, request) for args in request.get("requests") or []]
        matched = [self._match(sub) for sub in subs]
        validation = [self._validate(sub, match) for sub, match in zip(subs, matched, strict=True)]
        failed = any(isinstance(v, RestError) for v in validation)
        if failed and request.get("validation") == "require-all-validate":
            responses: list[Any] = [
                self._envelope(Response.from_error(v), request) if isinstance(v, RestError) else None
                for v in validation
            ]
            return Response({"failed": "validation", "responses": responses}, 207)
        out = []
        for sub, match, valid in zip(subs, matched, validation, strict=True):
            if isinstance(sub, RestError):
                response = Response.from_error(sub)
            elif isinstance(match, RestError):
                response = Response.from_error(match)
            elif isinstance(valid, RestError):
                response = Response.from_error(valid)
            else:
                response = self.server.dispatch(sub)
            out.append(self._envelope(response, request))
        return Response({"responses": out}, 207)

    def _sub_request(self, args: dict[str, Any], batch: Request) -> Request | RestError:
        try:
            parts = urlsplit(str(args.get("path") or ""))
        except ValueError:
            return RestError("parse_path_failed", "Could not parse the path.", status=400)
        body = args.get("body")
        headers = args.get("headers")
        sub = Request(
            str(args.get("method") or "POST"), parts.path,
            query=parse_php_query(parts.query) if parts.query else None,
            body=body if isinstance(body, dict) else None,
            headers={str(k): v if isinstance(v, str) else ", ".join(map(str, v))
                     for k, v in headers.items()} if isinstance(headers, dict) else None,
            user=batch.user,
        )
        sub.state = batch.state
        return sub

    def _match(self, sub: Request | RestError) -> Any:
        if isinstance(sub, RestError):
            return sub
        found = self.server.router.match(sub.route, sub.method)
        if found is None:
            return no_route()
        route, endpoint, url_params = found
        if not endpoint.allow_batch:
            return RestError("rest_batch_not_allowed",
                             "The requested route does not support batch requests.", status=400)
        sub.params["url"] = dict(url_params)
        sub.params["defaults"] = endpoint.defaults()
        sub.attributes = {"route": route, "endpoint": endpoint}
        return found

    def _validate(self, sub: Request | RestError, match: Any) -> RestError | None:
        if isinstance(sub, RestError):
            return sub
        if isinstance(match, RestError):
            return match
        return self.server._check_params(sub, match[1])  # the server's own validation step

    def _envelope(self, response: Response, batch: Request) -> dict[str, Any]:
        data = self.server.response_to_data(response, None, batch.state, batch.user)
        headers: Any = dict(response.headers) if response.headers else []
        return {"body": data, "status": response.status, "headers": headers or []}
