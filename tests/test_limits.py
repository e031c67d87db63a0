"""The limits that protect a server (``limits.py``, ``budget.py``): sizes refused with 413/414/431,
a time budget answered with 503 whatever the request was doing, expensive requests in a lane of
their own, and connections that cannot starve the server; in process and over real HTTP."""

from __future__ import annotations

import asyncio
import json
import resource
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from broadsheet.core import Core, HttpRequest
from broadsheet.db import connect
from broadsheet.limits import Limits
from broadsheet.rest.server import Served

from .conftest import ORACLE_NOW, start_server, stop_server

POST = "/archive/wp-json/wp/v2/posts/463973"
LIST = "/archive/wp-json/wp/v2/posts"


@pytest.fixture
def make_core(oracle_url: str, frozen_now: str) -> Iterator[Any]:
    cores: list[Core] = []

    def make(**kwargs: Any) -> Core:
        cores.append(Core(connect(oracle_url), **kwargs))
        return cores[-1]

    yield make
    for core in cores:
        core.close()


def _error(served: Served) -> str:
    return str(json.loads(served.body)["code"])


class Gate:
    """Holds the mount's answers to requests whose query holds ``word`` until opened."""

    def __init__(self, core: Core, word: str) -> None:
        self.opened = threading.Event()
        self.entered = threading.Semaphore(0)
        mount = core.service.mounts[0]
        answer = mount.handle

        def handle(request: HttpRequest, *args: Any) -> Served:
            if word in request.query_string:
                self.entered.release()
                self.opened.wait(30)
            return answer(request, *args)

        mount.handle = handle  # type: ignore[method-assign]


# -- settings -----------------------------------------------------------------------------------


def test_limits_are_read_from_the_environment_in_their_units() -> None:
    limits = Limits.from_env({"BROADSHEET_MAX_BODY_MB": "2", "BROADSHEET_MAX_URL_KB": "1.5",
                              "BROADSHEET_TIME_BUDGET": "0", "BROADSHEET_MAX_CONNECTIONS": "300"})
    assert limits.max_body_bytes == 2 * 1024 * 1024 and limits.max_url_bytes == 1536
    assert limits.max_connections == 300 and limits.budget is None
    assert Limits.from_env({}) == Limits() and Limits().budget == 10.0
    with pytest.raises(ValueError, match="BROADSHEET_TIME_BUDGET"):
        Limits.from_env({"BROADSHEET_TIME_BUDGET": "soon"})
    with pytest.raises(ValueError, match="negative"):
        Limits.from_env({"BROADSHEET_MAX_BODY_MB": "-1"})


# -- sizes ----------------------------------------------------------------------------------------


def test_a_url_over_the_limit_gets_414_and_one_just_under_is_answered(make_core: Any) -> None:
    core = make_core(limits=Limits(max_url_bytes=2048))
    fields = "id," * 1000
    long = core.handle(HttpRequest("GET", LIST, "_fields=" + fields[: 2048 - len(LIST) - 8 + 1]))
    assert long.status == 414 and _error(long) == "rest_uri_too_long"
    fits = core.handle(HttpRequest("GET", LIST, "_fields=" + fields[: 2048 - len(LIST) - 8]))
    assert fits.status == 200


def test_a_body_over_a_configured_limit_gets_413(make_core: Any) -> None:
    core = make_core(limits=Limits(max_body_bytes=100))
    assert core.handle(HttpRequest("POST", LIST, "", [], b"{}" + b" " * 99)).status == 413
    assert core.handle(HttpRequest("POST", LIST, "", [], b"{}")).status == 401


# -- the time budget --------------------------------------------------------------------------------


