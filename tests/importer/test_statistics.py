"""An import ends with the query planner's statistics up to date (the planner picked poor plans
on PostgreSQL when an import left a million new rows unanalysed)."""

from __future__ import annotations

import sys
from pathlib import Path

from broadsheet.db import connect
from broadsheet.importer import rerender

from ..conftest import import_path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from wxr_generate import generate  # noqa: E402


def _analysed(url: str) -> set[str]:
    """The tables the planner has statistics for."""
    db = connect(url)
    try:
        if db.dialect.name == "postgresql":
            found = db.all("SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()")
        elif db.scalar("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"):
            found = db.all("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            found = []
        return {r[0] for r in found}
    finally:
        db.close()


def test_an_import_and_a_rerender_leave_fresh_statistics(database_url: str, tmp_path: Path) -> None:
    export = tmp_path / "small.wxr"
    generate(export, 40, seed=3)
    connect(database_url).close()  # the schema, empty
    assert not _analysed(database_url) & {"posts", "postmeta", "comments"}
    import_path(database_url, export)
    assert {"posts", "postmeta", "terms", "term_relationships", "comments"} <= _analysed(database_url)

    db = connect(database_url)
    try:
        if db.dialect.name == "postgresql":
            db.execute("DELETE FROM pg_statistic WHERE starelid = 'posts'::regclass")
        else:
            db.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'posts'")
    finally:
        db.close()
    assert "posts" not in _analysed(database_url)
    db = connect(database_url)
    try:
        rerender(db)
    finally:
        db.close()
    assert "posts" in _analysed(database_url)
