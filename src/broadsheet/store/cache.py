"""The process's read cache over the store: rows, and anything derived from them, bounded and
invalidated precisely.

Archived content changes rarely and is read constantly, so each server process keeps the rows
it has read (posts with their terms, meta and revision counts; users, terms, comments, negative
lookups too) and the values built from them (:meth:`ContentCache.remember`) in one
:class:`~broadsheet.lru.BoundedCache`. Each entry is tagged with the objects it was read from,
so when another process or server commits a change (``store/changes.py``), the request core
drops exactly what depends on the changed objects; whatever came from a query over many rows (lists,
counts, searches) carries the :data:`~broadsheet.lru.ANY` tag and goes with every change.

Store queries run with ``env.db`` (:attr:`ContentCache.queries`) are noticed by
:class:`TrackedDatabase`, which marks the computation as depending on ``ANY``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from ..db import Database
from ..lru import ANY, BoundedCache, Dependencies, Tag, remembered
from . import comments, posts, terms, users
from .models import Comment, Post, Term, User

MAX_ID = 2**63 - 1
DEFAULT_BUDGET = 64 * 1024 * 1024  # a cache of one's own (imports, tools); servers pass theirs
_MISSING = object()


def _storable(row_id: int) -> bool:
    """Ids a database column can hold (bigger ones exist nowhere)."""
    return 0 < row_id <= MAX_ID


def _tags(kind: str, ids: Any) -> list[Tag]:
    return [(kind, i) for i in ids]


class TrackedDatabase:
    """The database as request code sees it: any statement run through it makes the running
    computation depend on everything (``ANY``), since a query over many rows can change with
    any write. Everything else is the wrapped :class:`Database`'s."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        Dependencies.add((ANY,))
        return self._db.execute(sql, params)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        Dependencies.add((ANY,))
        return self._db.all(sql, params)

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        Dependencies.add((ANY,))
        return self._db.one(sql, params)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        Dependencies.add((ANY,))
        return self._db.scalar(sql, params)


