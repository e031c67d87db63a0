"""Read replicas with a real PostgreSQL primary and streaming replica (made by the test, see
clusters.py): reads inside ``reading()`` go to the replica; other writers' commits show there
once replayed; this process reads its own writes at once (from the primary) however far the
replica lags; a notification's change is read from wherever has it; a stopped replica makes
reads fall back to the primary, and a restarted one is used again."""

from __future__ import annotations

import queue
import time
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest

from broadsheet.db import Database, connect

from .clusters import Pair, unavailable

WAIT = 20.0  # seconds for a replica to replay or come back (it takes milliseconds here)


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    why = unavailable()
    if why:
        pytest.skip(why)
    made = Pair()
    try:
        made.start()
        yield made
    finally:
        made.stop()


@pytest.fixture
def urls(pair: Pair) -> tuple[str, str]:
    """(primary, replica) URLs of a fresh schema (migrated on the primary, replayed)."""
    schema = f"t_{uuid.uuid4().hex[:10]}"
    primary = f"{pair.primary_url}?schema={schema}"
    connect(primary).close()
    return primary, pair.replica_url


@pytest.fixture
def db(urls: tuple[str, str]) -> Iterator[Database]:
    database = connect(urls[0], replicas=[urls[1]])
    yield database
    database.close()


def _until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.02)


def _read(db: Database) -> tuple[bool, int]:
    """(served by a replica, number of options) from one snapshot."""
    with db.reading():
        return bool(db.scalar("SELECT pg_is_in_recovery()")), int(db.scalar("SELECT COUNT(*) FROM options"))


def _raw_insert(primary: str, name: str, *, notify: str | None = None) -> None:
    """A commit by someone else (not this process's Database)."""
    base, _, query = primary.partition("?")
    schema = query.removeprefix("schema=")
    with psycopg.connect(base, autocommit=True) as conn, conn.transaction():
        conn.execute(f'INSERT INTO "{schema}".options (name, value) VALUES (%s, %s)', (name, '"x"'))
        if notify:
            conn.execute("SELECT pg_notify(%s, %s)", (notify, name))


def _replay(pair: Pair, action: str) -> None:
    with psycopg.connect(pair.replica_url, autocommit=True) as conn:
        conn.execute(f"SELECT pg_wal_replay_{action}()")


def test_reads_go_to_the_replica_and_everything_else_to_the_primary(db: Database) -> None:
    _until(lambda: _read(db)[0], "a read served by the replica")
    with db.reading():
        assert db.scalar("SELECT pg_is_in_recovery()") is True
        assert db.scalar("SELECT inet_server_port()") == int(db.replicas[0].rsplit(":", 1)[1].split("/")[0])
    assert db.scalar("SELECT pg_is_in_recovery()") is False  # outside a block: the primary
    with db.transaction():
        assert db.scalar("SELECT pg_is_in_recovery()") is False


def test_another_writer_s_commit_is_served_by_the_replica_once_replayed(
    db: Database, urls: tuple[str, str], pair: Pair
) -> None:
    _until(lambda: _read(db)[0], "a read served by the replica")
    before = _read(db)[1]
    _replay(pair, "pause")
    try:
        _raw_insert(urls[0], "from_elsewhere")
        time.sleep(0.3)
        # Someone else's write: this process knows nothing of it, so the lagging replica serves.
        assert _read(db) == (True, before)
    finally:
        _replay(pair, "resume")
    _until(lambda: _read(db) == (True, before + 1), "the replica to replay the other writer's commit")


def test_this_process_reads_its_own_write_at_once_even_while_the_replica_lags(
    db: Database, pair: Pair
) -> None:
    _until(lambda: _read(db)[0], "a read served by the replica")
    before = _read(db)[1]
    _replay(pair, "pause")
    try:
        with db.transaction():
            db.execute("INSERT INTO options (name, value) VALUES ('mine', '\"x\"')")
        for _ in range(5):  # from the primary, for as long as the replica has not replayed it
            assert _read(db) == (False, before + 1)
            time.sleep(0.05)
        # Another Database of this process on the same primary knows of the write too.
        other = connect(db.url, replicas=list(_replica_urls(pair)), migrate=False)
        try:
            assert _read(other) == (False, before + 1)
        finally:
            other.close()
    finally:
        _replay(pair, "resume")
    _until(lambda: _read(db) == (True, before + 1), "reads back on the replica once it replayed")


def _replica_urls(pair: Pair) -> list[str]:
    return [pair.replica_url]


def test_a_notification_s_change_is_read_from_where_it_is_already_visible(
    db: Database, urls: tuple[str, str], pair: Pair
) -> None:
    _until(lambda: _read(db)[0], "a read served by the replica")
    before = _read(db)[1]
    channel = f"t_{uuid.uuid4().hex[:12]}"
    got: queue.Queue[str | None] = queue.Queue()
    assert db.listen(channel, got.put)
    assert got.get(timeout=WAIT) is None
    _replay(pair, "pause")
    try:
        _raw_insert(urls[0], "notified", notify=channel)
        assert got.get(timeout=WAIT) == "notified"
        # The callback's re-check must see the change: the replica has not replayed it, so the
        # read goes to the primary.
        assert _read(db) == (False, before + 1)
    finally:
        _replay(pair, "resume")
    _until(lambda: _read(db) == (True, before + 1), "reads back on the replica")


def test_a_stopped_replica_makes_reads_fall_back_to_the_primary(db: Database, pair: Pair) -> None:
    _until(lambda: _read(db)[0], "a read served by the replica")
    count = _read(db)[1]
    pair.stop_server(pair.replica_dir)
    try:
        for _ in range(20):  # never an error: each read is served by the primary
            assert _read(db) == (False, count)
        # A Database opened while the replica is down opens, and reads, all the same.
        other = connect(db.url, replicas=_replica_urls(pair), migrate=False)
        try:
            assert _read(other) == (False, count)
        finally:
            other.close()
    finally:
        pair.start_server(pair.replica_dir)
    pair.wait_streaming()
    _until(lambda: _read(db) == (True, count), "reads back on the restarted replica")
