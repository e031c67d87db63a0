"""Gravatar URLs as WordPress builds them for ``avatar_urls`` and ``author_avatar_urls``."""

from __future__ import annotations

import hashlib
from typing import Any

SIZES = (24, 48, 96)
_DEFAULTS = {"mystery": "mm", "mm": "mm", "": "mm", "gravatar_default": ""}


def avatar_urls(email: str, settings: Any, compat: Any, *, secure: bool) -> dict[str, str]:
    """{'24': url, '48': url, '96': url} for an e-mail address (an empty one still gets URLs)."""
    normalized = email.strip().lower().encode()
    digest = hashlib.sha256(normalized).hexdigest() if compat.gravatar_sha256 else hashlib.md5(normalized).hexdigest()
    default = str(settings["avatar_default"] or "mystery")
    d = _DEFAULTS.get(default, default)
    rating = str(settings["avatar_rating"] or "G").lower()
    if secure or compat.gravatar_always_secure:
        base = f"https://secure.gravatar.com/avatar/{digest}"
    else:
        server = int(digest[0], 16) % 3
        base = f"http://{server}.gravatar.com/avatar/{digest}"
    query = f"d={d}&r={rating}" if d else f"r={rating}"
    return {str(size): f"{base}?s={size}&{query}" for size in SIZES}
