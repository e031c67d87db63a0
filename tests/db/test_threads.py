"""One Database used from many threads at once: each thread gets its own connection, writes
stay all-or-nothing, and the pool size is a setting."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from broadsheet.db import POOL_ENV, Database, DatabaseError, connect

THREADS = 8
ROUNDS = 15


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = connect(database_url)
    database.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, n INTEGER NOT NULL)")
    yield database
    database.close()


def run_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(i)`` on ``count`` threads at once; their results (any exception re-raised)."""
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            start.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not [t for t in threads if t.is_alive()], "a thread hung"
    if errors:
        raise errors[0]
    return results


def test_many_threads_write_and_read_through_one_database(db: Database) -> None:
    def work(owner: int) -> list[int]:
        seen = []
        for n in range(ROUNDS):
            with db.transaction():
                db.execute("INSERT INTO items (id, owner, n) VALUES (?, ?, ?)", (owner * 1000 + n, owner, n))
                # Inside the transaction this thread sees its own row at once.
                assert db.scalar("SELECT n FROM items WHERE id = ?", (owner * 1000 + n,)) == n
            with db.reading():
                seen.append(db.scalar("SELECT COUNT(*) FROM items WHERE owner = ?", (owner,)))
            # Statements outside any block work from every thread too.
            assert db.scalar("SELECT MAX(n) FROM items WHERE owner = ?", (owner,)) == n
        return seen

    results = run_threads(THREADS, work)
    assert results == [list(range(1, ROUNDS + 1))] * THREADS
    assert db.scalar("SELECT COUNT(*) FROM items") == THREADS * ROUNDS


def test_a_failed_transaction_on_one_thread_leaves_the_others_alone(db: Database) -> None:
    def work(owner: int) -> int:
        for n in range(ROUNDS):
            try:
                with db.transaction():
                    db.execute("INSERT INTO items (id, owner, n) VALUES (?, ?, ?)", (owner * 1000 + n, owner, n))
                    if owner % 2:
                        raise RuntimeError("give up")
            except RuntimeError:
                pass
        return int(db.scalar("SELECT COUNT(*) FROM items WHERE owner = ?", (owner,)))

    counts = run_threads(THREADS, work)
    assert counts == [0 if owner % 2 else ROUNDS for owner in range(THREADS)]


def test_threads_holding_blocks_at_once_have_their_own_connections(db: Database) -> None:
    together = threading.Barrier(4)

    def work(_: int) -> int:
        with db.reading():
            db.scalar("SELECT COUNT(*) FROM items")
            ident = id(db.conn)
            together.wait(timeout=30)  # all four hold their block now
            return ident

    assert len(set(run_threads(4, work))) == 4


def test_the_pool_size_is_a_setting(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no pool: one connection per thread")
    monkeypatch.setenv(POOL_ENV, "0")
    with pytest.raises(DatabaseError, match=POOL_ENV) as caught:
        connect(database_url).close()
    assert "\n" not in str(caught.value)
    monkeypatch.setenv(POOL_ENV, "2")
    db = connect(database_url)
    try:
        def work(_: int) -> set[int]:
            pids = set()
            for _ in range(10):
                with db.reading():
                    pids.add(db.scalar("SELECT pg_backend_pid()"))
            return pids

        pids = set().union(*run_threads(6, work))
        assert 1 <= len(pids) <= 2
    finally:
        db.close()


def test_close_closes_the_connections_of_threads_still_running(database_url: str) -> None:
    db = connect(database_url)
    opened, closed = threading.Barrier(4), threading.Event()
    outcome: list[str] = []

    def work() -> None:
        with db.reading():
            db.scalar("SELECT 1")
            conn = db.conn
        opened.wait(timeout=30)
        closed.wait(timeout=30)
        try:
            conn.execute("SELECT 1")
            outcome.append("still open")
        except Exception:
            outcome.append("closed")

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    opened.wait(timeout=30)
    db.close()
    closed.set()
    for t in threads:
        t.join(timeout=30)
    assert outcome == ["closed"] * 3
