"""Schemas of post types (posts, pages, media, custom types), revisions and autosaves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...site import POST_FORMATS

if TYPE_CHECKING:
    from ...env import Env
    from ...site import PostType
from ..params import text_field
from .base import (
    EDIT,
    FEATURE_ORDER,
    FIXED_FEATURES,
    VE,
    VEE,
    WRITABLE_STATUSES,
    Prop,
    _additional_fields,
    _p,
    _post_meta,
    _rendered_prop,
    _schema,
    _slug,
    _status_check,
    _template_check,
    endpoint_args,
    public_schema,
)

# ---------------------------------------------------------------------------------------------
# Posts


def _title_prop() -> Prop:
    return _rendered_prop("The title for the post.", VEE, "Title", "post")


def _content_prop() -> Prop:
    return _rendered_prop(
        "The content for the post.", VE, "Content", "post",
        ("block_version", _p("Version of the content block format used by the post.", "integer",
                             EDIT, readonly=True)),
        ("protected", _p("Whether the content is protected with a password.", "boolean", VEE,
                         readonly=True)),
    )  # fmt: skip


def _excerpt_prop() -> Prop:
    return _rendered_prop(
        "The excerpt for the post.", VEE, "Excerpt", "post",
        ("protected", _p("Whether the excerpt is protected with a password.", "boolean", VEE,
                         readonly=True)),
    )  # fmt: skip


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
        fixed = fixed | {"thumbnail"}  # featured images for media
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
            hooks={"sanitize_callback": text_field},
        ),
        "caption": _rendered_prop("The attachment caption.", VEE, "Caption", "attachment"),
        "description": _rendered_prop("The attachment description.", VE, "Description", "attachment"),
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
    if pt.name == "wp_block":
        _raw_only(props)
    if pt.name == "attachment":
        props.update(_attachment_props(env))
        del props["password"]
    props.update(_additional_fields(env, pt.name))
    return props


def _raw_only(props: dict[str, Prop]) -> None:
    """Reusable blocks: title and content are raw markup in every context, never rendered."""
    for name in ("title", "content"):
        inner = {k: v for k, v in props[name]["properties"].items() if k != "rendered"}
        inner["raw"] = {**inner["raw"], "context": ["view", "edit"]}
        props[name] = {**props[name], "properties": inner}


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
