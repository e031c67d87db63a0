"""Every failure of a command is one line on stderr (``broadsheet: …``) naming what failed and
what to do, exit status 1, and the database as it was: the real ``broadsheet`` command in a
subprocess, on SQLite and (where it applies) PostgreSQL."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from broadsheet.cli import explain

from ..conftest import POSTGRES, SEED, free_port, snapshot
from .conftest import (
    DUMP,
    LoopbackSite,
    failed_in_one_line,
    fill,
    json_answer,
    run,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from wxr_generate import generate  # noqa: E402

sqlite_only = pytest.mark.skipif(bool(POSTGRES), reason="a SQLite file's own failure")


# -- bad input -------------------------------------------------------------------------------------


def test_fifty_megabytes_of_nested_arrays_is_one_line(oracle_copy: str, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 25_000_000 + b"]" * 25_000_000)
    before = snapshot(oracle_copy)
    line = failed_in_one_line(run("import", str(deep), "--database", oracle_copy))
    assert line == f"broadsheet: {deep}: JSON nested too deeply to read (WordPress never writes more than 512 levels)"
    assert snapshot(oracle_copy) == before


def test_a_settings_file_nested_too_deeply_is_one_line(oracle_copy: str, tmp_path: Path) -> None:
    settings = tmp_path / "site.json"
    settings.write_text("{\"a\": " * 100_000 + "1" + "}" * 100_000)
    line = failed_in_one_line(run("import", str(SEED), "--site-settings", str(settings), "--database", oracle_copy))
    assert line.startswith(f"broadsheet: {settings}: JSON nested too deeply to read")


def test_a_site_answering_json_nested_too_deeply_is_one_line(oracle_copy: str) -> None:
    site = LoopbackSite(json_answer(b"[" * 100_000 + b"]" * 100_000))
    try:
        line = failed_in_one_line(run("import", site.url, "--database", oracle_copy))
    finally:
        site.close()
    assert line == (f"broadsheet: {site.url}/wp-json/: the answer: JSON nested too deeply to read "
                    "(WordPress never writes more than 512 levels)")


# -- the network -----------------------------------------------------------------------------------


def test_a_refused_connection_names_the_site(oracle_copy: str) -> None:
    port = free_port()  # nothing listens there
    before = snapshot(oracle_copy)
    line = failed_in_one_line(run("import", f"http://127.0.0.1:{port}/archive", "--database", oracle_copy))
    assert line == (f"broadsheet: cannot connect to http://127.0.0.1:{port} (Connection refused): check the "
                    "address and that the site is up; nothing was imported")
    assert snapshot(oracle_copy) == before


def test_an_unknown_host_names_the_site(oracle_copy: str) -> None:
    line = failed_in_one_line(run("import", "https://broadsheet-test.invalid/archive", "--database", oracle_copy))
    assert line.startswith("broadsheet: cannot connect to https://broadsheet-test.invalid (")
    assert line.endswith("): check the address and that the site is up; nothing was imported")


@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
def test_a_connection_dropped_in_the_middle_of_an_answer_is_one_line(oracle_copy: str, reset: bool) -> None:
    site = LoopbackSite(json_answer(b'{"name": "cut', length=100_000), reset=reset)
    before = snapshot(oracle_copy)
    try:
        line = failed_in_one_line(run("import", site.url, "--database", oracle_copy))
    finally:
        site.close()
    site_name = site.url.removesuffix("/site")
    assert line.startswith(f"broadsheet: the connection to {site_name} broke in the middle of an answer (")
    assert line.endswith(f"{site.url}/wp-json/): run the import again; nothing was imported")
    assert snapshot(oracle_copy) == before


def test_a_database_server_that_refuses_the_connection_is_one_line() -> None:
    url = f"postgresql://127.0.0.1:{free_port()}/broadsheet"
    line = failed_in_one_line(run("import", str(SEED), "--database", url))
    assert line.startswith(f"broadsheet: the connection to {url} failed (connection failed: ")
    assert line.endswith("check that PostgreSQL is up and the URL is right, then run the command again; "
                         "the database is as it was")


# -- the database's disk and permissions -----------------------------------------------------------


@sqlite_only
def test_a_read_only_database_file_is_one_line(oracle_copy: str) -> None:
    path = Path(oracle_copy.removeprefix("sqlite:///"))
    path.chmod(0o444)
    url = oracle_copy
    before = snapshot(url)
    for command in (["import", str(DUMP / "posts.json")], ["rerender"]):
        line = failed_in_one_line(run(*command, "--database", url, permissions=True))
        assert line == (f"broadsheet: {url} is read-only (attempt to write a readonly database): make the "
                        "database file and its folder writable for this user; nothing was changed")
    assert snapshot(url) == before


@sqlite_only
def test_a_database_in_a_read_only_folder_is_one_line(oracle_copy: str, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    path = folder / "site.db"
    path.write_bytes(Path(oracle_copy.removeprefix("sqlite:///")).read_bytes())
    folder.chmod(0o555)
    url = f"sqlite:///{path}"
    before = snapshot(url)
    for target in (url, f"sqlite:///{folder}/new.db"):
        line = failed_in_one_line(run("import", str(SEED), "--database", target, permissions=True))
        name = target.removeprefix("sqlite:///")
        assert line == (f"broadsheet: cannot create the lock file {name}-lock (Permission denied): the "
                        f"database's folder {folder} must exist and be writable for this user")
    assert snapshot(url) == before
    assert sorted(p.name for p in folder.iterdir()) == ["site.db"]


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's read-only sessions")
def test_a_read_only_postgresql_session_is_one_line(oracle_copy: str) -> None:
    before = snapshot(oracle_copy)
    env = {"PGOPTIONS": "-c default_transaction_read_only=on"}  # as a hot standby would be
    line = failed_in_one_line(run("import", str(DUMP / "posts.json"), "--database", oracle_copy, env=env))
    assert line.startswith(f"broadsheet: {oracle_copy} does not accept writes from this connection (cannot execute ")
    assert line.endswith("in a read-only transaction): use the primary server and a role that may write; "
                         "nothing was changed")
    assert snapshot(oracle_copy) == before


@sqlite_only
def test_a_full_disk_under_the_database_is_one_line(oracle_copy: str, small_disk: Path, tmp_path: Path) -> None:
    export = tmp_path / "more.wxr"
    generate(export, 200, seed=5)
    path = small_disk / "site.db"
    path.write_bytes(Path(oracle_copy.removeprefix("sqlite:///")).read_bytes())
    url = f"sqlite:///{path}"
    before = snapshot(url)
    fill(small_disk, 200_000)
    line = failed_in_one_line(run("import", str(export), "--database", url))
    assert line == (f"broadsheet: the disk holding {url} is full (database or disk is full): free some space "
                    "and run the command again; the database is as it was")
    assert snapshot(url) == before


@sqlite_only
def test_a_new_database_on_a_full_disk_leaves_no_file(small_disk: Path) -> None:
    fill(small_disk, 100_000)
    url = f"sqlite:///{small_disk / 'new.db'}"
    line = failed_in_one_line(run("import", str(DUMP), "--database", url))
    assert line.startswith(f"broadsheet: the disk holding {url} is full (database or disk is full)")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_a_full_temporary_folder_is_one_line(oracle_copy: str, small_disk: Path) -> None:
    fill(small_disk, 100_000)
    before = snapshot(oracle_copy)
    line = failed_in_one_line(run("import", str(DUMP), "--database", oracle_copy, env={"TMPDIR": str(small_disk)}))
    assert line == (f"broadsheet: no space left on the disk for the import's temporary files in {small_disk} "
                    "(TMPDIR): free some space (or set TMPDIR to a roomier folder) and run the command again; "
                    "the database is as it was")
    assert snapshot(oracle_copy) == before


# -- a new SQLite database -------------------------------------------------------------------------


@sqlite_only
@pytest.mark.parametrize("source", ["bad-json", "refused-site"])
def test_a_failed_import_into_a_new_path_leaves_no_file(tmp_path: Path, source: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1, "type": "post"')
    given = str(bad) if source == "bad-json" else f"http://127.0.0.1:{free_port()}/archive"
    folder = tmp_path / "site"
    folder.mkdir()
    failed_in_one_line(run("import", given, "--database", f"sqlite:///{folder / 'new.db'}"))
    assert list(folder.iterdir()) == []


@sqlite_only
def test_a_failed_import_into_an_existing_database_keeps_it(oracle_copy: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1, "type": "post"')
    before = snapshot(oracle_copy)
    failed_in_one_line(run("import", str(bad), "--database", oracle_copy))
    assert snapshot(oracle_copy) == before


# -- the one place that explains -------------------------------------------------------------------


def test_a_full_disk_is_named_even_behind_a_failed_rollback() -> None:
    rollback = sqlite3.OperationalError("cannot rollback - no transaction is active")
    rollback.__context__ = sqlite3.OperationalError("database or disk is full")
    assert explain(rollback, "sqlite:///x.db").startswith("the disk holding sqlite:///x.db is full")


def test_an_unexpected_error_is_one_line_that_says_how_to_see_more() -> None:
    message = explain(RuntimeError("first line\nsecond line"))
    assert message == "unexpected RuntimeError: first line (a bug: please report it; BROADSHEET_DEBUG=1 shows where it happened)"
