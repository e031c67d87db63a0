"""Do expensive requests hold up cheap ones? Four clients ask for ``posts?per_page=100&_embed``
on distinct pages without pause while one client reads single posts no cache has seen and one
reads the same cached post; prints latency and statuses per class.

    python -m broadsheet serve --workers 1 --database sqlite:////tmp/scale100k.db &
    python bench/lanes.py --base http://127.0.0.1:8000 --database sqlite:////tmp/scale100k.db

Run it against the code before and after a change in the same conditions: the cheap class is
the one the request core's heavy lane and time budget protect (docs/deployment.md, "Limits").
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from broadsheet.db import connect


def _post_ids(database: str) -> list[int]:
    db = connect(database)
    try:
        return [row[0] for row in db.all("SELECT id FROM posts WHERE type = 'post' AND status = 'publish'")]
    finally:
        db.close()


async def _client(kind: str, client: httpx.AsyncClient, next_url: Callable[[], str], end: float,
                  results: dict[str, list[tuple[float, Any]]]) -> None:
    while time.monotonic() < end:
        url = next_url()
        start = time.monotonic()
        try:
            status: Any = (await client.get(url, timeout=60)).status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        results[kind].append((time.monotonic() - start, status))


async def run(base: str, prefix: str, ids: list[int], seconds: float, heavy_clients: int) -> dict[str, list[tuple[float, Any]]]:
    random.shuffle(ids)
    pages = itertools.cycle(random.sample(range(1, max(2, len(ids) // 100)), k=max(1, len(ids) // 100 - 1)))
    fresh = itertools.cycle(ids[1:])
    posts = f"{prefix}/wp/v2/posts"
    results: dict[str, list[tuple[float, Any]]] = {"heavy": [], "cheap": [], "cached": []}
    async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=heavy_clients + 4)) as client:
        await client.get(f"{posts}/{ids[0]}")
        end = time.monotonic() + seconds
        await asyncio.gather(
            *(_client("heavy", client, lambda: f"{posts}?per_page=100&_embed&page={next(pages)}", end, results)
              for _ in range(heavy_clients)),
            _client("cheap", client, lambda: f"{posts}/{next(fresh)}", end, results),
            _client("cached", client, lambda: f"{posts}/{ids[0]}", end, results),
        )
    return results


def report(results: dict[str, list[tuple[float, Any]]]) -> None:
    print("| class | requests | p50 ms | p99 ms | max ms | statuses |")
    print("|---|---|---|---|---|---|")
    for kind, rows in results.items():
        latencies = sorted(latency for latency, _ in rows) or [0.0]

        def at(q: float, latencies: list[float] = latencies) -> float:
            return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

        statuses = dict(Counter(status for _, status in rows))
        print(f"| {kind} | {len(rows)} | {at(0.5):.0f} | {at(0.99):.0f} | {latencies[-1] * 1000:.0f} | {statuses} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--database", required=True, help="the database it serves (for post ids)")
    parser.add_argument("--prefix", default="/wp-json", help="the REST prefix under the server's root")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--heavy-clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    report(asyncio.run(run(args.base, args.prefix, _post_ids(args.database), args.seconds, args.heavy_clients)))


if __name__ == "__main__":
    main()
