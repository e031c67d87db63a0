"""Building blocks of item schemas: properties, argument hooks, meta."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ... import extensions as ext
from ..avatars import SIZES
from ..errors import RestError
from ..schema import SCHEMA_KEYWORDS, sanitize, validate

if TYPE_CHECKING:
    from ...env import Env
    from ..request import Request

SCHEMA_URL = "http://json-schema.org/draft-04/schema#"

Prop = dict[str, Any]
Hook = Callable[[Any, "Request", str], Any]

VEE = ["view", "edit", "embed"]  # the usual context orders WordPress writes
VE = ["view", "edit"]
VEMB = ["view", "embed", "edit"]
EVE = ["embed", "view", "edit"]
EDIT = ["edit"]

# Statuses a post may be given through the API (registered, not internal).
WRITABLE_STATUSES = ["publish", "future", "draft", "pending", "private"]

# The schema features of post types, in WordPress's order.
FEATURE_ORDER = (
    "title",
    "editor",
    "author",
    "excerpt",
    "thumbnail",
    "comments",
    "revisions",
    "page-attributes",
    "post-formats",
    "custom-fields",
)
# Features whose properties the three core post types always show, whatever they support.
FIXED_FEATURES = {
    "post": frozenset(FEATURE_ORDER) - {"page-attributes"},
    "page": frozenset(FEATURE_ORDER) - {"post-formats"},
    "attachment": frozenset({"title", "author", "comments", "revisions", "custom-fields"}),
}

_UNSET: Any = object()
_USERNAME_OK = re.compile(r"^[A-Za-z0-9_.@-]+(?: [A-Za-z0-9_.@-]+)*$")


# ---------------------------------------------------------------------------------------------
# Building blocks


def _p(
    description: str,
    type_: Any,
    context: list[str],
    *,
    fmt: str | None = None,
    enum: list[Any] | None = None,
    items: Prop | None = None,
    readonly: bool = False,
    properties: dict[str, Prop] | None = None,
    default: Any = _UNSET,
    required: bool = False,
    hooks: dict[str, Any] | None = None,
) -> Prop:
    """A property in WordPress's usual key order (description, type, format, enum, items, …)."""
    prop: Prop = {"description": description, "type": type_}
    if fmt is not None:
        prop["format"] = fmt
    if enum is not None:
        prop["enum"] = enum
    if items is not None:
        prop["items"] = items
    prop["context"] = list(context)
    if readonly:
        prop["readonly"] = True
    if properties is not None:
        prop["properties"] = properties
    if default is not _UNSET:
        prop["default"] = default
    if required:
        prop["required"] = True
    if hooks:
        prop["arg_options"] = hooks
    return prop


def _schema(
    title: str, properties: dict[str, Prop], links: list[Prop] | None = None
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "title": title,
        "type": "object",
        "properties": properties,
    }
    if links:
        schema["links"] = links
    return schema


def public_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as OPTIONS shows it: the properties' argument hooks left out."""
    shown = dict(schema)
    shown["properties"] = {
        name: {k: v for k, v in prop.items() if k != "arg_options"}
        for name, prop in schema["properties"].items()
    }
    return shown


def endpoint_args(properties: dict[str, Prop], *, create: bool) -> dict[str, Prop]:
    """Write arguments from schema properties (rest_get_endpoint_args_for_schema).

    Read-only properties are skipped; ``default`` and ``required`` only apply on create;
    keywords follow in the canonical keyword order, then the property's own hooks.
    """
    args: dict[str, Prop] = {}
    keywords = [k for k in SCHEMA_KEYWORDS if k != "default"]
    for name, prop in properties.items():
        if prop.get("readonly"):
            continue
        arg: Prop = {"validate_callback": True, "sanitize_callback": sanitize_request_arg}
        if create and prop.get("default") is not None:
            arg["default"] = prop["default"]
        if create and prop.get("required"):
            arg["required"] = True
        arg.update((k, prop[k]) for k in keywords if prop.get(k) is not None)
        hooks = dict(prop.get("arg_options") or {})
        if not create:
            hooks.pop("default", None)
            hooks.pop("required", None)
        arg.update(hooks)
        args[name] = arg
    return args


def _additional_fields(env: Env, object_type: str) -> dict[str, Prop]:
    """Extension fields registered with a schema for this object type (schema-less ones are not shown)."""
    return {f.name: dict(f.schema) for f in ext.fields_for(env.extensions, object_type) if f.schema}


