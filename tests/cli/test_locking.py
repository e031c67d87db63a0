"""Commands that write in bulk (``import``, ``rerender``, ``migrate``) run one at a time per
database: a second one waits, saying so in one line, or with ``--wait SECONDS`` gives up in one
line; never a traceback, ``database is locked`` or a constraint error."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from broadsheet.db import DatabaseBusy, exclusive

from ..conftest import POSTGRES, SEED, rows, snapshot
from .conftest import DUMP, failed_in_one_line, read_line, run, start

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from wxr_generate import generate  # noqa: E402

HOLDER = f"broadsheet import, pid {os.getpid()} on {socket.gethostname()}"


def test_a_second_import_waits_for_the_first_saying_so_in_one_line(database_url: str) -> None:
    with exclusive(database_url, "import"):
        second = start("import", str(DUMP), "--database", database_url)
        try:
            assert read_line(second) == (f"broadsheet: another command is running on {database_url} ({HOLDER}); "
                                         "waiting for it to finish…\n")
            assert second.poll() is None
        except BaseException:
            second.kill()
            raise
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert err == "" and out.startswith("imported 56 posts")


@pytest.mark.parametrize("command", [["import", str(SEED)], ["rerender"], ["migrate"]], ids=lambda c: c[0])
def test_with_wait_0_a_command_gives_up_at_once_in_one_line(oracle_copy: str, command: list[str]) -> None:
    before = snapshot(oracle_copy)
    with exclusive(oracle_copy, "import"):
        line = failed_in_one_line(run(*command, "--wait", "0", "--database", oracle_copy))
    assert line == (f"broadsheet: another command is still running on {oracle_copy} ({HOLDER}) after 0 s: "
                    "try again once it has finished, or wait longer with --wait SECONDS")
    assert snapshot(oracle_copy) == before


def test_a_bounded_wait_says_its_bound_and_gives_up_after_it(database_url: str) -> None:
    with exclusive(database_url, "rerender"):
        result = run("rerender", "--database", database_url, env={"BROADSHEET_WAIT": "0.5"})
    holder = HOLDER.replace("import", "rerender")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"broadsheet: another command is running on {database_url} ({holder}); waiting for it to finish "
        "(at most 0.5 s)…",
        f"broadsheet: another command is still running on {database_url} ({holder}) after 0.5 s: try again "
        "once it has finished, or wait longer with --wait SECONDS",
    ]


def test_imports_started_together_land_one_after_the_other(database_url: str, tmp_path: Path) -> None:
    """Two imports that would write the same options and posts at once (PostgreSQL raised
    UniqueViolation on options_pkey, SQLite 'database is locked' after 10 s)."""
    export = tmp_path / "site.wxr"
    generate(export, 50, seed=3)
    with exclusive(database_url, "import"):  # both start while the database is busy
        first = start("import", str(DUMP), "--database", database_url)
        second = start("import", str(export), "--database", database_url)
        read_line(first), read_line(second)  # both are waiting
    for process in (first, second):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Traceback" not in err and len(err.splitlines()) <= 1
    slugs = {row[0] for row in rows(database_url, "SELECT slug FROM posts WHERE type = 'post'")}
    assert len(slugs) > 56


def test_the_lock_of_a_killed_command_is_free_at_once(database_url: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom broadsheet.db import exclusive\n"
         f"with exclusive({database_url!r}, 'import'):\n    print('held', flush=True)\n    time.sleep(600)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(DatabaseBusy), exclusive(database_url, "import", wait=0):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    result = run("import", str(SEED), "--wait", "5", "--database", database_url)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.skipif(bool(POSTGRES), reason="the lock file is SQLite's")
def test_the_lock_file_names_its_holder_and_goes_away(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'site.db'}"
    lock = tmp_path / "site.db-lock"
    with exclusive(url, "migrate"):
        assert lock.read_text() == HOLDER.replace("import", "migrate")
    assert not lock.exists()
    assert run("migrate", "--database", url).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.db"]
