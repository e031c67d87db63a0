"""The channel of a WXR as site settings: title, description, URLs and language.

The settings file wins over the channel, and the channel over what was stored or inferred.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...db import Database
from ...render.escape import esc_html
from ...store import options
from .. import with_given
from ..wpjson import ImportError_

__all__ = ["apply_channel_settings", "check_version", "settings_for"]


def settings_for(settings: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Settings for a WXR import: the stored and inferred settings with the settings file's on top.

    A WXR cannot tell which plugins the site ran, so when the settings file names no
    ``extensions`` and nothing else decided them, the default (IO+) profile applies (``None``).
    The export's channel (title, URLs, language) is applied by :func:`import_file` as it is read.
    """
    merged = with_given(settings, given)
    if "extensions" not in given and not merged.get("extensions"):
        merged["extensions"] = None
    return merged


def check_version(header: Mapping[str, str]) -> None:
    """:class:`ImportError_` unless the channel gives a WXR version (so this is an export)."""
    version = header.get("wxr_version", "")
    if not re.fullmatch(r"\d+\.\d+", version):
        raise ImportError_("not a WordPress export (no valid <wp:wxr_version>)")


def apply_channel_settings(
    db: Database, header: Mapping[str, str], settings: dict[str, Any], given: Mapping[str, Any]
) -> None:
    """Store (and set in ``settings``) what the channel says and the settings file does not."""
    found: dict[str, Any] = {}
    if header.get("title"):
        found["name"] = esc_html(header["title"])
    if "description" in header:
        found["description"] = esc_html(header["description"])
    site_url = header.get("base_site_url") or header.get("link")
    home = header.get("base_blog_url") or header.get("link") or site_url
    if site_url:
        found["url"] = site_url.rstrip("/")
    if home:
        found["home"] = home.rstrip("/")
    language = header.get("language", "")
    if re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*", language):
        found["language"] = language.replace("_", "-")
        found["locale"] = language.replace("-", "_")
    values = {k: v for k, v in found.items() if k not in given}
    if values:
        settings.update(values)
        options.save(db, values)
