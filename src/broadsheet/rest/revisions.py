"""Revisions and autosaves routes of a post type: only the post's editors may read them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .access import parse_id, unreachable
from .errors import RestError, forbidden
from .params import collection_params, context_param, id_list
from .request import Request
from .routing import CREATABLE, DELETABLE, READABLE, Endpoint

if TYPE_CHECKING:
    from ..env import Env
    from .posts import PostsController
    from .server import RestServer


class RevisionsController:
    """``/{base}/{parent}/revisions`` and ``/{base}/{id}/autosaves`` for one post type."""

    def __init__(self, env: Env, server: RestServer, parent: PostsController) -> None:
        self.env = env
        self.server = server
        self.parent_controller = parent
        self.post_type = parent.post_type

    def register(self) -> None:
        """Register the four routes."""
        from . import schemas

        ns, base = self.post_type.rest_namespace, self.parent_controller.base
        rev_parent = {"parent": {"description": "The ID for the parent of the revision.", "type": "integer"}}
        auto_parent = {"parent": {"description": "The ID for the parent of the autosave.", "type": "integer"}}
        listing = collection_params()
        del listing["per_page"]["default"]
        listing = {
            **listing,
            "exclude": id_list("Ensure result set excludes specific IDs."),
            "include": id_list("Limit result set to specific IDs."),
            "offset": {"description": "Offset the result set by a specific number of items.", "type": "integer"},
            "order": {"description": "Order sort attribute ascending or descending.", "type": "string",
                      "default": "desc", "enum": ["asc", "desc"]},
            "orderby": {"description": "Sort collection by object attribute.", "type": "string", "default": "date",
                        "enum": ["date", "id", "include", "relevance", "slug", "include_slugs", "title"]},
        }
        rev_schema = lambda: schemas.revision_schema(self.env, self.post_type)  # noqa: E731
        auto_schema = lambda: schemas.autosave_schema(self.env, self.post_type)  # noqa: E731
        self.server.register(ns, f"{base}/(?P<parent>[\\d]+)/revisions", [
            Endpoint(READABLE, unreachable, self.revisions_permission, {**rev_parent, **listing}),
        ], rev_schema)
        rev_id = {"id": {"description": "Unique identifier for the revision.", "type": "integer"}}
        self.server.register(ns, f"{base}/(?P<parent>[\\d]+)/revisions/(?P<id>[\\d]+)", [
            Endpoint(READABLE, unreachable, self.revisions_permission,
                     {**rev_parent, **rev_id, "context": context_param()}),
            Endpoint(DELETABLE, unreachable, self.revision_delete_permission,
                     {**rev_parent, **rev_id, "force": {
                         "type": "boolean", "default": False,
                         "description": "Required to be true, as revisions do not support trashing."}}),
        ], rev_schema)
        self.server.register(ns, f"{base}/(?P<id>[\\d]+)/autosaves", [
            Endpoint(READABLE, unreachable, self.autosaves_permission, {**auto_parent, "context": context_param()}),
            Endpoint(CREATABLE, unreachable, self.autosave_create_permission,
                     {**auto_parent, **schemas.post_write_args(self.env, self.post_type, create=False)}),
        ], auto_schema)
        self.server.register(ns, f"{base}/(?P<parent>[\\d]+)/autosaves/(?P<id>[\\d]+)", [
            # WordPress checks one autosave with the revisions controller's permission
            Endpoint(READABLE, unreachable, self.revisions_permission, {
                **auto_parent, "id": {"description": "The ID for the autosave.", "type": "integer"},
                "context": context_param()}),
        ], auto_schema)

    def _parent(self, raw: Any) -> Any:
        error = RestError("rest_post_invalid_parent", "Invalid post parent ID.", status=404)
        parent_id = parse_id(raw)
        post = self.env.cache.post(parent_id) if parent_id else None
        if post is None or post.type != self.post_type.name:
            return error
        return post

    def revisions_permission(self, request: Request) -> bool | RestError:
        """Reading revisions needs edit_post on the parent."""
        parent = self._parent(request.get("parent"))
        if isinstance(parent, RestError):
            return parent
        return forbidden("rest_cannot_read", "Sorry, you are not allowed to view revisions of this post.",
                         request.user)

    def revision_delete_permission(self, request: Request) -> bool | RestError:
        """Deleting a revision needs delete_post on the parent."""
        parent = self._parent(request.get("parent"))
        if isinstance(parent, RestError):
            return parent
        return forbidden("rest_cannot_delete", "Sorry, you are not allowed to delete revisions of this post.",
                         request.user)

    def autosaves_permission(self, request: Request) -> bool | RestError:
        """Reading autosaves needs edit_post on the parent."""
        parent = self._parent(request.get("id"))
        if isinstance(parent, RestError):
            return parent
        return forbidden("rest_cannot_read", "Sorry, you are not allowed to view autosaves of this post.",
                         request.user)

    def autosave_create_permission(self, request: Request) -> bool | RestError:
        """Creating an autosave needs the right to update the parent."""
        return self.parent_controller.update_permission(request)

