"""Item schemas and write arguments of every route, as WordPress publishes them.

Schemas are what OPTIONS and the index describe; write arguments are derived from them
(non-readonly properties) and validate write requests before permissions are checked.

Every schema is assembled from the site's configuration the way WordPress assembles it from
its registries: a post type's supported features decide which properties exist, its REST
taxonomies add term-ID arrays, registered meta keys fill ``meta``, extension fields that
declare a schema are appended. Properties are plain dicts in WordPress's key order (clients
and the golden files see that order); a property may carry ``arg_options`` — the validation
and sanitisation hooks its write argument uses — which the public schema never shows.

Argument hooks follow the REST server's conventions: ``validate_callback`` is ``True`` for
"validate against the argument's schema", a callable, or ``False`` for none;
``sanitize_callback`` is a callable, or ``False`` for none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .. import extensions as ext
from ..site import POST_FORMATS
from .errors import RestError
from .schema import SCHEMA_KEYWORDS, sanitize, sanitize_text_field, validate

if TYPE_CHECKING:
    from ..env import Env
    from ..site import PostType, Taxonomy
    from .request import Request

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
AVATAR_SIZES = (24, 48, 96)

# Features whose properties the three core post types always show, whatever they support.
FIXED_FEATURES = {
    "post": (
        "title",
        "editor",
        "author",
        "excerpt",
        "thumbnail",
        "comments",
        "revisions",
        "post-formats",
        "custom-fields",
    ),
    "page": (
        "title",
        "editor",
        "author",
        "excerpt",
        "thumbnail",
        "comments",
        "revisions",
        "page-attributes",
        "custom-fields",
    ),
    "attachment": ("title", "author", "comments", "revisions", "custom-fields"),
}
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


def _text_field(value: Any, request: Request, name: str) -> str:
    return sanitize_text_field(value)


def _slug(value: Any, request: Request, name: str) -> str:
    from ..render.slugs import sanitize_title

    return sanitize_title(str(value))


def _key(value: Any, request: Request, name: str) -> str:
    return re.sub(r"[^a-z0-9_\-]", "", str(value).lower())


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
# Posts


def _rendered_object(
    what: str,
    noun: str,
    raw_context: list[str],
    rendered_context: list[str],
    *extra: tuple[str, Prop],
) -> dict[str, Prop]:
    return {
        "raw": _p(f"{what} for the {noun}, as it exists in the database.", "string", raw_context),
        "rendered": _p(
            f"HTML {what.lower()} for the {noun}, transformed for display.",
            "string",
            rendered_context,
            readonly=True,
        ),
        **dict(extra),
    }


_NO_HOOKS = {"sanitize_callback": False, "validate_callback": False}


def _title_prop() -> Prop:
    return _p(
        "The title for the post.",
        "object",
        VEE,
        hooks=_NO_HOOKS,
        properties=_rendered_object("Title", "post", EDIT, VEE),
    )


def _content_prop() -> Prop:
    return _p(
        "The content for the post.",
        "object",
        VE,
        hooks=_NO_HOOKS,
        properties=_rendered_object(
            "Content",
            "post",
            EDIT,
            VE,
            (
                "block_version",
                _p(
                    "Version of the content block format used by the post.",
                    "integer",
                    EDIT,
                    readonly=True,
                ),
            ),
            (
                "protected",
                _p(
                    "Whether the content is protected with a password.",
                    "boolean",
                    VEE,
                    readonly=True,
                ),
            ),
        ),
    )


def _excerpt_prop() -> Prop:
    return _p(
        "The excerpt for the post.",
        "object",
        VEE,
        hooks=_NO_HOOKS,
        properties=_rendered_object(
            "Excerpt",
            "post",
            EDIT,
            VEE,
            (
                "protected",
                _p(
                    "Whether the excerpt is protected with a password.",
                    "boolean",
                    VEE,
                    readonly=True,
                ),
            ),
        ),
    )


def _guid_prop() -> Prop:
    return _p(
        "The globally unique identifier for the post.",
        "object",
        VE,
        readonly=True,
        properties={
            "raw": _p(
                "GUID for the post, as it exists in the database.", "string", EDIT, readonly=True
            ),
            "rendered": _p(
                "GUID for the post, transformed for display.", "string", VE, readonly=True
            ),
        },
    )


def _post_base(env: Env, pt: PostType) -> dict[str, Prop]:
    """Properties every post type has: dates, guid, id, link, slug, status, type, password."""
    return {
        "date": _p(
            "The date the post was published, in the site's timezone.",
            ["string", "null"],
            VEE,
            fmt="date-time",
        ),
        "date_gmt": _p(
            "The date the post was published, as GMT.", ["string", "null"], VE, fmt="date-time"
        ),
        "guid": _guid_prop(),
        "id": _p("Unique identifier for the post.", "integer", VEE, readonly=True),
        "link": _p("URL to the post.", "string", VEE, fmt="uri", readonly=True),
        "modified": _p(
            "The date the post was last modified, in the site's timezone.",
            "string",
            VE,
            fmt="date-time",
            readonly=True,
        ),
        "modified_gmt": _p(
            "The date the post was last modified, as GMT.",
            "string",
            VE,
            fmt="date-time",
            readonly=True,
        ),
        "slug": _p(
            "An alphanumeric identifier for the post unique to its type.",
            "string",
            VEE,
            hooks={"sanitize_callback": _slug},
        ),
        "status": _p(
            "A named status for the post.",
            "string",
            VE,
            enum=list(WRITABLE_STATUSES),
            hooks={"validate_callback": _status_check(env, pt.name)},
        ),
        "type": _p("Type of post.", "string", VEE, readonly=True),
        "password": _p("A password to protect access to the content and excerpt.", "string", EDIT),
    }


def _viewable_props(env: Env) -> dict[str, Prop]:
    props = {
        "permalink_template": _p("Permalink template for the post.", "string", EDIT, readonly=True),
        "generated_slug": _p(
            "Slug automatically generated from the post title.", "string", EDIT, readonly=True
        ),
    }
    if env.site.compat.at_least(6, 6):
        props["class_list"] = {
            "description": "An array of the class names for the post container element.",
            "type": "array",
            "context": VE,
            "readonly": True,
            "items": {"type": "string"},
        }
    return props


def _features(env: Env, pt: PostType) -> list[str]:
    """The features whose properties the type's schema shows, in WordPress's order."""
    fixed = FIXED_FEATURES.get(pt.name)
    if fixed is not None and pt.name == "attachment" and env.site.compat.at_least(6, 5):
        fixed = (*fixed, "thumbnail")  # featured images for media
    if fixed is not None:
        return [f for f in FEATURE_ORDER if f in fixed]
    return [f for f in FEATURE_ORDER if pt.supports_feature(f)]


def _feature_props(env: Env, pt: PostType, feature: str) -> dict[str, Prop]:
    open_closed = ["open", "closed"]
    if feature == "title":
        return {"title": _title_prop()}
    if feature == "editor":
        return {"content": _content_prop()}
    if feature == "author":
        return {"author": _p("The ID for the author of the post.", "integer", VEE)}
    if feature == "excerpt":
        return {"excerpt": _excerpt_prop()}
    if feature == "thumbnail":
        return {"featured_media": _p("The ID of the featured media for the post.", "integer", VEE)}
    if feature == "comments":
        return {
            "comment_status": _p(
                "Whether or not comments are open on the post.", "string", VE, enum=open_closed
            ),
            "ping_status": _p(
                "Whether or not the post can be pinged.", "string", VE, enum=open_closed
            ),
        }
    if feature == "page-attributes":
        return {
            "menu_order": _p("The order of the post in relation to other posts.", "integer", VE)
        }
    if feature == "post-formats":
        return {"format": _p("The format for the post.", "string", VE, enum=list(POST_FORMATS))}
    if feature == "custom-fields":
        return {"meta": _post_meta(env, pt.name)}
    return {}


def _taxonomy_props(env: Env, pt: PostType) -> dict[str, Prop]:
    return {
        tax.rest_base: _p(
            f"The terms assigned to the post in the {tax.name} taxonomy.",
            "array",
            VE,
            items={"type": "integer"},
        )
        for tax in env.site.taxonomies_for(pt.name)
    }


def _attachment_props(env: Env) -> dict[str, Prop]:
    compat = env.site.compat
    props = {
        "alt_text": _p(
            "Alternative text to display when attachment is not displayed.",
            "string",
            VEE,
            hooks={"sanitize_callback": _text_field},
        ),
        "caption": _p(
            "The attachment caption.",
            "object",
            VEE,
            hooks=_NO_HOOKS,
            properties=_rendered_object("Caption", "attachment", EDIT, VEE),
        ),
        "description": _p(
            "The attachment description.",
            "object",
            VE,
            hooks=_NO_HOOKS,
            properties=_rendered_object("Description", "attachment", EDIT, VE),
        ),
        "media_type": _p("Attachment type.", "string", VEE, enum=["image", "file"], readonly=True),
        "mime_type": _p("The attachment MIME type.", "string", VEE, readonly=True),
        "media_details": _p(
            "Details about the media file, specific to its type.", "object", VEE, readonly=True
        ),
        "post": _p("The ID for the associated post of the attachment.", "integer", VE),
        "source_url": _p(
            "URL to the original attachment file.", "string", VEE, fmt="uri", readonly=True
        ),
        "missing_image_sizes": _p(
            "List of the missing image sizes of the attachment.",
            "array",
            EDIT,
            items={"type": "string"},
            readonly=True,
        ),
    }
    if compat.at_least(7, 0):
        props["filename"] = _p("Original attachment file name.", "string", VE, readonly=True)
        props["filesize"] = _p(
            "Attachment file size in bytes.",
            ["integer", "null"] if compat.at_least(7, 1) else "integer",
            VE,
            readonly=True,
        )
        props["exif_orientation"] = _p(
            "EXIF orientation value. Values 1-8 follow the EXIF specification, where 1 means no rotation needed.",
            "integer",
            EDIT,
            readonly=True,
        )
    if compat.at_least(7, 1):
        props.update(_image_processing_props(env))
    return props


def _image_processing_props(env: Env) -> dict[str, Prop]:
    """7.1's hints for client-side image processing (quality, output format, progressive)."""
    quality = {"type": "integer", "minimum": 1, "maximum": 100}
    sizes = {name: dict(quality) for name in (env.site.settings["image_sizes"] or {})}
    return {
        "image_quality": _p(
            "Encode quality (1-100) from the wp_editor_set_quality filter, resolved against the output MIME"
            ' type. The "default" value applies to the full-size image; "sizes" lists per-registered-size'
            ' overrides where the filtered value differs from "default".',
            "object",
            EDIT,
            readonly=True,
            properties={"default": dict(quality), "sizes": {"type": "object", "properties": sizes}},
        ),
        "image_output_format": _p(
            "The output MIME type this image should be converted to, based on the image_editor_output_format"
            " filter. Null if no conversion is needed.",
            ["string", "null"],
            EDIT,
            readonly=True,
        ),
        "image_save_progressive": _p(
            "Whether to use progressive/interlaced encoding when saving this image.",
            "boolean",
            EDIT,
            readonly=True,
        ),
    }


