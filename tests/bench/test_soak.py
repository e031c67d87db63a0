"""bench/soak.py on a tiny generated archive: a few seconds of steady load with every fault
injected once, and no errors (the benchmark runs it for 30 minutes on 100,000 posts).

On the shared PostgreSQL of the suite the soak does not restart PostgreSQL (other tests use
it); a second test makes a cluster of its own and restarts that one under the load.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import soak  # noqa: E402
from wxr_generate import generate  # noqa: E402

QUICK = ["--minutes", "0.2", "--window", "1", "--rate", "20",  # a rate this loaded machine always keeps up with
         "--import-posts", "5", "--slow-clients", "20", "--idle-clients", "40", "--oversized-mb", "12",
         "--rss-every", "2", "--workers", "1", "--start-timeout", "120"]


def make_archive(url: str, tmp: Path) -> None:
    export = tmp / "tiny.wxr"
    generate(export, 40, 1)
    subprocess.run([sys.executable, "-m", "broadsheet", "import", str(export), "--database", url],
                   check=True, capture_output=True)


def run_soak(url: str, tmp: Path, *extra: str) -> str:
    """The report of a quick soak, which must have found no errors."""
    results = tmp / "soak.md"
    status = soak.main(["--database", url, *QUICK, "--results", str(results), *extra])
    text = results.read_text()
    assert status == 0, text
    return text


def fault_rows(report: str) -> dict[str, str]:
    rows = {}
    for line in report.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[1].isdigit() and cells[2] in soak.FAULTS:
            rows[cells[2]] = line
    return rows


def test_every_fault_once_on_a_tiny_archive_without_errors(database_url: str, tmp_path: Path) -> None:
    make_archive(database_url, tmp_path)
    report = run_soak(database_url, tmp_path, "--pg-restart", "skip")
    assert "verdict: no errors" in report, report
    rows = fault_rows(report)
    assert set(rows) == set(soak.FAULTS), report
    for name, row in rows.items():
        assert "FAILED" not in row and "not as documented" not in row, row
        if name != "pg_restart":
            assert "skipped" not in row, row
    assert "imported" in rows["import"] and "imported 0 posts" not in rows["import"] and "rendered" in rows["rerender"]
    assert "answering again" in rows["restart"]
    assert "413" in rows["oversized"] and "431" in rows["oversized"] and "414" in rows["oversized"]
    assert "| 2xx |" in report and "worker RSS" in report


def test_postgresql_restarted_under_load(tmp_path: Path) -> None:
    from ..db import clusters

    why = clusters.unavailable()
    if why:
        pytest.skip(why)
    cluster = OneCluster()
    try:
        cluster.start()
        make_archive(cluster.primary_url, tmp_path)
        report = run_soak(cluster.primary_url, tmp_path, "--faults", "pg_restart,restart")
    finally:
        cluster.stop()
    rows = fault_rows(report)
    assert "reading again" in rows["pg_restart"], report
    assert "FAILED" not in report and "verdict: no errors" in report, report


def test_pg_restart_is_skipped_where_there_is_no_server_to_restart() -> None:
    assert soak.pg_restart_command("sqlite:///x.db", "auto")[2] == "SQLite: no database server to restart"
    assert soak.pg_restart_command("postgresql://127.0.0.1:1/x", "skip")[2] == "--pg-restart skip"


def test_outcomes_are_classified() -> None:
    import httpx

    assert soak.status_class(200) == "2xx" and soak.status_class(304) == "3xx" and soak.status_class(503) == "503"
    assert not soak.is_error("503") and not soak.is_error("431") and not soak.is_error(soak.RESTARTING)
    assert soak.is_error("500") and soak.is_error("404") and soak.is_error("reset")
    refused = httpx.ConnectError("All connection attempts failed")
    refused.__context__ = ConnectionRefusedError(111, "Connection refused")
    assert soak.error_class(refused) == "refused"
    assert soak.error_class(httpx.RemoteProtocolError("Server disconnected")) == "closed without an answer"
    assert soak.percentile([float(n) for n in range(1, 101)], 0.99) == 99.0


class OneCluster:
    """A PostgreSQL cluster of the test's own (tests/db/clusters.py's primary, no replica)."""

    def __init__(self) -> None:
        from ..db import clusters

        self.pair = clusters.Pair()

    @property
    def primary_url(self) -> str:
        return self.pair.primary_url

    def start(self) -> None:
        from ..db import clusters

        p = self.pair
        p._run(str(clusters.BIN / "initdb"), "-D", str(p.primary_dir), "-U", "postgres", "--auth=trust",
               "-E", "UTF8", "--locale=C", "--no-sync")
        p._configure(p.primary_dir, p.primary_port)
        p.start_server(p.primary_dir)

    def stop(self) -> None:
        self.pair.stop()
