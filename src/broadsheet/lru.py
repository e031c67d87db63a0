"""One bounded, thread-safe, least-recently-used memory for everything a process keeps.

Rows read from the store, objects built from them, route matches and whole answers all live in
one :class:`BoundedCache` with one byte budget (``serve --cache-mb``): when an entry would take
the total over the budget, the least recently used entries go first, whatever their kind. Sizes
are estimates of what Python holds (:func:`approx_size`), not exact, but proportional to it, so
a worker's memory stays flat however many distinct requests it answers.

Each entry carries the *tags* of what it was built from (``("post", 7)``, ``("term", 3)``…, or
:data:`ANY` when it came from a query over many rows) so that a change drops exactly the entries
that depend on it (:meth:`BoundedCache.invalidate`). :class:`Dependencies` collects those tags
while a value is computed: every cached read inside the computation adds its own tags, so an
answer depends on everything it read, transitively, without anyone listing it by hand.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson

Tag = Hashable
ANY: Tag = ("any",)  # built from a query over many rows: any change may alter it

_MISSING = object()
_ENTRY_OVERHEAD = 200  # the key tuple, the entry record, the LRU links, the tag index


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS


def _as_data(value: Any) -> Any:
    sizer = getattr(value, "approx_size", None)
    if sizer is not None:
        return "x" * int(sizer() // 2)
    if isinstance(value, set | frozenset):
        return list(value)
    slots = getattr(value, "__dict__", None)
    if slots is not None:
        return slots
    raise TypeError


def approx_size(value: Any) -> int:
    """Roughly how many bytes ``value`` occupies in memory.

    Estimated from its JSON text, which orjson writes far faster than a walk in Python could
    count: twice the text plus 150 bytes per object or array, which on REST objects measured
    with tracemalloc comes out 10-50% above what Python really holds. Values orjson cannot
    encode are walked instead."""
    kind = type(value)
    if kind is str:
        return 49 + len(value)
    if kind is bytes:
        return 33 + len(value)
    try:
        text = orjson.dumps(value, default=_as_data, option=_JSON_OPTIONS)
    except (TypeError, orjson.JSONEncodeError):
        return walked_size(value)
    return 64 + 2 * len(text) + 150 * (text.count(b"{") + text.count(b"["))


def walked_size(value: Any, _depth: int = 0) -> int:
    """Roughly how many bytes ``value`` occupies in memory (containers walked, 12 levels)."""
    kind = type(value)
    if kind is str:
        return 49 + len(value)
    if kind is bytes:
        return 33 + len(value)
    if value is None or kind is bool or kind is int or kind is float:
        return 28
    if _depth > 12:
        return 64
    if kind is dict or isinstance(value, dict):
        return 232 + 40 * len(value) + sum(
            walked_size(k, _depth + 1) + walked_size(v, _depth + 1) for k, v in value.items())
    if kind is list or kind is tuple or isinstance(value, list | tuple | set | frozenset):
        return 56 + 8 * len(value) + sum(walked_size(v, _depth + 1) for v in value)
    sizer = getattr(value, "approx_size", None)
    if sizer is not None:
        return int(sizer())
    slots = getattr(value, "__dict__", None)
    if slots is not None:
        return 56 + walked_size(slots, _depth + 1)
    return 64


@dataclass(slots=True)
class _Entry:
    value: Any
    size: int
    tags: tuple[Tag, ...]


class BoundedCache:
    """A byte-budgeted LRU of tagged entries, safe to use from many threads."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget = max(0, int(budget_bytes))
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._by_tag: dict[Tag, set[Hashable]] = {}
        self._lock = threading.Lock()
        # The content version the entries belong to: a value computed from an older snapshot
        # (a request that began before a change was applied) is never stored.
        self.generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value stored under ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return default
            self._entries.move_to_end(key)
            self.hits += 1
            value, tags = entry.value, entry.tags
        Dependencies.add(tags)
        return value

    def put(self, key: Hashable, value: Any, *, tags: Iterable[Tag] = (), size: int | None = None,
            generation: int | None = None) -> None:
        """Keep ``value`` under ``key``; evicts the least recently used entries over the budget.
        A value computed for another ``generation`` than the current one is not kept."""
        if size is None:
            size = approx_size(value)
        size += _ENTRY_OVERHEAD
        tag_tuple = tuple(set(tags))
        size += 16 * len(tag_tuple)
        if size > self.budget // 4:  # one huge entry must not empty the cache
            return
        with self._lock:
            if generation is not None and generation != self.generation:
                return
            self._remove(key)
            self._entries[key] = _Entry(value, size, tag_tuple)
            self.bytes += size
            for tag in tag_tuple:
                self._by_tag.setdefault(tag, set()).add(key)
            while self.bytes > self.budget and self._entries:
                oldest = next(iter(self._entries))
                self._remove(oldest)
                self.evictions += 1

    def advance(self, generation: int, tags: Iterable[Tag] | None = None) -> int:
        """Move to a new ``generation``, dropping the entries carrying any of ``tags`` (every
        entry when ``tags`` is None); returns how many went."""
        with self._lock:
            self.generation = generation
            if tags is None:
                dropped = len(self._entries)
                self._clear()
                return dropped
            return self._invalidate(tags)

    def invalidate(self, tags: Iterable[Tag]) -> int:
        """Drop every entry carrying any of ``tags``; returns how many went."""
        with self._lock:
            return self._invalidate(tags)

    def _invalidate(self, tags: Iterable[Tag]) -> int:
        dropped = 0
        for tag in tags:
            for key in self._by_tag.pop(tag, None) or ():
                if key in self._entries:
                    self._remove(key)
                    dropped += 1
        return dropped

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self._entries.clear()
        self._by_tag.clear()
        self.bytes = 0

    def stats(self) -> dict[str, int]:
        """Entries, bytes, budget, hits, misses, evictions."""
        return {"entries": len(self._entries), "bytes": self.bytes, "budget": self.budget,
                "hits": self.hits, "misses": self.misses, "evictions": self.evictions}

    def _remove(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self.bytes -= entry.size
        for tag in entry.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]


class Dependencies:
    """The tags a computation read, collected per thread (nested computations add to their
    callers' collections too)."""

    _local = threading.local()

    @classmethod
    def add(cls, tags: Iterable[Tag]) -> None:
        """Note that the running computations read something carrying ``tags``."""
        stack: list[set[Tag]] | None = getattr(cls._local, "stack", None)
        if stack:
            for collected in stack:
                collected.update(tags)

    @classmethod
    @contextmanager
    def collect(cls) -> Iterator[set[Tag]]:
        """Collect the tags of everything read inside the block."""
        stack: list[set[Tag]] | None = getattr(cls._local, "stack", None)
        if stack is None:
            stack = cls._local.stack = []
        collected: set[Tag] = set()
        stack.append(collected)
        try:
            yield collected
        finally:
            stack.pop()


def remembered(cache: BoundedCache, key: Hashable, compute: Callable[[], Any], *,
               generation: int | None = None) -> Any:
    """``cache[key]``, computed (and its dependencies recorded) when missing."""
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    with Dependencies.collect() as tags:
        value = compute()
    cache.put(key, value, tags=tags, generation=generation)
    return value
