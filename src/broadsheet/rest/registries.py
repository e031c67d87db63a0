"""``/wp/v2/types``, ``/wp/v2/taxonomies`` and ``/wp/v2/statuses``: what the site has registered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..phpjson import JsonObject
from ..site import PostType, Taxonomy
from . import editor
from .errors import RestError, forbidden
from .fields import is_included, is_named, parse_fields
from .links import compact
from .params import context_param
from .request import Request
from .response import Response
from .routing import READABLE, Endpoint

if TYPE_CHECKING:
    from ..env import Env
    from .server import RestServer

STATUSES = {
    # name: (label, public, protected, private, internal, queryable, show_in_list, date_floating)
    "publish": ("Published", True, False, False, False, True, True, False),
    "future": ("Scheduled", False, True, False, False, False, True, False),
    "draft": ("Draft", False, True, False, False, False, True, True),
    "pending": ("Pending", False, True, False, False, False, True, True),
    "private": ("Private", False, False, True, False, False, True, False),
    "trash": ("Trash", False, False, False, True, False, False, False),
}

# Registered statuses outside the REST list (get_post_status_object finds them): not found is
# not what WordPress answers for them, "cannot view" is.
INTERNAL_STATUSES = ("auto-draft", "inherit", "request-pending", "request-confirmed", "request-failed",
                     "request-completed")


def _filter(data: dict[str, Any], request: Request, names: list[str], *, named: bool = False) -> dict[str, Any]:
    """The fields ``_fields`` asks for (``named``: only those it names themselves, as the
    taxonomies and statuses controllers check them; a dotted sub-key alone leaves them out)."""
    wanted = parse_fields(request.get("_fields"))
    if not wanted:
        return data
    keep = is_named if named else is_included
    return {k: v for k, v in data.items() if keep(k, wanted)}


class RegistriesController:
    """Types, taxonomies and statuses."""

    def __init__(self, env: Env, server: RestServer) -> None:
        self.env = env
        self.server = server

    def register(self) -> None:
        """Register the six routes."""
        from . import schemas

        env = self.env
        self.server.register("wp/v2", "/types", [
            Endpoint(READABLE, self.get_types, self.types_permission, {"context": context_param()}),
        ], lambda: schemas.type_schema(env))
        self.server.register("wp/v2", "/types/(?P<type>[\\w-]+)", [
            Endpoint(READABLE, self.get_type, None, {
                "type": {"description": "An alphanumeric identifier for the post type.", "type": "string"},
                "context": context_param()}),
        ], lambda: schemas.type_schema(env))
        self.server.register("wp/v2", "/statuses", [
            Endpoint(READABLE, self.get_statuses, self.statuses_permission, {"context": context_param()}),
        ], lambda: schemas.status_schema(env))
        self.server.register("wp/v2", "/statuses/(?P<status>[\\w-]+)", [
            Endpoint(READABLE, self.get_status, self.status_permission, {
                "status": {"description": "An alphanumeric identifier for the status.", "type": "string"},
                "context": context_param()}),
        ], lambda: schemas.status_schema(env))
        self.server.register("wp/v2", "/taxonomies", [
            Endpoint(READABLE, self.get_taxonomies, self.taxonomies_permission, {
                "context": context_param(),
                "type": {"description": "Limit results to taxonomies associated with a specific post type.",
                         "type": "string"}}),
        ], lambda: schemas.taxonomy_schema(env))
        self.server.register("wp/v2", "/taxonomies/(?P<taxonomy>[\\w-]+)", [
            Endpoint(READABLE, self.get_taxonomy, self.taxonomy_permission, {
                "taxonomy": {"description": "An alphanumeric identifier for the taxonomy.", "type": "string"},
                "context": context_param()}),
        ], lambda: schemas.taxonomy_schema(env))

    # -- post types ---------------------------------------------------------------------------
    def types_permission(self, request: Request) -> bool | RestError:
        """Edit context needs edit_posts on some type."""
        if request.get("context") == "edit":
            return forbidden("rest_cannot_view", "Sorry, you are not allowed to edit posts in this post type.",
                             request.user)
        return True

    def type_data(self, pt: PostType, request: Request) -> dict[str, Any]:
        """One post type object."""
        context = str(request.get("context") or "view")
        data: dict[str, Any] = {}
        if context != "embed":
            data["description"] = pt.description
            data["hierarchical"] = pt.hierarchical
            data["has_archive"] = pt.has_archive
        data["name"] = pt.label
        data["slug"] = pt.name
        data["icon"] = pt.icon
        if context != "embed":
            data["taxonomies"] = self._type_taxonomies(pt)
        data["rest_base"] = pt.rest_base
        data["rest_namespace"] = pt.rest_namespace
        if self.env.site.compat.type_template_fields and context != "embed":
            data["template"] = []
            data["template_lock"] = False
        data = _filter(data, request, list(data))
        response = Response(data)
        response.add_link("collection", self.env.site.rest_url("/wp/v2/types"))
        response.add_link("https://api.w.org/items", self.env.site.rest_url(f"/{pt.rest_namespace}/{pt.rest_base}"))
        return {**response.data, "_links": compact(response.links)}

    def _type_taxonomies(self, pt: PostType) -> list[str]:
        if self.env.site.post_types.get(pt.name) is None:
            return editor.type_taxonomies(pt.name)
        return [t.name for t in self.env.site.taxonomies_for(pt.name)]

    def post_types(self) -> list[PostType]:
        """Every REST post type in WordPress's order: core's, the editor's, the site's own."""
        site_types = self.env.site.rest_post_types()
        return [*[pt for pt in site_types if pt.builtin], *editor.post_types(),
                *[pt for pt in site_types if not pt.builtin]]

    def get_types(self, request: Request) -> Any:
        """Every REST post type, keyed by name."""
        out = {pt.name: self.type_data(pt, request) for pt in self.post_types()}
        return out or JsonObject()

    def get_type(self, request: Request) -> Any:
        """One post type."""
        name = str(request.get("type"))
        pt = self.env.site.post_types.get(name) or editor.post_type(name)
        if pt is None:
            raise RestError("rest_type_invalid", "Invalid post type.", status=404)
        if request.get("context") == "edit":
            raise forbidden("rest_forbidden_context", "Sorry, you are not allowed to edit posts in this post type.",
                            request.user)
        return self.type_data(pt, request)

    # -- taxonomies -----------------------------------------------------------------------------
    def taxonomies_permission(self, request: Request) -> bool | RestError:
        """Edit context needs assign_terms on some taxonomy."""
        if request.get("context") == "edit":
            return forbidden("rest_cannot_view", "Sorry, you are not allowed to manage terms in this taxonomy.",
                             request.user)
        return True

    def taxonomy_data(self, tax: Taxonomy, request: Request) -> dict[str, Any]:
        """One taxonomy object."""
        context = str(request.get("context") or "view")
        data: dict[str, Any] = {"name": tax.label, "slug": tax.name}
        if context != "embed":
            data["description"] = tax.description
            data["types"] = list(tax.object_types)
            data["hierarchical"] = tax.hierarchical
        data["rest_base"] = tax.rest_base
        data["rest_namespace"] = tax.rest_namespace
        data = _filter(data, request, list(data), named=True)
        response = Response(data)
        response.add_link("collection", self.env.site.rest_url("/wp/v2/taxonomies"))
        response.add_link("https://api.w.org/items",
                          self.env.site.rest_url(f"/{tax.rest_namespace}/{tax.rest_base}"))
        return {**response.data, "_links": compact(response.links)}

    def taxonomies(self) -> list[Taxonomy]:
        """Every REST taxonomy in WordPress's order (navigation menus after tags)."""
        return editor.with_taxonomies(self.env.site.rest_taxonomies())

    def _taxonomy(self, name: str) -> Taxonomy | None:
        return self.env.site.taxonomies.get(name) or editor.taxonomy(name)

    def get_taxonomies(self, request: Request) -> Any:
        """Every REST taxonomy (optionally of one post type), keyed by name."""
        type_name = request.get("type")
        taxes = self.taxonomies()
        if type_name:
            taxes = [t for t in taxes if str(type_name) in t.object_types]
        out = {t.name: self.taxonomy_data(t, request) for t in taxes if t.show_in_rest}
        return out or JsonObject()

    def taxonomy_permission(self, request: Request) -> bool | RestError:
        """A taxonomy outside REST is forbidden; edit context needs assign_terms."""
        tax = self._taxonomy(str(request.get("taxonomy")))
        if tax is not None:
            if not tax.show_in_rest:
                return False
            if request.get("context") == "edit":
                return forbidden("rest_forbidden_context",
                                 "Sorry, you are not allowed to manage terms in this taxonomy.", request.user)
        return True

    def get_taxonomy(self, request: Request) -> Any:
        """One taxonomy."""
        tax = self._taxonomy(str(request.get("taxonomy")))
        if tax is None:
            raise RestError("rest_taxonomy_invalid", "Invalid taxonomy.", status=404)
        return self.taxonomy_data(tax, request)

    # -- statuses -------------------------------------------------------------------------------
    def _readable(self, name: str, request: Request) -> bool:
        return STATUSES[name][1]

    def statuses_permission(self, request: Request) -> bool | RestError:
        """Edit context needs edit_posts on some type."""
        if request.get("context") == "edit":
            return forbidden("rest_cannot_view", "Sorry, you are not allowed to manage post statuses.",
                             request.user)
        return True

    def status_data(self, name: str, request: Request) -> dict[str, Any]:
        """One status object."""
        label, public, protected, private, internal, queryable, show, floating = STATUSES[name]
        context = str(request.get("context") or "view")
        data: dict[str, Any] = {"name": label}
        if context == "edit":
            data["private"] = private
            data["protected"] = protected
        if context != "embed":
            data["public"] = public
            data["queryable"] = queryable
        if context == "edit":
            data["show_in_list"] = show
        data["slug"] = name
        if context != "embed":
            data["date_floating"] = floating
        data = _filter(data, request, list(data), named=True)
        archives = "/wp/v2/posts" if name == "publish" else f"/wp/v2/posts?status={name}"
        return {**data, "_links": {"archives": [{"href": self.env.site.rest_url(archives)}]}}

    def get_statuses(self, request: Request) -> Any:
        """Statuses the caller may see, keyed by name."""
        out = {n: self.status_data(n, request) for n in STATUSES if self._readable(n, request)}
        return out or JsonObject()

    def status_permission(self, request: Request) -> bool | RestError:
        """Unknown → 404; non-public → 401/403."""
        name = str(request.get("status"))
        if name not in STATUSES and name not in INTERNAL_STATUSES:
            return RestError("rest_status_invalid", "Invalid status.", status=404)
        if name in INTERNAL_STATUSES:  # registered, but shown to editors only
            return forbidden("rest_cannot_read_status", "Cannot view status.", request.user)
        if not self._readable(name, request):
            return forbidden("rest_cannot_read_status", "Cannot view status.", request.user)
        return True

    def get_status(self, request: Request) -> Any:
        """One status; its link stays outside the data, so ``_fields`` never drops it (the
        statuses controller adds it whatever ``_fields`` asks for)."""
        data = self.status_data(str(request.get("status")), request)
        response = Response({k: v for k, v in data.items() if k != "_links"})
        response.links = {"archives": [{"href": link["href"]} for link in data["_links"]["archives"]]}
        return response
