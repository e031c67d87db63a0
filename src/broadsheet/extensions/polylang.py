"""Polylang (free): language directories in permalinks; it adds no REST fields.

The ``/en/`` prefix of the IO+ archive lives in the permalink structure settings; Polylang free
sets no language in REST requests without ``?lang=``, so author links carry no prefix.
"""

from __future__ import annotations

from typing import Any

from . import Extension


def build(config: dict[str, Any]) -> Extension:
    """The Polylang extension (nothing to add to REST objects)."""
    return Extension("polylang", "Polylang language directories", config=config)
