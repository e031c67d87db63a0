"""``db.reading()``: one snapshot for every statement inside, nesting joins, and a failure
inside never leaves a connection in a broken transaction."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from broadsheet.db import Database, DatabaseError, connect


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = connect(database_url)
    database.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    database.execute("INSERT INTO items (id, n) VALUES (1, 1)")
    yield database
    database.close()


def _insert(db: Database, item: int) -> None:
    with db.transaction():
        db.execute("INSERT INTO items (id, n) VALUES (?, ?)", (item, item))


def test_a_commit_between_two_reads_of_one_block_is_not_seen(db: Database, database_url: str) -> None:
    # The writer is another thread of the same Database, and another connection altogether.
    other = connect(database_url, migrate=False)
    try:
        with db.reading():
            before = db.all("SELECT id FROM items ORDER BY id")
            writer = threading.Thread(target=_insert, args=(db, 2))
            writer.start()
            writer.join(timeout=30)
            _insert(other, 3)
            assert other.scalar("SELECT COUNT(*) FROM items") == 3  # committed, for everyone else
            assert db.all("SELECT id FROM items ORDER BY id") == before == [(1,)]
            assert db.scalar("SELECT COUNT(*) FROM items") == 1
        with db.reading():
            assert db.all("SELECT id FROM items ORDER BY id") == [(1,), (2,), (3,)]
    finally:
        other.close()


def test_nested_blocks_join_the_outer_snapshot(db: Database) -> None:
    with db.reading():
        assert db.scalar("SELECT COUNT(*) FROM items") == 1
        with db.reading():
            writer = threading.Thread(target=_insert, args=(db, 2))
            writer.start()
            writer.join(timeout=30)
            assert db.scalar("SELECT COUNT(*) FROM items") == 1
        assert db.scalar("SELECT COUNT(*) FROM items") == 1
    assert db.scalar("SELECT COUNT(*) FROM items") == 2


def test_a_block_inside_a_transaction_reads_its_writes(db: Database) -> None:
    with db.transaction():
        db.execute("INSERT INTO items (id, n) VALUES (2, 2)")
        with db.reading():
            assert db.scalar("SELECT COUNT(*) FROM items") == 2


def test_a_transaction_cannot_start_inside_a_read_block(db: Database) -> None:
    with db.reading(), pytest.raises(DatabaseError, match="inside db.reading"), db.transaction():
        pass
    assert db.scalar("SELECT COUNT(*) FROM items") == 1


def test_an_error_inside_rolls_back_and_leaves_every_connection_clean(db: Database) -> None:
    for _ in range(12):  # more than the pool holds, so a dirty connection would come back
        with pytest.raises(Exception, match="no_such_table|no such table|does not exist"), db.reading():  # noqa: B017
            db.scalar("SELECT COUNT(*) FROM items")
            db.scalar("SELECT * FROM no_such_table")
        with pytest.raises(RuntimeError), db.reading():
            db.scalar("SELECT COUNT(*) FROM items")
            raise RuntimeError("the request failed")
    with db.reading():
        assert db.scalar("SELECT COUNT(*) FROM items") == 1
    _insert(db, 2)  # and writing still works
    with db.reading():
        assert db.scalar("SELECT COUNT(*) FROM items") == 2
        assert _in_transaction(db)
    assert not _in_transaction(db)


def _in_transaction(db: Database) -> bool:
    if db.dialect.name == "sqlite":
        return bool(db.conn.in_transaction)
    try:
        status = db.conn.info.transaction_status
    except DatabaseError:  # no connection held outside a block on PostgreSQL
        return False
    return bool(status != 0)


def test_a_block_without_statements_costs_nothing_and_is_harmless(db: Database) -> None:
    for _ in range(20):
        with db.reading():
            pass
    with db.reading():
        assert db.scalar("SELECT n FROM items WHERE id = 1") == 1


def test_a_read_block_refuses_writes_on_postgresql(db: Database) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("SQLite's read block is a deferred BEGIN, which does not refuse writes")
    with pytest.raises(Exception, match="read-only"), db.reading():  # noqa: B017
        db.execute("INSERT INTO items (id, n) VALUES (5, 5)")
    assert db.scalar("SELECT COUNT(*) FROM items") == 1
