"""Blocksy theme: the ``blocksy_meta`` field (the post's Blocksy options, ``[]`` when unset)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import phpserialize
from . import Extension, RestField

if TYPE_CHECKING:
    from ..rest.posts_view import PostView


def blocksy_meta(view: PostView) -> Any:
    """The stored ``blocksy_post_meta_options`` array, or the value a REST import kept, or []."""
    raw = view.meta("blocksy_post_meta_options")
    if raw:
        value = phpserialize.maybe_unserialize(raw)
        value = phpserialize.php_array_to_python(value) if value is not False else []
        return value if isinstance(value, dict) and value else []
    kept = view.post.fields.get("blocksy_meta")
    return kept if kept is not None else []


def build(config: dict[str, Any]) -> Extension:
    """The Blocksy extension."""
    types = tuple(config.get("post_types", ("post", "page")))
    return Extension("blocksy", "Blocksy theme post options in REST",
                     fields=[RestField("blocksy_meta", types, blocksy_meta)], config=config)
