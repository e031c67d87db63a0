"""Advanced Custom Fields: the ``acf`` field and the ``_acf_changed`` meta key.

ACF's field groups are site configuration (``extensions.acf.field_groups``: post types and
fields with their types). The value of each field comes from the post's meta in ACF's "light"
REST format: text stays a string, ``true_false`` becomes a boolean. A post imported from a live
site's REST API keeps the ``acf`` object that site showed when its meta is not known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import Extension, MetaKey, RestField

if TYPE_CHECKING:
    from ..rest.posts_view import PostView

DEFAULTS = {"true_false": False, "number": "", "text": "", "textarea": "", "url": "", "email": ""}


def _format(value: str | None, field_type: str) -> Any:
    if field_type == "true_false":
        return bool(value) and value not in ("0", "")
    if value is None:
        return DEFAULTS.get(field_type, "")
    return value


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


class AcfFields:
    """Computes ``acf`` from the configured field groups."""

    def __init__(self, groups: list[dict[str, Any]]) -> None:
        self.groups = groups

    def fields_for(self, post_type: str) -> list[dict[str, Any]] | None:
        """The fields of every group that applies to the type (None when no group does)."""
        found: list[dict[str, Any]] | None = None
        for group in self.groups:
            if post_type in group.get("post_types", []):
                found = (found or []) + list(group.get("fields", []))
        return found

    def __call__(self, view: PostView) -> Any:
        fields = self.fields_for(view.post.type)
        meta = view.env.cache.meta_of(view.post.id)
        if fields and any(f["name"] in meta for f in fields):
            return {f["name"]: _format(_first(meta.get(f["name"])), f.get("type", "text")) for f in fields}
        kept = view.post.fields.get("acf")
        if kept is not None:
            return kept
        if not fields:
            return []
        return {f["name"]: _format(None, f.get("type", "text")) for f in fields}


def build(config: dict[str, Any]) -> Extension:
    """The ACF extension."""
    groups = list(config.get("field_groups", []))
    types = tuple(dict.fromkeys(t for g in groups for t in g.get("post_types", []))) or ("post", "page")
    return Extension(
        "acf", "Advanced Custom Fields values in REST",
        fields=[RestField("acf", types, AcfFields(groups))],
        meta_keys=[MetaKey("_acf_changed", "boolean", False, ("post", "page"))],
        config=config,
    )
