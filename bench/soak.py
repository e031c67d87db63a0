"""Soak and fault run: a steady mixed load at half of peak for a bounded time, with faults
injected in turn, against an archive on SQLite or PostgreSQL.

    python bench/soak.py --database sqlite:////work/scale/soak100k.db --minutes 30
    python bench/soak.py --database postgresql://127.0.0.1:5433/soak100k --minutes 30
    python bench/soak.py --database ... --minutes 1 --window 2 --faults restart,oversized   # a quick look

``--minutes`` bounds the run, but the first round of faults always runs to its end.

The archive is one made with bench/scale.py's tools (bench/wxr_generate.py and ``broadsheet
import``). The run starts ``broadsheet serve`` on the database (``--serve-arg`` passed through),
draws a list of distinct URLs in bench/scale.py's mix from what the database holds, measures
the peak briefly (``--peak-seconds`` of a closed loop at ``--connections``; or takes ``--rate``)
and then sends requests at half of it, open loop: each request leaves at its scheduled moment
whatever the answers before it did, and its latency counts from that moment, so a stalled
server shows as latency rather than as fewer requests. The URLs go round again once used up.

Faults, in turn (``--faults``), each with a ``--window`` of steady load before and after it,
and again from the first while the time lasts:

    import       ``broadsheet import`` of a small generated export (``--import-posts`` new posts,
                 new ids each time, so the number of posts grows)
    rerender     ``broadsheet rerender`` (every post rendered again, in one transaction)
    restart      the server stopped with SIGTERM (requests in progress drain) and started again
    pg_restart   PostgreSQL restarted under the load (``--pg-restart``: auto finds the cluster
                 of the database URL: ``pg_ctlcluster`` for a Debian cluster, else ``pg_ctl
                 restart`` as the postgres user; it refuses a cluster other databases are using)
    drop         connections dropped mid-answer: heavy requests whose client sends a reset after
                 the first bytes of the answer, or before any
    slow         ``--slow-clients`` sockets dribbling request headers a byte a second (slowloris)
    idle         ``--idle-clients`` keep-alive connections left idle after one request
    oversized    a huge body (413: announced with Expect: 100-continue, sent at once, chunked),
                 huge headers (431), a long query string (414; one longer than the header
                 limit gets 431, as granian reads the request line with the headers)

What it reports (Markdown; ``--results FILE`` appends it there): the steady load's answers by
class, and its errors: anything but 2xx/3xx and the documented 503 (time budget), 413, 414 and
431, with connection errors by kind (refused, reset, closed without an answer, timeouts). A
connection refused or closed while the server is down for a restart is counted in its own
class ("while restarting"), not as an error. For each fault: p99 (and p50, answers) of the
steady load in the window before, during and after it, its errors, and what the fault itself
saw (the probes' statuses; sockets the server closed); a request belongs to the window in which
it ended. Worker memory (RSS of the serve
process's descendants) every ``--rss-every`` seconds (a minute by default). The exit status is 1
when the steady load had errors, a fault's command failed, or the server did not come back.

Loopback only: the server listens on 127.0.0.1 and the database must be local. The run stops
itself after ``--minutes`` (a fault in progress is let finish) and on Ctrl-C or SIGTERM, and
stops everything it started: the server, the commands, its sockets; PostgreSQL is started again
if a restart was cut short.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale  # noqa: E402

FAULTS = ("import", "rerender", "restart", "pg_restart", "drop", "slow", "idle", "oversized")
DOCUMENTED = {413, 414, 431, 503}  # the answers the server's limits give on purpose
# what each oversized request should get (a request line longer than the header limit is a
# header too large: granian reads the request line with the headers)
EXPECTED = {"body": {413}, "body sent at once": {413}, "chunked body": {413}, "headers": {431}, "long query": {414}, "huge query": {414, 431}}
OK_CLASSES = {"2xx", "3xx"}
RESTARTING = "while restarting"  # refused or closed while the server was down on purpose
MAX_IN_FLIGHT = 512  # the load's own bound: past it a request is not sent ("client backlog")


# -- outcomes ----------------------------------------------------------------------------------


def status_class(status: int) -> str:
    if status < 300:
        return "2xx"
    if status < 400:
        return "3xx"
    return str(status)


def error_class(exc: BaseException) -> str:
    """A connection error's kind."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "connect timeout"
    if isinstance(exc, httpx.ConnectError):
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, ConnectionRefusedError):
            cause = cause.__cause__ or cause.__context__
        return "refused" if cause is not None or "refused" in str(exc).lower() else "connect error"
    if isinstance(exc, httpx.PoolTimeout):
        return "client pool timeout"
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return "timeout"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "closed without an answer"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "reset"
    return type(exc).__name__