def _post_properties(env: Env, pt: PostType) -> dict[str, Prop]:
    """Every property of a post type's items, hooks included."""
    props = _post_base(env, pt)
    if pt.public:
        props.update(_viewable_props(env))
    if pt.hierarchical:
        props["parent"] = _p("The ID for the parent of the post.", "integer", VE)
    for feature in _features(env, pt):
        props.update(_feature_props(env, pt, feature))
    if pt.name == "post":
        props["sticky"] = _p("Whether or not the post should be treated as sticky.", "boolean", VE)
    props["template"] = _p(
        "The theme file to use to display the post.",
        "string",
        VE,
        hooks={"validate_callback": _template_check(env)},
    )
    props.update(_taxonomy_props(env, pt))
    if pt.name == "attachment":
        props.update(_attachment_props(env))
        del props["password"]
    props.update(_additional_fields(env, pt.name))
    return props


def _action_link(env: Env, pt: PostType, rel: str, title: str, target: Prop) -> Prop:
    href = env.site.rest_url(f"/{pt.rest_namespace}/{pt.rest_base}/{{id}}")
    return {
        "rel": f"https://api.w.org/{rel}",
        "title": title,
        "href": href,
        "targetSchema": {"type": "object", "properties": target},
    }


def _post_links(env: Env, pt: PostType) -> list[Prop]:
    """Link descriptions of the actions a user may be allowed on an item."""
    links = []
    if pt.name != "attachment":
        links.append(
            _action_link(
                env,
                pt,
                "action-publish",
                "The current user can publish this post.",
                {"status": {"type": "string", "enum": ["publish", "future"]}},
            )
        )
    links.append(
        _action_link(
            env,
            pt,
            "action-unfiltered-html",
            "The current user can post unfiltered HTML markup and JavaScript.",
            {"content": {"raw": {"type": "string"}}},
        )
    )
    if pt.name == "post":
        links.append(
            _action_link(
                env,
                pt,
                "action-sticky",
                "The current user can sticky this post.",
                {"sticky": {"type": "boolean"}},
            )
        )
    if pt.supports_feature("author"):
        links.append(
            _action_link(
                env,
                pt,
                "action-assign-author",
                "The current user can change the author on this post.",
                {"author": {"type": "integer"}},
            )
        )
    for tax in env.site.taxonomies_for(pt.name):
        ids = {tax.rest_base: {"type": "array", "items": {"type": "integer"}}}
        for verb in ("assign", "create"):
            links.append(
                _action_link(
                    env,
                    pt,
                    f"action-{verb}-{tax.rest_base}",
                    f"The current user can {verb} terms in the {tax.name} taxonomy.",
                    ids,
                )
            )
    return links


