"""The user schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...env import Env
from ..params import text_field
from .base import (
    EDIT,
    EVE,
    Prop,
    _additional_fields,
    _avatar_props,
    _check_user_password,
    _check_username,
    _p,
    _schema,
    _slug,
    _user_meta,
    endpoint_args,
    public_schema,
)


def _locales(env: Env) -> list[str]:
    """Locales a user may pick: the default ('' and en_US) and the site's installed language."""
    locales = ["", "en_US"]
    site_locale = str(env.site.settings["locale"] or "en_US")
    if site_locale not in locales:
        locales.append(site_locale)
    return locales


def _user_properties(env: Env) -> dict[str, Prop]:
    text = {"sanitize_callback": text_field}
    props = {
        "id": _p("Unique identifier for the user.", "integer", EVE, readonly=True),
        "username": _p(
            "Login name for the user.",
            "string",
            EDIT,
            required=True,
            hooks={"sanitize_callback": _check_username},
        ),
        "name": _p("Display name for the user.", "string", EVE, hooks=text),
        "first_name": _p("First name for the user.", "string", EDIT, hooks=text),
        "last_name": _p("Last name for the user.", "string", EDIT, hooks=text),
        "email": _p("The email address for the user.", "string", EDIT, fmt="email", required=True),
        "url": _p("URL of the user.", "string", EVE, fmt="uri"),
        "description": _p("Description of the user.", "string", EVE),
        "link": _p("Author URL of the user.", "string", EVE, fmt="uri", readonly=True),
        "locale": _p("Locale for the user.", "string", EDIT, enum=_locales(env)),
        "nickname": _p("The nickname for the user.", "string", EDIT, hooks=text),
        "slug": _p(
            "An alphanumeric identifier for the user.",
            "string",
            EVE,
            hooks={"sanitize_callback": _slug},
        ),
        "registered_date": _p(
            "Registration date for the user.", "string", EDIT, fmt="date-time", readonly=True
        ),
        "roles": _p("Roles assigned to the user.", "array", EDIT, items={"type": "string"}),
        "password": _p(
            "Password for the user (never included).",
            "string",
            [],
            required=True,
            hooks={"sanitize_callback": _check_user_password},
        ),
        "capabilities": _p("All capabilities assigned to the user.", "object", EDIT, readonly=True),
        "extra_capabilities": _p(
            "Any extra capabilities assigned to the user.", "object", EDIT, readonly=True
        ),
    }
    if env.site.settings["show_avatars"]:
        props["avatar_urls"] = _avatar_props("user")
    props["meta"] = _user_meta(env)
    props.update(_additional_fields(env, "user"))
    return props


def user_schema(env: Env) -> dict[str, Any]:
    """The user schema."""
    return public_schema(_schema("user", _user_properties(env)))


def user_write_args(env: Env, *, create: bool) -> dict[str, Any]:
    """Create/update arguments of users."""
    return endpoint_args(_user_properties(env), create=create)
