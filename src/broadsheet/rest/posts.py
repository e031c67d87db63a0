"""``/wp/v2/posts``, ``/pages``, ``/media`` and any post type's routes (read side).

Queries, permissions and errors follow WordPress's posts controller; writes are refused to
anonymous callers exactly as WordPress refuses them (a later issue adds authors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..render.slugs import sanitize_title
from ..site import PostType
from ..store import posts as post_store
from ..store.models import Post
from .access import parse_id, refuse_unless_missing, unreachable
from .dates import query_date
from .errors import RestError, forbidden
from .params import collection_params, context_param, id_list, paginate_headers, slug_list
from .posts_view import PostSerializer
from .request import Request
from .response import Response
from .routing import CREATABLE, DELETABLE, EDITABLE, READABLE, Endpoint
from .schema import php_empty

if TYPE_CHECKING:
    from ..env import Env
    from .server import RestServer

REGISTERED_STATUSES = ["publish", "future", "draft", "pending", "private", "trash", "auto-draft",
                       "inherit", "request-pending", "request-confirmed", "request-failed",
                       "request-completed"]


def _tax_query_param(tax_name: str, hierarchical: bool, exclude: bool) -> dict[str, Any]:
    props: dict[str, Any] = {
        "terms": {"description": "Term IDs.", "type": "array", "items": {"type": "integer"}, "default": []},
    }
    if hierarchical:
        props["include_children"] = {
            "description": "Whether to include child terms in the terms limiting the result set.",
            "type": "boolean", "default": False,
        }
    if not exclude:
        props["operator"] = {
            "description": "Whether items must be assigned all or any of the specified terms.",
            "type": "string", "enum": ["AND", "OR"], "default": "OR",
        }
    what = "except those with" if exclude else "with"
    return {
        "description": f"Limit result set to items {what} specific terms assigned in the {tax_name} taxonomy.",
        "type": ["object", "array"],
        "oneOf": [
            {"title": "Term ID List", "description": "Match terms with the listed IDs.",
             "type": "array", "items": {"type": "integer"}},
            {"title": "Term ID Taxonomy Query", "description": "Perform an advanced term query.",
             "type": "object", "properties": props, "additionalProperties": False},
        ],
    }


class PostsController:
    """Routes of one post type."""

    def __init__(self, env: Env, server: RestServer, post_type: PostType) -> None:
        self.env = env
        self.server = server
        self.post_type = post_type
        self.serializer = PostSerializer(env, post_type)
        self.base = f"/{post_type.rest_base}"
        self.url = env.site.rest_url(f"/{post_type.rest_namespace}/{post_type.rest_base}")

    # -- registration -------------------------------------------------------------------------
    def register(self) -> None:
        """Register the collection, item, revisions and autosaves routes."""
        from . import schemas

        pt, ns = self.post_type, self.post_type.rest_namespace
        schema = lambda: schemas.post_schema(self.env, pt)  # noqa: E731
        batch = pt.name != "attachment"  # the attachments controller opts out of batching
        self.server.register(ns, self.base, [
            Endpoint(READABLE, self.get_items, self.get_items_permission, self.collection_args(), batch),
            Endpoint(CREATABLE, unreachable, self.create_permission,
                     schemas.post_write_args(self.env, pt, create=True), batch),
        ], schema)
        item = f"{self.base}/(?P<id>[\\d]+)"
        id_arg: dict[str, Any] = {"id": {"description": "Unique identifier for the post.", "type": "integer"}}
        get_args: dict[str, Any] = {**id_arg, "context": context_param()}
        if pt.name != "attachment":
            get_args["password"] = {"description": "The password for the post if it is password protected.",
                                    "type": "string"}
            if self.env.site.compat.excerpt_length_param and "excerpt" in schema()["properties"]:
                get_args["excerpt_length"] = {
                    "description": "Override the default excerpt length.", "type": "integer"}
        delete_args = {**id_arg, "force": {
            "type": "boolean", "default": False,
            "description": "Whether to bypass Trash and force deletion."}}
        self.server.register(ns, item, [
            Endpoint(READABLE, self.get_item, self.get_item_permission, get_args, batch),
            Endpoint(EDITABLE, unreachable, self.update_permission,
                     {**id_arg, **schemas.post_write_args(self.env, pt, create=False)}, batch),
            Endpoint(DELETABLE, unreachable, self.delete_permission, delete_args, batch),
        ], schema)
        if pt.supports_feature("revisions") and pt.name != "attachment":
            from .revisions import RevisionsController

            RevisionsController(self.env, self.server, self).register()

    def collection_args(self) -> dict[str, dict[str, Any]]:
        """get_collection_params for this post type (WordPress's order and wording)."""
        pt, compat = self.post_type, self.env.site.compat
        args = collection_params()
        args["after"] = {"description": "Limit response to posts published after a given ISO8601 compliant date.",
                         "type": "string", "format": "date-time"}
        args["modified_after"] = {"description": "Limit response to posts modified after a given ISO8601 compliant date.",
                                  "type": "string", "format": "date-time"}
        if pt.supports_feature("author"):
            args["author"] = id_list("Limit result set to posts assigned to specific authors.")
            args["author_exclude"] = id_list("Ensure result set excludes posts assigned to specific authors.")
        args["before"] = {"description": "Limit response to posts published before a given ISO8601 compliant date.",
                          "type": "string", "format": "date-time"}
        args["modified_before"] = {"description": "Limit response to posts modified before a given ISO8601 compliant date.",
                                   "type": "string", "format": "date-time"}
        args["exclude"] = id_list("Ensure result set excludes specific IDs.")
        args["include"] = id_list("Limit result set to specific IDs.")
        if pt.supports_feature("page-attributes") and pt.hierarchical:
            args["menu_order"] = {"description": "Limit result set to posts with a specific menu_order value.",
                                  "type": "integer"}
        args["offset"] = {"description": "Offset the result set by a specific number of items.", "type": "integer"}
        args["order"] = {"description": "Order sort attribute ascending or descending.", "type": "string",
                         "default": "desc", "enum": ["asc", "desc"]}
        orderby = ["author", "date", "id", "include", "modified", "parent", "relevance", "slug",
                   "include_slugs", "title"]
        if pt.supports_feature("page-attributes") and pt.hierarchical:
            orderby.append("menu_order")
        args["orderby"] = {"description": "Sort collection by post attribute.", "type": "string",
                           "default": "date", "enum": orderby}
        if pt.hierarchical or pt.name == "attachment":
            args["parent"] = id_list("Limit result set to items with particular parent IDs.")
            args["parent_exclude"] = id_list("Limit result set to all items except those of a particular parent ID.")
        if compat.search_columns_param:
            args["search_columns"] = {
                "default": [], "description": "Array of column names to be searched.", "type": "array",
                "items": {"enum": ["post_title", "post_content", "post_excerpt"], "type": "string"}}
        if compat.format_param:
            args["search_semantics"] = {"description": "How to interpret the search input.", "type": "string",
                                        "enum": ["exact"]}
        args["slug"] = {"description": "Limit result set to posts with one or more specific slugs.",
                        "type": "array", "items": {"type": "string"}}
        if pt.name == "attachment":
            statuses = ["inherit", "private", "trash"]
            default_status = "inherit"
        else:
            statuses = [*REGISTERED_STATUSES, "any"]
            default_status = "publish"
        args["status"] = {"default": default_status,
                          "description": "Limit result set to posts assigned one or more statuses.",
                          "type": "array", "items": {"enum": statuses, "type": "string"},
                          "sanitize_callback": self.sanitize_statuses}
        taxonomies = self.env.site.taxonomies_for(pt.name)
        if taxonomies:
            args["tax_relation"] = {"description": "Limit result set based on relationship between multiple taxonomies.",
                                    "type": "string", "enum": ["AND", "OR"]}
        for tax in taxonomies:
            args[tax.rest_base] = _tax_query_param(tax.rest_base, tax.hierarchical, exclude=False)
            args[f"{tax.rest_base}_exclude"] = _tax_query_param(tax.rest_base, tax.hierarchical, exclude=True)
        if pt.name == "post":
            args["sticky"] = {"description": "Limit result set to items that are sticky.", "type": "boolean"}
            if compat.ignore_sticky_param:
                args["ignore_sticky"] = {"description": "Whether to ignore sticky posts or not.",
                                         "type": "boolean", "default": True}
            if compat.format_param:
                args["format"] = {"description": "Limit result set to items assigned one or more given formats.",
                                  "type": "array", "uniqueItems": True,
                                  "items": {"enum": ["standard", "aside", "chat", "gallery", "link", "image",
                                                     "quote", "status", "video", "audio"], "type": "string"}}
        if pt.name == "attachment":
            args["media_type"] = {"default": None, "description": "Limit result set to attachments of a particular media type.",
                                  "type": "string", "enum": ["image", "video", "text", "application", "audio"]}
            args["mime_type"] = {"default": None, "description": "Limit result set to attachments of a particular MIME type.",
                                 "type": "string"}
        for extension in self.env.extensions:
            if extension.collection_params is not None:
                extension.collection_params(pt.name, args)
        return args

    def sanitize_statuses(self, value: Any, request: Request, name: str) -> Any:
        """sanitize_post_statuses: anything but the default status needs edit rights."""
        from .schema import validate

        statuses = list(dict.fromkeys(slug_list(value, request, name)))
        default = request.attributes["endpoint"].args["status"]["default"]
        for status in statuses:
            if status == default:
                continue
            if not self.can_edit_any(request):
                return RestError("rest_forbidden_status", "Status is forbidden.",
                                 {"status": 401 if request.user is None else 403})
            problem = validate(status, request.attributes["endpoint"].args["status"], name)
            if problem is not None:
                return problem
        return statuses

    def can_edit_any(self, request: Request) -> bool:
        """Whether the caller may edit posts of this type (nobody, until authors log in)."""
        return False

    # -- permissions --------------------------------------------------------------------------
    def get_items_permission(self, request: Request) -> bool | RestError:
        """Collections: edit context needs the edit_posts capability."""
        if request.get("context") == "edit":
            return forbidden("rest_forbidden_context",
                             f"Sorry, you are not allowed to edit {self._plural()} in this post type.",
                             request.user)
        return True

    def _plural(self) -> str:
        return "posts"

    def create_permission(self, request: Request) -> bool | RestError:
        """create_item_permissions_check (an anonymous caller always fails)."""
        if request.get("id"):
            return RestError("rest_post_exists", "Cannot create existing post.", status=400)
        if request.get("author"):
            return forbidden("rest_cannot_edit_others",
                             "Sorry, you are not allowed to create posts as this user.", request.user)
        if request.get("sticky"):
            return forbidden("rest_cannot_assign_sticky", "Sorry, you are not allowed to make posts sticky.",
                             request.user)
        return forbidden("rest_cannot_create", "Sorry, you are not allowed to create posts as this user.",
                         request.user)

    def update_permission(self, request: Request) -> bool | RestError:
        """update_item_permissions_check (the post must exist; nobody may edit yet)."""
        return refuse_unless_missing(self.get_post, "rest_cannot_edit",
                                     "Sorry, you are not allowed to edit this post.")(request)

    def delete_permission(self, request: Request) -> bool | RestError:
        """delete_item_permissions_check (the post must exist; nobody may delete yet)."""
        return refuse_unless_missing(self.get_post, "rest_cannot_delete",
                                     "Sorry, you are not allowed to delete this post.")(request)

    def get_post(self, raw_id: Any) -> Post | RestError:
        """The post with this id if it is of this type, else 404 rest_post_invalid_id."""
        error = RestError("rest_post_invalid_id", "Invalid post ID.", status=404)
        post_id = parse_id(raw_id)
        post = self.env.cache.post(post_id) if post_id else None
        if post is None or post.type != self.post_type.name:
            return error
        return post

    def can_read(self, post: Post) -> bool:
        """check_read_permission for the current caller (anonymous: published, or attached to
        what is)."""
        if post.status == "publish":
            return True
        if post.status == "inherit":
            if post.parent:
                parent = self.env.cache.post(post.parent)
                if parent is not None:
                    return self.can_read(parent)
            return True
        return False

    def get_item_permission(self, request: Request) -> bool | RestError:
        """Single GET: exists, edit context allowed, password right, readable."""
        post = self.get_post(request.get("id"))
        if isinstance(post, RestError):
            return post
        if request.get("context") == "edit":
            return forbidden("rest_forbidden_context", "Sorry, you are not allowed to edit this post.",
                             request.user)
        password = request.get("password")
        if not php_empty(password) and str(password) != post.password:  # empty("0"): no password given
            return RestError("rest_post_incorrect_password", "Incorrect post password.", status=403)
        if self.can_read(post):
            return True
        return forbidden("rest_forbidden", "Sorry, you are not allowed to do that.", request.user)

    # -- handlers -------------------------------------------------------------------------------
    def get_item(self, request: Request) -> Response:
        """One post."""
        post = self.get_post(request.get("id"))
        if isinstance(post, RestError):
            raise post
        self.env.cache.load_posts([post.id])
        response = self.serializer.prepare(post, request, for_collection=False)
        if self.post_type.public:
            response.headers["Link"] = f'<{self.env.links.post(post)}>; rel="alternate"; type=text/html'
        return response

    def build_query(self, request: Request) -> post_store.PostQuery | RestError:
        """Translate collection parameters into a store query."""
        site = self.env.site
        per_page = int(request.get("per_page") or 10)
        page = int(request.get("page") or 1)
        q = post_store.PostQuery(types=[self.post_type.name])
        statuses = request.get("status") or ["publish"]
        if "any" in statuses:
            statuses = ["publish", "future", "draft", "pending", "private", "inherit"]
        q.statuses = list(statuses)
        include = request.get("include") or []
        if include:
            q.include = [int(i) for i in include]
        q.exclude = [int(i) for i in request.get("exclude") or []]
        q.authors = [int(i) for i in request.get("author") or []]
        q.authors_exclude = [int(i) for i in request.get("author_exclude") or []]
        if request.get("parent"):
            q.parents = [int(i) for i in request.get("parent")]
        q.parents_exclude = [int(i) for i in request.get("parent_exclude") or []]
        # WP_Query: post_name IN, each value through sanitize_title_for_query (no accent folding)
        q.slugs = [sanitize_title(str(slug), context="query") for slug in request.get("slug") or []]
        if request.get("menu_order") is not None:
            q.menu_order = int(request.get("menu_order"))
        search = request.get("search")
        if search:
            q.search = str(search)
            q.search_columns = list(request.get("search_columns") or [])
            q.search_exact = request.get("search_semantics") == "exact"
            q.search_require_no_password = request.user is None
        for param, attr in (("after", "after"), ("before", "before"),
                            ("modified_after", "modified_after"), ("modified_before", "modified_before")):
            value = request.get(param)
            if value:
                setattr(q, attr, local_date(site, str(value)))
        q.order = str(request.get("order") or "desc").upper()
        orderby = str(request.get("orderby") or "date")
        q.orderby = orderby
        q.limit = per_page
        offset = request.get("offset")
        q.offset = abs(int(offset)) if offset is not None else (page - 1) * per_page  # WP_Query: absint
        if self.post_type.name == "post" and request.get("sticky") is not None:
            sticky = [int(i) for i in site.settings["sticky_posts"] or []]
            if request.get("sticky"):
                chosen = [i for i in sticky if i in q.include] if q.include else sticky
                q.include = chosen or [0]
            elif sticky:
                q.exclude = [*q.exclude, *sticky]
        formats = request.get("format")
        if formats and site.compat.format_param:
            q.formats = list(formats)
        if self.post_type.name == "attachment":
            # the attachments controller: a media type stands for its allowed MIME types; a MIME
            # type counts only when it is an allowed one, and then replaces the media type's
            groups = allowed_media_types()
            media_type = request.get("media_type")
            if media_type and str(media_type) in groups:
                q.mime_types = list(groups[str(media_type)])
            mime = str(request.get("mime_type") or "")
            if mime and mime in groups.get(mime.split("/", 1)[0], ()):
                q.mime_types = [mime]
        self._tax_query(request, q)
        return q

    def _tax_query(self, request: Request, q: post_store.PostQuery) -> None:
        relation = request.get("tax_relation")
        if relation:
            q.tax_relation = str(relation)
        for tax in self.env.site.taxonomies_for(self.post_type.name):
            for suffix, negate in (("", False), ("_exclude", True)):
                value = request.get(tax.rest_base + suffix)
                if not value and value != 0:
                    continue
                if isinstance(value, dict):
                    terms = [int(t) for t in value.get("terms") or []]
                    children = bool(value.get("include_children", False))
                    operator = str(value.get("operator") or "OR")
                else:
                    terms = [int(t) for t in value]
                    children = False
                    operator = "OR"
                if not terms:
                    continue
                op = "NOT IN" if negate else ("AND" if operator == "AND" else "IN")
                q.tax.append(post_store.TaxClause(tax.name, terms, op, children))

    def get_items(self, request: Request) -> Response:
        """A page of posts with pagination headers."""
        orderby = request.get("orderby")
        if orderby == "relevance" and not request.get("search"):
            raise RestError("rest_no_search_term_defined",
                            "You need to define a search term to order by relevance.", status=400)
        if orderby == "include" and not request.get("include"):
            raise RestError("rest_orderby_include_missing_include",
                            "You need to define an include parameter to order by include.", status=400)
        query = self.build_query(request)
        if isinstance(query, RestError):
            raise query
        result = post_store.query(self.env.db, query, self.env.cache.remember)
        self.env.cache.load_posts(result.ids)
        items = []
        for post_id in result.ids:
            post = self.env.cache.post(post_id)
            if post is None or not self.can_read(post):
                continue
            items.append(self.serializer.prepare(post, request, for_collection=True))
        per_page = int(request.get("per_page") or 10)
        page = int(request.get("page") or 1)
        # WP_Query counts the rows only when the page has some; WordPress counts again without
        # the page, but an offset still applies: past the end of it, the total is 0
        total = 0 if not result.ids and request.get("offset") else result.total
        max_pages = -(-total // per_page)
        if page > max_pages and total > 0:
            raise RestError("rest_post_invalid_page_number",
                            "The page number requested is larger than the number of pages available.",
                            status=400)
        response = Response(items)
        paginate_headers(response, total, per_page, page, self.url, request.query_params())
        return response


def allowed_media_types() -> dict[str, tuple[str, ...]]:
    """get_allowed_mime_types() of an anonymous caller grouped by media type, as the attachments
    controller groups them (no HTML, JavaScript, Flash or executables; WordPress 6.1's list,
    checked against the oracle's)."""
    from ..importer.wxr.mime import _MIME_TYPES

    refused = {"text/html", "application/javascript", "application/x-shockwave-flash",
               "application/x-msdownload", "image/avif", "image/heif"}
    groups: dict[str, tuple[str, ...]] = {}
    for mime in dict.fromkeys(_MIME_TYPES.values()):
        if mime not in refused:
            kind = mime.split("/", 1)[0]
            groups[kind] = (*groups.get(kind, ()), mime)
    return groups


def local_date(site: Any, value: str) -> str:
    """A date parameter as the date query compares it: the site's wall time (see :mod:`.dates`)."""
    return query_date(value, site.tz)