def test_a_statement_past_the_budget_is_stopped_with_503_and_the_connection_serves_on(
        make_core: Any, oracle_url: str) -> None:
    core = make_core(limits=Limits(time_budget=0.5), threads=1)
    slow = ("SELECT pg_sleep(60)" if oracle_url.startswith("postgresql") else
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
            "SELECT count(*) FROM (SELECT x FROM c LIMIT 10000000000)")
    mount = core.service.mounts[0]
    answer = mount.handle

    def handle(request: HttpRequest, *args: Any) -> Served:
        if "slow" in request.query_string:
            core.db.scalar(slow)
        return answer(request, *args)

    mount.handle = handle
    served = asyncio.run(core.serve(HttpRequest("GET", POST, "slow=1")))
    assert served.status == 503 and _error(served) == "rest_request_timeout"
    assert ("Retry-After", "5") in served.headers
    assert core.cached(core.cache_key(HttpRequest("GET", POST, "slow=1"), None)) is None
    assert core.handle(HttpRequest("GET", POST)).status == 200  # the same thread and connection


def test_work_without_statements_past_the_budget_gets_503_from_the_event_loop(make_core: Any) -> None:
    core = make_core(limits=Limits(time_budget=0.2))
    gate = Gate(core, "stuck")
    try:
        served = asyncio.run(core.serve(HttpRequest("GET", POST, "stuck=1")))
    finally:
        gate.opened.set()
    assert served.status == 503 and _error(served) == "rest_request_timeout"


def test_a_request_that_waited_its_budget_for_a_thread_is_not_started(make_core: Any) -> None:
    core = make_core(limits=Limits(time_budget=0.3), threads=1)
    gate = Gate(core, "stuck")

    async def both() -> list[Served]:
        first = asyncio.ensure_future(core.serve(HttpRequest("GET", POST, "stuck=1")))
        await asyncio.get_running_loop().run_in_executor(None, gate.entered.acquire)
        queued = asyncio.ensure_future(core.serve(HttpRequest("GET", POST, "queued=1")))
        answers = [await first]
        gate.opened.set()
        return [*answers, await queued]

    stuck, queued = asyncio.run(both())
    assert stuck.status == 503 and queued.status == 503
    assert core.handle(HttpRequest("GET", POST, "queued=1")).status == 200


# -- lanes ------------------------------------------------------------------------------------------


def test_expensive_requests_do_not_hold_up_cheap_ones_nor_cached_ones(make_core: Any) -> None:
    core = make_core(threads=2, limits=Limits(time_budget=0))
    core.handle(HttpRequest("GET", POST))  # now cached
    gate = Gate(core, "_embed")

    async def run() -> tuple[list[int], list[bool]]:
        heavy = [asyncio.ensure_future(core.serve(HttpRequest("GET", LIST, f"_embed=1&page={n}")))
                 for n in (1, 2, 3)]
        await asyncio.get_running_loop().run_in_executor(None, gate.entered.acquire)
        cheap = await core.serve(HttpRequest("GET", LIST, "per_page=3"))  # not cached
        hit = await core.serve(HttpRequest("GET", POST))
        waiting = [not task.done() for task in heavy]
        gate.opened.set()
        done = await asyncio.gather(*heavy)
        return [cheap.status, hit.status, *(s.status for s in done)], waiting

    statuses, waiting = asyncio.run(run())
    assert statuses == [200] * 5
    assert waiting == [True, True, True]  # the heavy lane (one thread) was still busy


# -- over real HTTP ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limited_server(oracle_url: str) -> Iterator[str]:
    env = {"BROADSHEET_HEADER_TIMEOUT": "20", "BROADSHEET_MAX_HEADER_KB": "16",
           "BROADSHEET_MAX_URL_KB": "4", "BROADSHEET_MAX_BODY_MB": "1"}
    proc, base = start_server(oracle_url, ORACLE_NOW, extra_env=env)
    yield base
    stop_server(proc)


