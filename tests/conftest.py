"""Shared fixtures: databases (SQLite, or PostgreSQL under BROADSHEET_TEST_POSTGRES), the oracle
site imported from its REST dump, an in-process app, and a real HTTP server.

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

import httpx
import pytest

from broadsheet.db import connect
from broadsheet.importer import load_settings_file, run_import

FIXTURES = Path(__file__).parent / "fixtures"
ORACLE = FIXTURES / "oracle"
GOLDEN = FIXTURES / "golden-backport"
SEED = FIXTURES / "seed" / "000_9a28a8427220db8b.txt"
ORACLE_NOW = "2026-11-27T12:00:00Z"  # when the oracle's goldens were captured
SEED_NOW = "2025-11-16T12:00:00Z"  # a moment when the seed's relative dates read "2 years ago"
POSTGRES = os.environ.get("BROADSHEET_TEST_POSTGRES")


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


def _import_oracle(url: str, source: str, settings: str, folder: Path = ORACLE) -> None:
    db = connect(url)
    run_import(db, [str(folder / source)], site_settings=load_settings_file(str(folder / settings)))
    db.close()


@pytest.fixture(scope="session")
def oracle_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The oracle site imported from its REST dump with site.json (shared; read-only)."""
    url = _new_url(tmp_path_factory.mktemp("oracle"), "oracle")
    _import_oracle(url, "dump", "site.json")
    yield url
    _drop(url)


@pytest.fixture(scope="session")
def oracle_wxr_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The oracle site imported from its WXR export with site.json, every post rendered by
    Broadsheet (tests/fixtures/wxr/; shared; read-only)."""
    url = _new_url(tmp_path_factory.mktemp("oracle-wxr"), "oraclewxr")
    _import_oracle(url, "export.wxr", "site.json", FIXTURES / "wxr")
    yield url
    _drop(url)


@pytest.fixture(scope="session")
def ioplus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The oracle site as served at https://ioplus.nl/archive (shared; read-only)."""
    url = _new_url(tmp_path_factory.mktemp("ioplus"), "ioplus")
    _import_oracle(url, "dump-ioplus", "site-ioplus.json")
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
    _import_oracle(url, "dump", "site.json")
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
    from broadsheet.app import create_app

    return create_app(oracle_url)


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


def start_server(url: str, now: str, *, extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Run ``broadsheet serve`` in a subprocess; returns (process, base URL)."""
    port = free_port()
    env = {**os.environ, "BROADSHEET_NOW": now, "BROADSHEET_DATABASE_URL": url, **(extra_env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "broadsheet", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
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
