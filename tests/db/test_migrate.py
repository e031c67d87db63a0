"""Several servers starting at once on one fresh database: every migration is applied exactly
once, by one of them, and none of them fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import psycopg
import pytest

from broadsheet.db import connect, migrations
from broadsheet.db.postgresql import _lock_key

PROCESSES = 4
THREADS = 3

STARTER = """
import json, sys
from broadsheet.db import connect
db = connect(sys.argv[1], migrate=False)
sys.stdin.readline()  # all start migrating together
applied = db.migrate()
print(json.dumps({"applied": applied, "version": db.schema_version()}))
db.close()
"""


def test_processes_and_threads_migrating_one_fresh_database_at_once(database_url: str) -> None:
    numbers = [number for number, _, _ in migrations("sqlite" if database_url.startswith("sqlite") else "postgresql")]
    procs = [
        subprocess.Popen([sys.executable, "-c", STARTER, database_url], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        for _ in range(PROCESSES)
    ]
    thread_results: list[list[int]] = []
    thread_errors: list[BaseException] = []
    go = threading.Event()

    def in_thread() -> None:
        try:
            db = connect(database_url, migrate=False)
            try:
                go.wait(timeout=30)
                thread_results.append(db.migrate())
            finally:
                db.close()
        except BaseException as exc:
            thread_errors.append(exc)

    threads = [threading.Thread(target=in_thread) for _ in range(THREADS)]
    for t in threads:
        t.start()
    outputs = []
    try:
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        go.set()
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            outputs.append(json.loads(out))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for t in threads:
            t.join(timeout=120)
    assert not thread_errors, thread_errors
    applied = [n for o in outputs for n in o["applied"]] + [n for r in thread_results for n in r]
    assert sorted(applied) == numbers  # each one exactly once, by somebody
    assert {o["version"] for o in outputs} == {numbers[-1]}
    db = connect(database_url, migrate=False)
    try:
        assert db.all("SELECT version FROM schema_migrations ORDER BY version") == [(n,) for n in numbers]
        assert db.migrate() == []
    finally:
        db.close()


def test_the_migration_lock_is_let_go_while_the_database_stays_open(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's session lock (SQLite's lock ends with each transaction)")
    db = connect(database_url)  # a fresh schema: migrates under the lock
    try:
        assert db.schema_version() == migrations("postgresql")[-1][0]
        key = _lock_key(f"broadsheet.migrate:{db.scalar('SELECT current_schema()')}")
        with psycopg.connect(database_url.partition("?")[0], autocommit=True) as other:
            assert other.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone() == (True,)
            other.execute("SELECT pg_advisory_unlock(%s)", (key,))
    finally:
        db.close()
