"""Scale benchmark: a cold crawl of a large archive with wrk, on SQLite and on PostgreSQL.

    python bench/scale.py --posts 100000 --wxr /work/scale/news100k.wxr \\
        --database sqlite:////tmp/scale100k.db --database postgresql://127.0.0.1:5432/scale100k
    python bench/scale.py --database sqlite:////tmp/scale100k.db --skip-import      # crawl again
    python bench/scale.py --database ... --skip-import --requests 1000000         # memory run

For each database it imports the export (``python -m broadsheet import``; generated first with
bench/wxr_generate.py when ``--wxr`` is not given; ``--skip-import`` uses the database as it
is), builds a list of distinct request URLs from what the database holds, starts
``python -m broadsheet serve`` on it, and drives wrk with bench/scale_crawl.lua: ``--duration``
seconds at ``--connections`` connections, every wrk thread walking its own disjoint slice of the
shuffled list, so no URL is asked twice and no response cache can answer. The mix (share of
requests):

    single post 40, list page anywhere in the archive 15, _embed 7, category filter 8,
    tag filter 6, search 6 (common words, rare words, no match, quoted phrase, negation),
    orderby=title 4, tag lists of 100 (counts) 4, category lists 3, comments of a post 4,
    date windows 3

It prints requests/s, p50/p90/p99/max latency, errors (answers other than 2xx/3xx, and socket
errors and timeouts) and the memory (RSS) of the server's worker processes, sampled from /proc
during the run, as a Markdown table per database; then, after the crawl, the latency of each
kind of request alone (``--sample`` fresh URLs of each kind, one at a time, which also lists any
that failed). ``--requests N`` replaces the timed run by exactly N distinct requests and prints
the workers' RSS at every tenth of them (is memory flat under an unbounded crawl?). When the
WordPress oracle answers at 127.0.0.1:8081 the part-1 hot-path table (bench/rest_bench.py) runs
too; otherwise it is skipped. ``--results FILE`` appends everything printed to FILE.

The server processes are found as the serve process's descendants (granian's workers); RSS is
per process, so pages shared after fork count in each. wrk itself runs on the same machine and
takes CPU from the server: on a 2-core machine this is part of the measurement.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LUA = HERE / "scale_crawl.lua"
ORACLE_PROBE = "http://127.0.0.1:8081/archive/wp-json/wp/v2/posts/463973"

# kind -> share of requests (percent); the order is the order of the tables
MIX: dict[str, int] = {
    "single": 40, "list": 15, "embed": 7, "category": 8, "tag": 6, "search": 6,
    "orderby_title": 4, "tag_list": 4, "category_list": 3, "comments": 4, "dates": 3,
}  # fmt: skip
TARGETS = {"sqlite": (1500.0, 25.0), "postgresql": (1000.0, 40.0)}  # req/s at least, p99 ms at most
RSS_TARGET_MB = 300
PER_PAGE = (10, 10, 10, 10, 5, 20, 20, 25, 50, 100)  # what list clients ask for, 10 most often
EMBED_RELS = ("author", "wp:term", "wp:featuredmedia", "replies", "author,wp:term", "author,wp:featuredmedia")
POST_FIELDS = ("id", "date", "slug", "link", "title", "excerpt", "author", "categories", "tags", "featured_media")


# -- the corpus, as the database holds it ------------------------------------------------------


@dataclass
class Corpus:
    """What the URL list is drawn from: published posts, terms with counts, comments, words."""

    prefix: str  # the REST root's path, e.g. "/archive/wp-json/wp/v2"
    posts: list[tuple[int, str]]  # (id, slug) of published posts
    first: datetime
    last: datetime
    categories: list[tuple[int, int]]  # (id, published posts)
    tags: list[tuple[int, int]]
    commented: list[tuple[int, int]]  # (post id, approved comments)
    common: list[str] = field(default_factory=list)  # frequent words of titles and text
    rare: list[str] = field(default_factory=list)  # the least frequent ones
    phrases: list[str] = field(default_factory=list)  # two consecutive title words

    @property
    def category_terms(self) -> int:
        return len(self.categories)


_WORD = re.compile(r"[^\W\d_][\w'%€-]*", re.UNICODE)
_TAG = re.compile(r"<[^>]*>")


def load_corpus(url: str, *, sample: int = 3000, seed: int = 1) -> Corpus:
    """Read what the URL list needs from the database at ``url`` (read only)."""
    from broadsheet.db import connect

    db = connect(url, migrate=False)
    try:
        home = json.loads(db.scalar("SELECT value FROM options WHERE name = 'home'") or '""') or ""
        prefix = urlsplit(home).path.rstrip("/") + "/wp-json/wp/v2"
        rows = db.all(
            "SELECT id, slug, date FROM posts WHERE type = 'post' AND status = 'publish' ORDER BY id"
        )
        if not rows:
            raise SystemExit(f"{url}: no published posts")
        posts = [(int(r[0]), str(r[1] or "")) for r in rows]
        dates = [str(r[2]) for r in rows if r[2] and not str(r[2]).startswith("0000")]
        first = datetime.fromisoformat(min(dates)[:19].replace(" ", "T"))
        last = datetime.fromisoformat(max(dates)[:19].replace(" ", "T"))
        counts = db.all(
            "SELECT t.id, t.taxonomy, COUNT(p.id) FROM terms t"
            " LEFT JOIN term_relationships r ON r.term_id = t.id"
            " LEFT JOIN posts p ON p.id = r.post_id AND p.type = 'post' AND p.status = 'publish'"
            " WHERE t.taxonomy IN ('category', 'post_tag') GROUP BY t.id, t.taxonomy ORDER BY t.id"
        )
        published = {pid for pid, _ in posts}
        commented = [
            (int(pid), int(n))
            for pid, n in db.all(
                "SELECT post_id, COUNT(*) FROM comments WHERE status = 'approved'"
                " GROUP BY post_id ORDER BY post_id"
            )
            if int(pid) in published
        ]
        rng = random.Random(seed)
        picked = rng.sample([pid for pid, _ in posts], min(sample, len(posts)))
        texts: list[tuple[str, str]] = []
        for start in range(0, len(picked), 500):
            chunk = picked[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            texts += [
                (str(t or r or ""), str(c or ""))
                for t, r, c in db.all(
                    f"SELECT title_raw, title_rendered, content_raw FROM posts WHERE id IN ({marks})", chunk
                )
            ]
    finally:
        db.close()
    corpus = Corpus(
        prefix, posts, first, last,
        categories=[(int(i), int(n)) for i, tax, n in counts if tax == "category"],
        tags=[(int(i), int(n)) for i, tax, n in counts if tax == "post_tag"],
        commented=commented,
    )  # fmt: skip
    words: Counter[str] = Counter()
    phrases: set[str] = set()
    for title, content in texts:
        title_words = _WORD.findall(title)
        words.update(w.lower() for w in title_words)
        words.update(w.lower() for w in _WORD.findall(_TAG.sub(" ", content)))
        phrases.update(f"{a} {b}".lower() for a, b in zip(title_words, title_words[1:], strict=False))
    ranked = [w for w, _ in words.most_common() if len(w) > 2]
    corpus.common = ranked[:60] or ["news"]
    corpus.rare = ranked[-max(20, len(ranked) // 10):] or ["news"]
    corpus.phrases = sorted(phrases) or ["the news"]
    return corpus


# -- the URL list ------------------------------------------------------------------------------


def _pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _query(path: str, params: Sequence[tuple[str, object]]) -> str:
    query = "&".join(
        key if value is None else f"{key}={quote(str(value), safe=',')}" for key, value in params
    )
    return f"{path}?{query}" if query else path


def _makers(c: Corpus) -> dict[str, Callable[[random.Random], str]]:
    """For each kind of request, a function drawing one random URL of that kind."""
    n = len(c.posts)
    p = c.prefix
    cats = [(i, k) for i, k in c.categories if k > 0] or [(i, 1) for i, _ in c.categories]
    tags = [(i, k) for i, k in c.tags if k > 0] or [(i, 1) for i, _ in c.tags]
    span = max(1.0, (c.last - c.first).total_seconds())
    letters = string.ascii_lowercase

    def per_page(rng: random.Random) -> int:
        return rng.choice(PER_PAGE) if rng.random() < 0.8 else rng.randint(1, 100)

    def single(rng: random.Random) -> str:
        pid, slug = rng.choice(c.posts)
        roll = rng.random()
        if roll < 0.75 or (roll < 0.9 and not slug):
            return f"{p}/posts/{pid}"
        if roll < 0.9:
            return _query(f"{p}/posts", [("slug", slug)])
        fields = rng.sample(POST_FIELDS, rng.randint(2, 6))
        return _query(f"{p}/posts/{pid}", [("_fields", ",".join(fields))])

    def listing(rng: random.Random) -> str:
        pp = per_page(rng)
        params: list[tuple[str, object]] = [("per_page", pp), ("page", rng.randint(1, _pages(n, pp)))]
        if rng.random() < 0.3:
            params.append(("order", "asc"))
        return _query(f"{p}/posts", params)

    def embed(rng: random.Random) -> str:
        if rng.random() < 0.5:  # one post, everything embedded or (a third of them) some links
            which = None if rng.random() < 0.67 else rng.choice(EMBED_RELS)
            return _query(f"{p}/posts/{rng.choice(c.posts)[0]}", [("_embed", which)])
        pp = rng.choice((5, 10, 10, 20))
        return _query(f"{p}/posts", [("_embed", None), ("per_page", pp), ("page", rng.randint(1, _pages(n, pp)))])

    def filtered(terms: list[tuple[int, int]], name: str) -> Callable[[random.Random], str]:
        def make(rng: random.Random) -> str:
            term, count = rng.choice(terms)
            pp = per_page(rng)
            if name == "tags" and rng.random() < 0.2 and len(terms) > 1:  # either of two tags
                other = rng.choice(terms)[0]
                return _query(f"{p}/posts", [(name, f"{term},{other}"), ("per_page", pp)])
            return _query(f"{p}/posts", [(name, term), ("per_page", pp), ("page", rng.randint(1, _pages(count, pp)))])
        return make

    def search(rng: random.Random) -> str:
        kind = rng.randrange(5)
        if kind == 0:  # common words: one or two
            words = rng.sample(c.common, min(len(c.common), rng.choice((1, 2))))
            text = " ".join(words)
        elif kind == 1:
            text = rng.choice(c.rare)
        elif kind == 2:  # no match
            text = "".join(rng.choice(letters) for _ in range(rng.randint(9, 14)))
        elif kind == 3:
            text = f'"{rng.choice(c.phrases)}"'
        else:  # negation
            text = f"{rng.choice(c.common)} -{rng.choice(c.common)}"
        params: list[tuple[str, object]] = [("search", text), ("per_page", per_page(rng))]
        if rng.random() < 0.2:
            params.append(("orderby", "date"))
        return _query(f"{p}/posts", params)

    def by_title(rng: random.Random) -> str:
        pp = per_page(rng)
        return _query(f"{p}/posts", [("orderby", "title"), ("order", rng.choice(("asc", "desc"))),
                                     ("per_page", pp), ("page", rng.randint(1, _pages(n, pp)))])

    def tag_list(rng: random.Random) -> str:
        params: list[tuple[str, object]] = [("per_page", 100), ("orderby", rng.choice(("count", "count", "name", "id", "slug"))),
                                            ("order", rng.choice(("asc", "desc"))), ("offset", rng.randrange(len(c.tags) or 1))]
        if rng.random() < 0.3:
            params.append(("hide_empty", "true"))
        return _query(f"{p}/tags", params)

    def category_list(rng: random.Random) -> str:
        params: list[tuple[str, object]] = [("per_page", rng.randint(1, 100)), ("orderby", rng.choice(("name", "count", "id", "slug"))),
                                            ("order", rng.choice(("asc", "desc"))), ("offset", rng.randrange(c.category_terms or 1))]
        if rng.random() < 0.3:
            params.append(("hide_empty", "true"))
        return _query(f"{p}/categories", params)

    def comments(rng: random.Random) -> str:
        pid = rng.choice(c.commented)[0] if c.commented else rng.choice(c.posts)[0]
        params: list[tuple[str, object]] = [("post", pid)]
        if rng.random() < 0.5:
            params.append(("per_page", per_page(rng)))
        if rng.random() < 0.3:
            params.append(("order", "asc"))
        return _query(f"{p}/comments", params)

    def dates(rng: random.Random) -> str:
        start = c.first + timedelta(seconds=rng.uniform(0, span))
        width = timedelta(seconds=rng.choice((3600, 86400, 7 * 86400, 30 * 86400, 90 * 86400)) * rng.uniform(0.5, 1.5))
        params: list[tuple[str, object]] = [("after", _stamp(start)), ("before", _stamp(start + width)), ("per_page", per_page(rng))]
        return _query(f"{p}/posts", params)

    return {
        "single": single, "list": listing, "embed": embed, "category": filtered(cats, "categories"),
        "tag": filtered(tags, "tags"), "search": search, "orderby_title": by_title, "tag_list": tag_list,
        "category_list": category_list, "comments": comments, "dates": dates,
    }  # fmt: skip


def build_urls(corpus: Corpus, count: int, *, seed: int = 1, mix: dict[str, int] = MIX,
               exclude: set[str] | None = None) -> list[tuple[str, str]]:
    """``count`` distinct (kind, URL) pairs in the proportions of ``mix``, shuffled. Raises
    SystemExit when the corpus cannot give that many distinct URLs of some kind."""
    rng = random.Random(seed)
    makers = _makers(corpus)
    total = sum(mix.values())
    wanted = {kind: math.floor(count * share / total) for kind, share in mix.items()}
    for kind in sorted(mix, key=lambda k: -mix[k])[: count - sum(wanted.values())]:
        wanted[kind] += 1  # the rounding remainder to the largest kinds
    seen: set[str] = set(exclude or ())
    out: list[tuple[str, str]] = []
    for kind, need in wanted.items():
        make, got, tries = makers[kind], 0, 0
        while got < need:
            url = make(rng)
            tries += 1
            if url in seen:
                if tries > 30 * need + 1000:
                    raise SystemExit(f"only {got} distinct '{kind}' URLs of {need} found: the corpus is too small")
                continue
            seen.add(url)
            out.append((kind, url))
            got += 1
    rng.shuffle(out)
    return out


# -- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssSampler(threading.Thread):
    """Samples the RSS of a server's worker processes (its descendants; the process itself
    when it has none) every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.halt = threading.Event()

    def workers(self) -> dict[int, float]:
        pids = descendants(self.pid) or [self.pid]
        return {pid: mb for pid in pids if (mb := rss_mb(pid)) is not None}

    def run(self) -> None:
        while not self.halt.is_set():
            self.last = self.workers()
            for pid, mb in self.last.items():
                self.peak[pid] = max(self.peak.get(pid, 0.0), mb)
            self.halt.wait(self.interval)

    def stop(self) -> None:
        self.halt.set()
        self.join()
        self.last = self.workers() or self.last