def post_schema(env: Env, pt: PostType) -> dict[str, Any]:
    """The item schema of a post type."""
    return public_schema(_schema(pt.name, _post_properties(env, pt), _post_links(env, pt)))


def post_write_args(env: Env, pt: PostType, *, create: bool) -> dict[str, Any]:
    """Create/update arguments of a post type."""
    return endpoint_args(_post_properties(env, pt), create=create)


def _revision_properties(env: Env, pt: PostType) -> dict[str, Prop]:
    parent = _post_properties(env, pt)
    props = {
        "author": _p("The ID for the author of the revision.", "integer", VEE),
        "date": _p(
            "The date the revision was published, in the site's timezone.",
            "string",
            VEE,
            fmt="date-time",
        ),
        "date_gmt": _p(
            "The date the revision was published, as GMT.", "string", VE, fmt="date-time"
        ),
        "guid": parent["guid"],
        "id": _p("Unique identifier for the revision.", "integer", VEE),
        "modified": _p(
            "The date the revision was last modified, in the site's timezone.",
            "string",
            VE,
            fmt="date-time",
        ),
        "modified_gmt": _p(
            "The date the revision was last modified, as GMT.", "string", VE, fmt="date-time"
        ),
        "parent": _p("The ID for the parent of the revision.", "integer", VEE),
        "slug": _p(
            "An alphanumeric identifier for the revision unique to its type.", "string", VEE
        ),
    }
    props.update((name, parent[name]) for name in ("title", "content", "excerpt") if name in parent)
    if env.site.compat.at_least(6, 4):  # revisioned meta
        props["meta"] = _post_meta(env, pt.name)
    props.update(_additional_fields(env, f"{pt.name}-revision"))
    return props


