"""``/wp/v2/users``: the public sees only authors of published content."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..store import users as user_store
from ..store.models import User
from .access import parse_id, refuse_unless_missing, unreachable
from .avatars import avatar_urls
from .errors import RestError, forbidden
from .objects import build, selected_fields
from .params import collection_params, context_param, id_list, paginate_headers
from .request import Request
from .response import Response
from .routing import CREATABLE, DELETABLE, EDITABLE, READABLE, Endpoint

if TYPE_CHECKING:
    from ..env import Env
    from .server import RestServer


class UsersController:
    """Users routes."""

    def __init__(self, env: Env, server: RestServer) -> None:
        self.env = env
        self.server = server
        self.url = env.site.rest_url("/wp/v2/users")

    def register(self) -> None:
        """Register /users, /users/{id} and /users/me."""
        from . import schemas

        schema = lambda: schemas.user_schema(self.env)  # noqa: E731
        batch = self.env.site.compat.at_least(6, 6)  # users became batchable in 6.6
        self.server.register("wp/v2", "/users", [
            Endpoint(READABLE, self.get_items, self.get_items_permission, self.collection_args(), batch),
            Endpoint(CREATABLE, unreachable, self.create_permission, schemas.user_write_args(self.env, create=True),
                     batch),
        ], schema)
        id_arg = {"id": {"description": "Unique identifier for the user.", "type": "integer"}}
        self.server.register("wp/v2", "/users/(?P<id>[\\d]+)", [
            Endpoint(READABLE, self.get_item, self.get_item_permission, {**id_arg, "context": context_param()},
                     batch),
            Endpoint(EDITABLE, unreachable, self.update_permission,
                     {**id_arg, **schemas.user_write_args(self.env, create=False)}, batch),
            Endpoint(DELETABLE, unreachable, refuse_unless_missing(
                self.get_user, "rest_user_cannot_delete", "Sorry, you are not allowed to delete this user."), {**id_arg, **self._delete_args()}, batch),
        ], schema)
        self.server.register("wp/v2", "/users/me", [
            Endpoint(READABLE, self.get_me, None, {"context": context_param()}),
            Endpoint(EDITABLE, unreachable, self.me_permission, schemas.user_write_args(self.env, create=False)),
            Endpoint(DELETABLE, unreachable, self.me_permission, self._delete_args()),
        ], schema)

    def update_permission(self, request: Request) -> bool | RestError:
        """update_item_permissions_check: the user must exist; naming roles needs promote_user
        first; nobody may edit yet."""
        user = self.get_user(request.get("id"))
        if isinstance(user, RestError):
            return user
        if request.get("roles"):
            return forbidden("rest_cannot_edit_roles", "Sorry, you are not allowed to edit roles of this user.",
                             request.user)
        return forbidden("rest_cannot_edit", "Sorry, you are not allowed to edit this user.", request.user)

    def _delete_args(self) -> dict[str, Any]:
        return {
            "force": {"type": "boolean", "default": False,
                      "description": "Required to be true, as users do not support trashing."},
            "reassign": {"type": "integer", "description": "Reassign the deleted user's posts and links to this user ID.",
                         "required": True, "sanitize_callback": self._reassign},
        }

    def _reassign(self, value: Any, request: Request, name: str) -> Any:
        from .schema import is_integer, to_int

        if value in (False, "false", "", None):
            return False
        if is_integer(value):
            return to_int(value)
        return RestError("rest_invalid_param", "Invalid user parameter(s).", status=400)

    def collection_args(self) -> dict[str, dict[str, Any]]:
        """get_collection_params of the users controller."""
        args = collection_params()
        args["context"]["default"] = "view"
        args["exclude"] = id_list("Ensure result set excludes specific IDs.")
        args["include"] = id_list("Limit result set to specific IDs.")
        args["offset"] = {"description": "Offset the result set by a specific number of items.", "type": "integer"}
        args["order"] = {"default": "asc", "description": "Order sort attribute ascending or descending.",
                         "enum": ["asc", "desc"], "type": "string"}
        args["orderby"] = {"default": "name", "description": "Sort collection by user attribute.",
                           "enum": ["id", "include", "name", "registered_date", "slug", "include_slugs",
                                    "email", "url"], "type": "string"}
        args["slug"] = {"description": "Limit result set to users with one or more specific slugs.",
                        "type": "array", "items": {"type": "string"}}
        args["roles"] = {"description": "Limit result set to users matching at least one specific role provided. Accepts csv list or single role.",
                         "type": "array", "items": {"type": "string"}}
        args["capabilities"] = {"description": "Limit result set to users matching at least one specific capability provided. Accepts csv list or single capability.",
                                "type": "array", "items": {"type": "string"}}
        args["who"] = {"description": "Limit result set to users who are considered authors.",
                       "type": "string", "enum": ["authors"]}
        from .schemas import rest_post_type_names

        types = {name: name for name in rest_post_type_names(self.env)}
        args["has_published_posts"] = {
            "description": "Limit result set to users who have published posts.",
            "type": ["boolean", "array"], "items": {"type": "string", "enum": types}}
        if self.env.site.compat.users_search_columns_param:
            args["search_columns"] = {"default": [], "description": "Array of column names to be searched.",
                                      "type": "array", "items": {"enum": ["email", "name", "id", "username", "slug"],
                                                                 "type": "string"}}
        return args

    # -- permissions --------------------------------------------------------------------------
    def get_items_permission(self, request: Request) -> bool | RestError:
        """Role/capability filters, edit context, private orderbys and who=authors need rights."""
        if request.get("roles"):
            return forbidden("rest_user_cannot_view", "Sorry, you are not allowed to filter users by role.", request.user)
        if request.get("capabilities"):
            return forbidden("rest_user_cannot_view", "Sorry, you are not allowed to filter users by capability.",
                             request.user)
        if request.get("context") == "edit":
            return forbidden("rest_forbidden_context", "Sorry, you are not allowed to edit users.", request.user)
        if request.get("orderby") in ("email", "registered_date"):
            return forbidden("rest_forbidden_orderby", "Sorry, you are not allowed to order users by this parameter.",
                             request.user)
        if request.get("who") == "authors":
            return forbidden("rest_forbidden_who", "Sorry, you are not allowed to query users by this parameter.",
                             request.user)
        return True

    def get_user(self, raw_id: Any) -> User | RestError:
        """The user, or 404 rest_user_invalid_id."""
        error = RestError("rest_user_invalid_id", "Invalid user ID.", status=404)
        user_id = parse_id(raw_id)
        user = self.env.cache.user(user_id) if user_id else None
        return user if user is not None else error

    def _public(self, user: User) -> bool:
        types = list(self.env.site.post_types)
        return self.env.cache.remember(
            ("published", user.id), lambda: user_store.has_published_posts(self.env.db, user.id, types))

    def get_item_permission(self, request: Request) -> bool | RestError:
        """Anonymous callers see authors of published posts only."""
        user = self.get_user(request.get("id"))
        if isinstance(user, RestError):
            return user
        if request.get("context") == "edit":
            return forbidden("rest_forbidden_context", "Sorry, you are not allowed to edit this user.", request.user)
        if not self._public(user):
            return forbidden("rest_user_cannot_view", "Sorry, you are not allowed to list users.", request.user)
        return True

    def me_permission(self, request: Request) -> bool | RestError:
        """Editing/deleting /users/me checks the current user's id: anonymous is 0, an unknown user (404)."""
        return RestError("rest_user_invalid_id", "Invalid user ID.", status=404)

    def create_permission(self, request: Request) -> bool | RestError:
        """Creating users needs create_users."""
        return forbidden("rest_cannot_create_user", "Sorry, you are not allowed to create new users.", request.user)

    # -- handlers -------------------------------------------------------------------------------
    def get_items(self, request: Request) -> Response:
        """A page of (public) users."""
        per_page = int(request.get("per_page") or 10)
        page = int(request.get("page") or 1)
        offset = request.get("offset")
        offset = int(offset) if offset else (page - 1) * per_page
        q = user_store.UserQuery(
            published_in=list(self.env.site.post_types),
            include=[int(i) for i in request.get("include") or []],
            exclude=[int(i) for i in request.get("exclude") or []],
            slugs=[str(slug) for slug in request.get("slug") or []],  # compared as the collation does
            search=request.get("search") or None,
            orderby=str(request.get("orderby") or "name"),
            order=str(request.get("order") or "asc"),
            limit=per_page, offset=offset,
        )
        has_published = request.get("has_published_posts")
        if has_published:
            q.published_in = list(self.env.site.post_types) if has_published is True else list(has_published)
        found, total = user_store.query(self.env.db, q, self.env.cache.remember)
        if offset < 0:  # WP_User_Query writes LIMIT -1, n: MySQL refuses it, the count stands
            found = []
        items = [self.prepare(u, request, for_collection=True) for u in found]
        response = Response(items)
        page_shown = math.ceil(offset / per_page + 1)  # as WordPress rounds it: offset=1 is page 2
        paginate_headers(response, total, per_page, page_shown, self.url, request.query_params())
        return response

    def get_item(self, request: Request) -> Response:
        """One user."""
        user = self.get_user(request.get("id"))
        if isinstance(user, RestError):
            raise user
        return self.prepare(user, request, for_collection=False)

    def get_me(self, request: Request) -> Response:
        """The current user (never reached anonymously)."""
        raise RestError("rest_not_logged_in", "You are not currently logged in.", status=401)

    def prepare(self, user: User, request: Request, *, for_collection: bool) -> Any:
        """The user's REST object (view and embed contexts)."""
        names = ["id", "name", "url", "description", "link", "slug"]
        if self.env.site.settings["show_avatars"]:
            names.append("avatar_urls")
        if str(request.get("context") or "view") != "embed":
            names.append("meta")
        values = {
            "id": lambda: user.id, "name": lambda: user.display_name, "url": lambda: user.url,
            "description": lambda: user.description, "link": lambda: self.env.links.author(user),
            "slug": lambda: user.nicename, "avatar_urls": lambda: self.avatars(user),
            "meta": lambda: user.meta if user.meta else [],
        }

        def links(response: Response) -> None:
            response.add_link("self", self.env.site.rest_url(f"/wp/v2/users/{user.id}"))
            response.add_link("collection", self.url)

        return build(names, values, selected_fields(request, names), links, for_collection=for_collection)

    def avatars(self, user: User) -> dict[str, str]:
        """avatar_urls: computed from the e-mail, or kept from a source that hid it."""
        if not user.email and user.avatar_urls:
            return dict(user.avatar_urls)
        secure = self.env.site.home.startswith("https://")
        return avatar_urls(user.email, self.env.site.settings, self.env.site.compat, secure=secure)
