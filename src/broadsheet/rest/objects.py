"""Building one REST object: the fields a request wants, the values, the links."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .fields import is_included, is_named, parse_fields
from .links import compact
from .request import Request
from .response import Response


def selected_fields(request: Request, names: list[str]) -> list[str] | None:
    """get_fields_for_response: the available names narrowed by ``_fields`` (None: every name)."""
    wanted = parse_fields(request.get("_fields"))
    if not wanted:
        return None
    available = [*names, "_links"]
    if request.has("_embed"):
        available.append("_embedded")
    return [n for n in [*wanted, "id"] if n in available or n.split(".")[0] in available]


def build(names: list[str], values: Mapping[str, Callable[[], Any]], fields: list[str] | None,
          add_links: Callable[[Response], None], *, for_collection: bool) -> Any:
    """The object's data (only the fields ``_fields`` names computed: terms, users and comments
    check the names themselves, not dotted sub-keys) and links; collections inline ``_links``."""
    response = Response({name: values[name]() for name in names if is_named(name, fields)})
    if is_included("_links", fields) or is_included("_embedded", fields):
        add_links(response)
    if not for_collection:
        return response
    links = compact(response.links)
    if links:
        response.data["_links"] = links
    return response.data
