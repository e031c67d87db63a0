"""Item schemas and write arguments of every route, as WordPress publishes them.

Schemas are what OPTIONS and the index describe; write arguments are derived from them
(non-readonly properties) and validate write requests before permissions are checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..env import Env
    from ..site import PostType, Taxonomy

SCHEMA_URL = "http://json-schema.org/draft-04/schema#"


def _schema(title: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": SCHEMA_URL, "title": title, "type": "object", "properties": properties}


def post_schema(env: Env, pt: PostType) -> dict[str, Any]:
    """The item schema of a post type."""
    return _schema(pt.name, {})


def post_write_args(env: Env, pt: PostType, *, create: bool) -> dict[str, Any]:
    """Create/update arguments of a post type."""
    return {}


def revision_schema(env: Env, pt: PostType) -> dict[str, Any]:
    """The revision schema of a post type."""
    return _schema(f"{pt.name}-revision", {})


def autosave_schema(env: Env, pt: PostType) -> dict[str, Any]:
    """The autosave schema of a post type."""
    return _schema(f"{pt.name}-revision", {})


def term_schema(env: Env, tax: Taxonomy) -> dict[str, Any]:
    """The item schema of a taxonomy's terms."""
    return _schema("tag" if tax.name == "post_tag" else tax.name, {})


def term_write_args(env: Env, tax: Taxonomy, *, create: bool) -> dict[str, Any]:
    """Create/update arguments of terms."""
    return {}


def user_schema(env: Env) -> dict[str, Any]:
    """The user schema."""
    return _schema("user", {})


def user_write_args(env: Env, *, create: bool) -> dict[str, Any]:
    """Create/update arguments of users."""
    return {}


def comment_schema(env: Env) -> dict[str, Any]:
    """The comment schema."""
    return _schema("comment", {})


def comment_write_args(env: Env, *, create: bool) -> dict[str, Any]:
    """Create/update arguments of comments."""
    return {}


def search_schema(env: Env) -> dict[str, Any]:
    """The search result schema."""
    return _schema("search-result", {})


def type_schema(env: Env) -> dict[str, Any]:
    """The post type schema."""
    return _schema("type", {})


def taxonomy_schema(env: Env) -> dict[str, Any]:
    """The taxonomy schema."""
    return _schema("taxonomy", {})


def status_schema(env: Env) -> dict[str, Any]:
    """The status schema."""
    return _schema("status", {})


def settings_schema(env: Env) -> dict[str, Any]:
    """The settings schema."""
    return _schema("settings", {})


def settings_write_args(env: Env) -> dict[str, Any]:
    """Update arguments of settings."""
    return {}
