"""``/wp/v2/comments``: approved comments on readable posts, for the public."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..lru import ANY
from ..store import comments as comment_store
from ..store.models import Comment, Post
from .access import parse_id, refuse_unless_missing, unreachable
from .avatars import SIZES, avatar_urls
from .errors import RestError, forbidden
from .objects import build, selected_fields
from .params import collection_params, context_param, id_list, paginate_headers, sanitize_key
from .posts import local_date
from .request import Request
from .response import Response
from .routing import CREATABLE, DELETABLE, EDITABLE, READABLE, Endpoint
from .schema import php_empty, to_int

if TYPE_CHECKING:
    from ..env import Env
    from .server import RestServer

STATUS_NAMES = {"approved": "approved", "hold": "hold", "spam": "spam", "trash": "trash"}
QUERY_STATUS = {"approve": "approved", "approved": "approved", "hold": "hold", "spam": "spam",
                "trash": "trash", "1": "approved", "0": "hold"}
PASSWORD_ARG = {"description": "The password for the parent post of the comment (if the post is password protected).",
                "type": "string"}


class CommentsController:
    """Comments routes."""

    def __init__(self, env: Env, server: RestServer) -> None:
        self.env = env
        self.server = server
        self.url = env.site.rest_url("/wp/v2/comments")

    def register(self) -> None:
        """Register /comments and /comments/{id}."""
        from . import schemas

        schema = lambda: schemas.comment_schema(self.env)  # noqa: E731
        self.server.register("wp/v2", "/comments", [
            Endpoint(READABLE, self.get_items, self.get_items_permission, self.collection_args()),
            Endpoint(CREATABLE, unreachable, self.create_permission, schemas.comment_write_args(self.env, create=True)),
        ], schema)
        id_arg = {"id": {"description": "Unique identifier for the comment.", "type": "integer"}}
        self.server.register("wp/v2", "/comments/(?P<id>[\\d]+)", [
            Endpoint(READABLE, self.get_item, self.get_item_permission,
                     {**id_arg, "context": context_param(), "password": dict(PASSWORD_ARG)}),
            Endpoint(EDITABLE, unreachable, refuse_unless_missing(
                self.get_comment, "rest_cannot_edit", "Sorry, you are not allowed to edit this comment."),
                     {**id_arg, **schemas.comment_write_args(self.env, create=False)}),
            Endpoint(DELETABLE, unreachable, refuse_unless_missing(
                self.get_comment, "rest_cannot_delete", "Sorry, you are not allowed to delete this comment."), {**id_arg, "force": {
                "type": "boolean", "default": False, "description": "Whether to bypass Trash and force deletion."},
                "password": dict(PASSWORD_ARG)}),
        ], schema)

    def collection_args(self) -> dict[str, dict[str, Any]]:
        """get_collection_params of the comments controller."""
        args = collection_params()
        args["after"] = {"description": "Limit response to comments published after a given ISO8601 compliant date.",
                         "type": "string", "format": "date-time"}
        args["author"] = {"description": "Limit result set to comments assigned to specific user IDs. Requires authorization.",
                          "type": "array", "items": {"type": "integer"}}
        args["author_exclude"] = {"description": "Ensure result set excludes comments assigned to specific user IDs. Requires authorization.",
                                  "type": "array", "items": {"type": "integer"}}
        args["author_email"] = {"default": None,
                                "description": "Limit result set to that from a specific author email. Requires authorization.",
                                "format": "email", "type": "string"}
        args["before"] = {"description": "Limit response to comments published before a given ISO8601 compliant date.",
                          "type": "string", "format": "date-time"}
        args["exclude"] = id_list("Ensure result set excludes specific IDs.")
        args["include"] = id_list("Limit result set to specific IDs.")
        args["offset"] = {"description": "Offset the result set by a specific number of items.", "type": "integer"}
        args["order"] = {"description": "Order sort attribute ascending or descending.", "type": "string",
                         "default": "desc", "enum": ["asc", "desc"]}
        args["orderby"] = {"description": "Sort collection by comment attribute.", "type": "string",
                           "default": "date_gmt",
                           "enum": ["date", "date_gmt", "id", "include", "post", "parent", "type"]}
        args["parent"] = {"default": [], "description": "Limit result set to comments of specific parent IDs.",
                          "type": "array", "items": {"type": "integer"}}
        args["parent_exclude"] = {"default": [], "description": "Ensure result set excludes specific parent IDs.",
                                  "type": "array", "items": {"type": "integer"}}
        args["post"] = {"default": [], "description": "Limit result set to comments assigned to specific post IDs.",
                        "type": "array", "items": {"type": "integer"}}
        args["status"] = {"default": "approve",
                          "description": "Limit result set to comments assigned a specific status. Requires authorization.",
                          "sanitize_callback": sanitize_key, "type": "string", "validate_callback": True}
        args["type"] = {"default": "comment",
                        "description": "Limit result set to comments assigned a specific type. Requires authorization.",
                        "sanitize_callback": sanitize_key, "type": "string", "validate_callback": True}
        args["password"] = {"description": "The password for the post if it is password protected.", "type": "string"}
        return args

    # -- permissions --------------------------------------------------------------------------
    def can_read_post(self, post: Post, request: Request, *, single: bool) -> bool:
        """check_read_post_permission: readable post; protected posts only with the password."""
        pt = self.env.site.post_types.get(post.type)
        if pt is None:
            return False
        if post.password:
            given = request.get("password")  # can_access_password_content: PHP's empty() refuses "0"
            if not (single and given not in (None, "", "0", 0) and str(given) == post.password):
                return False
        if post.status == "publish":
            return True
        if post.status == "inherit":
            parent = self.env.cache.post(post.parent) if post.parent else None
            return parent is None or parent.status == "publish"
        return False

    def _single_post_requested(self, request: Request) -> bool:
        posts = request.get("post")
        if php_empty(posts):
            return not php_empty(request.get("id"))
        return not isinstance(posts, list) or len(posts) == 1

    def get_items_permission(self, request: Request) -> bool | RestError:
        """post= must be readable; edit context and private filters need rights."""
        # Permission callbacks also run on requests that failed validation (for the Allow
        # header): values may be raw, read as PHP reads them (empty(), get_post()'s int cast).
        posts = request.get("post")
        for raw in ([] if php_empty(posts) else posts if isinstance(posts, list) else [posts]):
            post_id = to_int(raw) if isinstance(raw, str | int | float) else 0
            post = self.env.cache.post(post_id) if post_id > 0 else None
            if not php_empty(raw) and post is not None and not self.can_read_post(
                post, request, single=self._single_post_requested(request)
            ):
                return forbidden("rest_cannot_read_post",
                                 "Sorry, you are not allowed to read the post for this comment.", request.user)
            if isinstance(raw, int) and not isinstance(raw, bool) and raw == 0:
                return forbidden("rest_cannot_read", "Sorry, you are not allowed to read comments without a post.",
                                 request.user)
        if request.get("context") == "edit":
            return forbidden("rest_forbidden_context", "Sorry, you are not allowed to edit comments.", request.user)
        forbidden_params = []
        for param in ("author", "author_exclude", "author_email", "type", "status"):
            value = request.get(param)
            if param == "status":
                if value != "approve":
                    forbidden_params.append(param)
            elif param == "type":
                if value != "comment":
                    forbidden_params.append(param)
            elif not php_empty(value):
                forbidden_params.append(param)
        if forbidden_params:
            return forbidden("rest_forbidden_param",
                             f"Query parameter not permitted: {', '.join(forbidden_params)}", request.user)
        return True

    def get_comment(self, raw_id: Any) -> Comment | RestError:
        """The comment, or 404 rest_comment_invalid_id."""
        error = RestError("rest_comment_invalid_id", "Invalid comment ID.", status=404)
        comment_id = parse_id(raw_id)
        comment = self.env.cache.comment(comment_id) if comment_id else None
        if comment is None:
            return error
        return comment

    def can_read(self, comment: Comment, request: Request, *, single: bool) -> bool:
        """check_read_permission for a comment (anonymous: approved, on a post that exists and
        can be read)."""
        post = self.env.cache.post(comment.post_id) if comment.post_id else None
        return post is not None and self.can_read_post(post, request, single=single) and comment.status == "approved"

    def get_item_permission(self, request: Request) -> bool | RestError:
        """A single comment must be readable."""
        comment = self.get_comment(request.get("id"))
        if isinstance(comment, RestError):
            return comment
        if request.get("context") == "edit":
            return forbidden("rest_forbidden_context", "Sorry, you are not allowed to edit comments.", request.user)
        # The comment is checked before its post: a comment on a post the caller cannot read
        # (protected, without its password) is one they cannot read.
        if not self.can_read(comment, request, single=True):
            return forbidden("rest_cannot_read", "Sorry, you are not allowed to read this comment.", request.user)
        post = self.env.cache.post(comment.post_id) if comment.post_id else None
        if post is not None and not self.can_read_post(post, request, single=True):
            return forbidden("rest_cannot_read_post", "Sorry, you are not allowed to read the post for this comment.",
                             request.user)
        return True

    def create_permission(self, request: Request) -> bool | RestError:
        """Anonymous comments are off (WordPress's default for REST)."""
        return RestError("rest_comment_login_required", "Sorry, you must be logged in to comment.", status=401)

    # -- handlers -------------------------------------------------------------------------------
    def get_items(self, request: Request) -> Response:
        """A page of comments."""
        per_page = int(request.get("per_page") or 10)
        page = int(request.get("page") or 1)
        if request.get("orderby") == "include" and not request.get("include"):
            # WP_Comment_Query orders by FIELD(comment_ID, ) over no ids: MariaDB refuses the
            # query, and WordPress answers an empty page of no comments
            response = Response([])
            paginate_headers(response, 0, per_page, page, self.url, request.query_params())
            return response
        offset = request.get("offset")
        offset = int(offset) if offset else (page - 1) * per_page
        status = QUERY_STATUS.get(str(request.get("status") or "approve"), str(request.get("status")))
        type_value = str(request.get("type") or "comment")
        posts = [int(p) for p in request.get("post") or []]
        q = comment_store.CommentQuery(
            post_ids=posts or None,
            statuses=["approved", "hold"] if status == "all" else [status],
            types=None if type_value == "all" else [type_value],
            include=[int(i) for i in request.get("include") or []],
            exclude=[int(i) for i in request.get("exclude") or []],
            parents=[int(i) for i in request.get("parent")] if request.get("parent") else None,
            parents_exclude=[int(i) for i in request.get("parent_exclude") or []],
            authors=[int(i) for i in request.get("author") or []],
            authors_exclude=[int(i) for i in request.get("author_exclude") or []],
            author_email=request.get("author_email") or None,
            search=request.get("search") or None,
            after=local_date(self.env.site, str(request.get("after"))) if request.get("after") else None,
            before=local_date(self.env.site, str(request.get("before"))) if request.get("before") else None,
            orderby=str(request.get("orderby") or "date_gmt"),
            order=str(request.get("order") or "desc"),
            limit=per_page, offset=offset,
        )
        found, total = comment_store.query(self.env.db, q, self.env.cache.remember)
        self._count_children([c.id for c in found])
        single = self._single_post_requested(request)
        items = [self.prepare(c, request, for_collection=True) for c in found if self.can_read(c, request, single=single)]
        response = Response(items)
        paginate_headers(response, total, per_page, page, self.url, request.query_params())
        return response

    def get_item(self, request: Request) -> Response:
        """One comment."""
        comment = self.get_comment(request.get("id"))
        if isinstance(comment, RestError):
            raise comment
        return self.prepare(comment, request, for_collection=False)

    def prepare(self, comment: Comment, request: Request, *, for_collection: bool) -> Any:
        """The comment's REST object."""
        context = str(request.get("context") or "view")
        names = ["id", "post", "parent", "author", "author_name", "author_url", "date", "date_gmt",
                 "content", "link", "status", "type"]
        if self.env.site.settings["show_avatars"]:
            names.append("author_avatar_urls")
        names.append("meta")
        if context == "embed":
            names = [n for n in names if n in ("id", "parent", "author", "author_name", "author_url", "date",
                                               "content", "link", "type", "author_avatar_urls")]
        post = self.env.cache.post(comment.post_id)
        values = {
            "id": lambda: comment.id, "post": lambda: comment.post_id, "parent": lambda: comment.parent,
            "author": lambda: comment.author, "author_name": lambda: comment.author_name,
            "author_url": lambda: comment.author_url, "date": lambda: comment.date.replace(" ", "T"),
            "date_gmt": lambda: comment.date_gmt.replace(" ", "T"),
            "content": lambda: {"rendered": comment.content_rendered},
            "link": lambda: (self.env.links.post(post) if post else self.env.site.home + "/") + f"#comment-{comment.id}",
            "status": lambda: STATUS_NAMES.get(comment.status, comment.status), "type": lambda: comment.type,
            "author_avatar_urls": lambda: self.avatars(comment), "meta": lambda: comment.meta if comment.meta else [],
        }
        return build(names, values, selected_fields(request, names),
                     lambda response: self.add_links(response, comment, post), for_collection=for_collection)

    def avatars(self, comment: Comment) -> dict[str, Any]:
        """author_avatar_urls from the comment author's e-mail (or their account's); pingbacks
        and trackbacks have no avatar (false for every size)."""
        if comment.type not in ("comment", ""):
            return {str(size): False for size in SIZES}
        email = comment.author_email
        if comment.author:
            user = self.env.cache.user(comment.author)
            if user is not None and user.email:
                email = user.email
        if not email and comment.avatar_urls:
            return dict(comment.avatar_urls)
        secure = self.env.site.home.startswith("https://")
        return avatar_urls(email, self.env.site.settings, self.env.site.compat, secure=secure)

    def add_links(self, response: Response, comment: Comment, post: Post | None) -> None:
        """Comment links: self, collection, author, up, in-reply-to, children."""
        url = self.env.site.rest_url
        response.add_link("self", url(f"/wp/v2/comments/{comment.id}"))
        response.add_link("collection", self.url)
        if comment.author:
            response.add_link("author", url(f"/wp/v2/users/{comment.author}"), embeddable=True)
        if post is not None:
            pt = self.env.site.post_types.get(post.type)
            if pt is not None:
                response.add_link("up", url(f"/{pt.rest_namespace}/{pt.rest_base}/{post.id}"),
                                  embeddable=True, post_type=post.type)
        if comment.parent:
            response.add_link("in-reply-to", url(f"/wp/v2/comments/{comment.parent}"), embeddable=True)
        if self._count_children([comment.id])[comment.id]:
            response.add_link("children", url(f"/wp/v2/comments?parent={comment.id}"), embeddable=True)


    def _count_children(self, ids: list[int]) -> dict[int, int]:
        """How many children (approved or held) each of these comments has, remembered: one
        query for the comments not counted yet."""
        cache = self.env.cache
        found = {i: cache.peek(("comment_children", i)) for i in ids}
        missing = [i for i, count in found.items() if count is None]
        if missing:
            counts = comment_store.child_counts(self.env.db, missing, ["approved", "hold"])
            for comment_id in missing:
                found[comment_id] = counts.get(comment_id, 0)
                cache.keep(("comment_children", comment_id), found[comment_id], [ANY])
        return found  # type: ignore[return-value]
