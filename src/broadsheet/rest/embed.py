"""``_embed``: resolving embeddable links by internal GET requests, as WordPress does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import phpjson

if TYPE_CHECKING:
    from .server import RequestState, RestServer


def _truthy(value: Any) -> bool:
    return bool(value) if not isinstance(value, dict | list) else len(value) > 0


def embed_links(server: RestServer, data: Any, embed: list[str] | bool, state: RequestState,
                user: Any) -> Any:
    """Add ``_embedded`` to one object: every embeddable link (or the named rels) dispatched."""
    if not isinstance(data, dict) or not data.get("_links"):
        return data
    embedded: dict[str, list[Any]] = {}
    for rel, links in data["_links"].items():
        if isinstance(embed, list) and rel not in embed:
            continue
        results: list[Any] = []
        for link in links:
            if not link.get("embeddable"):
                results.append([])
                continue
            href = link["href"]
            if href not in state.embed_cache:
                state.embed_cache[href] = server.internal_get(href, user, state)
            results.append(state.embed_cache[href])
        if any(_truthy(r) for r in results):
            embedded[rel] = results
    if embedded:
        return phpjson.extended(data, "_embedded", embedded)
    return data