def start_server(url: str, workers: int | None, extra: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``python -m broadsheet serve`` on url; (process, base URL, its log file)."""
    port = free_port()
    command = [sys.executable, "-m", "broadsheet", "serve", "--database", url, "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    log = Path(tempfile.mkstemp(prefix="scale-serve-", suffix=".log")[1])
    with open(log, "wb") as out:
        proc = subprocess.Popen(command + extra, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    return proc, f"http://127.0.0.1:{port}", log


def wait_ready(proc: subprocess.Popen[bytes], probe: str, log: Path, timeout: float = 600) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited:\n" + log.read_text(errors="replace")[-3000:])
        try:
            if httpx.get(probe, timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit(f"server not answering {probe} after {timeout:.0f} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# -- the crawl ---------------------------------------------------------------------------------


@dataclass
class Crawl:
    result: dict[str, Any]
    rss_start: dict[int, float]
    rss_peak: dict[int, float]
    rss_end: dict[int, float]
    timeline: list[tuple[int, float, dict[int, float]]]  # (answers, seconds, RSS by worker)


def _progress(progress: Path) -> tuple[int, int]:
    """(answers so far, threads whose slice has run out), from the Lua's progress files."""
    total = finished = 0
    for path in progress.iterdir():
        try:
            words = path.read_text().split()
            total += int(words[0])
            finished += len(words) > 1 and words[1] == "done"
        except (OSError, ValueError, IndexError):
            pass
    return total, finished


def crawl(base: str, url_file: Path, server: subprocess.Popen[bytes], *, threads: int, connections: int,
          duration: int | None, requests: int | None, every: int, timeout: int) -> Crawl:
    """Run wrk over url_file against base: for ``duration`` seconds, or until ``requests``
    answers (then each thread stops at the end of its slice)."""
    progress = Path(tempfile.mkdtemp(prefix="scale-progress-"))
    mode = "stop" if requests else "wrap"
    seconds = duration if duration else 24 * 3600
    sampler = RssSampler(server.pid)
    rss_start = sampler.workers()
    sampler.start()
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout}s", "-s", str(LUA),
               base, "--", str(url_file), str(threads), str(progress), mode]
    began = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timeline = [(0, 0.0, dict(rss_start))]
    mark = every
    while proc.poll() is None:
        time.sleep(0.2)
        done, finished = _progress(progress)
        while requests and done >= mark:  # progress is written every 100 answers per thread
            timeline.append((mark, time.monotonic() - began, sampler.workers()))
            print(f"  {mark:,} answers, {time.monotonic() - began:.0f} s, worker RSS "
                  + ", ".join(f"{mb:.0f}" for mb in timeline[-1][2].values()) + " MB", flush=True)
            mark += every
        if (requests and finished == threads) or server.poll() is not None:
            proc.send_signal(signal.SIGINT)
            break
    out, err = proc.communicate()
    sampler.stop()
    shutil.rmtree(progress, ignore_errors=True)
    match = re.search(r"^SCALE_RESULT (.*)$", out, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk gave no result:\n{out}\n{err}")
    result = json.loads(match.group(1))
    if requests:
        timeline.append((result["requests"], time.monotonic() - began, dict(sampler.last)))
    return Crawl(result, rss_start, sampler.peak, sampler.last, timeline)


def sample_latency(base: str, urls: list[tuple[str, str]]) -> tuple[dict[str, list[float]], list[tuple[str, int]]]:
    """Each URL requested once, one at a time: per kind the latencies (ms); the failures."""
    import httpx

    times: dict[str, list[float]] = {}
    failed: list[tuple[str, int]] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for kind, url in urls:
            began = time.perf_counter()
            status = client.get(url).status_code
            times.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
            if status >= 400:
                failed.append((url, status))
    return times, failed


# -- reporting ---------------------------------------------------------------------------------


def store_of(url: str) -> str:
    return "postgresql" if url.startswith(("postgresql:", "postgres:")) else "sqlite"


def _ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def _mb(values: dict[int, float]) -> str:
    return " / ".join(f"{mb:.0f}" for _, mb in sorted(values.items())) or "–"


def crawl_table(rows: list[tuple[str, int, Crawl]]) -> str:
    lines = [
        "| store | posts | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors (status / socket) "
        "| URL wraps | worker RSS MB: start | peak | end |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for store, posts, c in rows:
        r = c.result
        rps = r["requests"] / (r["duration_us"] / 1e6)
        socket_errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
        lines.append(
            f"| {store} | {posts:,} | {r['requests']:,} | {rps:,.0f} | {_ms(r['p50'])} | {_ms(r['p90'])} | {_ms(r['p99'])} "
            f"| {_ms(r['max'])} | {r['status']} / {socket_errors} | {r['wraps']} | {_mb(c.rss_start)} "
            f"| {_mb(c.rss_peak)} | {_mb(c.rss_end)} |"
        )
    return "\n".join(lines)


def verdict(store: str, c: Crawl) -> str:
    r = c.result
    rps = r["requests"] / (r["duration_us"] / 1e6)
    want_rps, want_p99 = TARGETS[store]
    errors = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    peak = max(c.rss_peak.values(), default=0.0)
    checks = [
        (f"req/s >= {want_rps:,.0f}", rps >= want_rps, f"{rps:,.0f}"),
        (f"p99 <= {want_p99:.0f} ms", r["p99"] / 1000 <= want_p99, f"{r['p99'] / 1000:.1f} ms"),
        ("no errors", errors == 0, str(errors)),
        (f"RSS per worker <= {RSS_TARGET_MB} MB", peak <= RSS_TARGET_MB, f"peak {peak:.0f} MB"),
    ]
    return "targets: " + "; ".join(f"{name}: {'yes' if ok else 'NO'} ({got})" for name, ok, got in checks)


def kinds_table(times: dict[str, list[float]]) -> str:
    lines = ["| kind | share % | sampled | median ms | p90 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    for kind in MIX:
        values = sorted(times.get(kind, []))
        if not values:
            continue
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        lines.append(f"| {kind} | {MIX[kind]} | {len(values)} | {statistics.median(values):.1f} | {p90:.1f} | {values[-1]:.1f} |")
    return "\n".join(lines)


def timeline_table(c: Crawl) -> str:
    lines = ["| answers | seconds | worker RSS MB |", "|---:|---:|---:|"]
    for answers, seconds, rss in c.timeline:
        lines.append(f"| {answers:,} | {seconds:.0f} | {_mb(rss)} |")
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------


def git_state() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "src"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return head + (f" + uncommitted changes in {len(dirty.splitlines())} files under src/" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", action="append", default=[], metavar="URL",
                        help="a database to import into and crawl (repeat for several; default: a SQLite file in --workdir)")
    parser.add_argument("--posts", type=int, default=100_000, help="articles to generate when --wxr is not given")
    parser.add_argument("--wxr", help="an existing WordPress export to import instead of generating one")
    parser.add_argument("--skip-import", action="store_true", help="crawl the databases as they are")
    parser.add_argument("--workdir", default=None, help="where generated files go (default: a temporary folder)")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--timeout", type=int, default=30,
                        help="wrk's request timeout (s): an answer slower than this counts as a timeout error and "
                             "is left out of wrk's percentiles")
    parser.add_argument("--workers", type=int, default=None, help="serve --workers (default: serve's own default)")
    parser.add_argument("--serve-arg", action="append", default=[], help="an extra argument for serve, e.g. --serve-arg=--cache-mb=64 (repeatable)")
    parser.add_argument("--urls", type=int, default=None,
                        help="URLs in the list (default: enough for 4,000 req/s over --duration, or --requests)")
    parser.add_argument("--requests", type=int, default=None,
                        help="instead of --duration: exactly this many distinct requests, with worker RSS at every tenth")
    parser.add_argument("--sample", type=int, default=40, help="fresh URLs of each kind timed one at a time after the crawl (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-oracle", action="store_true", help="skip the part-1 table against the oracle")
    parser.add_argument("--results", help="append the report to this file")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="broadsheet-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    databases = args.database or [f"sqlite:///{workdir / f'scale{args.posts}.db'}"]
    report: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        report.append(text)

    say(f"\n## Scale run, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, code {git_state()}\n")
    say(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start "
        "(shared with other work: read the numbers as noisy)")
    wxr = None
    if not args.skip_import:
        wxr = Path(args.wxr) if args.wxr else workdir / f"news{args.posts}.wxr"
        if not wxr.exists():
            sys.path.insert(0, str(HERE))
            from wxr_generate import generate

            print(f"generating {wxr} ({args.posts:,} articles)", flush=True)
            generate(wxr, args.posts, args.seed)
    crawled: list[tuple[str, int, Crawl]] = []
    env = {"PYTHONUNBUFFERED": "1"}
    for url in databases:
        store = store_of(url)
        if wxr is not None:
            print(f"importing {wxr} into {url}", flush=True)
            began = time.monotonic()
            subprocess.run([sys.executable, "-m", "broadsheet", "import", str(wxr), "--database", url], check=True)
            say(f"{url}: import of {wxr.name} took {time.monotonic() - began:.0f} s")
        began = time.monotonic()
        corpus = load_corpus(url, seed=args.seed)
        count = args.requests or args.urls or max(20_000, 4000 * args.duration)
        urls = build_urls(corpus, count, seed=args.seed)
        extra = build_urls(corpus, args.sample * len(MIX), seed=args.seed + 1, mix=dict.fromkeys(MIX, 1),
                           exclude={u for _, u in urls}) if args.sample else []
        url_file = workdir / f"urls-{store}-{len(corpus.posts)}.txt"
        url_file.write_text("".join(u + "\n" for _, u in urls), encoding="utf-8")
        print(f"{len(urls):,} distinct URLs in {url_file} ({time.monotonic() - began:.0f} s); "
              f"REST root {corpus.prefix}", flush=True)
        proc, base, log = start_server(url, args.workers, args.serve_arg, env)
        try:
            wait_ready(proc, base + corpus.prefix + "/types/post", log, timeout=1800)
            mode = f"{args.requests:,} requests" if args.requests else f"{args.duration} s"
            print(f"crawling {url} for {mode} at {args.connections} connections", flush=True)
            result = crawl(base, url_file, proc, threads=args.threads, connections=args.connections,
                           duration=None if args.requests else args.duration, requests=args.requests,
                           every=max(1000, (args.requests or 0) // 10), timeout=args.timeout)
            crawled.append((store, len(corpus.posts), result))
            say(f"\n### {store}, {len(corpus.posts):,} published posts ({url})\n")
            say(f"wrk -t{args.threads} -c{args.connections} {mode}, serve {' '.join(args.serve_arg) or '(defaults)'}"
                f"{f' --workers {args.workers}' if args.workers else ''}; one URL per request, none repeated\n")
            say(crawl_table([crawled[-1]]))
            statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(result.result["statuses"].items()))
            r = result.result
            say(f"\nanswers by status: {statuses}; socket errors: connect {r['connect']}, read {r['read']}, "
                f"write {r['write']}, timeout (answered after {args.timeout} s) {r['timeout']}")
            say(verdict(store, result))
            say(f"load average after the run: {os.getloadavg()[0]:.1f} (1 min)")
            if args.requests:
                say("\nworker RSS by answers served:\n")
                say(timeline_table(result))
            if extra and proc.poll() is None:
                times, failed = sample_latency(base, extra)
                say(f"\neach kind alone, after the crawl ({args.sample} fresh URLs each, one at a time):\n")
                say(kinds_table(times))
                for bad, status in failed[:20]:
                    say(f"  failed: {status} {bad}")
        finally:
            stop_server(proc)
            if proc.returncode in (0, -signal.SIGTERM):
                log.unlink(missing_ok=True)
            else:
                print(f"server exit status {proc.returncode}; its log: {log}", flush=True)
    if len(crawled) > 1:
        say("\n### All stores\n")
        say(crawl_table(crawled))
    if not args.no_oracle:
        say("\n### Part 1 hot paths against the oracle\n")
        from rest_bench import reachable

        if reachable(ORACLE_PROBE):
            out = subprocess.run([sys.executable, str(HERE / "rest_bench.py"), "--duration", "10"],
                                 capture_output=True, text=True, check=False)
            say(out.stdout.strip() or out.stderr.strip())
        else:
            say("skipped: the oracle is not answering at 127.0.0.1:8081")
    if args.results:
        with open(args.results, "a", encoding="utf-8") as handle:
            handle.write("\n".join(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