def test_oversized_requests_get_their_status_over_http(limited_server: str) -> None:
    with httpx.Client(base_url=limited_server, timeout=30) as client:
        assert client.get(POST, headers={"x-big": "a" * 200_000}).status_code == 431
        assert client.get(LIST, params={"_fields": "id," * 2000}).status_code == 414
        chunks = (b"x" * 65536 for _ in range(64))  # 4 MiB, streamed without a length
        refused = client.post(LIST, content=chunks, headers={"content-type": "application/json"})
        assert refused.status_code == 413 and refused.json()["code"] == "rest_request_too_large"
        assert client.get(POST).status_code == 200


def test_idle_connections_past_a_thousand_do_not_stall_new_requests(limited_server: str) -> None:
    # granian's default let 1,024 idle keep-alive connections take every slot for 30 s
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1400:
        pytest.skip(f"open-file limit {hard} is below the 1,400 connections this needs")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1400), hard))
    host, port = limited_server.removeprefix("http://").split(":")
    idle: list[socket.socket] = []
    try:
        for _ in range(1100):
            conn = socket.create_connection((host, int(port)), timeout=10)
            conn.sendall(f"GET {POST} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            idle.append(conn)
        for conn in idle:
            assert conn.recv(12) == b"HTTP/1.1 200"
        # the header timeout (20 s here) would be the wait, were the slots all taken
        assert httpx.get(limited_server + POST, timeout=10).status_code == 200
    finally:
        for conn in idle:
            conn.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_slow_and_idle_connections_are_closed_after_the_header_timeout(oracle_url: str) -> None:
    proc, base = start_server(oracle_url, ORACLE_NOW, extra_env={"BROADSHEET_HEADER_TIMEOUT": "1"})
    try:
        host, port = base.removeprefix("http://").split(":")
        slow = socket.create_connection((host, int(port)), timeout=10)
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # the headers never end
        assert slow.recv(100) == b""  # closed by the server (a timeout would raise)
        idle = socket.create_connection((host, int(port)), timeout=10)
        idle.sendall(f"GET {POST} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n".encode())
        received = b""
        while chunk := idle.recv(65536):  # the answer, then the close
            received += chunk
        assert received.startswith(b"HTTP/1.1 200") and b'"id":463973' in received
        slow.close()
        idle.close()
    finally:
        stop_server(proc)


def test_sigterm_stops_a_server_within_the_drain_timeout_whatever_is_in_flight(oracle_url: str) -> None:
    proc, base = start_server(oracle_url, ORACLE_NOW, extra_env={"BROADSHEET_DRAIN_TIMEOUT": "2"})
    host, port = base.removeprefix("http://").split(":")
    stuck = socket.create_connection((host, int(port)), timeout=10)
    try:  # a request whose body never comes: without the bound, shutdown waits for it
        stuck.sendall(f"POST {LIST} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{{".encode())
        assert httpx.get(base + POST).status_code == 200
        proc.terminate()
        assert proc.wait(timeout=15) == 0  # the default drain (20 s) would not be done yet
    finally:
        stuck.close()
        stop_server(proc)


def test_a_database_connection_lost_mid_request_is_a_503_and_the_next_request_is_served(
        make_core: Any, oracle_url: str) -> None:
    if not oracle_url.startswith("postgresql"):
        pytest.skip("a SQLite file has no server connection to lose")
    core = make_core(threads=1)
    mount = core.service.mounts[0]
    answer = mount.handle

    def handle(request: HttpRequest, *args: Any) -> Served:
        if "lose" in request.query_string:  # what a PostgreSQL restart does to a session
            core.db.scalar("SELECT pg_terminate_backend(pg_backend_pid())")
        return answer(request, *args)

    mount.handle = handle
    served = asyncio.run(core.serve(HttpRequest("GET", LIST, "lose=1")))
    assert served.status == 503 and _error(served) == "rest_database_unavailable"
    assert ("Retry-After", "5") in served.headers
    assert asyncio.run(core.serve(HttpRequest("GET", LIST, "per_page=2"))).status == 200
