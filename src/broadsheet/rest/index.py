"""The discovery documents: ``/wp-json/`` and each namespace's index, and route descriptors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import RestError
from .fields import is_included, parse_fields
from .request import Request
from .response import Response
from .routing import READABLE, Endpoint, Route
from .schema import public_args

if TYPE_CHECKING:
    from .server import RestServer

def describe_route(server: RestServer, route: Route, context: str = "view") -> dict[str, Any] | None:
    """A route as the index (or OPTIONS, with ``context='help'``) describes it.

    The description depends only on the route table, so it is built once per server."""
    with_schema = context == "help"
    return server._remember(  # type: ignore[no-any-return]
        ("route", route.pattern, with_schema),
        lambda _state: _describe(server, route, with_schema),
        None,
    )


def _describe(server: RestServer, route: Route, with_schema: bool) -> dict[str, Any] | None:
    data: dict[str, Any] = {"namespace": route.namespace, "methods": [], "endpoints": []}
    if route.schema is not None and with_schema:
        data["schema"] = route.schema()
    visible = route.visible_endpoints()
    for endpoint in visible:
        data["methods"].extend(endpoint.methods)
        described: dict[str, Any] = {"methods": list(endpoint.methods)}
        if endpoint.allow_batch:
            described["allow_batch"] = {"v1": True}
        described["args"] = {name: public_args(arg) for name, arg in endpoint.args.items()} or []
        data["endpoints"].append(described)
    if not visible:
        return None
    if not route.has_path_variables:
        data["_links"] = {"self": [{"href": server.url(route.pattern)}]}
    if "schema" in data:
        data = {k: data[k] for k in ("namespace", "methods", "endpoints", "schema", "_links") if k in data}
    return data


def describe_routes(server: RestServer, routes: list[Route], context: str) -> dict[str, Any]:
    """Descriptors of several routes keyed by pattern (routes with nothing visible are left out)."""
    out: dict[str, Any] = {}
    for route in routes:
        described = describe_route(server, route, context)
        if described is not None:
            out[route.pattern] = described
    return out


class IndexController:
    """``GET /`` and ``GET /{namespace}``."""

    def __init__(self, server: RestServer, site: Any, *, authentication: Any = None) -> None:
        self.server = server
        self.site = site
        self.authentication = authentication if authentication is not None else []

    def register(self) -> None:
        """Register the root index (its namespace indexes are added per namespace)."""
        self.server.register("", "/", [Endpoint(READABLE, self.get_index, args={"context": {"default": "view"}})])

    def register_namespace(self, namespace: str) -> None:
        """Register ``/{namespace}`` (WordPress does so before the namespace's first route)."""
        self.server.register(
            namespace, "",
            [Endpoint(READABLE, self.get_namespace,
                      args={"namespace": {"default": namespace}, "context": {"default": "view"}})],
        )

    def get_index(self, request: Request) -> Response:
        """The API root document."""
        settings = self.site.settings
        data: dict[str, Any] = {
            "name": settings["name"],
            "description": settings["description"],
            "url": str(settings["url"]).rstrip("/"),
            "home": self.site.home,
            "gmt_offset": self.site.gmt_offset_now(),
            "timezone_string": settings["timezone_string"],
        }
        if self.site.compat.index_front_page_fields:
            data["page_for_posts"] = int(settings["page_for_posts"] or 0)
            data["page_on_front"] = int(settings["page_on_front"] or 0)
            data["show_on_front"] = settings["show_on_front"]
        data["namespaces"] = list(self.server.router.namespaces)
        data["authentication"] = self._authentication()
        routes = list(self.server.router.routes.values())
        data["routes"] = describe_routes(self.server, routes, str(request.get("context") or "view"))
        response = Response(data)
        fields = parse_fields(request.get("_fields"))
        if not fields:
            fields = ["_links"]
        if request.has("_embed"):
            fields.append("_embedded")
        logo = int(settings["site_logo"] or 0)
        icon = int(settings["site_icon"] or 0)
        if not self.site.compat.at_least(6, 4, 2) or is_included("_links", fields) or is_included("_embedded", fields):
            response.add_link("help", "https://developer.wordpress.org/rest-api/")
            self._add_logo(response, logo)
            self._add_icon(response, icon)
        else:
            if is_included("site_logo", fields):
                self._add_logo(response, logo)
            if is_included("site_icon", fields) or is_included("site_icon_url", fields):
                self._add_icon(response, icon)
        return response

    def _authentication(self) -> Any:
        """What the index says about authentication: application passwords, where WordPress
        offers them (setting ``application_passwords``)."""
        if self.authentication:
            return self.authentication
        if not self.site.settings["application_passwords"]:
            return []
        site_url = str(self.site.settings["url"]).rstrip("/")
        return {"application-passwords": {"endpoints": {
            "authorization": f"{site_url}/wp-admin/authorize-application.php"}}}

    def _add_logo(self, response: Response, logo: int) -> None:
        response.data["site_logo"] = logo
        if logo:
            response.add_link("https://api.w.org/featuredmedia", self.server.url(f"/wp/v2/media/{logo}"),
                              embeddable=True, type="site_logo")

    def _add_icon(self, response: Response, icon: int) -> None:
        response.data["site_icon"] = icon
        url = ""
        if icon and hasattr(self.site, "attachment_url"):
            url = self.site.attachment_url(icon) or ""
        response.data["site_icon_url"] = url
        if icon:
            response.add_link("https://api.w.org/featuredmedia", self.server.url(f"/wp/v2/media/{icon}"),
                              embeddable=True, type="site_icon")

    def get_namespace(self, request: Request) -> Response:
        """One namespace's routes."""
        namespace = str(request.get("namespace"))
        if namespace not in self.server.router.namespaces:
            raise RestError("rest_invalid_namespace", "The specified namespace could not be found.", status=404)
        routes = [r for r in self.server.router.routes.values() if r.namespace == namespace]
        response = Response({
            "namespace": namespace,
            "routes": describe_routes(self.server, routes, str(request.get("context") or "view")),
        })
        response.add_link("up", self.server.url("/"))
        return response