def is_error(kind: str) -> bool:
    return kind not in OK_CLASSES and kind != RESTARTING and not (kind.isdigit() and int(kind) in DOCUMENTED)


@dataclass
class Load:
    """Every steady-load request: (scheduled moment, latency in seconds, outcome class)."""

    began: float = field(default_factory=time.monotonic)
    records: list[tuple[float, float, str]] = field(default_factory=list)

    def add(self, at: float, latency: float, kind: str) -> None:
        self.records.append((at, latency, kind))

    def window(self, start: float, end: float) -> tuple[list[float], Counter[str]]:
        """Latencies (ms) of the requests that ended in [start, end) (an answer, or a failure:
        a request cut by a fault counts where it was cut), and every outcome's count."""
        latencies: list[float] = []
        kinds: Counter[str] = Counter()
        for at, latency, kind in self.records:
            if start <= at + latency < end:
                kinds[kind] += 1
                if kind in OK_CLASSES or kind.isdigit():
                    latencies.append(latency * 1000)
        return latencies, kinds


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


@dataclass
class FaultResult:
    name: str
    start: float
    end: float
    detail: str = ""
    failed: str = ""  # why the fault itself went wrong (a command's exit status, a server not back)
    skipped: str = ""
    unexpected: str = ""  # what a hostile client saw other than the documented answer (reported, not failed)


# -- processes ---------------------------------------------------------------------------------


class Server:
    """``broadsheet serve`` in its own session on a fixed loopback port."""

    def __init__(self, database: str, workers: int | None, extra: list[str], log_dir: Path) -> None:
        self.database, self.workers, self.extra = database, workers, extra
        self.port = scale.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.down = False  # stopped on purpose

    def start(self) -> None:
        command = [sys.executable, "-m", "broadsheet", "serve", "--database", self.database, "--host", "127.0.0.1",
                   "--port", str(self.port), *(["--workers", str(self.workers)] if self.workers else []), *self.extra]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                         env={**os.environ, "PYTHONUNBUFFERED": "1"})

    async def ready(self, probe: str, timeout: float = 600) -> float:
        """Seconds until ``probe`` answers 200; raises RuntimeError when the server exits or
        does not answer in time."""
        began = time.monotonic()
        async with httpx.AsyncClient(timeout=10) as client:
            while time.monotonic() - began < timeout:
                if self.proc is None or self.proc.poll() is not None:
                    raise RuntimeError("the server exited:\n" + self.log.read_text(errors="replace")[-2000:])
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(self.base + probe)).status_code == 200:
                        self.down = False
                        return time.monotonic() - began
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the server did not answer {probe} in {timeout:.0f} s")

    async def stop(self, timeout: float = 60) -> int | None:
        """SIGTERM to the server's process group, SIGKILL after ``timeout``; its exit status."""
        proc = self.proc
        if proc is None:
            return None
        self.down = True
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while proc.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        return proc.returncode

    def workers_rss(self) -> dict[int, float]:
        if self.proc is None or self.proc.poll() is not None:
            return {}
        pids = scale.descendants(self.proc.pid) or [self.proc.pid]
        return {pid: mb for pid in pids if (mb := scale.rss_mb(pid)) is not None}


class Commands:
    """The commands the faults run, each in its own session, so cleanup can stop them all."""

    def __init__(self) -> None:
        self.running: set[asyncio.subprocess.Process] = set()

    async def run(self, *args: str) -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.STDOUT, start_new_session=True)
        self.running.add(proc)
        try:
            out, _ = await proc.communicate()
        finally:
            self.running.discard(proc)
        return proc.returncode or 0, out.decode(errors="replace").strip()

    def kill(self) -> None:
        for proc in list(self.running):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)


# -- PostgreSQL --------------------------------------------------------------------------------


