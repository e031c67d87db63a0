"""The request core: every HTTP request, whatever the transport, takes this one path.

``Core.handle(HttpRequest) -> Served`` is the whole server without a socket: it authenticates
the caller, looks the answer up in the response cache (the user is part of every key), opens one
read snapshot of the database for the request, catches up with content changes, and hands the
request to the first mount that claims it (:data:`MOUNTS`: the REST API now; the reader site
and other surfaces later), falling back to a 404 page. The ASGI and RSGI adapters in
``app.py`` only translate between their protocol and :class:`HttpRequest`/:class:`Served`.

Concurrency: database work never runs on the event loop. ``Core.serve`` answers a cache hit
directly (a dictionary lookup) and runs everything else in a thread pool (``threads``), each
thread with its own database connection (``db.reading()``, see ``db/``). Memory: everything the
process keeps — rows, built objects, route matches, answers — lives in one
:class:`~broadsheet.lru.BoundedCache` with one byte budget (``--cache-mb``). Invalidation: a
watcher thread learns of new content versions (PostgreSQL ``LISTEN``, and a poll of the version
stamp twice a second, which also recovers notifications lost while disconnected) and drops
what the changes touch; a request that reads a newer version first catches up itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import clock
from .db import Database
from .env import Env
from .lru import ANY, BoundedCache, Dependencies
from .rest.mount import RestMount, error_answer
from .rest.request import parse_php_query
from .rest.server import Served
from .store import changes

log = logging.getLogger("broadsheet")

DEFAULT_CACHE_MB = 128
DEFAULT_THREADS = 4
MAX_BODY = 10 * 1024 * 1024
POLL_INTERVAL = 0.5  # seconds between checks of the version stamp

# Request headers that can make an answer differ from what any other caller gets: such answers
# are not kept (credentials until logins exist; Origin echoes into CORS headers).
UNCACHEABLE_HEADERS = frozenset({"authorization", "cookie", "origin", "x-http-method-override"})

NOT_FOUND_PAGE = b"<!doctype html><title>Not found</title><h1>Not found</h1>"


@dataclass(slots=True)
class HttpRequest:
    """An HTTP request as every transport delivers it: header names lower-case."""

    method: str
    path: str
    query_string: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of a header (``name`` lower-case), or None."""
        for key, value in self.headers:
            if key == name:
                return value
        return None


class Mount(Protocol):
    """A surface of the site: claims the requests it answers (``route`` not None) and answers them."""

    def route(self, path: str, query: dict[str, Any]) -> str | None: ...

    def handle(self, request: HttpRequest, query: dict[str, Any], route: str, user: Any) -> Served: ...


# The surfaces, in the order they are asked; each is built from the site's Env.
MOUNTS: list[Callable[[Env], Mount]] = [RestMount]


class Service:
    """What serving needs for one set of settings: the Env and the mounts built from it
    (rebuilt when settings change)."""

    def __init__(self, db: Database, store: BoundedCache) -> None:
        self.env = Env.open(db, store)
        self.mounts: list[Mount] = [make(self.env) for make in MOUNTS]

    def claim(self, path: str, query: dict[str, Any]) -> tuple[Mount, str] | None:
        """The mount answering this path, with its route; None for the 404 page."""
        for mount in self.mounts:
            route = mount.route(path, query)
            if route is not None:
                return mount, route
        return None


def cache_budget(cache_mb: float | None = None) -> int:
    """Bytes of the process cache: ``cache_mb``, else BROADSHEET_CACHE_MB, else the default."""
    if cache_mb is None:
        cache_mb = float(os.environ.get("BROADSHEET_CACHE_MB") or DEFAULT_CACHE_MB)
    return int(max(cache_mb, 1) * 1024 * 1024)


