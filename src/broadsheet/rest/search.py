"""``/wp/v2/search``: posts, terms and post formats matching a search string."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..store import posts as post_store
from ..store import terms as term_store
from .errors import RestError
from .fields import is_included, parse_fields
from .params import collection_params, id_list, paginate_headers
from .request import Request
from .response import Response
from .routing import READABLE, Endpoint

if TYPE_CHECKING:
    from ..env import Env
    from .server import RestServer

FORMAT_NAMES = {"aside": "Aside", "chat": "Chat", "gallery": "Gallery", "link": "Link", "image": "Image",
                "quote": "Quote", "status": "Status", "video": "Video", "audio": "Audio"}
TYPES = ("post", "term", "post-format")


class SearchController:
    """The search route."""

    def __init__(self, env: Env, server: RestServer) -> None:
        self.env = env
        self.server = server
        self.url = env.site.rest_url("/wp/v2/search")

    def register(self) -> None:
        """Register /search."""
        from . import schemas

        args = collection_params(("view", "embed"))
        args["type"] = {"default": "post", "description": "Limit results to items of an object type.",
                        "type": "string", "enum": list(TYPES)}
        args["subtype"] = {"default": "any", "description": "Limit results to items of one or more object subtypes.",
                           "type": "array",
                           "items": {"enum": [*self.env.site.searchable_post_types, *self.env.site.searchable_taxonomies, "any"], "type": "string"},
                           "sanitize_callback": self.sanitize_subtypes}
        args["exclude"] = id_list("Ensure result set excludes specific IDs.")
        args["include"] = id_list("Limit result set to specific IDs.")
        self.server.register("wp/v2", "/search", [
            Endpoint(READABLE, self.get_items, self.permission, args),
        ], lambda: schemas.search_schema(self.env))

    def permission(self, request: Request) -> bool | RestError:
        """Anyone may search."""
        return True

    def sanitize_subtypes(self, value: Any, request: Request, name: str) -> Any:
        """Validate each subtype, and keep only those of the requested type (or 'any')."""
        from .schema import parse_request_arg

        endpoint = request.attributes["endpoint"]
        subtypes = parse_request_arg(value, endpoint.args["subtype"], name)
        if isinstance(subtypes, RestError):
            return subtypes
        if "any" in subtypes:
            return ["any"]
        kind = request.get("type") or "post"
        allowed = self.env.site.searchable_post_types if kind == "post" else self.env.site.searchable_taxonomies if kind == "term" else []
        return [s for s in subtypes if s in allowed]

    def get_items(self, request: Request) -> Response:
        """Run the handler for the requested type."""
        kind = str(request.get("type") or "post")
        if kind not in TYPES:
            raise RestError("rest_search_invalid_type", "Invalid type parameter.", status=400)
        page = int(request.get("page") or 1)
        per_page = int(request.get("per_page") or 10)
        subtypes = list(request.get("subtype") or ["any"])
        if kind == "post":
            ids, total = self._posts(request, subtypes, page, per_page)
            total = total if ids else 0  # WP_Query counts the rows only when the page has some
        elif kind == "term":
            ids, total = self._terms(request, subtypes, page, per_page)
        else:
            ids, total = self._formats(request, page, per_page)
        max_pages = -(-total // per_page)
        if page > max_pages and total > 0:
            raise RestError("rest_search_invalid_page_number",
                            "The page number requested is larger than the number of pages available.", status=400)
        items = [self.prepare(kind, item, request) for item in ids]
        response = Response(items)
        paginate_headers(response, total, per_page, page, self.url, request.query_params(), clamp_prev=False)
        return response

    def _posts(self, request: Request, subtypes: list[str], page: int, per_page: int) -> tuple[list[Any], int]:
        types = self.env.site.searchable_post_types if "any" in subtypes else subtypes
        q = post_store.PostQuery(types=types, statuses=["publish"], limit=per_page, offset=(page - 1) * per_page)
        search = request.get("search")
        if search:
            q.search = str(search)
            q.orderby = "relevance"
            q.search_require_no_password = request.user is None
        if request.get("exclude"):
            q.exclude = [int(i) for i in request.get("exclude")]
        if request.get("include"):
            q.include = [int(i) for i in request.get("include")]
        result = post_store.query(self.env.db, q, self.env.cache.remember)
        return [("post", i) for i in result.ids], result.total

    def _terms(self, request: Request, subtypes: list[str], page: int, per_page: int) -> tuple[list[Any], int]:
        taxonomies = self.env.site.searchable_taxonomies if "any" in subtypes else subtypes
        found: list[Any] = []
        every = []
        for tax in taxonomies:
            q = term_store.TermQuery(taxonomy=tax, search=request.get("search") or None, limit=None,
                                     include=[int(i) for i in request.get("include") or []],
                                     exclude=[int(i) for i in request.get("exclude") or []])
            terms, _ = term_store.query(self.env.db, q)
            every.extend(terms)
        from ..store.collation import fold

        every.sort(key=lambda t: (fold(t.name), t.id))
        start = (page - 1) * per_page
        found = [("term", t) for t in every[start : start + per_page]]
        return found, len(every)

    def _formats(self, request: Request, page: int, per_page: int) -> tuple[list[Any], int]:
        used = self.env.cache.remember("used_formats", lambda: post_store.used_formats(self.env.db))
        search = str(request.get("search") or "").lower()
        found = []
        for slug, label in FORMAT_NAMES.items():
            if search and search not in slug.lower() and search not in label.lower():
                continue
            if slug in used:
                found.append(("post-format", slug))
        start = (page - 1) * per_page
        return found[start : start + per_page], len(found)

    def prepare(self, kind: str, item: Any, request: Request) -> dict[str, Any]:
        """One search result with its links."""
        fields = parse_fields(request.get("_fields")) or ["id", "title", "url", "type", "subtype", "_links"]
        data: dict[str, Any] = {}
        links: dict[str, list[dict[str, Any]]] = {}
        url = self.env.site.rest_url
        if kind == "post":
            post = self.env.cache.post(item[1])
            assert post is not None
            pt = self.env.site.post_types[post.type]
            values = {"id": post.id, "title": post.title_rendered if pt.supports_feature("title") else "",
                      "url": self.env.links.post(post), "type": "post", "subtype": post.type}
            links["self"] = [{"embeddable": True, "href": url(f"/{pt.rest_namespace}/{pt.rest_base}/{post.id}")}]
            links["about"] = [{"href": url(f"/wp/v2/types/{post.type}")}]
        elif kind == "term":
            term = item[1]
            tax = self.env.site.taxonomies[term.taxonomy]
            values = {"id": term.id, "title": term.name, "url": self.env.links.term(term), "type": term.taxonomy}
            links["self"] = [{"embeddable": True, "href": url(f"/{tax.rest_namespace}/{tax.rest_base}/{term.id}")}]
            links["about"] = [{"href": url(f"/wp/v2/taxonomies/{term.taxonomy}")}]
        else:
            slug = item[1]
            from ..store.models import Term

            fmt_term = Term(0, "post_format", FORMAT_NAMES[slug], f"post-format-{slug}")
            link = self.env.links.term(fmt_term).replace(f"post-format-{slug}", slug)
            values = {"id": slug, "title": FORMAT_NAMES[slug], "url": link, "type": "post-format"}
        for name, value in values.items():
            if is_included(name, fields):
                data[name] = value
        if is_included("_links", fields) or is_included("_embedded", fields):
            links["collection"] = [{"href": self.url}]
            data["_links"] = links
        return data
