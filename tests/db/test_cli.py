"""``serve --replica``: repeatable, also from BROADSHEET_REPLICA_URLS (comma-separated); only
PostgreSQL URLs are taken."""

from __future__ import annotations

from click.testing import CliRunner

from broadsheet.cli import main
from broadsheet.db import replica_urls


def test_a_replica_that_is_not_postgresql_is_refused_before_serving() -> None:
    result = CliRunner().invoke(main, ["serve", "--replica", "sqlite:///x.db"])
    assert result.exit_code == 2
    assert "is not a postgresql:// URL" in result.output
    result = CliRunner().invoke(main, ["serve"], env={"BROADSHEET_REPLICA_URLS": "postgresql://a/db, mysql://b/db"})
    assert result.exit_code == 2
    assert "'mysql://b/db' is not a postgresql:// URL" in result.output


def test_the_replica_list_splits_on_commas() -> None:
    assert replica_urls(" postgresql://a/db ,, postgresql://b/db?schema=s ") == [
        "postgresql://a/db", "postgresql://b/db?schema=s"]
    assert replica_urls("") == []