class Core:
    """The server without a socket."""

    def __init__(self, db: Database, *, cache_bytes: int | None = None, response_cache: bool = True,
                 threads: int = DEFAULT_THREADS, watch: bool = True, max_body: int = MAX_BODY) -> None:
        self.db = db
        self.store = BoundedCache(cache_bytes if cache_bytes is not None else cache_budget())
        self.response_cache = response_cache
        self.max_body = max_body
        self.threads = max(1, threads)
        self._lock = threading.Lock()
        with db.reading():
            self.store.generation = changes.current(db)
            self.service = Service(db, self.store)
        self._pool: ThreadPoolExecutor | None = None
        self._target = 0
        self._wake = threading.Event()
        self._stopped = False
        self._watcher: threading.Thread | None = None
        if watch:
            self._watcher = threading.Thread(target=_watch, args=(weakref.ref(self),),
                                             name="broadsheet-watch", daemon=True)
            self._watcher.start()

    # -- the one path --------------------------------------------------------------------------
    def authenticate(self, request: HttpRequest) -> Any:
        """The user making the request (None: anonymous; logins come with part 5)."""
        return None

    def cache_key(self, request: HttpRequest, user: Any) -> tuple[Any, ...] | None:
        """The response-cache key of a request, or None when its answer is not kept."""
        if not self.response_cache or request.method not in ("GET", "HEAD"):
            return None
        if any(name in UNCACHEABLE_HEADERS for name, _ in request.headers):
            return None
        return ("response", user, request.method, request.path, request.query_string)

    def anonymous_hit(self, method: str, path: str, query_string: str) -> Served | None:
        """The kept answer to a GET or HEAD that carries none of :data:`UNCACHEABLE_HEADERS`
        (so no credentials either: its user is anonymous), looked up before a transport
        builds the whole :class:`HttpRequest`; the same key :meth:`cache_key` gives."""
        if not self.response_cache or method not in ("GET", "HEAD"):
            return None
        return self.cached(("response", None, method, path, query_string))

    def cached(self, key: tuple[Any, ...] | None) -> Served | None:
        """The answer kept under ``key``, if any (no database work: safe on the event loop)."""
        if key is None:
            return None
        served = self.store.get(key)
        if served is None or served.expires is not None and clock.now() >= served.expires:
            return None
        return served  # type: ignore[no-any-return]

    def handle(self, request: HttpRequest) -> Served:
        """Answer one request (blocking: database work happens here)."""
        if len(request.body) > self.max_body:
            return too_large()
        user = self.authenticate(request)
        key = self.cache_key(request, user)
        return self.cached(key) or self._answer(request, user, key)

    async def serve(self, request: HttpRequest) -> Served:
        """Answer one request from the event loop (the adapters have refused an oversized
        body): hits at once, the rest in the thread pool."""
        user = self.authenticate(request)
        key = self.cache_key(request, user)
        hit = self.cached(key)
        if hit is not None:
            return hit
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="broadsheet")
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._answer, request, user, key)

    def _answer(self, request: HttpRequest, user: Any, key: tuple[Any, ...] | None) -> Served:
        """A request the cache could not answer: one snapshot, the mount, then keep the answer."""
        query = parse_php_query(request.query_string)
        with self.db.reading():
            version = changes.current(self.db)
            service = self._catch_up(version)
            claimed = service.claim(request.path, query)
            if claimed is None:
                return not_found()
            mount, route = claimed
            with service.env.cache.reading_at(version), Dependencies.collect() as read:
                served = mount.handle(request, query, route, user)
        if key is not None and served.status < 500:
            self.store.put(key, served, tags=read, size=_served_size(served, key), generation=version)
        return served

    # -- content versions ----------------------------------------------------------------------
    def _catch_up(self, version: int) -> Service:
        """Bring the caches to ``version``, read in this thread's snapshot (which also reads
        the versions' scopes); the Service to serve it with."""
        if version <= self.store.generation:
            return self.service
        with self._lock:
            start = self.store.generation
            if version <= start:
                return self.service
            scope = changes.since(self.db, start, version)
            if scope.everything or "option" in scope.ids:
                self.store.advance(version)  # settings may have changed: rebuild from scratch
                self.service = Service(self.db, self.store)
            else:
                tags = [ANY, *((kind, i) for kind, ids in scope.ids.items() for i in ids)]
                self.store.advance(version, tags)
            return self.service

    def refresh(self) -> bool:
        """Catch up with the database now; True when the version moved."""
        with self.db.reading():
            before = self.store.generation
            self._catch_up(changes.current(self.db))
            return self.store.generation != before

    def _notified(self, payload: str | None) -> None:
        if payload and payload.isdigit():
            self._target = max(self._target, int(payload))
        self._wake.set()

    def _watch_step(self) -> bool:
        """Wait for a notification or the poll interval, then catch up; False once closed."""
        behind = self._target > self.store.generation  # e.g. a replica that has not replayed yet
        self._wake.wait(0.1 if behind else POLL_INTERVAL)
        self._wake.clear()
        if self._stopped:
            return False
        try:
            self.refresh()
        except Exception:
            log.debug("version check failed", exc_info=True)
        return True

    def close(self) -> None:
        """Stop the watcher and the thread pool, and close the database."""
        self._stopped = True
        self._wake.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        self.db.close()


def _watch(ref: weakref.ref[Core]) -> None:
    """The watcher thread: holds the core only weakly, so a core nobody closed still goes."""
    core = ref()
    if core is None:
        return
    notified = weakref.WeakMethod(core._notified)

    def on_notify(payload: str | None) -> None:
        method = notified()
        if method is not None:
            method(payload)

    try:
        core.db.listen(changes.CHANNEL, on_notify)
    except Exception:  # polling alone still works
        log.warning("cannot listen for content changes; polling", exc_info=True)
    del core
    while True:
        core = ref()
        if core is None or not core._watch_step():
            return
        del core


def _served_size(served: Served, key: tuple[Any, ...]) -> int:
    return (len(served.body) + sum(len(k) + len(v) + 100 for k, v in served.headers)
            + sum(len(str(part)) for part in key) + 300)


def not_found() -> Served:
    """The 404 page for paths no mount claims."""
    return Served(404, [("content-type", "text/html; charset=utf-8")], NOT_FOUND_PAGE)


def too_large() -> Served:
    """413 for a request body over the limit."""
    return error_answer(413, "rest_request_too_large", "The request body is larger than this server accepts.")
