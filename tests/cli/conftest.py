"""Helpers for driving the real ``broadsheet`` command in a subprocess and checking that a
failure is one line: a loopback site that misbehaves, a small disk, file permissions that bind
even root."""

from __future__ import annotations

import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import ORACLE

_SCRIPT = Path(sys.executable).with_name("broadsheet")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "broadsheet"]
DUMP = ORACLE / "dump"


# Runs a command as root without root's licence to read and write any file (the capabilities
# CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, dropped from the bounding set before exec), so file
# permissions apply to it as to their owner.
_PERMISSIONS_APPLY = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for capability in (1, 2):
    if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
        sys.exit("cannot drop capabilities: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
"""


def run(*args: str, env: dict[str, str] | None = None, permissions: bool = False,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``broadsheet ARGS…`` to its end; with ``permissions``, file permissions bind it even
    when the test runs as root (skipped where capabilities cannot be dropped)."""
    command = [*COMMAND, *args]
    if permissions and os.geteuid() == 0:
        command = [sys.executable, "-c", _PERMISSIONS_APPLY, *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, **(env or {})})
    if result.stderr.startswith("cannot drop capabilities"):
        pytest.skip(result.stderr.strip())
    return result


def start(*args: str) -> subprocess.Popen[str]:
    """``broadsheet ARGS…`` started, its stderr readable line by line."""
    return subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read_line(process: subprocess.Popen[str], timeout: float = 60) -> str:
    """The next line the process writes on stderr (fails after ``timeout`` seconds)."""
    assert process.stderr is not None
    ready, _, _ = select.select([process.stderr], [], [], timeout)
    assert ready, "no line on stderr in time"
    return process.stderr.readline()


def failed_in_one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The failure's one line (``broadsheet: …``), once it is checked to be just that."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("broadsheet: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def free_space(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for the test (skipped where mounting is not permitted)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until only ``leave`` bytes are free."""
    with open(disk / "filler", "wb") as file:
        file.write(b"\0" * max(free_space(disk) - leave, 0))


class LoopbackSite:
    """A site on 127.0.0.1 that answers every request with the same bytes, then closes the
    connection (or resets it: ``reset=True``), whatever the answer promised."""

    def __init__(self, answer: bytes, *, reset: bool = False) -> None:
        self.answer = answer
        self.reset = reset
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/site"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                received = b""
                while b"\r\n\r\n" not in received:
                    part = conn.recv(65536)
                    if not part:
                        break
                    received += part
                conn.sendall(self.answer)
                if self.reset:  # an RST rather than a FIN
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                time.sleep(0.05)

    def close(self) -> None:
        self.sock.close()


def json_answer(body: bytes, *, length: int | None = None) -> bytes:
    """An HTTP answer of JSON (claiming ``length`` bytes when given: more than are sent)."""
    return (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: "
            + str(length if length is not None else len(body)).encode() + b"\r\n\r\n" + body)
