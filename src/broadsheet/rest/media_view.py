"""The attachment-only fields of a media object (description, caption, media_details, …)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..attachment_meta import decode_metadata
from ..phpjson import JsonObject

if TYPE_CHECKING:
    from ..env import Env
    from .posts_view import PostView


def attachment_metadata(env: Env, post_id: int) -> dict[str, Any]:
    """The attachment's metadata (``_wp_attachment_metadata``: PHP-serialized or JSON)."""
    return decode_metadata(env.cache.meta_value(post_id, "_wp_attachment_metadata"))


def _size_entry(size: dict[str, Any], base_url: str) -> dict[str, Any]:
    entry = dict(size)
    mime = entry.pop("mime-type", entry.pop("mime_type", None))
    if mime is not None:
        entry["mime_type"] = mime
    entry["source_url"] = f"{base_url}/{size.get('file', '')}"
    return entry


def media_details(env: Env, view: PostView) -> Any:
    """media_details: metadata with each size's source_url and a synthesized 'full' size."""
    meta = attachment_metadata(env, view.post.id)
    if not meta:
        return JsonObject()
    details = dict(meta)
    source = env.links.attachment_url(view.post)
    base = source.rsplit("/", 1)[0]
    sizes = meta.get("sizes")
    if isinstance(sizes, dict) and sizes:
        out = {name: _size_entry(size, base) for name, size in sizes.items() if isinstance(size, dict)}
        if view.post.mime_type.startswith("image/") and "width" in meta:
            out["full"] = {
                "file": source.rsplit("/", 1)[-1], "width": meta.get("width"),
                "height": meta.get("height"), "mime_type": view.post.mime_type, "source_url": source,
            }
        details["sizes"] = out
    else:
        details["sizes"] = JsonObject()
    return details


def attachment_field(env: Env, view: PostView, name: str, context: str) -> Any:
    """The value of one attachment-only field."""
    post = view.post
    if name == "description":
        out: dict[str, Any] = {}
        if context == "edit":
            out["raw"] = post.content_raw or ""
        out["rendered"] = post.content_rendered
        return out
    if name == "caption":
        out = {}
        if context == "edit":
            out["raw"] = post.excerpt_raw or ""
        out["rendered"] = post.excerpt_rendered
        return out
    if name == "alt_text":
        return env.cache.meta_value(post.id, "_wp_attachment_image_alt") or ""
    if name == "media_type":
        return "image" if post.mime_type.startswith("image/") else "file"
    if name == "mime_type":
        return post.mime_type
    if name == "media_details":
        return media_details(env, view)
    if name == "post":
        return post.parent or None
    if name == "source_url":
        return env.links.attachment_url(post)
    if name == "missing_image_sizes":
        return post.fields.get("missing_image_sizes", [])
    return None
