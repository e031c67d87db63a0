"""``/wp/v2/categories``, ``/tags`` and every REST taxonomy's routes (read side)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..render.slugs import sanitize_title
from ..site import Taxonomy
from ..store import terms as term_store
from ..store.models import Term
from .access import parse_id, refuse_unless_missing, unreachable
from .errors import RestError, forbidden
from .links import API_REL
from .objects import build, selected_fields
from .params import collection_params, context_param, id_list, paginate_headers
from .request import Request
from .response import Response
from .routing import CREATABLE, DELETABLE, EDITABLE, READABLE, Endpoint
from .schema import php_empty, to_int

if TYPE_CHECKING:
    from ..env import Env
    from .server import RestServer



class TermsController:
    """Routes of one taxonomy."""

    def __init__(self, env: Env, server: RestServer, taxonomy: Taxonomy) -> None:
        self.env = env
        self.server = server
        self.taxonomy = taxonomy
        self.base = f"/{taxonomy.rest_base}"
        self.url = env.site.rest_url(f"/{taxonomy.rest_namespace}/{taxonomy.rest_base}")

    def register(self) -> None:
        """Register the collection and item routes."""
        from . import schemas

        tax, ns = self.taxonomy, self.taxonomy.rest_namespace
        schema = lambda: schemas.term_schema(self.env, tax)  # noqa: E731
        self.server.register(ns, self.base, [
            Endpoint(READABLE, self.get_items, self.get_items_permission, self.collection_args(), True),
            Endpoint(CREATABLE, unreachable, self.create_permission,
                     schemas.term_write_args(self.env, tax, create=True), True),
        ], schema)
        id_arg = {"id": {"description": "Unique identifier for the term.", "type": "integer"}}
        self.server.register(ns, f"{self.base}/(?P<id>[\\d]+)", [
            Endpoint(READABLE, self.get_item, self.get_item_permission,
                     {**id_arg, "context": context_param()}, True),
            Endpoint(EDITABLE, unreachable, refuse_unless_missing(
                self.get_term, "rest_cannot_update", "Sorry, you are not allowed to edit this term."),
                     {**id_arg, **schemas.term_write_args(self.env, tax, create=False)}, True),
            Endpoint(DELETABLE, unreachable, refuse_unless_missing(
                self.get_term, "rest_cannot_delete", "Sorry, you are not allowed to delete this term."), {**id_arg, "force": {
                "type": "boolean", "default": False,
                "description": "Required to be true, as terms do not support trashing."}}, True),
        ], schema)

    def collection_args(self) -> dict[str, dict[str, Any]]:
        """get_collection_params of the terms controller."""
        args = collection_params()
        args["exclude"] = id_list("Ensure result set excludes specific IDs.")
        args["include"] = id_list("Limit result set to specific IDs.")
        if not self.taxonomy.hierarchical:
            args["offset"] = {"description": "Offset the result set by a specific number of items.",
                              "type": "integer"}
        args["order"] = {"description": "Order sort attribute ascending or descending.", "type": "string",
                         "default": "asc", "enum": ["asc", "desc"]}
        args["orderby"] = {"description": "Sort collection by term attribute.", "type": "string",
                           "default": "name",
                           "enum": ["id", "include", "name", "slug", "include_slugs", "term_group",
                                    "description", "count"]}
        args["hide_empty"] = {"description": "Whether to hide terms not assigned to any posts.",
                              "type": "boolean", "default": False}
        if self.taxonomy.hierarchical:
            args["parent"] = {"description": "Limit result set to terms assigned to a specific parent.",
                              "type": "integer"}
        args["post"] = {"description": "Limit result set to terms assigned to a specific post.",
                        "type": "integer", "default": None}
        args["slug"] = {"description": "Limit result set to terms with one or more specific slugs.",
                        "type": "array", "items": {"type": "string"}}
        return args

    # -- permissions --------------------------------------------------------------------------
    def get_items_permission(self, request: Request) -> bool | RestError:
        """Edit context needs edit_terms; ``post=`` needs a readable post of a using type."""
        if request.get("context") == "edit":
            return forbidden("rest_forbidden_context",
                             "Sorry, you are not allowed to edit terms in this taxonomy.", request.user)
        # Permission callbacks also run on requests that failed validation (for the Allow
        # header), so ``post`` may be anything: read it as WordPress's get_post() does.
        post_id = request.get("post")
        if not php_empty(post_id):
            post = self.env.cache.post(to_int(post_id))
            if post is None:
                return RestError("rest_post_invalid_id", "Invalid post ID.", status=400)
            if not self._can_read_terms_of(post):
                return forbidden("rest_forbidden_context",
                                 "Sorry, you are not allowed to view terms for this post.", request.user)
        return True

    def _can_read_terms_of(self, post: Any) -> bool:
        if post.type not in self.taxonomy.object_types:
            return False
        return post.status == "publish" or (post.status == "inherit")

    def get_item_permission(self, request: Request) -> bool | RestError:
        """The term must exist in this taxonomy; edit context needs edit_term."""
        term = self.get_term(request.get("id"))
        if isinstance(term, RestError):
            return term
        if request.get("context") == "edit":
            return forbidden("rest_forbidden_context", "Sorry, you are not allowed to edit this term.",
                             request.user)
        return True

    def create_permission(self, request: Request) -> bool | RestError:
        """Creating terms needs manage/assign terms capabilities."""
        return forbidden("rest_cannot_create", "Sorry, you are not allowed to create terms in this taxonomy.",
                         request.user)

    def get_term(self, raw_id: Any) -> Term | RestError:
        """The term if it belongs to this taxonomy, else 404 rest_term_invalid."""
        error = RestError("rest_term_invalid", "Term does not exist.", status=404)
        term_id = parse_id(raw_id)
        term = self.env.cache.term(term_id) if term_id else None
        if term is None or term.taxonomy != self.taxonomy.name:
            return error
        return term

    # -- handlers -------------------------------------------------------------------------------
    def slugs(self, value: Any) -> list[str]:
        """WP_Term_Query: slug IN, each value through sanitize_title (accents folded in the
        site's locale)."""
        locale = str(self.env.site.settings["locale"] or "en_US")
        return [sanitize_title(str(slug), locale=locale) for slug in value or []]

    def get_items(self, request: Request) -> Response:
        """A page of terms."""
        per_page = int(request.get("per_page") or 10)
        page = int(request.get("page") or 1)
        offset = request.get("offset")
        offset = int(offset) if offset and not self.taxonomy.hierarchical else (page - 1) * per_page
        q = term_store.TermQuery(
            taxonomy=self.taxonomy.name,
            include=[int(i) for i in request.get("include") or []],
            exclude=[int(i) for i in request.get("exclude") or []],
            slugs=self.slugs(request.get("slug")),
            search=request.get("search") or None,
            post=int(request.get("post")) if request.get("post") else None,
            hide_empty=bool(request.get("hide_empty")),
            orderby=str(request.get("orderby") or "name"),
            order=str(request.get("order") or "asc"),
            limit=per_page, offset=abs(offset),  # WP_Term_Query: absint
        )
        if self.taxonomy.hierarchical and request.get("parent") is not None:
            q.parent = int(request.get("parent"))
        found, total = term_store.query(self.env.db, q, self.env.cache.remember)
        items = [self.prepare(term, request, for_collection=True) for term in found]
        response = Response(items)
        page_shown = math.ceil(offset / per_page + 1) if per_page else 1  # as WordPress rounds it
        paginate_headers(response, total, per_page, page_shown, self.url, request.query_params())
        return response

    def get_item(self, request: Request) -> Response:
        """One term."""
        term = self.get_term(request.get("id"))
        if isinstance(term, RestError):
            raise term
        return self.prepare(term, request, for_collection=False)

    def prepare(self, term: Term, request: Request, *, for_collection: bool) -> Any:
        """The term's REST object."""
        if str(request.get("context") or "view") == "embed":
            names = ["id", "link", "name", "slug", "taxonomy"]
        else:
            names = ["id", "count", "description", "link", "name", "slug", "taxonomy",
                     *(["parent"] if self.taxonomy.hierarchical else []), "meta"]
        values = {
            "id": lambda: term.id, "count": lambda: term.count if term.count else self._count(term),
            "description": lambda: term.description, "link": lambda: self.env.links.term(term),
            "name": lambda: term.name, "slug": lambda: term.slug, "taxonomy": lambda: term.taxonomy,
            "parent": lambda: term.parent, "meta": lambda: term.meta if term.meta else [],
        }
        return build(names, values, selected_fields(request, names),
                     lambda response: self.add_links(response, term), for_collection=for_collection)

    def _count(self, term: Term) -> int:
        full = self.env.cache.term(term.id)
        return full.count if full else 0

    def add_links(self, response: Response, term: Term) -> None:
        """Term links: self, collection, about, up, wp:post_type."""
        tax, url = self.taxonomy, self.env.site.rest_url
        base = f"/{tax.rest_namespace}/{tax.rest_base}"
        response.add_link("self", url(f"{base}/{term.id}"))
        response.add_link("collection", url(base))
        response.add_link("about", url(f"/wp/v2/taxonomies/{tax.name}"))
        if term.parent:
            parent = self.env.cache.term(term.parent)
            if parent is not None:
                response.add_link("up", url(f"{base}/{term.parent}"), embeddable=True)
        for type_name in tax.object_types:
            pt = self.env.site.post_types.get(type_name)
            if pt is None:
                continue
            response.add_link(API_REL + "post_type", url(f"/{pt.rest_namespace}/{pt.rest_base}?{tax.rest_base}={term.id}"))
