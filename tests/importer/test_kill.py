"""An import killed with SIGKILL at any moment leaves the database as it was (or, killed after
its commit, as the finished import left it): never anything in between, and it still opens.

A database holding a first import (a small generated export) gets a second, larger export
imported by the real command line in a subprocess, which is killed (with its render workers:
the whole process group) after delays spread over the length of an uninterrupted run, from
start-up to the commit and the statistics update after it. After each kill every table must
read exactly as before the import or exactly as after a complete one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from broadsheet.db import connect

from ..conftest import POSTGRES, SEED, _drop, _new_url, import_path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from wxr_generate import generate  # noqa: E402

KILLS = 6


def _fts_tables(db: object) -> list[str]:
    """SQLite full-text tables (their consistency is checked by FTS5 itself)."""
    if db.dialect.name == "postgresql":  # type: ignore[attr-defined]
        return []
    found = db.all("SELECT name, sql FROM sqlite_master WHERE type = 'table'")  # type: ignore[attr-defined]
    return [name for name, sql in found if "fts5" in (sql or "").lower()]


def _tables(db: object) -> list[str]:
    """The store's tables whose rows are content (not planner statistics, not the internal
    tables of SQLite full-text indexes, which FTS5 checks on its own)."""
    if db.dialect.name == "postgresql":  # type: ignore[attr-defined]
        return [r[0] for r in db.all(  # type: ignore[attr-defined]
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
    found = db.all("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")  # type: ignore[attr-defined]
    virtual = [name for name, sql in found if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [name for name, _ in found if not name.startswith("sqlite_")
            and not any(name == v or name.startswith(v + "_") for v in virtual)]


def digest(url: str) -> dict[str, str]:
    """A hash of every row of every table, per table; the database must open and migrate, and
    pass SQLite's integrity checks (full-text indexes included)."""
    db = connect(url)
    try:
        assert db.migrate() == []
        if db.dialect.name == "sqlite":
            assert db.scalar("PRAGMA integrity_check") == "ok"
        for table in _fts_tables(db):
            db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
        result = {}
        for table in _tables(db):
            rows = sorted(repr(tuple(r)) for r in db.all(f'SELECT * FROM "{table}"'))
            result[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return result
    finally:
        db.close()


def _start(export: Path, url: str, *, errors: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "broadsheet", "import", str(export), "--database", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE if errors else subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _kill_after(process: subprocess.Popen[bytes], delay: float) -> int:
    """SIGKILL the import and its workers after ``delay`` seconds (unless it ended); its exit code."""
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    else:
        # It finished first: make sure no worker outlives it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    return process.returncode


class _Store:
    """Databases of one kind for the test: the prepared one, and copies of it."""

    def __init__(self, tmp: Path, first: Path) -> None:
        self.tmp = tmp
        self.first = first
        self.made: list[str] = []
        self.template = self._prepared("template")

    def _prepared(self, name: str) -> str:
        url = _new_url(self.tmp, f"{name}_{uuid.uuid4().hex[:6]}")
        self.made.append(url)
        import_path(url, self.first)
        return url

    def copy(self) -> str:
        """A database exactly like the prepared one (SQLite: a file copy; PostgreSQL: the same
        import again into a new schema)."""
        if POSTGRES:
            return self._prepared("copy")
        db = connect(self.template, migrate=False)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        source = Path(self.template.removeprefix("sqlite:///"))
        target = self.tmp / f"copy_{uuid.uuid4().hex[:6]}.db"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"

    def drop(self) -> None:
        for url in self.made:
            _drop(url)


@pytest.fixture
def exports(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first.wxr", tmp_path / "second.wxr"
    generate(first, 200, seed=1)
    # More posts, another seed: new posts and comments, and newer copies of some stored posts.
    generate(second, 1000, seed=2)
    return first, second


def test_an_import_killed_at_any_moment_leaves_the_database_as_before_or_as_after(
    tmp_path: Path, exports: tuple[Path, Path]
) -> None:
    first, second = exports
    store = _Store(tmp_path, first)
    try:
        before = digest(store.template)
        reference = store.copy()
        started = time.monotonic()
        process = _start(second, reference, errors=True)
        _, err = process.communicate(timeout=300)
        took = time.monotonic() - started
        assert process.returncode == 0, err.decode()
        after = digest(reference)
        assert after != before and after["posts"] != before["posts"]

        rng = random.Random(7)
        # Spread over the whole run, the last ones around the commit and the ANALYZE after it.
        delays = [took * (i + rng.random()) / KILLS for i in range(KILLS - 2)]
        delays += [took * rng.uniform(0.9, 1.0), took * rng.uniform(0.97, 1.05)]
        killed = 0
        url = store.copy()
        for delay in delays:
            code = _kill_after(_start(second, url), delay)
            wal = Path(url.removeprefix("sqlite:///") + "-wal")
            left = wal.stat().st_size if not POSTGRES and wal.exists() else 0
            state = digest(url)
            print(f"kill after {delay:.2f} s of {took:.2f} s: exit {code}, WAL left {left / 1e6:.1f} MB,"
                  f" {'before' if state == before else 'after' if state == after else 'HALF-APPLIED'}")
            if code == 0:
                assert state == after
            else:
                assert code == -signal.SIGKILL
                killed += 1
                assert state in (before, after), f"killed after {delay:.2f} s of {took:.2f} s: half-applied"
            if state != before:
                url = store.copy()
        assert killed >= KILLS // 2  # most kills landed inside the import
    finally:
        store.drop()


@pytest.mark.skipif(bool(POSTGRES), reason="SQLite's write-ahead log")
def test_the_log_a_killed_sqlite_import_leaves_is_cut_to_nothing_on_the_next_open(tmp_path: Path) -> None:
    """A REST import spills its transaction into the WAL once its page cache is full; killed,
    it leaves that file as large as what it had written. The next command to open the
    database checkpoints and truncates it, even while another process (a server) keeps a
    connection open, which would otherwise keep the file at its size."""
    import json

    url = f"sqlite:///{tmp_path / 'site.db'}"
    import_path(url, SEED)
    before = digest(url)
    post = json.loads(SEED.read_text())
    words = " ".join(f"word{n}" for n in range(2500))  # ~20 KB of content per post
    posts = [{**post, "id": 10_000_000 + n, "slug": f"post-{n}", "content": {"rendered": f"<p>{n} {words}</p>"}}
             for n in range(1500)]
    source = tmp_path / "posts.json"
    source.write_text(json.dumps(posts))
    wal = tmp_path / "site.db-wal"
    server = sqlite3.connect(tmp_path / "site.db")  # a server's connection, open throughout
    try:
        server.execute("SELECT count(*) FROM posts").fetchone()
        process = _start(source, url)
        deadline = time.monotonic() + 240
        while not (wal.exists() and wal.stat().st_size > 8_000_000):
            assert process.poll() is None, "the import ended before its log grew"
            assert time.monotonic() < deadline, "the import's log did not grow"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert wal.stat().st_size > 8_000_000
        done = subprocess.run([sys.executable, "-m", "broadsheet", "migrate", "--database", url],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert wal.stat().st_size == 0
    finally:
        server.close()
    assert digest(url) == before
