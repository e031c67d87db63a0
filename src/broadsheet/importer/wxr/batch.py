"""Writing entries in batches: a post is written only when newer than the stored one.

Of two versions of a post (in the file, or in the file and the store) the one modified later
wins; on a tie the one seen first stays. Pending posts are stored without search keys and,
with their new or changed comments, handed to the render pass, which adds the keys with the
rendered HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...db import Database, chunks
from ...store import writer
from ...store.models import Comment, Post
from ..rendering import PENDING, RenderPass
from .comments import write_comments

__all__ = ["BATCH_SIZE", "Batch", "Entry"]

BATCH_SIZE = 500


@dataclass
class Entry:
    """One post as it is written: the post, its meta by key, its term ids and its comments."""

    post: Post
    meta: dict[str, list[str]]
    term_ids: list[int]
    comments: list[Comment]


class Batch:
    """Entries waiting to be written, by post id."""

    def __init__(self, db: Database, report: Any) -> None:
        self.db = db
        self.report = report
        self.render: RenderPass | None = None  # where pending rows go, once there is one
        self._entries: dict[int, Entry] = {}

    def add(self, entry: Entry) -> None:
        """Queue an item's entry (the newer of two with one id); write a full batch."""
        current = self._entries.get(entry.post.id)
        if current is None or _newer(entry.post, current.post):
            self._entries[entry.post.id] = entry
        if len(self._entries) >= BATCH_SIZE:
            self.flush()

    def add_all(self, entries: Iterable[Entry]) -> None:
        """Queue entries as they are (a later one replaces an earlier one with its id); write them."""
        for entry in entries:
            self._entries[entry.post.id] = entry
        self.flush()

    def flush(self) -> None:
        """Write the queued entries that are newer than the stored posts, with all their comments."""
        entries = list(self._entries.values())
        self._entries = {}
        if not entries:
            return
        stored: dict[int, tuple[str, str]] = {}
        for chunk in chunks([e.post.id for e in entries]):
            marks = ", ".join("?" for _ in chunk)
            sql = f"SELECT id, modified_gmt, modified FROM posts WHERE id IN ({marks})"
            for row in self.db.all(sql, chunk):
                stored[int(row[0])] = (row[1], row[2])
        write = [
            e
            for e in entries
            if e.post.id not in stored or _newer(e.post, _Dates(*stored[e.post.id]))
        ]
        self.report.skipped_posts += len(entries) - len(write)
        replaced = [e.post.id for e in write if e.post.id in stored]
        if replaced and self.render is not None:
            self.render.before_replacing()
        writer.delete_by_ids(self.db, "posts", replaced)
        pending = [e.post for e in write if e.post.rendered_by == PENDING]
        writer.insert_posts(self.db, pending, keys=False)  # keys come with the rendering
        writer.insert_posts(self.db, [e.post for e in write if e.post.rendered_by != PENDING])
        writer.replace_posts_meta(self.db, {e.post.id: e.meta for e in write})
        writer.replace_posts_terms(self.db, {e.post.id: e.term_ids for e in write})
        self.report.posts += len(write)
        comments = write_comments(self.db, [c for e in entries for c in e.comments])
        self.report.comments += len(comments)
        if self.render is not None:
            self.render.submit(pending, comments)


@dataclass
class _Dates:
    modified_gmt: str
    modified: str


def _newer(post: Post, than: Post | _Dates) -> bool:
    return (post.modified_gmt, post.modified) > (than.modified_gmt, than.modified)
