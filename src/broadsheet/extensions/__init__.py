"""Site extensions: the REST fields, meta keys and blocks that a site's plugins add.

An extension is what a WordPress plugin contributes to the observable API, written against the
same hooks a third party would use: ``rest_fields`` (register_rest_field), ``meta_keys``
(register_post_meta), ``register_blocks`` (dynamic blocks and render filters) and
``collection_params`` (extra query parameters). A site switches extensions on in its
``extensions`` setting; see docs/extensions.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..rest.posts_view import PostView

FieldGetter = Callable[["PostView"], Any]


@dataclass(frozen=True)
class RestField:
    """A field added to objects of some post types, after the core fields."""

    name: str
    object_types: tuple[str, ...]
    get: FieldGetter
    schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class MetaKey:
    """A meta key shown in ``meta`` (register_post_meta with show_in_rest)."""

    key: str
    type: str  # string, boolean, integer, number, array, object
    default: Any
    object_types: tuple[str, ...] = ("post", "page")
    description: str = ""


@dataclass
class Extension:
    """What one plugin contributes."""

    name: str
    description: str
    fields: list[RestField] = field(default_factory=list)
    meta_keys: list[MetaKey] = field(default_factory=list)
    register_blocks: Callable[[Any], None] | None = None
    collection_params: Callable[[str, dict[str, Any]], None] | None = None
    config: dict[str, Any] = field(default_factory=dict)


# Known extensions, in the order a site with all of them registers their fields (plugins load
# alphabetically by folder; Blocksy, a theme, registers on init before any rest_api_init).
KNOWN = ("blocksy", "acf", "publishpress_blocks", "visual_link_preview", "polylang")

# The IO+ archive's stack: the default profile when a site's settings name no extensions.
DEFAULT_EXTENSIONS: dict[str, dict[str, Any]] = {
    "blocksy": {},
    "acf": {
        "field_groups": [
            {"post_types": ["post"], "fields": [
                {"name": "subtitle", "type": "text"},
                {"name": "text_display_homepage", "type": "true_false"},
            ]},
            {"post_types": ["page"], "fields": []},
        ]
    },
    "publishpress_blocks": {},
    "visual_link_preview": {},
    "polylang": {},
}

# The REST meta keys the IO+ archive shows on posts and pages (ACF's, PublishPress Blocks', and
# the footnotes key that WordPress core registers from 6.3 and the oracle registers on 6.1).
_IOPLUS_META: list[dict[str, Any]] = [
    {"key": "_acf_changed", "type": "boolean", "default": False},
    {"key": "advgb_blocks_editor_width", "type": "string", "default": ""},
    {"key": "advgb_blocks_columns_visual_guide", "type": "string", "default": ""},
    {"key": "footnotes", "type": "string", "default": ""},
]
DEFAULT_REGISTERED_META: dict[str, list[dict[str, Any]]] = {"post": _IOPLUS_META, "page": _IOPLUS_META}


def load(name: str, config: dict[str, Any] | None = None) -> Extension:
    """Build the extension called ``name`` with its site configuration."""
    if name not in KNOWN:
        raise ValueError(f"unknown extension {name!r} (known: {', '.join(KNOWN)})")
    module = import_module(f"{__name__}.{name}")
    build = getattr(module, "build", None)
    if build is not None:
        return build(dict(config or {}))  # type: ignore[no-any-return]
    return Extension(name, (module.__doc__ or "").strip().splitlines()[0],
                     register_blocks=getattr(module, "register_blocks", None), config=dict(config or {}))


def enabled(setting: Any) -> dict[str, dict[str, Any]]:
    """The ``extensions`` setting as {name: config}, in registration order."""
    if setting is None:
        return {k: dict(v) for k, v in DEFAULT_EXTENSIONS.items()}
    if isinstance(setting, list):
        setting = {name: {} for name in setting}
    ordered = {name: dict(setting[name] or {}) for name in KNOWN if name in setting}
    return ordered


def load_all(setting: Any) -> list[Extension]:
    """Every extension the setting switches on, in registration order."""
    return [load(name, config) for name, config in enabled(setting).items()]


def rendering_extensions(setting: Any) -> tuple[str, ...]:
    """The extensions the setting switches on that have a ``register_blocks`` hook (they take
    part in rendering raw content), in registration order."""
    return tuple(
        name
        for name, config in enabled(setting).items()
        if load(name, config).register_blocks is not None
    )


def fields_for(extensions: Iterable[Extension], post_type: str) -> list[RestField]:
    """The REST fields the extensions add to a post type, in registration order."""
    return [f for ext in extensions for f in ext.fields if post_type in f.object_types]