# ---------------------------------------------------------------------------------------------
# Argument hooks


def sanitize_request_arg(value: Any, request: Request, name: str) -> Any:
    """rest_sanitize_request_arg: coerce the value by the endpoint argument's own schema."""
    endpoint = request.attributes.get("endpoint")
    arg = endpoint.args.get(name) if endpoint is not None else None
    if not isinstance(arg, dict):
        return value
    return sanitize(value, arg, name)


def _slug(value: Any, request: Request, name: str) -> str:
    from ...render.slugs import sanitize_title

    return sanitize_title(str(value))


def _is_php_array(value: Any, request: Request, name: str) -> bool:
    """check_meta_is_array: ``meta`` must be an object or a list."""
    return isinstance(value, dict | list)


def _php_string(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _check_username(value: Any, request: Request, name: str) -> Any:
    """A login name keeps only letters, digits, spaces and ``_.-@`` (validate_username)."""
    username = _php_string(value)
    if not _USERNAME_OK.match(username):
        return RestError(
            "rest_user_invalid_username",
            "This username is invalid because it uses illegal characters. Please enter a valid username.",
            status=400,
        )
    return username


def _check_user_password(value: Any, request: Request, name: str) -> Any:
    """A password may not be empty nor contain a backslash."""
    password = _php_string(value)
    if password in ("", "0"):
        return RestError("rest_user_invalid_password", "Passwords cannot be empty.", status=400)
    if "\\" in password:
        return RestError(
            "rest_user_invalid_password", 'Passwords cannot contain the "\\" character.', status=400
        )
    return password


def _check_comment_author_email(value: Any, request: Request, name: str) -> Any:
    """An empty author e-mail is allowed; any other must be a valid address."""
    email = _php_string(value)
    if email in ("", "0"):
        return email
    endpoint = request.attributes.get("endpoint")
    arg = endpoint.args.get(name, {}) if endpoint is not None else {}
    problem = validate(email, arg, name)
    return problem if problem is not None else email


def _setting_sanitize(value: Any, request: Request, name: str) -> Any:
    """A setting set to null is reset; anything else is validated and coerced by its schema."""
    if value is None:
        return None
    endpoint = request.attributes.get("endpoint")
    arg = endpoint.args.get(name, {}) if endpoint is not None else {}
    problem = validate(value, arg, name)
    return problem if problem is not None else sanitize(value, arg, name)


def _status_check(env: Env, post_type: str) -> Hook:
    """check_status: keeping a post's current status is always allowed, else the enum applies."""

    def check(value: Any, request: Request, name: str) -> Any:
        raw = request.get("id")
        if raw is not None and str(raw).isdigit():
            post = env.cache.post(int(raw))
            if post is not None and post.type == post_type and post.status == value:
                return True
        endpoint = request.attributes.get("endpoint")
        arg = endpoint.args.get(name, {}) if endpoint is not None else {}
        return validate(value, arg, name)

    return check


def _template_check(env: Env) -> Hook:
    """check_template: empty or unchanged is fine; otherwise it must be a theme page template."""

    def check(value: Any, request: Request, name: str) -> Any:
        if value in ("", "0", None, False, 0):
            return True
        raw = request.get("id")
        current = ""
        if raw is not None and str(raw).isdigit():
            current = env.cache.meta_value(int(raw), "_wp_page_template") or ""
            current = "" if current == "default" else current
        if value == current:
            return True
        allowed = list(_page_templates(env))
        if value in allowed:
            return True
        return RestError("rest_invalid_param", f"template is not one of {', '.join(allowed)}.")

    return check


def _page_templates(env: Env) -> Iterable[str]:
    """The active theme's page templates (file → name); none are known to Broadsheet's themes."""
    templates = (env.site.settings["theme"] or {}).get("page_templates") or {}
    return templates.keys() if isinstance(templates, dict) else templates


# ---------------------------------------------------------------------------------------------
# Meta


def _empty_for(type_: str) -> Any:
    """The value an unset meta key reads as (get_empty_value_for_type)."""
    return {"string": "", "boolean": False, "integer": 0, "number": 0.0}.get(type_, [])


def _closed_objects(schema: Prop) -> Prop:
    """Object schemas without ``additionalProperties`` get ``false`` (nested ones too)."""
    declared = schema.get("type")
    types: list[Any] = declared if isinstance(declared, list) else [declared]
    out = dict(schema)
    if "object" in types:
        for key in ("properties", "patternProperties"):
            if isinstance(out.get(key), dict):
                out[key] = {k: _closed_objects(v) for k, v in out[key].items()}
        out.setdefault("additionalProperties", False)
    if "array" in types and isinstance(out.get("items"), dict):
        out["items"] = _closed_objects(out["items"])
    return out


def _meta_key_schema(
    env: Env, type_: str, description: str, default: Any, extra: Prop | None = None
) -> Prop:
    """One registered meta key's schema: type, title (6.7+), description, default, then its own keys."""
    prop: Prop = {"type": type_}
    if env.site.compat.at_least(6, 7):
        prop["title"] = ""
    prop["description"] = description
    prop["default"] = _empty_for(type_) if default is None else default
    prop.update(extra or {})
    return _closed_objects(prop)


def _meta_property(properties: dict[str, Prop]) -> Prop:
    return {
        "description": "Meta fields.",
        "type": "object",
        "context": VE,
        "properties": properties,
        "arg_options": {"sanitize_callback": False, "validate_callback": _is_php_array},
    }


def _post_meta(env: Env, post_type: str) -> Prop:
    keys = env.registered_meta.get(post_type, [])
    return _meta_property(
        {m.key: _meta_key_schema(env, m.type, m.description, m.default) for m in keys}
    )


def _user_meta(env: Env) -> Prop:
    props: dict[str, Prop] = {}
    if env.site.compat.at_least(6, 1):  # block editor preferences, registered by core
        props["persisted_preferences"] = _meta_key_schema(
            env,
            "object",
            "",
            [],
            {
                "context": EDIT,
                "properties": {
                    "_modified": {
                        "description": "The date and time the preferences were updated.",
                        "type": "string",
                        "format": "date-time",
                        "readonly": False,
                    }
                },
                "additionalProperties": True,
            },
        )
    return _meta_property(props)


def _comment_meta(env: Env) -> Prop:
    props: dict[str, Prop] = {}
    if env.site.compat.at_least(6, 9):  # notes (block comments) resolution state
        props["_wp_note_status"] = _meta_key_schema(
            env, "string", "Note resolution status", None, {"enum": ["resolved", "reopen"]}
        )
    return _meta_property(props)


# ---------------------------------------------------------------------------------------------
# Registries as WordPress lists them

# Core's block-editor post types shown in REST (Broadsheet serves none of their routes), by release.
_EDITOR_POST_TYPES: tuple[tuple[tuple[int, int], str], ...] = (
    ((5, 9), "nav_menu_item"),
    ((5, 0), "wp_block"),
    ((5, 9), "wp_template"),
    ((5, 9), "wp_template_part"),
    ((6, 6), "wp_global_styles"),
    ((5, 9), "wp_navigation"),
    ((6, 5), "wp_font_family"),
    ((6, 5), "wp_font_face"),
)


def rest_post_type_names(env: Env) -> list[str]:
    """Every post type WordPress shows in REST, in registration order (core, editor types, the site's)."""
    core = [name for name in ("post", "page", "attachment") if name in env.site.post_types]
    editor = [name for since, name in _EDITOR_POST_TYPES if env.site.compat.at_least(*since)]
    own = [name for name in env.site.post_types if name not in core]
    return list(dict.fromkeys([*core, *editor, *own]))


def _rendered_prop(
    description: str, context: list[str], what: str, noun: str, *extra: tuple[str, Prop]
) -> Prop:
    """An object of ``raw`` (edit context) and ``rendered`` HTML, such as a post's content."""
    properties = {
        "raw": _p(f"{what} for the {noun}, as it exists in the database.", "string", EDIT),
        "rendered": _p(
            f"HTML {what.lower()} for the {noun}, transformed for display.",
            "string",
            context,
            readonly=True,
        ),
        **dict(extra),
    }
    return _p(description, "object", context, hooks=_NO_HOOKS, properties=properties)


_NO_HOOKS = {"sanitize_callback": False, "validate_callback": False}


def _avatar_props(what: str) -> Prop:
    sizes = {
        str(size): _p(f"Avatar URL with image size of {size} pixels.", "string", EVE, fmt="uri")
        for size in SIZES
    }
    return _p(
        f"Avatar URLs for the {what}.",
        "object",
        EVE if what == "user" else VEE,
        readonly=True,
        properties=sizes,
    )
