"""Load benchmark: Broadsheet against the WordPress oracle, in one run, with wrk on loopback.

    python bench/rest_bench.py [--duration 10] [--connections 10] [--workers 1] [--no-cache-too]

It imports the oracle's REST dump (tests/fixtures/oracle/dump with site.json) into a fresh SQLite
database, starts ``broadsheet serve``, and for each endpoint runs wrk (2 threads) first against
Broadsheet, then against the oracle (http://127.0.0.1:8081/archive, started with
shared/oracle/provision.sh), each after a warm-up. It prints requests per second, p50 and p99
for both and the ratio. ``--no-cache-too`` adds a row set with Broadsheet's response cache off.
Numbers from a noisy shared machine: run it twice and quote medians.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

ENDPOINTS = [
    ("GET posts/463973", "/wp-json/wp/v2/posts/463973"),
    ("GET posts?per_page=10", "/wp-json/wp/v2/posts?per_page=10"),
    ("GET posts?per_page=10&_embed", "/wp-json/wp/v2/posts?per_page=10&_embed"),
    ("GET posts?search=ai", "/wp-json/wp/v2/posts?search=ai"),
]
ORACLE = "http://127.0.0.1:8081/archive"


def wrk(url: str, duration: int, connections: int) -> dict[str, float]:
    """Run wrk and parse requests/s, p50 and p99 (ms) and non-2xx count."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "30s", url],
        capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def pct(label: str) -> float:
        match = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "non2xx": float(errors.group(1)) if errors else 0.0}


def reachable(url: str) -> bool:
    """Whether a server answers 200 at url."""
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-cache-too", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    from conftest import ORACLE_NOW, start_server, stop_server  # type: ignore[import-not-found]

    from broadsheet.db import connect
    from broadsheet.importer import load_settings_file, run_import

    tmp = Path(tempfile.mkdtemp(prefix="broadsheet-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    fixtures = ROOT / "tests" / "fixtures" / "oracle"
    run_import(connect(url), [str(fixtures / "dump")], site_settings=load_settings_file(str(fixtures / "site.json")))
    oracle_up = reachable(ORACLE + "/wp-json/wp/v2/posts/463973")
    variants = [("broadsheet", {})]
    if args.no_cache_too:
        variants.append(("broadsheet (no cache)", {"BROADSHEET_NO_CACHE": "1"}))
    rows = []
    for label, env in variants:
        proc, base = start_server(url, ORACLE_NOW, extra_env={"BROADSHEET_SERVE_WORKERS": str(args.workers), **env})
        try:
            for name, path in ENDPOINTS:
                target = base + "/archive" + path
                wrk(target, args.warmup, args.connections)
                mine = wrk(target, args.duration, args.connections)
                theirs = None
                if oracle_up and label == "broadsheet":
                    wrk(ORACLE + path, args.warmup, args.connections)
                    theirs = wrk(ORACLE + path, args.duration, args.connections)
                rows.append((label, name, mine, theirs))
        finally:
            stop_server(proc)
    print(f"\nwrk -t2 -c{args.connections} -d{args.duration}s, after a {args.warmup}s warm-up; ms are latency percentiles\n")
    print("| server | endpoint | req/s | p50 ms | p99 ms | oracle req/s | oracle p50 ms | oracle p99 ms | ratio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    oracle = {name: theirs for label, name, _, theirs in rows if theirs}
    for label, name, mine, theirs in rows:
        if theirs:
            ratio = mine["rps"] / theirs["rps"]
            ratios.append(ratio)
            extra = f"{theirs['rps']:.1f} | {theirs['p50']:.1f} | {theirs['p99']:.1f} | {ratio:.0f}x"
        elif name in oracle:  # the response cache off: against the same oracle measurement
            extra = f"(same) | | | {mine['rps'] / oracle[name]['rps']:.0f}x"
        else:
            extra = "– | – | – | –"
        print(f"| {label} | {name} | {mine['rps']:.0f} | {mine['p50']:.2f} | {mine['p99']:.2f} | {extra} |")
        if mine["non2xx"]:
            print(f"  ({int(mine['non2xx'])} non-2xx answers)")
    if ratios:
        print(f"\nmedian ratio {statistics.median(ratios):.0f}x, lowest {min(ratios):.0f}x (response cache on)")
    elif not oracle_up:
        print("\nthe oracle is not running at 127.0.0.1:8081 (bash shared/oracle/provision.sh); no ratios")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
