"""Schemas of taxonomy terms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...env import Env
    from ...site import Taxonomy
from ..params import text_field
from .base import (
    VE,
    VEMB,
    Prop,
    _additional_fields,
    _meta_property,
    _p,
    _schema,
    _slug,
    endpoint_args,
    public_schema,
)

# ---------------------------------------------------------------------------------------------
# Terms, users, comments


def _term_properties(env: Env, tax: Taxonomy) -> dict[str, Prop]:
    props = {
        "id": _p("Unique identifier for the term.", "integer", VEMB, readonly=True),
        "count": _p("Number of published posts for the term.", "integer", VE, readonly=True),
        "description": _p("HTML description of the term.", "string", VE),
        "link": _p("URL of the term.", "string", VEMB, fmt="uri", readonly=True),
        "name": _p(
            "HTML title for the term.",
            "string",
            VEMB,
            required=True,
            hooks={"sanitize_callback": text_field},
        ),
        "slug": _p(
            "An alphanumeric identifier for the term unique to its type.",
            "string",
            VEMB,
            hooks={"sanitize_callback": _slug},
        ),
        "taxonomy": _p(
            "Type attribution for the term.", "string", VEMB, enum=[tax.name], readonly=True
        ),
    }
    if tax.hierarchical:
        props["parent"] = _p("The parent term ID.", "integer", VE)
    props["meta"] = _meta_property({})
    props.update(_additional_fields(env, tax.name))
    return props


def term_schema(env: Env, tax: Taxonomy) -> dict[str, Any]:
    """The item schema of a taxonomy's terms."""
    title = "tag" if tax.name == "post_tag" else tax.name
    return public_schema(_schema(title, _term_properties(env, tax)))


def term_write_args(env: Env, tax: Taxonomy, *, create: bool) -> dict[str, Any]:
    """Create/update arguments of terms."""
    return endpoint_args(_term_properties(env, tax), create=create)
