"""Schemas of search results, post types, taxonomies and statuses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...env import Env
from .base import (
    EDIT,
    EVE,
    VE,
    VEE,
    Prop,
    _additional_fields,
    _p,
    _schema,
)

# ---------------------------------------------------------------------------------------------
# Read-only registries: search results, post types, taxonomies, statuses


def search_subtypes(env: Env) -> list[str]:
    """What a search result's subtype can be: public post types but media, then public taxonomies."""
    return list(dict.fromkeys([*env.site.searchable_post_types, *env.site.searchable_taxonomies]))


def search_schema(env: Env) -> dict[str, Any]:
    """The search result schema."""
    ve = ["view", "embed"]
    return _schema(
        "search-result",
        {
            "id": _p("Unique identifier for the object.", ["integer", "string"], ve, readonly=True),
            "title": _p("The title for the object.", "string", ve, readonly=True),
            "url": _p("URL to the object.", "string", ve, fmt="uri", readonly=True),
            "type": _p(
                "Object type.", "string", ve, enum=["post", "term", "post-format"], readonly=True
            ),
            "subtype": _p(
                "Object subtype.", "string", ve, enum=search_subtypes(env), readonly=True
            ),
            **_additional_fields(env, "search-result"),
        },
    )


def _ro(description: str, type_: Any, context: list[str], **more: Any) -> Prop:
    return _p(description, type_, context, readonly=True, **more)


def _flags(pairs: Iterable[tuple[str, str]]) -> dict[str, Prop]:
    return {name: {"description": text, "type": "boolean"} for name, text in pairs}


def type_schema(env: Env) -> dict[str, Any]:
    """The post type schema."""
    props = {
        "capabilities": _ro("All capabilities used by the post type.", "object", EDIT),
        "description": _ro("A human-readable description of the post type.", "string", VE),
        "hierarchical": _ro("Whether or not the post type should have children.", "boolean", VE),
        "viewable": _ro("Whether or not the post type can be viewed.", "boolean", EDIT),
        "labels": _ro(
            "Human-readable labels for the post type for various contexts.", "object", EDIT
        ),
        "name": _ro("The title for the post type.", "string", VEE),
        "slug": _ro("An alphanumeric identifier for the post type.", "string", VEE),
        "supports": _ro("All features, supported by the post type.", "object", EDIT),
        "has_archive": _ro(
            "If the value is a string, the value will be used as the archive slug. If the value"
            " is false the post type has no archive.",
            ["string", "boolean"],
            VE,
        ),
        "taxonomies": _ro(
            "Taxonomies associated with post type.", "array", VE, items={"type": "string"}
        ),
        "rest_base": _ro("REST base route for the post type.", "string", VEE),
        "rest_namespace": _ro("REST route's namespace for the post type.", "string", VEE),
        "visibility": _ro(
            "The visibility settings for the post type.",
            "object",
            EDIT,
            properties=_flags(
                [
                    ("show_ui", "Whether to generate a default UI for managing this post type."),
                    (
                        "show_in_nav_menus",
                        "Whether to make the post type available for selection in navigation menus.",
                    ),
                ]
            ),
        ),
        "icon": _ro("The icon for the post type.", ["string", "null"], VEE),
    }
    if env.site.compat.at_least(6, 6):  # the block editor's per-type template
        props["template"] = {
            "type": ["array"],
            "description": "The block template associated with the post type.",
            "readonly": True,
            "context": VEE,
        }
        props["template_lock"] = {
            "type": ["string", "boolean"],
            "enum": ["all", "insert", "contentOnly", False],
            "description": "The template_lock associated with the post type, or false if none.",
            "readonly": True,
            "context": VEE,
        }
    props.update(_additional_fields(env, "type"))
    return _schema("type", props)


def taxonomy_schema(env: Env) -> dict[str, Any]:
    """The taxonomy schema."""
    return _schema(
        "taxonomy",
        {
            "capabilities": _ro("All capabilities used by the taxonomy.", "object", EDIT),
            "description": _ro("A human-readable description of the taxonomy.", "string", VE),
            "hierarchical": _ro("Whether or not the taxonomy should have children.", "boolean", VE),
            "labels": _ro(
                "Human-readable labels for the taxonomy for various contexts.", "object", EDIT
            ),
            "name": _ro("The title for the taxonomy.", "string", VEE),
            "slug": _ro("An alphanumeric identifier for the taxonomy.", "string", VEE),
            "show_cloud": _ro(
                "Whether or not the term cloud should be displayed.", "boolean", EDIT
            ),
            "types": _ro(
                "Types associated with the taxonomy.", "array", VE, items={"type": "string"}
            ),
            "rest_base": _ro("REST base route for the taxonomy.", "string", VEE),
            "rest_namespace": _ro("REST namespace route for the taxonomy.", "string", VEE),
            "visibility": _ro(
                "The visibility settings for the taxonomy.",
                "object",
                EDIT,
                properties=_flags(
                    [
                        (
                            "public",
                            "Whether a taxonomy is intended for use publicly either via the admin interface or by"
                            " front-end users.",
                        ),
                        ("publicly_queryable", "Whether the taxonomy is publicly queryable."),
                        ("show_ui", "Whether to generate a default UI for managing this taxonomy."),
                        (
                            "show_admin_column",
                            "Whether to allow automatic creation of taxonomy columns on associated"
                            " post-types table.",
                        ),
                        (
                            "show_in_nav_menus",
                            "Whether to make the taxonomy available for selection in navigation menus.",
                        ),
                        (
                            "show_in_quick_edit",
                            "Whether to show the taxonomy in the quick/bulk edit panel.",
                        ),
                    ]
                ),
            ),
            **_additional_fields(env, "taxonomy"),
        },
    )


def status_schema(env: Env) -> dict[str, Any]:
    """The status schema."""
    return _schema(
        "status",
        {
            "name": _ro("The title for the status.", "string", EVE),
            "private": _ro("Whether posts with this status should be private.", "boolean", EDIT),
            "protected": _ro(
                "Whether posts with this status should be protected.", "boolean", EDIT
            ),
            "public": _ro(
                "Whether posts of this status should be shown in the front end of the site.",
                "boolean",
                VE,
            ),
            "queryable": _ro(
                "Whether posts with this status should be publicly-queryable.", "boolean", VE
            ),
            "show_in_list": _ro(
                "Whether to include posts in the edit listing for their post type.", "boolean", EDIT
            ),
            "slug": _ro("An alphanumeric identifier for the status.", "string", EVE),
            "date_floating": _ro(
                "Whether posts of this status may have floating published dates.", "boolean", VE
            ),
            **_additional_fields(env, "status"),
        },
    )
