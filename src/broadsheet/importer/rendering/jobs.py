"""Render jobs, run in worker processes or inline.

A worker never touches the database: each job carries the posts and the attachments their
content refers to (found by a scan of the raw markup), and the worker's
:class:`~.contexts.ShippedContext` answers from that. A post that asks for anything else (a
permalink, the latest posts, an attachment the scan missed) is handed back (``deferred``) and
rendered in the main process. Worker processes unpickle jobs and call :func:`_run_job` by
module path, so these stay module-level names.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from .attachments import AttachmentSource
from .config import RenderConfig
from .contexts import ShippedContext, _Deferred
from .pending import PendingComment, PendingPost, _comment_row, _stored_row, render_post
from .site_renderer import SiteRenderer, make_renderer

__all__ = ["worker_count"]

_PARALLEL_THRESHOLD = 2000  # pending posts + comments below which worker start-up is not worth it


@dataclass
class _Job:
    posts: list[PendingPost] = field(default_factory=list)
    attachments: dict[int, AttachmentSource | None] = field(default_factory=dict)
    oembeds: dict[int, dict[str, str]] = field(default_factory=dict)
    comments: list[PendingComment] = field(default_factory=list)


@dataclass
class _JobResult:
    posts: list[tuple[Any, ...]] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    comments: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class _Worker:
    config: RenderConfig
    renderer: SiteRenderer


_WORKER: _Worker | None = None


def _init_worker(config: RenderConfig) -> None:
    global _WORKER
    _WORKER = _Worker(config, make_renderer(config))


def _run_job(job: _Job) -> _JobResult:
    """Render a job's posts and comments from what it carries."""
    assert _WORKER is not None
    worker = _WORKER
    ctx = ShippedContext(worker.config.options, job.attachments, worker.config.content_width)
    result = _JobResult()
    for post in job.posts:
        try:
            rendered = render_post(
                worker.renderer, worker.config, post, ctx, job.oembeds.get(post.id)
            )
        except _Deferred:
            result.deferred.append(post.id)
            continue
        result.posts.append(_stored_row(post, rendered))
    result.comments = [_comment_row(worker.renderer, c, ctx) for c in job.comments]
    return result


class _InlinePool:
    """The worker API in this process (small imports, one core)."""

    def __init__(self, config: RenderConfig) -> None:
        _init_worker(config)

    def submit(self, function: Callable[[_Job], _JobResult], job: _Job) -> Future[_JobResult]:
        """Run the job now; its result as a finished future."""
        future: Future[_JobResult] = Future()
        future.set_result(function(job))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to stop."""


def _process_context() -> Any:
    """Fork where there is fork: workers start at once and need no importable ``__main__``.

    Workers only render what they are sent; they never use the database connection they
    inherit, and leave through ``os._exit``, so nothing of the parent's is closed or flushed.
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def worker_count(pending: int, workers: int | None = None) -> int:
    """How many worker processes to render ``pending`` items with (0: in this process)."""
    if workers is not None:
        return max(workers, 0)
    configured = os.environ.get("BROADSHEET_RENDER_WORKERS", "").strip()
    if configured.isdigit():
        return int(configured)
    cores = os.cpu_count() or 1
    return min(cores, 2) if cores > 1 and pending >= _PARALLEL_THRESHOLD else 0
