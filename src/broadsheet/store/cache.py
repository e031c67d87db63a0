"""An in-process read cache over the store, dropped whenever the content version moves.

Archived content changes rarely and is read constantly, so each server process keeps the rows
it has read (posts, their terms and meta, users, terms) until any import or edit bumps the
``content_version`` row. The version is checked at most once per ``check_interval`` seconds,
which is how several servers behind a load balancer notice each other's writes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from ..db import Database
from . import comments, options, posts, terms, users
from .models import Comment, Post, Term, User

MAX_ID = 2**63 - 1


def _storable(row_id: int) -> bool:
    """Ids a database column can hold (bigger ones exist nowhere)."""
    return 0 < row_id <= MAX_ID


class ContentCache:
    """Memoised store reads for one process."""

    def __init__(self, db: Database, *, check_interval: float = 1.0) -> None:
        self.db = db
        self.check_interval = check_interval
        self.version = options.content_version(db)
        self._checked = time.monotonic()
        self._reset()

    def _reset(self) -> None:
        self.posts: dict[int, Post | None] = {}
        self.post_terms: dict[int, list[Term]] = {}
        self.post_meta: dict[int, dict[str, list[str]]] = {}
        self.revisions: dict[int, tuple[int, int]] = {}
        self.users: dict[int, User | None] = {}
        self.terms: dict[int, Term | None] = {}
        self.comments: dict[int, Comment | None] = {}
        self.memo: dict[Any, Any] = {}

    def refresh(self, *, force: bool = False) -> bool:
        """Drop everything if the content version moved; True when it did."""
        now = time.monotonic()
        if not force and now - self._checked < self.check_interval:
            return False
        self._checked = now
        current = options.content_version(self.db)
        if current != self.version:
            self.version = current
            self._reset()
            return True
        return False

    # -- posts ---------------------------------------------------------------------------------
    def post(self, post_id: int) -> Post | None:
        """A post by id (cached)."""
        if post_id not in self.posts:
            self.posts[post_id] = posts.get(self.db, post_id) if _storable(post_id) else None
        return self.posts[post_id]

    def load_posts(self, ids: Sequence[int]) -> None:
        """Warm the cache for many posts with a few queries (rows, terms, meta, revisions)."""
        ids = [i for i in ids if _storable(i)]
        missing = [i for i in ids if i not in self.posts]
        if missing:
            found = posts.get_many(self.db, missing)
            for pid in missing:
                self.posts[pid] = found.get(pid)
        need_terms = [i for i in ids if i not in self.post_terms]
        if need_terms:
            self.post_terms.update(terms.for_posts(self.db, need_terms))
        need_meta = [i for i in ids if i not in self.post_meta]
        if need_meta:
            self.post_meta.update(posts.meta(self.db, need_meta))
        need_rev = [i for i in ids if i not in self.revisions]
        if need_rev:
            stats = posts.revision_stats(self.db, need_rev)
            for pid in need_rev:
                self.revisions[pid] = stats.get(pid, (0, 0))

    def terms_of(self, post_id: int) -> list[Term]:
        """A post's terms, every taxonomy, in name order."""
        if post_id not in self.post_terms:
            self.load_posts([post_id])
        return self.post_terms.get(post_id, [])

    def meta_of(self, post_id: int) -> dict[str, list[str]]:
        """A post's raw meta."""
        if post_id not in self.post_meta:
            self.load_posts([post_id])
        return self.post_meta.get(post_id, {})

    def meta_value(self, post_id: int, key: str) -> str | None:
        """First value of a meta key (get_post_meta single), or None."""
        values = self.meta_of(post_id).get(key)
        return values[0] if values else None

    def revision_stats(self, post_id: int) -> tuple[int, int]:
        """(revision count, newest revision id) of a post."""
        if post_id not in self.revisions:
            self.load_posts([post_id])
        return self.revisions.get(post_id, (0, 0))

    # -- others -------------------------------------------------------------------------------
    def user(self, user_id: int) -> User | None:
        """A user by id."""
        if user_id not in self.users:
            self.users[user_id] = users.get(self.db, user_id) if _storable(user_id) else None
        return self.users[user_id]

    def term(self, term_id: int) -> Term | None:
        """A term by id (with its count)."""
        if term_id not in self.terms:
            self.terms[term_id] = terms.get(self.db, term_id) if _storable(term_id) else None
        return self.terms[term_id]

    def comment(self, comment_id: int) -> Comment | None:
        """A comment by id."""
        if comment_id not in self.comments:
            self.comments[comment_id] = comments.get(self.db, comment_id) if _storable(comment_id) else None
        return self.comments[comment_id]

    def remember(self, key: Any, compute: Any) -> Any:
        """Memoise any derived value until the next content change."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]
