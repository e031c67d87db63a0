"""Everything a request needs that is not the request: site, store, caches, extensions."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import extensions as ext
from .db import Database
from .lru import BoundedCache
from .permalinks import Permalinks
from .site import Site
from .store import options
from .store.cache import ContentCache


@dataclass
class Env:
    """The world a request is served from (one per process, rebuilt when settings change).

    ``db`` is the database as request code queries it (a :class:`TrackedDatabase`: what a query
    returns depends on any change); keyed reads go through ``cache``."""

    db: Database
    site: Site
    cache: ContentCache
    extensions: list[ext.Extension] = field(default_factory=list)

    @classmethod
    def open(cls, db: Database, store: BoundedCache | None = None) -> Env:
        """Build from the stored settings, caching in ``store`` (a cache of its own if None)."""
        settings = options.load(db)
        extensions = ext.load_all(settings["extensions"])
        site = Site(settings)
        cache = ContentCache(db, store)
        return cls(cache.queries, site, cache, extensions)

    @cached_property
    def links(self) -> Permalinks:
        """Permalink builder."""
        return Permalinks(self.site, self.cache)

    @cached_property
    def rest_field_order(self) -> dict[str, list[str]]:
        """Additional REST field names per post type, in output order.

        A site imported from a live WordPress records the order its REST objects showed
        (setting ``rest_fields``); otherwise the enabled extensions' registration order is used.
        """
        recorded = self.site.settings["rest_fields"]
        out: dict[str, list[str]] = {}
        for post_type in self.site.post_types:
            from_ext = [f.name for f in ext.fields_for(self.extensions, post_type)]
            if isinstance(recorded, dict) and post_type in recorded:
                out[post_type] = list(recorded[post_type])
            else:
                out[post_type] = from_ext
        return out

    def field_getter(self, post_type: str, name: str) -> Any:
        """The extension field that computes ``name`` for this type, or None (kept verbatim)."""
        return self._field_getters.get((post_type, name))

    @cached_property
    def _field_getters(self) -> dict[tuple[str, str], ext.RestField]:
        found: dict[tuple[str, str], ext.RestField] = {}
        for post_type in self.site.post_types:
            for field_def in ext.fields_for(self.extensions, post_type):
                found.setdefault((post_type, field_def.name), field_def)
        return found

    @cached_property
    def registered_meta(self) -> dict[str, list[ext.MetaKey]]:
        """Registered REST meta keys per post type, in output order."""
        configured = self.site.settings["registered_meta"]
        if configured is None and self.site.settings["extensions"] is None:
            configured = ext.DEFAULT_REGISTERED_META  # the default profile's meta keys
        out: dict[str, list[ext.MetaKey]] = {}
        for post_type in self.site.post_types:
            if isinstance(configured, dict):
                entries = configured.get(post_type, [])
                out[post_type] = [
                    ext.MetaKey(e["key"], e.get("type", "string"), e.get("default", ""), (post_type,))
                    for e in entries
                ]
                continue
            keys = [m for e in self.extensions for m in e.meta_keys if post_type in m.object_types]
            if self.site.compat.footnotes_meta and post_type in ("post", "page"):
                keys.append(ext.MetaKey("footnotes", "string", "", ("post", "page")))
            out[post_type] = keys
        return out

