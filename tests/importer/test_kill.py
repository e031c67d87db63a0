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
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from broadsheet.db import connect

from ..conftest import POSTGRES, _drop, _new_url, import_path

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