def pg_restart_command(database: str, how: str) -> tuple[list[str] | None, list[str] | None, str]:
    """(restart command, start command for cleanup, reason when there is none) for the
    cluster serving ``database``."""
    if scale.store_of(database) != "postgresql":
        return None, None, "SQLite: no database server to restart"
    if how == "skip":
        return None, None, "--pg-restart skip"
    if how not in ("auto", "force"):
        return how.split(), None, ""
    import psycopg

    try:
        with psycopg.connect(database.split("?")[0], autocommit=True, connect_timeout=10) as conn:
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]  # type: ignore[index]
            major = conn.execute("SHOW server_version_num").fetchone()[0][:2]  # type: ignore[index]
            others = conn.execute(
                "SELECT datname, count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                " AND datname IS DISTINCT FROM current_database() GROUP BY datname").fetchall()
    except psycopg.Error as exc:
        return None, None, f"cannot find the cluster's data directory: {str(exc).splitlines()[0]}"
    if others and how != "force":
        names = ", ".join(f"{name} ({n})" for name, n in others)
        return None, None, (f"other databases of this cluster are in use ({names}): a restart would disturb "
                            "them; use a cluster of its own, or --pg-restart force")
    if shutil.which("pg_lsclusters"):
        listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False).stdout
        for line in listing.splitlines():
            words = line.split()
            if len(words) >= 6 and os.path.realpath(words[5]) == os.path.realpath(data_dir):
                return (["pg_ctlcluster", words[0], words[1], "restart", "-m", "fast"],
                        ["pg_ctlcluster", words[0], words[1], "start"], "")
    pg_ctl = Path(f"/usr/lib/postgresql/{major}/bin/pg_ctl")
    if not pg_ctl.exists():
        found = shutil.which("pg_ctl")
        if not found:
            return None, None, "pg_ctl not found"
        pg_ctl = Path(found)
    if not os.path.isdir(data_dir):
        return None, None, f"the data directory {data_dir} is not on this machine"
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() != 0 and os.stat(data_dir).st_uid != os.geteuid():
        return None, None, "restarting PostgreSQL needs root or the cluster's owner"
    log = os.path.join(data_dir, "soak-restart.log")
    return ([*prefix, str(pg_ctl), "-D", data_dir, "-l", log, "-m", "fast", "-w", "-t", "120", "restart"],
            [*prefix, str(pg_ctl), "-D", data_dir, "-l", log, "-w", "start"], "")


