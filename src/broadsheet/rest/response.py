"""A REST response before it is encoded: data, status, headers and links."""

from __future__ import annotations

from typing import Any

from .errors import RestError

Links = dict[str, list[dict[str, Any]]]


class Response:
    """WP_REST_Response: data plus status, headers and (uncompacted) links."""

    def __init__(self, data: Any = None, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.data = data
        self.status = status
        self.headers: dict[str, str] = dict(headers or {})
        self.links: Links = {}
        self.route: Any = None
        self.endpoint: Any = None
        self.raw_body: bytes | None = None  # a non-JSON body (oEmbed XML)

    @classmethod
    def from_error(cls, error: RestError) -> Response:
        """The response WordPress makes of an error."""
        return cls(error.to_dict(), error.status)

    @property
    def is_error(self) -> bool:
        """Whether this is an error response (status 400 or more)."""
        return self.status >= 400

    def add_link(self, rel: str, href: str, **attributes: Any) -> None:
        """Add a link; attributes come before href in the output, as WordPress writes them."""
        self.links.setdefault(rel, []).append({**attributes, "href": href})
