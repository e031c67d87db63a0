"""Time ``broadsheet import`` of a generated WordPress export: wall time and peak memory.

Run: ``.venv/bin/python bench/import_bench.py [--posts 100000] [--wxr FILE] [--keep]
[--database postgresql://…/EMPTY_DB]``.

Generates the export with ``bench/wxr_generate.py`` (unless ``--wxr`` names one), imports it
into a fresh SQLite database (or the PostgreSQL database ``--database`` names, which should be
empty) with the real command line (``python -m broadsheet import``), and
reports the wall time, the CPU time, the peak resident memory of the importing process
(``ru_maxrss``), the largest memory of the whole process tree (proportional set size summed over
the importer and its rendering workers, sampled from /proc: forked workers share pages, which
plain RSS would count twice), and what was imported. Target for 100,000 posts on the
2-core reference machine: under 2 minutes and under 500 MB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import descendants  # noqa: E402
from wxr_generate import generate  # noqa: E402


def _pss(pid: int) -> int:
    """Proportional set size (bytes): resident memory with shared pages split between sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_memory(root: int) -> int:
    """Memory of a process and all its descendants (forked workers share pages: PSS, from /proc)."""
    return sum(_pss(pid) for pid in [root, *descendants(root)])


def _database_size(url: str) -> int:
    """Bytes the database takes (SQLite: the file and its WAL; PostgreSQL: the database)."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    from broadsheet.db import connect
    from broadsheet.store.maintenance import database_size

    with connect(url, migrate=False) as db:
        return database_size(db)


def run_import(wxr: Path, url: str) -> dict[str, float | str]:
    """Import ``wxr`` into the database at ``url``; timings and memory."""
    command = [sys.executable, "-m", "broadsheet", "import", str(wxr), "--database", url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_memory(process.pid))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"import failed ({process.returncode}): {err.strip()}")
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "maxrss": after.ru_maxrss * 1024,  # the largest single process (Linux reports KiB)
        "tree": peak_tree,
        "summary": out.strip(),
        "size": _database_size(url),
    }


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument(
        "--wxr", type=Path, help="an existing export to import instead of generating one"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--database", help="a database URL to import into (default: a fresh SQLite file)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="broadsheet-import-bench-"))
    wxr = args.wxr
    if wxr is None:
        wxr = work / f"news-{args.posts}.wxr"
        started = time.monotonic()
        size = generate(wxr, args.posts, seed=1)
        print(
            f"generated {wxr} ({size / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
    url = args.database or f"sqlite:///{work / 'bench.db'}"
    size = wxr.stat().st_size
    try:
        result = run_import(wxr, url)
    finally:
        if not args.keep:
            for path in work.iterdir():
                path.unlink()
            work.rmdir()
    print(f"file        {wxr.name} ({size / 1e6:.0f} MB)")
    print(f"imported    {result['summary']}")
    print(f"wall time   {result['wall']:.1f} s")
    print(f"cpu time    {result['cpu']:.1f} s (all processes)")
    print(f"peak memory {result['maxrss'] / 1e6:.0f} MB RSS of the largest process")
    print(
        f"            {result['tree'] / 1e6:.0f} MB PSS of all processes (importer and workers, sampled)"
    )
    print(f"database    {result['size'] / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
