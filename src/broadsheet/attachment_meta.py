"""An attachment's stored metadata (the ``_wp_attachment_metadata`` meta value), decoded.

WordPress stores it PHP-serialized; an import from the REST API stores the ``media_details`` it
was shown, as JSON. The renderer (image sizes for ``<img>`` markup) and the REST media
object's ``media_details`` both read it through :func:`decode_metadata`.
"""

from __future__ import annotations

from typing import Any

from . import phpjson, phpserialize

__all__ = ["decode_metadata"]


def decode_metadata(raw: str | None) -> dict[str, Any]:
    """The metadata as a dict: ``{}`` when it is missing, malformed or not an array."""
    if not raw:
        return {}
    text = raw.strip()
    try:
        value = phpjson.loads(text) if text.startswith("{") else phpserialize.unserialize(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
