"""Shared fixtures: databases (SQLite, or PostgreSQL under BROADSHEET_TEST_POSTGRES), the oracle
site imported from its REST dump and from its export, an in-process app, and a real HTTP server;
and the helpers tests share: importing, reading rows, serving one request in process.

Set ``BROADSHEET_TEST_POSTGRES=postgresql://user@host:port/db`` to run the whole suite on
PostgreSQL: every test database is then a fresh schema in that database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from broadsheet.app import create_app
from broadsheet.core import HttpRequest
from broadsheet.db import connect
from broadsheet.importer import ImportReport, load_settings_file, run_import
from broadsheet.rest.server import Served

FIXTURES = Path(__file__).parent / "fixtures"
ORACLE = FIXTURES / "oracle"
GOLDEN = FIXTURES / "golden-backport"
SEED = FIXTURES / "seed" / "000_9a28a8427220db8b.txt"
ORACLE_NOW = "2026-11-27T12:00:00Z"  # when the oracle's goldens were captured
SEED_NOW = "2025-11-16T12:00:00Z"  # a moment when the seed's relative dates read "2 years ago"
POSTGRES = os.environ.get("BROADSHEET_TEST_POSTGRES")
TABLES = ["options", "users", "posts", "postmeta", "terms", "term_relationships", "comments"]


def _new_url(tmp: Path, name: str) -> str:
    if POSTGRES:
        schema = f"t_{name}_{uuid.uuid4().hex[:10]}"
        joiner = "&" if "?" in POSTGRES else "?"
        return f"{POSTGRES}{joiner}schema={schema}"
    return f"sqlite:///{tmp / (name + '.db')}"


def _drop(url: str) -> None:
    if "schema=" not in url:
        return
    import psycopg

    base, _, query = url.partition("?")
    schema = dict(p.split("=", 1) for p in query.split("&"))["schema"]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database (SQLite file, or a PostgreSQL schema)."""
    url = _new_url(tmp_path, "test")
    yield url
    _drop(url)


# -- helpers -------------------------------------------------------------------------------------


def import_path(
    url: str, path: Path, settings: Path | dict[str, Any] | None = None, **kwargs: Any
) -> ImportReport:
    """Import one file or folder into the database at ``url``, with a site settings file, its
    values, or none; the import's report."""
    given = load_settings_file(str(settings)) if isinstance(settings, Path) else settings
    db = connect(url)
    try:
        return run_import(db, [str(path)], site_settings=given, **kwargs)
    finally:
        db.close()


def rows(url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows a query returns."""
    db = connect(url)
    try:
        return db.all(sql, params)
    finally:
        db.close()


def keyed(url: str, sql: str) -> dict[Any, tuple[Any, ...]]:
    """The rows a query returns, by their first column: ``{first: (the other columns)}``."""
    return {r[0]: r[1:] for r in rows(url, sql)}


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every content table (what 'the database as it was' means)."""
    db = connect(url)
    try:
        return {t: sorted(db.all(f"SELECT * FROM {t}"), key=repr) for t in TABLES}
    finally:
        db.close()


def serve_app(app: Any, route: str, query: str = "", method: str = "GET") -> Served:
    """One REST request served in process by an app from ``create_app``, through its request
    core (cache, snapshot, mounts; no HTTP). ``route`` is relative to the REST prefix."""
    prefix = app.service.mounts[0].prefix
    return app.core.handle(HttpRequest(method, prefix + route, query))


def serve(url: str, route: str, query: str = "") -> tuple[int, bytes]:
    """A GET served in process over the database at ``url``: (status, body)."""
    app = create_app(url)
    try:
        served = serve_app(app, route, query)
    finally:
        app.core.close()
    return served.status, served.body


# -- databases -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def oracle_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The oracle site imported from its REST dump with site.json (shared; read-only)."""
    url = _new_url(tmp_path_factory.mktemp("oracle"), "oracle")
    import_path(url, ORACLE / "dump", ORACLE / "site.json")
    yield url
    _drop(url)


@pytest.fixture(scope="session")
def oracle_wxr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ImportReport]]:
    """The oracle site imported from its WXR export with site.json, every post rendered by
    Broadsheet (tests/fixtures/wxr/; shared; read-only): (its URL, the import's report)."""
    url = _new_url(tmp_path_factory.mktemp("oracle-wxr"), "oraclewxr")
    report = import_path(url, FIXTURES / "wxr" / "export.wxr", FIXTURES / "wxr" / "site.json")
    yield url, report
    _drop(url)


