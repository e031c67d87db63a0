"""Link relations: compaction into ``wp:`` curies, as WordPress serialises ``_links``."""

from __future__ import annotations

from typing import Any

API_REL = "https://api.w.org/"
CURIES = [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}]


def compact(links: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Rename ``https://api.w.org/x`` rels to ``wp:x`` and append the curies entry."""
    if not links:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    used = False
    for rel, items in links.items():
        if rel.startswith(API_REL):
            out["wp:" + rel[len(API_REL):]] = items
            used = True
        else:
            out[rel] = items
    if used:
        out["curies"] = [dict(c) for c in CURIES]
    return out
