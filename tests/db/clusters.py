"""A real PostgreSQL 15 primary and streaming replica for the replica tests, made with the
installed server binaries in a temporary folder, run as the ``postgres`` OS user on free
loopback ports, and stopped (and removed) by :meth:`Pair.stop` whatever happened."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from ..conftest import free_port

BIN = Path("/usr/lib/postgresql/15/bin")
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")

SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 40
logging_collector = off
"""


def unavailable() -> str | None:
    """Why the pair cannot be made here (None when it can)."""
    if os.geteuid() != 0:
        return "making PostgreSQL clusters needs root (to run them as the postgres user)"
    missing = [t for t in TOOLS if not (BIN / t).exists()]
    if missing:
        return f"PostgreSQL 15 binaries missing in {BIN}: {', '.join(missing)}"
    if not shutil.which("runuser"):
        return "runuser is missing"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres OS user"
    return None


class Pair:
    """A primary and its streaming replica; URLs for both (database ``postgres``)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="broadsheet-replicas-"))
        user = pwd.getpwnam("postgres")
        os.chown(self.root, user.pw_uid, user.pw_gid)
        self.primary_dir = self.root / "primary"
        self.replica_dir = self.root / "replica"
        self.primary_port = free_port()
        self.replica_port = free_port()
        self.started: list[Path] = []

    def url(self, port: int) -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/postgres"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def replica_url(self) -> str:
        return self.url(self.replica_port)

    def _run(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args]
        done = subprocess.run(command, cwd=self.root, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")

    def _configure(self, data: Path, port: int) -> None:
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(SETTINGS.format(port=port, sockets=self.root))

    def start(self) -> None:
        self._run(str(BIN / "initdb"), "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        self._configure(self.primary_dir, self.primary_port)
        self.start_server(self.primary_dir)
        self._run(str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                  "-D", str(self.replica_dir), "-R", "-X", "stream", "--no-sync", "-c", "fast")
        self._configure(self.replica_dir, self.replica_port)
        self.start_server(self.replica_dir)
        self.wait_streaming()

    def start_server(self, data: Path) -> None:
        self._run(str(BIN / "pg_ctl"), "-D", str(data), "-l", str(data.with_suffix(".log")), "-w", "-t", "60", "start")
        if data not in self.started:
            self.started.append(data)

    def stop_server(self, data: Path, mode: str = "fast") -> None:
        self._run(str(BIN / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "-t", "60", "stop")
        self.started.remove(data)

    def wait_streaming(self, timeout: float = 30) -> None:
        """Until the primary sees its replica streaming."""
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.primary_url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                if conn.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").fetchone()[0]:
                    return
                time.sleep(0.05)
        raise RuntimeError("the replica did not start streaming")

    def stop(self) -> None:
        for data in list(reversed(self.started)):
            try:
                self.stop_server(data, "immediate")
            except Exception:
                _quit(data)
        shutil.rmtree(self.root, ignore_errors=True)


def _quit(data: Path) -> None:
    """Immediate shutdown of the server whose postmaster.pid is in ``data``, if any."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGQUIT)
    except (OSError, ValueError, IndexError):
        pass
