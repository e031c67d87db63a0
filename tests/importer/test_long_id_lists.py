"""Statements over many ids: ``IN (…)`` lists are split (:func:`broadsheet.db.chunks`), so a
settings file listing more revisions or spam comments than a statement may carry parameters
(SQLite allows 32,766 by default, PostgreSQL 65,535) still imports; and revision counts per post.

On SQLite the tests lower the limit to 999 (SQLite's default before 3.32), so a few thousand
ids show what hundreds of thousands would do.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from broadsheet.db import Database, chunks, connect
from broadsheet.importer import run_import
from broadsheet.store import posts as post_store
from broadsheet.store import users as user_store
from broadsheet.store import writer
from broadsheet.store.models import Post, User

from ..conftest import FIXTURES

WXR_1_0 = FIXTURES / "wxr" / "wxr-1.0.xml"  # items 12 and 2
MANY = 2_500  # more ids than one statement may carry (with the limit below)


def _connect(url: str) -> Database:
    db = connect(url)
    if db.dialect.name == "sqlite":
        db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    return db


def test_chunks_splits_in_order_into_lists_of_at_most_size() -> None:
    assert list(chunks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks([], 3)) == []
    assert [len(c) for c in chunks(list(range(1001)))] == [500, 500, 1]


def _revision(rid: int, parent: int) -> dict[str, Any]:
    return {"id": rid, "parent": parent, "slug": f"{parent}-revision-v1",
            "date": "2010-03-01 10:00:00", "date_gmt": "2010-03-01 10:00:00"}  # fmt: skip


def test_a_settings_file_may_list_more_revisions_and_spam_than_a_statement_takes(
    database_url: str,
) -> None:
    not_in_wxr = {
        "revisions": [_revision(1000 + n, 12) for n in range(MANY)],
        "spam_comments": [{"id": 1000 + n, "post": 2} for n in range(MANY)],
    }
    db = _connect(database_url)
    try:
        report = run_import(db, [str(WXR_1_0)], site_settings={"_not_in_wxr": not_in_wxr})
        assert report.posts == 2 + MANY
        assert db.scalar("SELECT COUNT(*) FROM posts WHERE type = 'revision' AND parent = 12") == MANY
        assert db.scalar("SELECT COUNT(*) FROM comments WHERE status = 'spam'") == MANY
        assert post_store.revision_stats(db, [12, 2]) == {12: (MANY, 1000 + MANY - 1)}
        # Again: every revision is stored now, and none is newer, so none is written.
        report = run_import(db, [str(WXR_1_0)], site_settings={"_not_in_wxr": not_in_wxr})
        assert report.skipped_posts == 2 + MANY
        assert db.scalar("SELECT COUNT(*) FROM comments") == 1 + MANY
    finally:
        db.close()


def test_reads_by_many_ids(database_url: str) -> None:
    db = _connect(database_url)
    try:
        with db.transaction():
            for uid in (5, 2_000):
                writer.upsert_user(db, User(uid, f"user-{uid}"))
        found = user_store.get_many(db, list(range(1, MANY)))
        assert sorted(found) == [5, 2_000]
        assert found[2_000].nicename == "user-2000"
        with db.transaction():
            writer.delete_by_ids(db, "users", list(range(1, MANY)))
        assert db.scalar("SELECT COUNT(*) FROM users") == 0
    finally:
        db.close()


def _post(pid: int, parent: int, slug: str, date: str) -> Post:
    return Post(pid, "revision", "inherit", date, date, date, date, parent=parent, slug=slug)


def test_revision_stats_count_every_revision_and_name_the_newest_that_is_no_autosave(
    database_url: str,
) -> None:
    db = connect(database_url)
    try:
        with db.transaction():
            writer.insert_posts(db, [
                _post(11, 1, "1-revision-v1", "2020-01-01 10:00:00"),
                _post(12, 1, "1-revision-v1", "2020-01-03 10:00:00"),  # newest by date
                _post(13, 1, "1-revision-v1", "2020-01-02 10:00:00"),  # highest id, older
                _post(14, 1, "1-autosave-v1", "2020-01-04 10:00:00"),  # newer, but an autosave
                _post(21, 2, "2-revision-v1", "2020-01-01 10:00:00"),
                _post(22, 2, "2-revision-v1", "2020-01-01 10:00:00"),  # same date: higher id wins
                _post(31, 3, "3-autosave-v1", "2020-01-01 10:00:00"),  # only an autosave
            ])  # fmt: skip
        assert post_store.revision_stats(db, [1, 2, 3, 4, 2]) == {1: (4, 12), 2: (2, 22), 3: (1, 0)}
        assert post_store.revision_stats(db, []) == {}
    finally:
        db.close()
