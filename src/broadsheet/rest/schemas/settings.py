"""The settings schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...env import Env
from .base import (
    Prop,
    _additional_fields,
    _schema,
    _setting_sanitize,
    endpoint_args,
    public_schema,
)

# ---------------------------------------------------------------------------------------------
# Settings

# (REST name, type, label (6.6+), description, default, extra schema keywords), in registration order.
_SETTINGS: tuple[tuple[str, str, str, str, Any, Prop], ...] = (
    ("title", "string", "Title", "Site title.", None, {}),
    ("description", "string", "Tagline", "Site tagline.", None, {}),
    ("url", "string", "", "Site URL.", None, {"format": "uri"}),
    (
        "email",
        "string",
        "",
        "This address is used for admin purposes, like new user notification.",
        None,
        {"format": "email"},
    ),
    ("timezone", "string", "", "A city in the same timezone as you.", None, {}),
    ("date_format", "string", "", "A date format for all date strings.", None, {}),
    ("time_format", "string", "", "A time format for all time strings.", None, {}),
    (
        "start_of_week",
        "integer",
        "",
        "A day number of the week that the week should start on.",
        None,
        {},
    ),
    ("language", "string", "", "WordPress locale code.", "en_US", {}),
    (
        "use_smilies",
        "boolean",
        "",
        "Convert emoticons like :-) and :-P to graphics on display.",
        True,
        {},
    ),
    ("default_category", "integer", "", "Default post category.", None, {}),
    ("default_post_format", "string", "", "Default post format.", None, {}),
    ("posts_per_page", "integer", "Maximum posts per page", "Blog pages show at most.", 10, {}),
    ("show_on_front", "string", "Show on front", "What to show on the front page", None, {}),
    (
        "page_on_front",
        "integer",
        "Page on front",
        "The ID of the page that should be displayed on the front page",
        None,
        {},
    ),
    (
        "page_for_posts",
        "integer",
        "",
        "The ID of the page that should display the latest posts",
        None,
        {},
    ),
    (
        "default_ping_status",
        "string",
        "",
        "Allow link notifications from other blogs (pingbacks and trackbacks) on new articles.",
        None,
        {"enum": ["open", "closed"]},
    ),
    (
        "default_comment_status",
        "string",
        "Allow comments on new posts",
        "Allow people to submit comments on new posts.",
        None,
        {"enum": ["open", "closed"]},
    ),
    ("site_logo", "integer", "Logo", "Site logo.", None, {}),
    ("site_icon", "integer", "Icon", "Site icon.", None, {}),
)


def _settings_properties(env: Env) -> dict[str, Prop]:
    labelled = env.site.compat.at_least(6, 6)
    props: dict[str, Prop] = {}
    for name, type_, label, description, default, extra in _SETTINGS:
        prop: Prop = {"type": type_}
        if labelled:
            prop["title"] = label
        prop.update({"description": description, "default": default, **extra})
        prop["arg_options"] = {"sanitize_callback": _setting_sanitize}
        props[name] = prop
    props.update(_additional_fields(env, "settings"))
    return props


def settings_schema(env: Env) -> dict[str, Any]:
    """The settings schema."""
    return public_schema(_schema("settings", _settings_properties(env)))


def settings_write_args(env: Env) -> dict[str, Any]:
    """Update arguments of settings."""
    return endpoint_args(_settings_properties(env), create=False)
