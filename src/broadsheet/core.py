"""The request core: every HTTP request, whatever the transport, takes this one path.

``Core.handle(HttpRequest) -> Served`` is the whole server without a socket: it authenticates
the caller, looks the answer up in the response cache (the user is part of every key), opens one
read snapshot of the database for the request, catches up with content changes, and hands the
request to the first mount that claims it (:data:`MOUNTS`: the REST API now; the reader site
and other surfaces later), falling back to a 404 page. The ASGI and RSGI adapters in
``app.py`` only translate between their protocol and :class:`HttpRequest`/:class:`Served`.

Concurrency: database work never runs on the event loop. ``Core.serve`` answers a cache hit
directly (a dictionary lookup) and runs everything else in a thread pool (``threads``), each
thread with its own database connection (``db.reading()``, see ``db/``). Requests likely to be
expensive (``_embed``, ``search``, long pages) have a lane of their own (half the threads), so
they never hold up cheap ones. Limits (``limits.py``): an over-long URL gets 414, an oversized
body 413, and a request that runs past its time budget a 503 (its
thread is stopped at its next database statement, see ``budget.py``); so does a request that
finds the database unavailable (a PostgreSQL server restarting). Memory: everything the
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
import re
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from time import monotonic
from typing import Any, Protocol

from . import budget, clock
from .db import Database, DatabaseUnavailable
from .env import Env
from .limits import Limits
from .lru import ANY, BoundedCache, Dependencies
from .rest.mount import RestMount, error_answer
from .rest.request import parse_php_query
from .rest.server import Served
from .store import changes

log = logging.getLogger("broadsheet")

DEFAULT_CACHE_MB = 128
DEFAULT_THREADS = 4
POLL_INTERVAL = 0.5  # seconds between checks of the version stamp
GRACE = 1.0  # seconds past its budget a request's thread has to notice before the loop answers 503
RETRY_AFTER = "5"  # seconds, in a 503's Retry-After

# Parameters that make a request likely to be expensive: it goes to the heavy lane.
_HEAVY = re.compile(r"(?:^|&)(?:_embed|search=|per_page=(?:[2-9]\d|\d{3}))")

# Request headers that can make an answer differ from what any other caller gets: such answers
# are not kept (credentials until logins exist; Origin echoes into CORS headers; a body, which
# WordPress reads on GET too).
UNCACHEABLE_HEADERS = frozenset({"authorization", "cookie", "origin", "x-http-method-override",
                                 "content-length", "transfer-encoding"})

NOT_FOUND_PAGE = b"<!doctype html><title>Not found</title><h1>Not found</h1>"


@dataclass(slots=True)
class HttpRequest:
    """An HTTP request as every transport delivers it: header names lower-case."""

    method: str
    path: str
    query_string: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    raw_path: str | None = None  # the path as sent, escapes not decoded (ASGI gives it, RSGI cannot)

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
                 threads: int = DEFAULT_THREADS, watch: bool = True, limits: Limits | None = None) -> None:
        self.db = db
        self.store = BoundedCache(cache_bytes if cache_bytes is not None else cache_budget())
        self.response_cache = response_cache
        self.limits = limits or Limits()
        self.max_body = self.limits.max_body_bytes
        self.threads = max(1, threads)
        self._lock = threading.Lock()
        with db.reading():
            self.store.generation = changes.current(db)
            self.service = Service(db, self.store)
        self._pools: dict[bool, ThreadPoolExecutor] = {}  # by lane: heavy or not
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
        return ("response", user, request.method, request.raw_path or request.path, request.query_string)

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

    def refuse(self, request: HttpRequest) -> Served | None:
        """The answer to a request over a size limit (414, 413), or None. (Headers are
        limited by the HTTP server: granian answers 431 past ``max_header_bytes``.)"""
        limits = self.limits
        if len(request.path) + len(request.query_string) > limits.max_url_bytes:
            return error_answer(414, "rest_uri_too_long", "The request URL is longer than this server accepts.")
        if len(request.body) > limits.max_body_bytes:
            return too_large()
        return None

    def _begin(self, request: HttpRequest) -> tuple[Served | None, float | None, Any, tuple[Any, ...] | None]:
        """What every request starts with, on the event loop: its deadline, a refusal (limits)
        or a cached answer, its user and its cache key."""
        deadline = self._deadline()
        refused = self.refuse(request)
        if refused is not None:
            return refused, deadline, None, None
        user = self.authenticate(request)
        key = self.cache_key(request, user)
        return self.cached(key), deadline, user, key

    def handle(self, request: HttpRequest) -> Served:
        """Answer one request (blocking: database work happens here)."""
        ready, deadline, user, key = self._begin(request)
        return ready or self._answer(request, user, key, deadline)

    async def serve(self, request: HttpRequest) -> Served:
        """Answer one request from the event loop (the adapters have refused an oversized
        body): hits at once, the rest in a thread pool, a 503 once past the time budget."""
        ready, deadline, user, key = self._begin(request)
        if ready is not None:
            return ready
        pool = self._pool(bool(_HEAVY.search(request.query_string)))
        work = asyncio.get_running_loop().run_in_executor(pool, self._answer, request, user, key, deadline)
        if deadline is None:
            return await work
        try:  # the thread stops at its next statement; this bounds pure-Python work too
            return await asyncio.wait_for(asyncio.shield(work), deadline + GRACE - monotonic())
        except TimeoutError:
            return overtime()

    def _deadline(self) -> float | None:
        budget_s = self.limits.budget
        return None if budget_s is None else monotonic() + budget_s

    def _pool(self, heavy: bool) -> ThreadPoolExecutor:
        """The thread pool of a lane: the heavy lane has half the threads (at least one)."""
        pool = self._pools.get(heavy)
        if pool is None:
            size = max(1, self.threads // 2) if heavy else self.threads
            prefix = "broadsheet-heavy" if heavy else "broadsheet"
            pool = self._pools[heavy] = ThreadPoolExecutor(size, thread_name_prefix=prefix)
        return pool

    def _answer(self, request: HttpRequest, user: Any, key: tuple[Any, ...] | None,
                deadline: float | None = None) -> Served:
        """A request the cache could not answer: one snapshot, the mount, then keep the answer."""
        query = parse_php_query(request.query_string)
        try:
            with budget.until(deadline), self.db.reading():
                budget.check()  # it may have waited its whole budget for a thread
                version = changes.current(self.db)
                with budget.until(None):  # catching up is shared work: never left half done
                    service = self._catch_up(version)
                claimed = service.claim(request.path, query)
                if claimed is None:
                    return not_found()
                mount, route = claimed
                with service.env.cache.reading_at(version), Dependencies.collect() as read:
                    served = mount.handle(request, query, route, user)
        except budget.Overtime:
            return overtime()
        except DatabaseUnavailable as exc:
            log.warning("database unavailable: %s", exc)
            return unavailable()
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
        for pool in list(self._pools.values()):
            pool.shutdown(wait=True)
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


def _try_later(code: str, message: str) -> Served:
    """A 503 the client may retry, after :data:`RETRY_AFTER` seconds."""
    served = error_answer(503, code, message)
    served.headers.append(("Retry-After", RETRY_AFTER))
    return served


def unavailable() -> Served:
    """503 while the database cannot be reached (restarting, shutting down, out of connections)."""
    return _try_later("rest_database_unavailable", "The database is unavailable at the moment. Try again shortly.")


def overtime() -> Served:
    """503 for a request that ran past its time budget."""
    return _try_later("rest_request_timeout",
                      "The request took longer than this server allows. Try again, or ask for less.")
