"""``_fields``: keeping only the requested keys of a response (nested with dots)."""

from __future__ import annotations

from typing import Any

from .schema import parse_list


def parse_fields(value: Any) -> list[str]:
    """The requested field names, trimmed (empty list when none); as wp_parse_list does, items
    that are not scalars (``_fields[a][b]=``) are dropped."""
    if value is None:
        return []
    names = (str(f).strip() for f in parse_list(value) if isinstance(f, str | int | float))
    return [name for name in names if name]


def field_tree(fields: list[str]) -> dict[str, Any]:
    """Nested {key: True | subtree}; a parent already marked ends processing (WordPress's quirk)."""
    tree: dict[str, Any] = {}
    for name in fields:
        parts = name.split(".")
        ref = tree
        for part in parts[:-1]:
            if ref.get(part) is True:
                return tree
            ref = ref.setdefault(part, {})
        ref[parts[-1]] = True
    return tree


# The media fields WordPress 6.1's attachments controller computes only when named themselves
ATTACHMENT_NAMED = frozenset({"description", "caption", "alt_text", "media_type", "mime_type", "media_details",
                              "post", "source_url", "missing_image_sizes"})


def is_named(name: str, fields: list[str] | None) -> bool:
    """Whether ``_fields`` names a field itself (``in_array``), as WordPress 6.1's terms, users,
    comments, statuses, taxonomies and revisions controllers, and the attachment-only fields
    of media, decide what to compute: a dotted sub-key alone (``content.rendered``,
    ``media_details.sizes.medium``) leaves such a field out."""
    return not fields or name in fields


def is_included(name: str, fields: list[str] | None) -> bool:
    """rest_is_field_included: whether ``name`` (dotted) is wanted by the request's _fields."""
    if not fields:
        return True
    if name in fields:
        return True
    for field in fields:
        if field == name:
            return True
        if field.startswith(name + ".") or name.startswith(field + "."):
            return True
    return False


def _intersect(data: Any, tree: dict[str, Any]) -> Any:
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        if key not in tree:
            continue
        sub = tree[key]
        out[key] = _intersect(value, sub) if isinstance(sub, dict) and isinstance(value, dict) else value
    return out


def filter_fields(data: Any, fields: list[str]) -> Any:
    """Keep only the requested fields of an object, or of each object of a list."""
    tree = field_tree(fields)
    if isinstance(data, list):
        return [_intersect(item, tree) for item in data]
    return _intersect(data, tree)
