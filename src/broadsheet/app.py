"""The transports: ASGI and RSGI adapters over the request core (``core.py``).

Each adapter only turns its protocol's request into an :class:`~broadsheet.core.HttpRequest`,
asks ``Core.serve`` for the answer and writes it back, so both serve exactly the same bytes.
A body larger than the core's limit is refused with 413 as soon as its declared length (or the
bytes received so far) pass the limit; the rest is not read into memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .core import UNCACHEABLE_HEADERS, Core, HttpRequest, too_large
from .db import connect
from .limits import Limits
from .rest.server import Served


class BroadsheetApp:
    """The web application: an ASGI callable with granian's RSGI interface too."""

    def __init__(self, core: Core) -> None:
        self.core = core

    @property
    def service(self) -> Any:
        """The core's current service (Env and mounts), for tools and tests."""
        return self.core.service

    # -- ASGI ----------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(self.core, receive, send)
            return
        if scope["type"] != "http":
            return
        headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        raw_path = scope.get("raw_path")
        request = HttpRequest(scope["method"], scope.get("path", "/"),
                              scope.get("query_string", b"").decode("latin-1"), headers,
                              raw_path=raw_path.decode("latin-1") if raw_path is not None else None)
        served = await _answer(self.core, request, lambda limit: _asgi_body(receive, limit))
        header_list = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in served.headers]
        if request.method != "HEAD":  # as granian's RSGI writes a HEAD answer: no length
            header_list.append((b"content-length", str(len(served.body)).encode()))
        await send({"type": "http.response.start", "status": served.status, "headers": header_list})
        await send({"type": "http.response.body", "body": served.body})

    # -- RSGI (granian's native interface: less per-request work than ASGI) -------------------
    def __rsgi_init__(self, loop: Any) -> None:
        """Nothing to prepare per worker."""

    def __rsgi_del__(self, loop: Any) -> None:
        """The worker is stopping: finish in-flight database work and close."""
        self.core.close()

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":
            return
        if not any(name in scope.headers for name in UNCACHEABLE_HEADERS):  # granian's lookups
            hit = self.core.anonymous_hit(scope.method, scope.path, scope.query_string)
            if hit is not None:
                proto.response_bytes(hit.status, hit.headers, hit.body)
                return
        headers = [(k.lower(), v) for k, v in scope.headers.items()]
        request = HttpRequest(scope.method, scope.path, scope.query_string, headers)
        served = await _answer(self.core, request, lambda limit: _rsgi_body(proto, limit))
        proto.response_bytes(served.status, served.headers, served.body)


async def _answer(core: Core, request: HttpRequest,
                  read_body: Callable[[int], Awaitable[bytes | None]]) -> Served:
    """Read the body (refusing it with 413 once it is known to exceed the limit), then ask the
    core."""
    if request.method not in ("GET", "HEAD") or request.header("content-length") not in (None, "0") \
            or request.header("transfer-encoding") is not None:  # WordPress reads bodies on GET too
        if _declared_length(request) > core.max_body:
            return _unread()
        body = await read_body(core.max_body)
        if body is None:
            return _unread()
        request.body = body
    return await core.serve(request)


def _unread() -> Served:
    """413 for a body left unread: the connection closes after it (the client would otherwise
    send its next request after the rest of the body)."""
    served = too_large()
    served.headers.append(("Connection", "close"))
    return served


def _declared_length(request: HttpRequest) -> int:
    value = request.header("content-length")
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


async def _asgi_body(receive: Any, limit: int) -> bytes | None:
    """The request body, or None as soon as it exceeds ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _rsgi_body(proto: Any, limit: int) -> bytes | None:
    """The request body, streamed from granian, or None once it exceeds ``limit``."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in proto:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _lifespan(core: Core, receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            core.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(database_url: str, *, cache: bool = True, cache_mb: float | None = None,
               threads: int | None = None, replicas: list[str] | None = None,
               limits: Limits | None = None) -> BroadsheetApp:
    """The application serving the site stored at ``database_url``."""
    from .core import DEFAULT_THREADS, cache_budget

    db = connect(database_url, replicas=replicas)
    return BroadsheetApp(Core(db, cache_bytes=cache_budget(cache_mb), response_cache=cache,
                              threads=threads or DEFAULT_THREADS, limits=limits))