class ContentCache:
    """Memoised store reads and derived values, shared by every thread of a process."""

    def __init__(self, db: Database, store: BoundedCache | None = None) -> None:
        self.db = db
        # for queries over many rows (they depend on ANY); the Database's interface, by proxy
        self.queries = cast(Database, TrackedDatabase(db))
        self.store = store if store is not None else BoundedCache(DEFAULT_BUDGET)
        self._local = threading.local()

    # -- versions ------------------------------------------------------------------------------
    def _generation(self) -> int | None:
        return getattr(self._local, "version", None)

    @contextmanager
    def reading_at(self, version: int) -> Iterator[None]:
        """Within the block this thread reads a snapshot at content ``version``: what it computes
        is kept only while that is still the cache's version."""
        before = getattr(self._local, "version", None)
        self._local.version = version
        try:
            yield
        finally:
            self._local.version = before

    # -- generic -----------------------------------------------------------------------------
    def remember(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Memoise any value derived from the store until something it read changes."""
        return remembered(self.store, ("memo", key), compute, generation=self._generation())

    def peek(self, key: Hashable, default: Any = None) -> Any:
        """A value :meth:`keep` stored, or ``default``."""
        return self.store.get(("memo", key), default)

    def keep(self, key: Hashable, value: Any, tags: Sequence[Tag]) -> None:
        """Store a derived value that depends on ``tags`` (see :class:`Dependencies`)."""
        self.store.put(("memo", key), value, tags=tags, generation=self._generation())

    def _row(self, kind: str, row_id: int, load: Callable[[int], Any], *extra: Tag) -> Any:
        key = (kind, row_id)
        value = self.store.get(key, _MISSING)
        if value is _MISSING:
            value = load(row_id) if _storable(row_id) else None
            tags = [(kind, row_id), *extra]
            self._put(key, value, tags)
            Dependencies.add(tags)
        return value

    def _put(self, key: Hashable, value: Any, tags: Sequence[Tag]) -> None:
        self.store.put(key, value, tags=tags, generation=self._generation())

    # -- posts ---------------------------------------------------------------------------------
    def post(self, post_id: int) -> Post | None:
        """A post by id."""
        return self._row("post", post_id, lambda i: posts.get(self.db, i))  # type: ignore[no-any-return]

    def has_post(self, post_id: int) -> bool:
        """Whether this post's row (or its absence) is cached."""
        return ("post", post_id) in self.store

    def peek_post(self, post_id: int) -> Post | None:
        """The cached row of a post (None when absent or not cached)."""
        return self.store.get(("post", post_id))  # type: ignore[no-any-return]

    def keep_posts(self, found: dict[int, Post | None]) -> None:
        """Cache rows read elsewhere (None: no such post)."""
        for pid, post in found.items():
            self._put(("post", pid), post, [("post", pid)])

    def load_posts(self, ids: Sequence[int]) -> None:
        """Warm the cache for many posts with a few queries (rows, terms, meta, revisions)."""
        ids = list(dict.fromkeys(i for i in ids if _storable(i)))
        Dependencies.add(_tags("post", ids))
        missing = [i for i in ids if ("post", i) not in self.store]
        if missing:
            found = posts.get_many(self.db, missing)
            self.keep_posts({pid: found.get(pid) for pid in missing})
        need_terms = [i for i in ids if ("post_terms", i) not in self.store]
        if need_terms:
            for pid, found_terms in terms.for_posts(self.db, need_terms).items():
                self._put(("post_terms", pid), found_terms, [("post", pid), *_tags("term", (t.id for t in found_terms))])
        need_meta = [i for i in ids if ("post_meta", i) not in self.store]
        if need_meta:
            for pid, meta in posts.meta(self.db, need_meta).items():
                self._put(("post_meta", pid), meta, [("post", pid)])
        need_rev = [i for i in ids if ("revisions", i) not in self.store]
        if need_rev:
            stats = posts.revision_stats(self.db, need_rev)
            for pid in need_rev:
                self._put(("revisions", pid), stats.get(pid, (0, 0)), [("post", pid)])

    def _post_part(self, kind: str, post_id: int, default: Any) -> Any:
        value = self.store.get((kind, post_id), _MISSING)
        if value is _MISSING:
            self.load_posts([post_id])
            value = self.store.get((kind, post_id), _MISSING)
            if value is _MISSING:  # too large to keep, or not a storable id: read it again
                return self._read_part(kind, post_id, default)
        return value

    def _read_part(self, kind: str, post_id: int, default: Any) -> Any:
        if not _storable(post_id):
            return default
        Dependencies.add((("post", post_id),))
        if kind == "post_terms":
            return terms.for_posts(self.db, [post_id]).get(post_id, default)
        if kind == "post_meta":
            return posts.meta(self.db, [post_id]).get(post_id, default)
        return posts.revision_stats(self.db, [post_id]).get(post_id, default)

    def terms_of(self, post_id: int) -> list[Term]:
        """A post's terms, every taxonomy, in name order."""
        return self._post_part("post_terms", post_id, [])  # type: ignore[no-any-return]

    def meta_of(self, post_id: int) -> dict[str, list[str]]:
        """A post's raw meta."""
        return self._post_part("post_meta", post_id, {})  # type: ignore[no-any-return]

    def meta_value(self, post_id: int, key: str) -> str | None:
        """First value of a meta key (get_post_meta single), or None."""
        values = self.meta_of(post_id).get(key)
        return values[0] if values else None

    def revision_stats(self, post_id: int) -> tuple[int, int]:
        """(revision count, newest revision id) of a post."""
        return self._post_part("revisions", post_id, (0, 0))  # type: ignore[no-any-return]

    # -- others -------------------------------------------------------------------------------
    def user(self, user_id: int) -> User | None:
        """A user by id."""
        return self._row("user", user_id, lambda i: users.get(self.db, i))  # type: ignore[no-any-return]

    def term(self, term_id: int) -> Term | None:
        """A term by id (with its count, which any post change may move)."""
        return self._row("term", term_id, lambda i: terms.get(self.db, i), ANY)  # type: ignore[no-any-return]

    def comment(self, comment_id: int) -> Comment | None:
        """A comment by id."""
        return self._row("comment", comment_id, lambda i: comments.get(self.db, i))  # type: ignore[no-any-return]