def revision_schema(env: Env, pt: PostType) -> dict[str, Any]:
    """The revision schema of a post type."""
    return public_schema(_schema(f"{pt.name}-revision", _revision_properties(env, pt)))


def autosave_schema(env: Env, pt: PostType) -> dict[str, Any]:
    """The autosave schema of a post type."""
    props = _revision_properties(env, pt)
    props["preview_link"] = _p(
        "Preview link for the post.", "string", EDIT, fmt="uri", readonly=True
    )
    return public_schema(_schema(f"{pt.name}-revision", props))


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
            hooks={"sanitize_callback": _text_field},
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


def _avatar_props(what: str) -> Prop:
    sizes = {
        str(size): _p(f"Avatar URL with image size of {size} pixels.", "string", EVE, fmt="uri")
        for size in AVATAR_SIZES
    }
    return _p(
        f"Avatar URLs for the {what}.",
        "object",
        EVE if what == "user" else VEE,
        readonly=True,
        properties=sizes,
    )


def _locales(env: Env) -> list[str]:
    """Locales a user may pick: the default ('' and en_US) and the site's installed language."""
    locales = ["", "en_US"]
    site_locale = str(env.site.settings["locale"] or "en_US")
    if site_locale not in locales:
        locales.append(site_locale)
    return locales


def _user_properties(env: Env) -> dict[str, Prop]:
    text = {"sanitize_callback": _text_field}
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


def _comment_properties(env: Env) -> dict[str, Prop]:
    text = {"sanitize_callback": _text_field}
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
        "content": _p(
            "The content for the comment.",
            "object",
            VEE,
            hooks=_NO_HOOKS,
            properties=_rendered_object("Content", "comment", EDIT, VEE),
        ),
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
        "status": _p("State of the comment.", "string", VE, hooks={"sanitize_callback": _key}),
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


# ---------------------------------------------------------------------------------------------
# Read-only registries: search results, post types, taxonomies, statuses


def search_subtypes(env: Env) -> list[str]:
    """What a search result's subtype can be: public post types but media, then public taxonomies."""
    posts = [
        pt.name for pt in env.site.post_types.values() if pt.public and pt.name != "attachment"
    ]
    terms = [t.name for t in env.site.rest_taxonomies() if t.public]
    return list(dict.fromkeys([*posts, *terms]))


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