# -- raw sockets (the hostile clients) ---------------------------------------------------------


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a client that vanishes does."""
    sock = writer.get_extra_info("socket")
    with contextlib.suppress(OSError):
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    writer.transport.abort()


async def _status_line(reader: asyncio.StreamReader, timeout: float) -> int | None:
    """The status of the answer on ``reader``, or None when the connection closes first."""
    try:
        line = await asyncio.wait_for(reader.readline(), timeout)
    except (TimeoutError, OSError, asyncio.IncompleteReadError):
        return None
    match = re.match(rb"HTTP/1\.[01] (\d{3})", line)
    return int(match.group(1)) if match else None


async def _closed_by_server(reader: asyncio.StreamReader, timeout: float) -> bool:
    """Whether the server closes the connection within ``timeout`` (reading and dropping bytes)."""
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            if not await asyncio.wait_for(reader.read(65536), left):
                return True
    except TimeoutError:
        return False
    except OSError:
        return True
    return False


# -- the run -----------------------------------------------------------------------------------


class Soak:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.database = args.database
        self.store = scale.store_of(args.database)
        self.server = Server(args.database, args.workers, args.serve_arg, workdir)
        self.commands = Commands()
        self.load = Load()
        self.results: list[FaultResult] = []
        self.rss: list[tuple[float, dict[int, float], float]] = []  # (seconds, RSS by worker, load average)
        self.rate = 0.0
        self.peak = 0.0
        self.urls: list[str] = []
        self.probe = ""
        self.prefix = ""
        self.stop = asyncio.Event()
        self.in_flight = 0
        self.pg_interrupted: list[str] | None = None  # a PostgreSQL start command owed after a cut-short restart
        self.import_round = 0
        self.posts = 0
        self.first_free_id = 0
        self.sockets: set[asyncio.StreamWriter] = set()
        self.t0 = time.monotonic()
        self.fatal = ""

    def say(self, text: str) -> None:
        print(f"[{time.monotonic() - self.t0:7.1f} s] {text}", flush=True)

    # -- setup ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        corpus = scale.load_corpus(self.database, seed=self.args.seed)
        self.posts = len(corpus.posts)
        self.prefix = corpus.prefix
        self.probe = corpus.prefix + "/types/post"
        self.first_free_id = first_free_id(self.database)
        count = self.args.urls or int(min(200_000, max(2_000, 60 * self.args.minutes * 60)))
        while True:  # a small corpus cannot give every kind many distinct URLs: ask for fewer
            try:
                self.urls = [url for _, url in scale.build_urls(corpus, count, seed=self.args.seed)]
                break
            except SystemExit:
                if count <= 100:
                    raise
                count //= 2
        self.say(f"{self.posts:,} published posts; {len(self.urls):,} distinct URLs in bench/scale.py's mix")

    # -- the steady load -----------------------------------------------------------------------
    async def request(self, client: httpx.AsyncClient, url: str, at: float) -> None:
        self.in_flight += 1
        try:
            response = await client.get(url)
            kind = status_class(response.status_code)
        except httpx.HTTPError as exc:
            kind = error_class(exc)
            if self.server.down and kind in ("refused", "connect error", "closed without an answer", "reset"):
                kind = RESTARTING
        finally:
            self.in_flight -= 1
        self.load.add(at, time.monotonic() - at, kind)

    async def steady(self, client: httpx.AsyncClient) -> None:
        """Requests at ``self.rate`` per second, each sent at its moment (open loop)."""
        interval = 1.0 / self.rate
        moment = time.monotonic()
        index = 0
        tasks: set[asyncio.Task[None]] = set()
        while not self.stop.is_set():
            moment += interval
            delay = moment - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.in_flight >= MAX_IN_FLIGHT:
                self.load.add(moment, 0.0, "client backlog")
                continue
            task = asyncio.create_task(self.request(client, self.server.base + self.urls[index % len(self.urls)], moment))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            index += 1
        await asyncio.gather(*tasks, return_exceptions=True)

    async def measure_peak(self, client: httpx.AsyncClient) -> float:
        """Answers per second of a closed loop at ``--connections`` for ``--peak-seconds``."""
        deadline = time.monotonic() + self.args.peak_seconds
        answers = 0
        urls = iter(self.urls[len(self.urls) // 2:] + self.urls[: len(self.urls) // 2])  # not the load's first ones

        async def worker() -> None:
            nonlocal answers
            while time.monotonic() < deadline:
                try:
                    url = next(urls)
                except StopIteration:
                    return
                with contextlib.suppress(httpx.HTTPError):
                    await client.get(self.server.base + url)
                    answers += 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(self.args.connections)))
        return answers / max(0.001, time.monotonic() - began)

    async def sample_rss(self) -> None:
        while not self.stop.is_set():
            self.rss.append((time.monotonic() - self.load.began, self.server.workers_rss(), os.getloadavg()[0]))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.args.rss_every)
        self.rss.append((time.monotonic() - self.load.began, self.server.workers_rss(), os.getloadavg()[0]))

    # -- faults --------------------------------------------------------------------------------
    async def fault_import(self) -> tuple[str, str]:
        self.import_round += 1
        path = self.workdir / f"import-{self.import_round}.wxr"
        delta_export(path, self.args.import_posts, self.import_round, self.first_free_id)
        code, out = await self.commands.run(sys.executable, "-m", "broadsheet", "import", str(path),
                                            "--database", self.database)
        path.unlink(missing_ok=True)
        last = out.splitlines()[-1] if out else ""
        return last, "" if code == 0 else f"exit status {code}: {last}"

    async def fault_rerender(self) -> tuple[str, str]:
        code, out = await self.commands.run(sys.executable, "-m", "broadsheet", "rerender", "--database", self.database)
        last = out.splitlines()[-1] if out else ""
        return last, "" if code == 0 else f"exit status {code}: {last}"

    async def fault_restart(self) -> tuple[str, str]:
        began = time.monotonic()
        status = await self.server.stop(timeout=120)
        stopped = time.monotonic() - began
        self.server.start()
        try:
            back = await self.server.ready(self.probe, timeout=300)
        except RuntimeError as exc:
            return "", f"the server did not come back: {exc}"
        clean = status in (0, -signal.SIGTERM)
        return (f"stopped in {stopped:.1f} s (exit status {status}), answering again {back:.1f} s later",
                "" if clean else f"the server's exit status after SIGTERM was {status}")

    async def fault_pg_restart(self) -> tuple[str, str]:
        restart, start, reason = pg_restart_command(self.database, self.args.pg_restart)
        if restart is None:
            raise Skip(reason)
        self.pg_interrupted = start
        code, out = await self.commands.run(*restart)
        if code == 0:
            self.pg_interrupted = None
        else:
            return "", f"{' '.join(restart)}: exit status {code}: {out[-300:]}"
        began = time.monotonic()
        try:  # until an uncached request reads the database again
            async with httpx.AsyncClient(timeout=10) as client:
                while time.monotonic() - began < 120:
                    with contextlib.suppress(httpx.HTTPError):
                        url = f"{self.server.base}{self.prefix}/posts?per_page=1&page={random.randint(1, 1000)}&_soak={time.time()}"
                        if (await client.get(url)).status_code == 200:
                            return f"`{' '.join(restart[-6:])}`; reading again {time.monotonic() - began:.1f} s after", ""
                    await asyncio.sleep(0.1)
        except RuntimeError as exc:
            return "", str(exc)
        return "", "the server did not read the database again within 120 s of PostgreSQL's restart"

    async def fault_drop(self) -> tuple[str, str]:
        """Heavy uncached requests dropped with a reset: after the first bytes, or before any."""
        done: Counter[str] = Counter()
        deadline = time.monotonic() + self.args.window
        rng = random.Random(self.args.seed)

        async def dropper() -> None:
            while time.monotonic() < deadline:
                per_page = rng.choice((50, 100))
                target = f"{self.prefix}/posts?per_page={per_page}&_embed&page={rng.randint(1, max(1, self.posts // per_page))}"
                try:
                    reader, writer = await asyncio.open_connection("127.0.0.1", self.server.port)
                except OSError:
                    done["connect failed"] += 1
                    await asyncio.sleep(0.1)
                    continue
                writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                if rng.random() < 0.5:
                    await asyncio.sleep(rng.uniform(0.01, 0.3))  # before the answer (still being made)
                    done["dropped before the answer"] += 1
                else:
                    with contextlib.suppress(TimeoutError, OSError):
                        await asyncio.wait_for(reader.read(200), 30)
                    done["dropped after its first bytes"] += 1
                _reset(writer)

        await asyncio.gather(*(dropper() for _ in range(4)))
        return ", ".join(f"{n} {what}" for what, n in done.items()), ""

    async def fault_slow(self) -> tuple[str, str]:
        """``--slow-clients`` sockets sending a request's headers a byte a second."""
        return await self._hold(self.args.slow_clients, slow=True)

    async def fault_idle(self) -> tuple[str, str]:
        """``--idle-clients`` keep-alive connections, each idle after one answered request."""
        return await self._hold(self.args.idle_clients, slow=False)

    async def _hold(self, count: int, *, slow: bool) -> tuple[str, str]:
        outcome: Counter[str] = Counter()
        closed_after: list[float] = []
        deadline = time.monotonic() + self.args.window

        async def one(n: int) -> None:
            began = time.monotonic()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.server.port)
            except OSError:
                outcome["connect failed"] += 1
                return
            self.sockets.add(writer)
            try:
                if slow:
                    writer.write(f"GET {self.prefix}/posts?page={n} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
                    for byte in b"X-Slow: " + b"a" * 10_000:
                        if time.monotonic() >= deadline:
                            outcome["still open at the end"] += 1
                            return
                        try:
                            writer.write(bytes([byte]))
                            await writer.drain()
                        except OSError:
                            break
                        if await _closed_by_server(reader, 1.0):
                            break
                    outcome["closed by the server"] += 1
                    closed_after.append(time.monotonic() - began)
                else:
                    writer.write(f"GET {self.probe} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                    await writer.drain()
                    status = await _status_line(reader, 30)
                    outcome[f"answered {status}" if status else "no answer"] += 1
                    if await _closed_by_server(reader, deadline - time.monotonic()):
                        outcome["closed by the server while idle"] += 1
                        closed_after.append(time.monotonic() - began)
                    else:
                        outcome["still open at the end"] += 1
            except OSError:
                outcome["reset"] += 1
            finally:
                self.sockets.discard(writer)
                writer.transport.abort()

        await asyncio.gather(*(one(n) for n in range(1, count + 1)))
        if closed_after:
            outcome_text = f"; closed after median {statistics.median(closed_after):.1f} s"
        else:
            outcome_text = ""
        return f"{count} sockets: " + ", ".join(f"{n} {what}" for what, n in sorted(outcome.items())) + outcome_text, ""

    async def fault_oversized(self) -> tuple[str, str]:
        """Huge body (declared and chunked), huge headers, huge query: each answered with its
        documented status (or, for a body, the connection closed after it)."""
        seen: Counter[str] = Counter()
        wrong: list[str] = []
        deadline = time.monotonic() + self.args.window
        huge = self.args.oversized_mb * 1024 * 1024
        path = f"{self.prefix}/posts"

        async def send(kind: str, head: bytes, body: int, chunked: bool = False, wait: float = 0.0) -> None:
            """One request: ``head``, then ``body`` bytes (``wait`` seconds for an early answer
            first, as a client sending ``Expect: 100-continue`` does) until an answer comes."""
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.server.port)
            except OSError:
                seen[f"{kind}: connect failed"] += 1
                return
            self.sockets.add(writer)
            answer: asyncio.Task[int | None] = asyncio.create_task(_status_line(reader, 30))
            sent = 0
            try:
                writer.write(head)
                if wait:
                    await asyncio.wait([answer], timeout=wait)
                chunk = b"x" * 65536
                while sent < body and not answer.done():
                    writer.write(chunk if not chunked else b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    await asyncio.wait_for(writer.drain(), 10)
                    sent += len(chunk)
                if chunked and not answer.done():
                    writer.write(b"0\r\n\r\n")
            except (OSError, TimeoutError):
                pass
            status = await answer
            self.sockets.discard(writer)
            writer.transport.abort()
            if status is None and body and sent > 0 and not wait:
                # The server answered 413 and closed while this client was still sending: the
                # kernel's reset can destroy the answer before it is read (no lingering close).
                seen[f"{kind}: reset while sending, after {sent // (1024 * 1024)} MiB"] += 1
                return
            seen[f"{kind}: {status or 'closed'}"] += 1
            if status not in EXPECTED[kind]:
                wrong.append(f"{kind}: {status or 'closed without an answer'}")

        while time.monotonic() < deadline:
            host = b"Host: 127.0.0.1\r\n"
            post = b"POST %s HTTP/1.1\r\n%sContent-Type: application/json\r\n" % (path.encode(), host)
            await send("body", post + b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % huge, huge, wait=5)
            await send("body sent at once", post + b"Content-Length: %d\r\n\r\n" % huge, huge)
            await send("chunked body", post + b"Transfer-Encoding: chunked\r\n\r\n", huge, chunked=True)
            await send("headers", b"GET %s HTTP/1.1\r\n%s%s\r\n" % (
                path.encode(), host, b"".join(b"X-Big-%d: %s\r\n" % (i, b"h" * 4000) for i in range(64))), 0)
            await send("long query", b"GET %s?search=%s HTTP/1.1\r\n%s\r\n" % (path.encode(), b"q" * 20_000, host), 0)
            await send("huge query", b"GET %s?search=%s HTTP/1.1\r\n%s\r\n" % (path.encode(), b"q" * 200_000, host), 0)
            await asyncio.sleep(0.2)
        text = ", ".join(f"{what} {n}" for what, n in sorted(seen.items()))
        if wrong:
            raise Unexpected(text, "; ".join(f"{what} ×{n}" for what, n in Counter(wrong).items()))
        return text, ""

    # -- the schedule --------------------------------------------------------------------------
    async def inject(self, name: str) -> FaultResult:
        run: Callable[[], Awaitable[tuple[str, str]]] = getattr(self, f"fault_{name}")
        start = time.monotonic()
        self.say(f"fault {name}: start")
        try:
            detail, failed = await run()
            result = FaultResult(name, start, time.monotonic(), detail, failed)
        except Skip as skip:
            result = FaultResult(name, start, time.monotonic(), skipped=str(skip))
        except Unexpected as seen:
            result = FaultResult(name, start, time.monotonic(), seen.args[0], unexpected=seen.args[1])
        self.say(f"fault {name}: {result.skipped or result.failed or result.detail} ({result.end - start:.1f} s)")
        return result

    async def schedule(self, deadline: float) -> None:
        window = self.args.window
        faults = [f for f in self.args.faults.split(",") if f]
        took: dict[str, float] = {}
        rounds = 0
        while not self.stop.is_set():
            for name in faults:
                expected = took.get(name, window)  # the first round runs every fault, whatever the time
                if rounds and time.monotonic() + 2 * window + expected > deadline:
                    await self._until(deadline)
                    return
                await self._until(time.monotonic() + window)  # the window before
                if self.stop.is_set():
                    return
                result = await self.inject(name)
                self.results.append(result)
                took[name] = result.end - result.start
                if result.failed and "did not come back" in result.failed:
                    self.stop.set()
                    return
                if result.skipped:
                    faults = [f for f in faults if f != name]
                    continue
                await self._until(time.monotonic() + window)  # the window after
            rounds += 1
            if not faults:
                await self._until(deadline)
                return

    async def _until(self, moment: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), max(0.0, moment - time.monotonic()))

    async def run(self) -> None:
        args = self.args
        self.server.start()
        self.say(f"serving {self.database} at {self.server.base}")
        started = await self.server.ready(self.probe, timeout=args.start_timeout)
        self.say(f"server ready in {started:.1f} s")
        limits = httpx.Limits(max_connections=args.connections * 4, max_keepalive_connections=args.connections * 4,
                              keepalive_expiry=5)  # below the server's idle timeout: no race for a closing connection
        timeout = httpx.Timeout(connect=10, read=60, write=10, pool=60)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            if args.rate:
                self.rate = args.rate
            else:
                self.peak = await self.measure_peak(client)
                self.rate = max(1.0, self.peak / 2)
                self.say(f"peak {self.peak:.0f} req/s at {args.connections} connections; the load runs at {self.rate:.0f} req/s")
            self.load = Load()
            deadline = self.load.began + args.minutes * 60
            sampler = asyncio.create_task(self.sample_rss())
            steady = asyncio.create_task(self.steady(client))
            try:
                await self.schedule(deadline)
            finally:
                self.stop.set()
                await asyncio.gather(steady, sampler, return_exceptions=True)
        self.end = time.monotonic()

    async def cleanup(self) -> None:
        self.stop.set()
        for writer in list(self.sockets):
            writer.transport.abort()
        self.commands.kill()
        if self.pg_interrupted:
            subprocess.run(self.pg_interrupted, capture_output=True, check=False, timeout=120)
        await self.server.stop(timeout=60)

    # -- the report ----------------------------------------------------------------------------
    def report(self) -> tuple[str, bool]:
        args = self.args
        began = self.load.began
        end = getattr(self, "end", time.monotonic())
        latencies, kinds = self.load.window(began, end)
        errors = {k: n for k, n in kinds.items() if is_error(k)}
        lines = [
            f"\n### Soak, {self.store}, {self.posts:,} published posts, {(end - began) / 60:.1f} min "
            f"({datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, code {scale.git_state()})\n",
            f"database {redact(self.database)}; serve {' '.join(args.serve_arg) or '(defaults)'}"
            f"{f' --workers {args.workers}' if args.workers else ''}; machine: {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f} at the end (shared with other work)",
            f"load: {self.rate:.0f} req/s open loop" + (f", half of the {self.peak:.0f} req/s peak measured over "
                                                         f"{args.peak_seconds:.0f} s at {args.connections} connections"
                                                         if self.peak else " (--rate)")
            + f"; {len(self.urls):,} distinct URLs in bench/scale.py's mix, round and round; window {args.window:.0f} s "
              "before and after each fault",
            "",
            f"steady load: {sum(kinds.values()):,} requests, p50 {fmt(percentile(latencies, 0.5))} ms, "
            f"p99 {fmt(percentile(latencies, 0.99))} ms; **errors: {sum(errors.values())}**",
            "",
            "| outcome | requests |",
            "|---|---:|",
        ]
        for kind, n in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
            label = kind + (" (error)" if is_error(kind) else " (documented)" if kind.isdigit() else "")
            lines.append(f"| {label} | {n:,} |")
        lines += ["", "| # | fault | at min | took s | p99 ms before / during / after (p50 during) | answers during "
                  "| errors during / after | what happened |", "|---:|---|---:|---:|---|---:|---|---|"]
        failures: list[str] = []
        unexpected: list[str] = []
        for number, r in enumerate(self.results, 1):
            if r.skipped:
                lines.append(f"| {number} | {r.name} | {(r.start - began) / 60:.1f} | | | | | skipped: {r.skipped} |")
                continue
            before, _ = self.load.window(r.start - args.window, r.start)
            during, during_kinds = self.load.window(r.start, r.end)
            after, after_kinds = self.load.window(r.end, r.end + args.window)
            bad_during = sum(n for k, n in during_kinds.items() if is_error(k))
            bad_after = sum(n for k, n in after_kinds.items() if is_error(k))
            restarting = during_kinds.get(RESTARTING, 0) + after_kinds.get(RESTARTING, 0)
            note = r.detail + (f"; {restarting} requests {RESTARTING}" if restarting else "")
            if r.unexpected:
                note = f"{note}; **not as documented: {r.unexpected}**"
                unexpected.append(f"{r.name}: {r.unexpected}")
            if r.failed:
                note = f"**FAILED: {r.failed}** {note}"
                failures.append(f"{r.name}: {r.failed}")
            lines.append(
                f"| {number} | {r.name} | {(r.start - began) / 60:.1f} | {r.end - r.start:.1f} "
                f"| {fmt(percentile(before, 0.99))} / {fmt(percentile(during, 0.99))} / {fmt(percentile(after, 0.99))} "
                f"({fmt(percentile(during, 0.5))}) | {len(during):,} | {bad_during} / {bad_after} | {note} |")
        lines += ["", "worker RSS (MB, each worker process; a restart starts new ones) and the machine's load average:",
                  "", "| minute | workers | RSS MB | load average (1 min) |", "|---:|---:|---|---:|"]
        for seconds, rss, load in self.rss:
            lines.append(f"| {seconds / 60:.1f} | {len(rss)} | {' / '.join(f'{mb:.0f}' for _, mb in sorted(rss.items()))} "
                         f"| {load:.1f} |")
        if self.fatal:
            failures.append(self.fatal)
        ok = not errors and not failures
        verdict = "no errors" if not errors else "ERRORS: " + ", ".join(f"{k} {n}" for k, n in sorted(errors.items()))
        if failures:
            verdict += "; faults that failed: " + "; ".join(failures)
        if unexpected:
            verdict += "; hostile clients answered otherwise than documented: " + "; ".join(unexpected)
        lines += ["", f"verdict: {verdict}"]
        return "\n".join(lines), ok


class Skip(Exception):
    """A fault that cannot be injected here (the reason)."""


class Unexpected(Exception):
    """A fault whose probes saw something other than the documented answers: (what they saw,
    what was unexpected)."""


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def redact(url: str) -> str:
    return re.sub(r"//([^/@:]+):[^/@]+@", r"//\1:***@", url)


def first_free_id(database: str) -> int:
    """A multiple of ten million above every post and comment id of the archive (earlier
    runs' imports included), where this run's import faults put theirs."""
    from broadsheet.db import connect

    db = connect(database, migrate=False)
    try:
        top = max(int(db.scalar("SELECT MAX(id) FROM posts") or 0), int(db.scalar("SELECT MAX(id) FROM comments") or 0))
    finally:
        db.close()
    return (top // 10_000_000 + 1) * 10_000_000


def delta_export(path: Path, posts: int, round_no: int, base: int) -> None:
    """A generated export of ``posts`` articles (bench/wxr_generate.py) moved to ids, comment
    ids and slugs of their own for this round (above ``base``, which no id of the archive
    reaches): importing it adds posts to the archive."""
    from wxr_generate import generate

    raw = path.with_suffix(".raw")
    generate(raw, posts, 1000 + round_no)
    text = raw.read_text(encoding="utf-8")
    raw.unlink()
    offset = base + 10_000_000 * round_no

    def shift(match: re.Match[str]) -> str:
        number = int(match.group(2))
        return f"{match.group(1)}{number + offset if number else 0}"

    for pattern in (r"(<wp:post_id>)(\d+)", r"(<wp:post_parent>)(\d+)", r"(<wp:comment_id>)(\d+)",
                    r"(<wp:comment_parent>)(\d+)", r"(attachment_id=)(\d+)", r"(\?p=)(\d+)", r"(photo-)(\d+)",
                    r"(_thumbnail_id\]\]></wp:meta_key>\s*<wp:meta_value><!\[CDATA\[)(\d+)"):
        text = re.sub(pattern, shift, text)
    text = re.sub(r"\bstory-(\d+)", rf"soak{offset}-story-\1", text)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="the archive (sqlite:///… or postgresql://… on this machine)")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), help="checked against --database")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=None, help="requests per second (default: half of the peak)")
    parser.add_argument("--peak-seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=16, help="for the peak measurement")
    parser.add_argument("--window", type=float, default=30.0, help="seconds of steady load before and after each fault, "
                                                                    "and the length of the client faults")
    parser.add_argument("--faults", default=",".join(FAULTS), help=f"in this order (default: {','.join(FAULTS)})")
    parser.add_argument("--import-posts", type=int, default=2000, help="articles in each import fault's export")
    parser.add_argument("--slow-clients", type=int, default=300)
    parser.add_argument("--idle-clients", type=int, default=500)
    parser.add_argument("--oversized-mb", type=int, default=64, help="the huge body's size")
    parser.add_argument("--pg-restart", default="auto", help="auto, force (even if other databases are in use), skip, "
                                                             "or the command that restarts PostgreSQL")
    parser.add_argument("--start-timeout", type=float, default=600.0, help="seconds the server may take to answer at first")
    parser.add_argument("--rss-every", type=float, default=60.0, help="seconds between worker memory samples")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--serve-arg", action="append", default=[], help="an extra serve argument, e.g. --serve-arg=--cache-mb=64")
    parser.add_argument("--urls", type=int, default=None, help="distinct URLs in the list")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", help="append the report to this file")
    args = parser.parse_args(argv)
    store = scale.store_of(args.database)
    if args.store and args.store != store:
        parser.error(f"--store {args.store} but --database is {store}")
    unknown = set(args.faults.split(",")) - set(FAULTS) - {""}
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    host = urlsplit(args.database).hostname
    if store == "postgresql" and host not in (None, "", "127.0.0.1", "localhost", "::1"):
        parser.error("loopback only: the database must be on this machine")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # hundreds of sockets at once
    workdir = Path(tempfile.mkdtemp(prefix="broadsheet-soak-"))
    soak = Soak(args, workdir)
    soak.prepare()

    async def go() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: task.cancel() if task else None)
        try:
            await soak.run()
        except asyncio.CancelledError:
            soak.say("interrupted: stopping")
        except RuntimeError as exc:  # the server did not start
            soak.fatal = str(exc)
            soak.say(f"stopping: {exc}")
        finally:
            await asyncio.shield(soak.cleanup())

    try:
        asyncio.run(go())
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    text, ok = soak.report()
    print(text, flush=True)
    if args.results:
        with open(args.results, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    if ok:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"server log kept in {soak.server.log}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