@pytest.fixture(scope="session")
def oracle_wxr_url(oracle_wxr: tuple[str, ImportReport]) -> str:
    """The URL of :func:`oracle_wxr`'s database."""
    return oracle_wxr[0]


@pytest.fixture(scope="session")
def ioplus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The oracle site as served at https://ioplus.nl/archive (shared; read-only)."""
    url = _new_url(tmp_path_factory.mktemp("ioplus"), "ioplus")
    import_path(url, ORACLE / "dump-ioplus", ORACLE / "site-ioplus.json")
    yield url
    _drop(url)


@pytest.fixture
def oracle_copy(oracle_url: str, tmp_path: Path) -> Iterator[str]:
    """A private, writable copy of the oracle site."""
    if not POSTGRES:
        source = oracle_url.removeprefix("sqlite:///")
        target = tmp_path / "copy.db"
        shutil.copy(source, target)
        yield f"sqlite:///{target}"
        return
    url = _new_url(tmp_path, "copy")
    import_path(url, ORACLE / "dump", ORACLE / "site.json")
    yield url
    _drop(url)


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> str:
    """Freeze Broadsheet's clock at the oracle's capture time."""
    monkeypatch.setenv("BROADSHEET_NOW", ORACLE_NOW)
    return ORACLE_NOW


@pytest.fixture
def oracle_app(oracle_url: str, frozen_now: str):  # type: ignore[no-untyped-def]
    """The ASGI app over the oracle site (response cache on)."""
    app = create_app(oracle_url)
    yield app
    app.core.close()


@pytest.fixture
def client(oracle_app):  # type: ignore[no-untyped-def]
    """An httpx client talking to the in-process app over ASGI."""
    transport = httpx.ASGITransport(app=oracle_app)

    class SyncClient:
        def request(self, method: str, path: str, **kwargs):  # type: ignore[no-untyped-def]
            import asyncio

            async def go():  # type: ignore[no-untyped-def]
                async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                    return await c.request(method, path, **kwargs)

            return asyncio.run(go())

        def get(self, path: str, **kwargs):  # type: ignore[no-untyped-def]
            return self.request("GET", path, **kwargs)

    return SyncClient()


def free_port() -> int:
    """An unused loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, now: str, *, extra_env: dict[str, str] | None = None,
                 command: list[str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Run ``broadsheet serve`` (one worker: a second one may still be starting when a test
    stops the server), or ``command`` followed by ``--port PORT``, in a subprocess; returns
    (process, base URL) once it answers."""
    port = free_port()
    env = {**os.environ, "BROADSHEET_NOW": now, "BROADSHEET_DATABASE_URL": url, **(extra_env or {})}
    command = command or [sys.executable, "-m", "broadsheet", "serve", "--host", "127.0.0.1", "--workers", "1"]
    proc = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/", timeout=1)
            return proc, base
        except httpx.HTTPError:
            if proc.poll() is not None:
                message = (proc.stderr.read() if proc.stderr else b"").decode()
                raise RuntimeError("server exited: " + message) from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


@pytest.fixture(scope="session")
def live_oracle(oracle_url: str) -> Iterator[str]:
    """A real HTTP server (granian, via ``broadsheet serve``) over the oracle site; its base URL."""
    proc, base = start_server(oracle_url, ORACLE_NOW)
    yield base
    stop_server(proc)


@pytest.fixture(scope="session")
def live_oracle_wxr(oracle_wxr_url: str) -> Iterator[str]:
    """A real HTTP server over the oracle site imported from its export; its base URL."""
    proc, base = start_server(oracle_wxr_url, ORACLE_NOW)
    yield base
    stop_server(proc)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start_server`."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()
