"""The comment schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...env import Env
from ..params import sanitize_key, text_field
from .base import (
    _UNSET,
    EDIT,
    VE,
    VEE,
    Prop,
    _additional_fields,
    _avatar_props,
    _check_comment_author_email,
    _comment_meta,
    _p,
    _rendered_prop,
    _schema,
    endpoint_args,
    public_schema,
)


def _comment_properties(env: Env) -> dict[str, Prop]:
    text = {"sanitize_callback": text_field}
    props = {
        "id": _p("Unique identifier for the comment.", "integer", VEE, readonly=True),
        "author": _p("The ID of the user object, if author was a user.", "integer", VEE),
        "author_email": _p(
            "Email address for the comment author.",
            "string",
            EDIT,
            fmt="email",
            hooks={"sanitize_callback": _check_comment_author_email, "validate_callback": False},
        ),
        "author_ip": _p("IP address for the comment author.", "string", EDIT, fmt="ip"),
        "author_name": _p("Display name for the comment author.", "string", VEE, hooks=text),
        "author_url": _p("URL for the comment author.", "string", VEE, fmt="uri"),
        "author_user_agent": _p("User agent for the comment author.", "string", EDIT, hooks=text),
        "content": _rendered_prop("The content for the comment.", VEE, "Content", "comment"),
        "date": _p(
            "The date the comment was published, in the site's timezone.",
            "string",
            VEE,
            fmt="date-time",
        ),
        "date_gmt": _p(
            "The date the comment was published, as GMT.", "string", VE, fmt="date-time"
        ),
        "link": _p("URL to the comment.", "string", VEE, fmt="uri", readonly=True),
        "parent": _p("The ID for the parent of the comment.", "integer", VEE, default=0),
        "post": _p("The ID of the associated post object.", "integer", VE, default=0),
        "status": _p("State of the comment.", "string", VE, hooks={"sanitize_callback": sanitize_key}),
        "type": _p(
            "Type of the comment.",
            "string",
            VEE,
            readonly=True,
            default="comment" if env.site.compat.at_least(6, 9) else _UNSET,  # shown from 6.9
        ),
    }
    if env.site.settings["show_avatars"]:
        props["author_avatar_urls"] = _avatar_props("comment author")
    props["meta"] = _comment_meta(env)
    props.update(_additional_fields(env, "comment"))
    return props


def comment_schema(env: Env) -> dict[str, Any]:
    """The comment schema."""
    return public_schema(_schema("comment", _comment_properties(env)))


def comment_write_args(env: Env, *, create: bool) -> dict[str, Any]:
    """Create/update arguments of comments."""
    return endpoint_args(_comment_properties(env), create=create)
