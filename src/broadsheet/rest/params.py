"""Argument declarations shared by controllers (WordPress's wording, order and callbacks)."""

from __future__ import annotations

from typing import Any

from .schema import parse_list, to_int

CONTEXT_DESCRIPTION = "Scope under which the request is made; determines fields present in response."


def absint(value: Any, request: Any, name: str) -> int:
    """absint sanitizer."""
    return abs(to_int(value))


def text_field(value: Any, request: Any, name: str) -> str:
    """sanitize_text_field sanitizer."""
    from .schema import sanitize_text_field

    return sanitize_text_field(value)


def sanitize_key(value: Any, request: Any, name: str) -> str:
    """sanitize_key: lower-case, only [a-z0-9_-]."""
    import re

    return re.sub(r"[^a-z0-9_\-]", "", str(value).lower())


def slug_list(value: Any, request: Any, name: str) -> list[str]:
    """wp_parse_slug_list: a list of sanitized slugs."""
    from ..render.slugs import sanitize_title

    return list(dict.fromkeys(sanitize_title(str(s)) for s in parse_list(value)))


def context_param(default: str = "view", contexts: tuple[str, ...] = ("view", "embed", "edit")) -> dict[str, Any]:
    """The ``context`` argument."""
    return {
        "description": CONTEXT_DESCRIPTION,
        "type": "string",
        "enum": list(contexts),
        "default": default,
        "sanitize_callback": sanitize_key,
        "validate_callback": True,
    }


def collection_params(contexts: tuple[str, ...] = ("view", "embed", "edit")) -> dict[str, dict[str, Any]]:
    """context, page, per_page and search: every collection's first four args."""
    return {
        "context": context_param("view", contexts),
        "page": {
            "description": "Current page of the collection.",
            "type": "integer",
            "default": 1,
            "sanitize_callback": absint,
            "validate_callback": True,
            "minimum": 1,
        },
        "per_page": {
            "description": "Maximum number of items to be returned in result set.",
            "type": "integer",
            "default": 10,
            "minimum": 1,
            "maximum": 100,
            "sanitize_callback": absint,
            "validate_callback": True,
        },
        "search": {
            "description": "Limit results to those matching a string.",
            "type": "string",
            "sanitize_callback": text_field,
            "validate_callback": True,
        },
    }


def id_list(description: str) -> dict[str, Any]:
    """An array-of-integers argument with an empty default."""
    return {"description": description, "type": "array", "items": {"type": "integer"}, "default": []}


def paginate_headers(response: Any, total: int, per_page: int, page: int, base_url: str,
                     query: dict[str, Any], *, clamp_prev: bool = True) -> None:
    """X-WP-Total, X-WP-TotalPages and prev/next Link, as collections send them (the search
    controller does not bring ``prev`` back to the last page: ``clamp_prev=False``)."""
    from .server import collection_link_query

    max_pages = -(-total // per_page) if per_page else 0
    response.headers["X-WP-Total"] = str(total)
    response.headers["X-WP-TotalPages"] = str(max_pages)
    links = []
    if page > 1:
        prev_page = min(page - 1, max_pages) if clamp_prev else page - 1  # page=0 when nothing matched
        links.append(f'<{base_url}?{collection_link_query(query, prev_page)}>; rel="prev"')
    if max_pages > page:
        links.append(f'<{base_url}?{collection_link_query(query, page + 1)}>; rel="next"')
    if links:
        response.headers["Link"] = ", ".join(links)
