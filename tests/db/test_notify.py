"""``db.notify`` and ``db.listen``: a commit's notification reaches a listener of another
connection; a rolled-back one never does; a listener whose connection is killed reconnects and
says so with ``callback(None)``; ``close()`` stops it."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from broadsheet.db import Database, connect


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = connect(database_url)
    yield database
    database.close()


def test_sqlite_has_no_listener_and_notify_does_nothing(db: Database) -> None:
    if db.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.listen("anything", lambda payload: None) is False
    with db.transaction():
        db.notify("anything", "1")
    assert [t for t in threading.enumerate() if t.name.startswith("broadsheet-listen")] == []


def _postgres_only(db: Database) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("PostgreSQL notifications (set BROADSHEET_TEST_POSTGRES)")


def _next(got: queue.Queue[str | None], timeout: float = 15) -> str | None:
    return got.get(timeout=timeout)


def _base_url(url: str) -> str:
    return url.partition("?")[0]


def test_a_commit_notifies_a_listener_of_another_connection(db: Database, database_url: str) -> None:
    _postgres_only(db)
    channel = f"t_{uuid.uuid4().hex[:12]}"
    got: queue.Queue[str | None] = queue.Queue()
    assert db.listen(channel, got.put) is True
    assert _next(got) is None  # connected: look at the state now

    writer = connect(database_url, migrate=False)
    try:
        with pytest.raises(RuntimeError), writer.transaction():
            writer.notify(channel, "rolled back")
            raise RuntimeError("abandon")
        with writer.transaction():
            writer.notify(channel, "first")
            time.sleep(0.2)
            assert got.empty()  # not before the commit
        with writer.transaction():
            writer.notify(channel, "second")
    finally:
        writer.close()
    assert _next(got) == "first"
    assert _next(got) == "second"
    time.sleep(0.3)
    assert got.empty()


def test_a_listener_reconnects_after_its_backend_is_killed(db: Database, database_url: str) -> None:
    _postgres_only(db)
    channel = f"t_{uuid.uuid4().hex[:12]}"
    got: queue.Queue[str | None] = queue.Queue()
    calls: list[str | None] = []

    def callback(payload: str | None) -> None:
        calls.append(payload)
        got.put(payload)
        if payload == "explode":
            raise ValueError("a callback's error is logged, not raised into the listener")

    db.listen(channel, callback)
    assert _next(got) is None
    with psycopg.connect(_base_url(database_url), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (f"broadsheet listen {channel}",),
        ).fetchall()
        assert killed == [(True,)]
        assert _next(got) is None  # reconnected, and said so
        admin.execute("SELECT pg_notify(%s, 'explode')", (channel,))
        assert _next(got) == "explode"
        admin.execute("SELECT pg_notify(%s, 'after')", (channel,))
        assert _next(got) == "after"
    assert calls == [None, None, "explode", "after"]


def test_close_stops_the_listeners(database_url: str) -> None:
    db = connect(database_url)
    _postgres_only(db)
    channel = f"t_{uuid.uuid4().hex[:12]}"
    got: queue.Queue[str | None] = queue.Queue()
    db.listen(channel, got.put)
    assert _next(got) is None
    name = f"broadsheet-listen-{channel}"
    assert [t for t in threading.enumerate() if t.name == name]
    db.close()
    assert not [t for t in threading.enumerate() if t.name == name and t.is_alive()]
    with psycopg.connect(_base_url(database_url), autocommit=True) as admin:
        deadline = time.monotonic() + 10
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                            (f"broadsheet listen {channel}",)).fetchone()[0]:
            assert time.monotonic() < deadline, "the listener's connection stayed open"
            time.sleep(0.05)
