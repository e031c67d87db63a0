"""The render pass: render every pending post and comment and store the result.

It runs after every row of an import is written (an importer may also :meth:`~RenderPass.submit`
rows early), so internal links and the Latest Posts block see the whole site. Posts a worker
deferred are rendered last, in this process, with
:class:`~.contexts.StoreRenderContext`; both paths run the same code, so the result does not
depend on the path.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ...db import Database, chunks
from ...settings import SiteSettings
from ...store import writer
from ...store.models import Comment, Post
from .attachments import AttachmentSource, may_show_attachment_links, referenced_attachments
from .config import render_config
from .contexts import StoreRenderContext
from .jobs import (
    _init_worker,
    _InlinePool,
    _Job,
    _JobResult,
    _process_context,
    _run_job,
    worker_count,
)
from .pending import PENDING, PendingComment, PendingPost, _stored_row, render_post
from .site_renderer import make_renderer

__all__ = ["RenderPass", "RenderStats", "mark_for_rendering", "render_pending"]


@dataclass
class RenderStats:
    """What a render pass did."""

    posts: int = 0
    comments: int = 0
    workers: int = 0


_POST_CHUNK = 100
_COMMENT_CHUNK = 500
_POST_COLUMNS_PENDING = (
    "id, type, status, title_raw, content_raw, excerpt_raw, modified_gmt, modified"
)


def _pending_rows(rows: list[tuple[Any, ...]]) -> list[PendingPost]:
    return [
        PendingPost(int(r[0]), r[1], r[2], r[3] or "", r[4] or "", r[5] or "", r[6], r[7])
        for r in rows
    ]


def _pending_posts(db: Database, after: int, limit: int) -> list[PendingPost]:
    return _pending_rows(db.all(
        f"SELECT {_POST_COLUMNS_PENDING} FROM posts WHERE rendered_by = ? AND id > ? ORDER BY id LIMIT ?",
        (PENDING, after, limit),
    ))  # fmt: skip


def _posts_by_id(db: Database, ids: Sequence[int]) -> list[PendingPost]:
    marks = ", ".join("?" for _ in ids)
    return _pending_rows(db.all(
        f"SELECT {_POST_COLUMNS_PENDING} FROM posts WHERE id IN ({marks}) AND rendered_by = ? ORDER BY id",
        [*ids, PENDING],
    ))  # fmt: skip


def _oembed_meta(db: Database, posts: Sequence[PendingPost]) -> dict[int, dict[str, str]]:
    ids = [p.id for p in posts if "embed" in p.content_raw]
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = db.all(
        f"SELECT post_id, key, value FROM postmeta WHERE post_id IN ({marks}) AND key LIKE '\\_oembed\\_%' ESCAPE '\\'",
        ids,
    )
    found: dict[int, dict[str, str]] = {}
    for post_id, key, value in rows:
        found.setdefault(int(post_id), {})[key] = value
    return found


class RenderPass:
    """Renders pending posts and comments and stores the result (``rendered_by = 'broadsheet'``).

    An importer may :meth:`submit` rows as soon as it has written them, so worker processes
    render while it reads on; a post is only sent early when every attachment it names is
    already stored, and its result is only kept if the row is still the version that was sent.
    :meth:`finish` then renders whatever is still pending (the database decides), and last, in
    this process, the posts that needed the database while rendering.
    """

    def __init__(self, db: Database, settings: SiteSettings, *, workers: int = 0,
                 progress: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.db = db
        self.settings = settings
        self.config = render_config(settings)
        self.store_ctx = StoreRenderContext(db, settings, self.config)
        self.stats = RenderStats(workers=workers)
        self.progress = progress
        self._last_progress = 0.0
        self._deferred: list[int] = []
        self._in_flight: deque[Future[_JobResult]] = deque()
        self._pool: Any = None

    # -- the pool ------------------------------------------------------------------------------
    def _ensure_pool(self) -> Any:
        if self._pool is None:
            if self.stats.workers:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.stats.workers, mp_context=_process_context(),
                    initializer=_init_worker, initargs=(self.config,),
                )  # fmt: skip
            else:
                self._pool = _InlinePool(self.config)
        return self._pool

    def _submit(self, job: _Job) -> None:
        self._in_flight.append(self._ensure_pool().submit(_run_job, job))
        limit = max(self.stats.workers, 1) * 4
        while self._in_flight and (len(self._in_flight) > limit or self._in_flight[0].done()):
            self._store(self._in_flight.popleft().result())

    def _drain(self) -> None:
        while self._in_flight:
            self._store(self._in_flight.popleft().result())

    def close(self) -> None:
        """Stop the workers (after an error: results still in flight are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._in_flight.clear()

    def _store(self, result: _JobResult) -> None:
        writer.store_rendering(self.db, result.posts)
        writer.store_comment_rendering(self.db, result.comments)
        self._deferred.extend(result.deferred)
        self.stats.posts += len(result.posts)
        self.stats.comments += len(result.comments)
        self._report()

    def _report(self) -> None:
        if self.progress is None or time.monotonic() - self._last_progress < 0.2:
            return
        self._last_progress = time.monotonic()
        self.progress(f"rendered {self.stats.posts:,} posts, {self.stats.comments:,} comments")

    # -- early submission (while an import is still reading) -----------------------------------
    def submit(self, posts: Sequence[Post], comments: Sequence[Comment]) -> None:
        """Render freshly written pending rows now, where nothing they need is missing yet."""
        if not self.stats.workers:
            return  # in one process, rendering at the end costs the same and sees everything
        self.store_ctx.reset()
        pending = [PendingPost.of(post) for post in posts if post.rendered_by == PENDING]
        wanted = {post.id: referenced_attachments(post) for post in pending}
        sources = self.store_ctx.attachment_sources(
            [i for ids in wanted.values() for i in ids], final=False, links=False
        )
        ready = [post for post in pending if all(sources[i] is not None for i in wanted[post.id])]
        self._add_links(sources, ready, wanted, final=False)
        self.store_ctx.forget_missing()
        for part in chunks(ready, _POST_CHUNK):
            shipped = {i: sources[i] for post in part for i in wanted[post.id]}
            self._submit(_Job(posts=part, attachments=shipped, oembeds=_oembed_meta(self.db, part)))
        waiting = [PendingComment.of(c) for c in comments if c.rendered_by == PENDING]
        for part_comments in chunks(waiting, _COMMENT_CHUNK):
            self._submit(_Job(comments=part_comments))

    def _add_links(self, sources: dict[int, AttachmentSource | None], posts: Sequence[PendingPost],
                   wanted: Mapping[int, list[int]], *, final: bool = True) -> None:  # fmt: skip
        """Give the attachments of posts that may show attachment page links their links."""
        ids = [i for post in posts if may_show_attachment_links(post) for i in wanted[post.id]]
        if ids:
            sources.update(self.store_ctx.attachment_sources(ids, final=final))

    def before_replacing(self) -> None:
        """The importer is about to replace stored posts (a newer copy of an item)."""
        self.store_ctx.before_replacing()

    # -- the rest ------------------------------------------------------------------------------
    def finish(self) -> RenderStats:
        """Render everything still pending; returns what the whole pass did."""
        try:
            self._drain()
            self.store_ctx.forget_missing(everything=True)
            for job in self._remaining_jobs():
                self._submit(job)
            self._drain()
        finally:
            self.close()
        self._render_deferred()
        return self.stats

    def _remaining_jobs(self) -> Iterator[_Job]:
        after = 0
        while posts := _pending_posts(self.db, after, _POST_CHUNK):
            after = posts[-1].id
            self.store_ctx.reset()
            wanted = {post.id: referenced_attachments(post) for post in posts}
            sources = self.store_ctx.attachment_sources(
                [i for ids in wanted.values() for i in ids], links=False
            )
            self._add_links(sources, posts, wanted)
            yield _Job(posts=posts, attachments=sources, oembeds=_oembed_meta(self.db, posts))
        after = 0
        while rows := self.db.all(
            "SELECT id, content_raw, author_name, author_email, author_url, author_ip FROM comments"
            " WHERE rendered_by = ? AND id > ? ORDER BY id LIMIT ?",
            (PENDING, after, _COMMENT_CHUNK),
        ):
            after = int(rows[-1][0])
            yield _Job(
                comments=[
                    PendingComment(int(r[0]), r[1] or "", r[2], r[3], r[4], r[5]) for r in rows
                ]
            )

    def _render_deferred(self) -> None:
        if not self._deferred:
            return
        renderer = make_renderer(self.config)
        for ids in chunks(self._deferred, _POST_CHUNK):
            self.store_ctx.reset()
            posts = _posts_by_id(self.db, ids)
            oembeds = _oembed_meta(self.db, posts)
            rows = [
                _stored_row(post, render_post(renderer, self.config, post, self.store_ctx, oembeds.get(post.id)))
                for post in posts
            ]  # fmt: skip
            writer.store_rendering(self.db, rows)
            self.stats.posts += len(rows)
            self._report()
        self._deferred = []


def render_pending(db: Database, settings: SiteSettings, *, progress: Callable[[str], None] | None = None,
                   workers: int | None = None) -> RenderStats:  # fmt: skip
    """Render every pending post and comment and store the result (``rendered_by = 'broadsheet'``)."""
    pending = int(db.scalar("SELECT COUNT(*) FROM posts WHERE rendered_by = ?", (PENDING,)) or 0)
    pending += int(
        db.scalar("SELECT COUNT(*) FROM comments WHERE rendered_by = ?", (PENDING,)) or 0
    )
    if not pending:
        return RenderStats()
    return RenderPass(
        db, settings, workers=worker_count(pending, workers), progress=progress
    ).finish()


def mark_for_rendering(db: Database, *, types: Sequence[str] | None = None) -> int:
    """Queue stored posts that have raw content (and comments) to be rendered again."""
    where = "content_raw IS NOT NULL AND title_raw IS NOT NULL AND type <> 'revision'"
    params: list[Any] = [PENDING]
    if types:
        where += f" AND type IN ({', '.join('?' for _ in types)})"
        params.extend(types)
    count = db.execute(f"UPDATE posts SET rendered_by = ? WHERE {where}", params).rowcount
    db.execute("UPDATE comments SET rendered_by = ? WHERE content_raw IS NOT NULL", (PENDING,))
    return int(count or 0)
