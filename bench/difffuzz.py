"""Differential fuzzer: random REST requests sent to the WordPress oracle and to Broadsheet,
their answers compared, the differences grouped by kind.

    python bench/difffuzz.py run --count 20000 --seed 1 --report before.json
    python bench/difffuzz.py run --broadsheet http://127.0.0.1:8000/archive --count 500
    python bench/difffuzz.py show --seed 1 --number 17        # the request number 17 of seed 1
    python bench/difffuzz.py diff before.json after.json      # counts by kind, side by side

``run`` draws requests (``fuzzgen``) over every route and argument of the oracle's index, with
values from the site's real ids, slugs, dates, terms and field names and from hostile strings;
methods mixed, bodies on GET, ``?rest_route=``, odd paths, ``Origin`` and override headers.
Each goes to the oracle (``--oracle``, default http://127.0.0.1:8081/archive) and to Broadsheet:
``--broadsheet URL``, or else a server this command starts over ``--source`` (the oracle's dump
with its ``site.json``) imported into a temporary SQLite database, on the real clock like the
oracle's. Both must hold the same data: the run refuses to start when the public collections
differ (``--force`` runs anyway).

Answers are compared by ``fuzzdiff``: status, the headers a client reads, the JSON body. A
difference is grouped by method and route × the parts of the request that cause it × what
differed; the parts are found by shrinking the first request of a kind (dropping one part at a
time while the difference stays; later requests with the same parts join the group without
new requests, up to ``--shrink-budget`` extra requests). Lists ordered differently only among
equal sort keys are counted apart, as ties, with what WordPress's query sorts by; so are
differences found while the oracle's content differs from what it was at the start (others may
add and remove content during a run: ``--watch``). The same
``--seed`` gives the same requests; request N can be rebuilt with ``show``.

Only anonymous requests are sent: the oracle refuses every write.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzdiff import Answer, Comparison, Difference, classify, compare  # noqa: E402
from fuzzgen import FuzzRequest, Site, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ORACLE = "http://127.0.0.1:8081/archive"
SHARED = ROOT.parent / "shared" / "oracle"
DUMP = SHARED / "dump" if (SHARED / "dump").exists() else ROOT / "tests" / "fixtures" / "oracle" / "dump"
SETTINGS = DUMP.parent / "site.json"


# -- HTTP ----------------------------------------------------------------------------------------


class Client:
    """Sends raw requests to one server (a keep-alive connection per thread)."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def send(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request; a broken keep-alive connection is retried once on a new one."""
        for attempt in range(2):
            conn = self._connection(fresh=attempt > 0)
            try:
                conn.putrequest(method, self.prefix + target, skip_accept_encoding=True)
                for name, value in headers.items():
                    conn.putheader(name, value.encode("utf-8"))
                if body or method in ("POST", "PUT", "PATCH"):
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body or None)
                response = conn.getresponse()
                data = response.read()
                if response.getheader("connection", "").lower() == "close":
                    self._local.conn = None
                return Answer(response.status, response.getheaders(), data)
            except (http.client.HTTPException, OSError):
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get_json(self, target: str) -> Any:
        """A GET's JSON body."""
        answer = self.send("GET", target, {}, b"")
        return json.loads(answer.body)


def fingerprint(client: Client) -> dict[str, Any]:
    """What the public sees of the content: ids and modification dates of every collection."""
    out: dict[str, Any] = {}
    for base, fields in (("posts", "id,modified"), ("pages", "id,modified"), ("media", "id,modified"),
                         ("comments", "id"), ("users", "id"), ("categories", "id,count"), ("tags", "id,count")):
        out[base] = client.get_json(f"/wp-json/wp/v2/{base}?per_page=100&orderby=id&order=asc&_fields={fields}")
    return out


# -- grouping -----------------------------------------------------------------------------------


@dataclass
class Group:
    """Differences of one kind: the same method and route, caused by the same parts, differing
    in the same way."""

    klass: str
    method: str
    route: str
    cause: list[str]
    what: str
    count: int = 0
    numbers: list[int] = field(default_factory=list)
    example: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        """The group's name."""
        return f"{self.method} {self.route} [{', '.join(self.cause) or '-'}] {self.what}"


@dataclass
class TieGroup:
    """Ties of one ordering."""

    what: str
    sorts_by: str
    count: int = 0
    example: dict[str, Any] = field(default_factory=dict)


def _labels(parts: frozenset[tuple[str, str]]) -> list[str]:
    return sorted(f"{name}<{kind}>" for name, kind in parts)


class Run:
    """One fuzzing run: sends, compares, groups."""

    def __init__(self, site: Site, oracle: Client, broadsheet: Client, seed: int, shrink_budget: int,
                 served: set[str]) -> None:
        self.site = site
        self.oracle = oracle
        self.broadsheet = broadsheet
        self.seed = seed
        self.shrink_budget = shrink_budget
        self.served = served
        self.lock = threading.Lock()
        self.groups: dict[str, Group] = {}
        self.ties: dict[str, TieGroup] = {}
        self.causes: dict[tuple[str, str, str], list[frozenset[tuple[str, str]]]] = {}
        self.counts: Counter[str] = Counter()
        self.shrink_spent = 0
        self.content_changed = False  # set while the oracle's content differs from the start's
        self.change_windows: list[list[int]] = []  # [first, last] request numbers seen meanwhile

    def watch(self, every: float, stop: threading.Event) -> None:
        """Check the oracle's content every ``every`` seconds: others may add or remove posts
        during a run, and the differences that makes are not Broadsheet's."""
        start = fingerprint(self.oracle)
        while not stop.wait(every):
            try:
                changed = fingerprint(self.oracle) != start
            except (http.client.HTTPException, OSError, ValueError):
                continue
            if changed != self.content_changed:
                self.content_changed = changed
                print(f"oracle content {'changed' if changed else 'back as it was'} "
                      f"(after request {self.counts['requests']})", file=sys.stderr, flush=True)

    def pair(self, request: FuzzRequest) -> tuple[Answer, Answer, Comparison]:
        """Both answers to a request and how they compare."""
        method, target, headers, body = request.encode()
        oracle = self.oracle.send(method, target, headers, body)
        broadsheet = self.broadsheet.send(method, target, headers, body)
        params = {p.name: str(p.value) for p in request.parts if p.where == "query" and not isinstance(p.value, list | dict)}
        concrete = request.path if not any(p.name == "@path" for p in request.parts) else ""
        comparison = compare(oracle, broadsheet, route=concrete, params=params, objects=self.site.objects,
                             comment_counts=self.site.comment_counts, method=method)
        return oracle, broadsheet, comparison

    def one(self, number: int) -> None:
        """Generate, send and compare request ``number``."""
        request = generate(self.site, self.seed, number)
        changed = self.content_changed
        try:
            oracle, broadsheet, comparison = self.pair(request)
        except (http.client.HTTPException, OSError) as exc:
            with self.lock:
                self.counts["transport errors"] += 1
                self._add(request, Difference("transport", "transport error", repr(exc)), request, None, None)
            return
        with self.lock:
            self.counts["requests"] += 1
            if comparison.tie is not None:
                self.counts["with a tie"] += 1
                tie = self.ties.setdefault(comparison.tie.what, TieGroup(comparison.tie.what, comparison.tie.sorts_by))
                tie.count += 1
                if not tie.example:
                    tie.example = {"number": number, "request": request.describe(), "detail": comparison.tie.detail}
            if comparison.same:
                self.counts["identical"] += 1
                return
            if changed or self.content_changed:
                self.counts["different while the oracle's content had changed"] += 1
                window = self.change_windows[-1] if self.change_windows else None
                if window and window[1] >= number - 200:
                    window[1] = max(window[1], number)
                else:
                    self.change_windows.append([number, number])
                return
            self.counts["different"] += 1
        for difference in _distinct(comparison.differences):
            cause, example = self.attribute(request, difference)
            with self.lock:
                self._add(example, difference, request, (oracle, broadsheet), cause)

    def attribute(self, request: FuzzRequest, difference: Difference) -> tuple[frozenset[tuple[str, str]], FuzzRequest]:
        """The parts of the request that cause a difference: a known cause it contains, else
        found by shrinking (budget permitting)."""
        parts = frozenset((p.name, p.kind) for p in request.parts)
        if request.route not in self.served:
            return frozenset({("@route", "not served")}), request
        key = (request.method, request.route, difference.what)
        with self.lock:
            for cause in self.causes.get(key, []):
                if cause <= parts:
                    return cause, request
            if self.shrink_spent >= self.shrink_budget:
                return parts, request
        shrunk = request
        for part in list(request.parts):
            candidate = shrunk.without(part.name)
            with self.lock:
                self.shrink_spent += 1
            try:
                _, _, comparison = self.pair(candidate)
            except (http.client.HTTPException, OSError):
                continue
            if any(d.what == difference.what for d in comparison.differences):
                shrunk = candidate
        cause = frozenset((p.name, p.kind) for p in shrunk.parts)
        with self.lock:
            self.causes.setdefault(key, []).append(cause)
        return cause, shrunk

    def _add(self, example: FuzzRequest, difference: Difference, request: FuzzRequest,
             answers: tuple[Answer, Answer] | None, cause: frozenset[tuple[str, str]] | None) -> None:
        cause = cause if cause is not None else frozenset()
        klass = classify(request.route, sorted(cause), difference.what, self.served)
        if answers and _web_server_page(answers[0]):
            klass = "The oracle's web server"
        elif answers and answers[0].status == 500:
            klass = "WordPress fails (500)"
        group = Group(klass, request.method, request.route, _labels(cause), difference.what)
        group = self.groups.setdefault(group.key(), group)
        group.count += 1
        if len(group.numbers) < 10:
            group.numbers.append(request.number)
        if not group.example:
            group.example = {"number": request.number, "request": example.describe(),
                             "original": request.describe() if example is not request else None,
                             "detail": difference.detail}
            if answers:
                group.example["oracle"] = _summary(answers[0])
                group.example["broadsheet"] = _summary(answers[1])

    def report(self) -> dict[str, Any]:
        """Everything found, as JSON-ready data."""
        groups = sorted(self.groups.values(), key=lambda g: (g.klass, -g.count, g.key()))
        by_class: Counter[str] = Counter()
        kinds_by_class: Counter[str] = Counter()
        for g in groups:
            by_class[g.klass] += g.count
            kinds_by_class[g.klass] += 1
        return {
            "seed": self.seed, "counts": dict(self.counts), "shrink_requests": self.shrink_spent,
            "by_class": {k: {"kinds": kinds_by_class[k], "differences": by_class[k]} for k in sorted(by_class)},
            "groups": [{"key": g.key(), "class": g.klass, "method": g.method, "route": g.route, "cause": g.cause,
                        "what": g.what, "count": g.count, "numbers": g.numbers, "example": g.example}
                       for g in groups],
            "ties": [{"what": t.what, "sorts_by": t.sorts_by, "count": t.count, "example": t.example}
                     for t in sorted(self.ties.values(), key=lambda t: -t.count)],
            "oracle_content_changed": self.change_windows,
        }


def _web_server_page(answer: Answer) -> bool:
    """Whether nginx answered by itself (e.g. 405 for DELETE on a directory), not WordPress."""
    return answer.status >= 400 and b"<center>nginx" in answer.body


def _distinct(differences: list[Difference]) -> list[Difference]:
    seen: set[str] = set()
    out = []
    for d in differences:
        if d.what not in seen:
            seen.add(d.what)
            out.append(d)
    return out


def _summary(answer: Answer) -> dict[str, Any]:
    keep = ("content-type", "x-wp-total", "link", "allow", "access-control-allow-origin", "vary")
    return {"status": answer.status,
            "headers": {k: v for k, v in answer.headers if k.lower() in keep},
            "body": answer.body[:600].decode("utf-8", "replace")}


# -- the server under test ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def backported(client: Client) -> bool:
    """Whether a site emits 6.6's ``class_list`` (the oracle does with ORACLE_BACKPORT=1)."""
    posts = client.get_json("/wp-json/wp/v2/posts?per_page=1")
    return bool(posts) and "class_list" in posts[0]


def start_broadsheet(source: Path, settings: Path | None, now: str | None, workdir: Path,
                     backport: bool | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Import ``source`` into a fresh SQLite database and serve it; (process, site base URL).
    ``backport`` overrides the settings' ``oracle_backport`` (to match the oracle's mode)."""
    database = f"sqlite:///{workdir / 'difffuzz.db'}"
    command = [sys.executable, "-m", "broadsheet", "import", str(source), "--database", database]
    if settings is not None and backport is not None:
        values = json.loads(settings.read_text("utf-8"))
        values["oracle_backport"] = backport
        settings = workdir / "site.json"
        settings.write_text(json.dumps(values), "utf-8")
    if settings is not None:
        command += ["--site-settings", str(settings)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    env = dict(os.environ)
    env.pop("BROADSHEET_NOW", None)
    if now:
        env["BROADSHEET_NOW"] = now
    proc = subprocess.Popen([sys.executable, "-m", "broadsheet", "serve", "--database", database, "--host",
                             "127.0.0.1", "--port", str(port), "--workers", "1"], env=env,
                            stdout=subprocess.DEVNULL, stderr=open(workdir / "serve.log", "wb"))  # noqa: SIM115
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("broadsheet serve exited; see " + str(workdir / "serve.log")) from None
            time.sleep(0.2)
    home = json.loads((settings or source / "site.json").read_text("utf-8")).get("home", ORACLE) if settings else ORACLE
    return proc, f"http://127.0.0.1:{port}{urlsplit(home).path.rstrip('/')}"


# -- commands -----------------------------------------------------------------------------------


def crawl(oracle: str, target: Path, attempts: int = 3) -> Path:
    """A dump folder of the oracle as it is now (the oracle's own ``dump.sh``; tried again
    when a crawl fails, e.g. because someone changed the content while it ran)."""
    for attempt in range(attempts):
        shutil.rmtree(target, ignore_errors=True)
        done = subprocess.run(["bash", str(SHARED / "dump.sh"), str(target), oracle],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode == 0:
            return target
        print(f"crawling the oracle failed ({done.stderr.strip()[-200:]})", file=sys.stderr)
        time.sleep(5 * (attempt + 1))
    raise SystemExit("could not crawl the oracle")


def command_run(args: argparse.Namespace) -> int:
    oracle = Client(args.oracle)
    workdir = Path(tempfile.mkdtemp(prefix="difffuzz-"))
    proc = None
    try:
        source = crawl(args.oracle, workdir / "dump") if args.source == "live" else Path(args.source)
        site = Site.load(Path(args.dump) if args.dump else source if source.is_dir() else DUMP)
        if args.broadsheet:
            base = args.broadsheet
        else:
            proc, base = start_broadsheet(source, Path(args.site_settings) if args.site_settings else None,
                                          args.now, workdir, backported(oracle))
        broadsheet = Client(base)
        if backported(oracle) != backported(broadsheet):
            print("warning: only one of the two emits class_list (ORACLE_BACKPORT differs)", file=sys.stderr)
        if fingerprint(oracle) != fingerprint(broadsheet) and not args.force:
            print("the oracle and Broadsheet hold different content (public collections differ); "
                  "re-import, or --force", file=sys.stderr)
            return 2
        served = set(broadsheet.get_json("/wp-json/")["routes"])
        report_source = str(source)
        run = Run(site, oracle, broadsheet, args.seed, args.shrink_budget, served)
        started = time.monotonic()
        numbers = range(args.start, args.start + args.count)
        stop = threading.Event()
        watcher = threading.Thread(target=run.watch, args=(args.watch, stop), daemon=True)
        watcher.start()
        try:
            with ThreadPoolExecutor(args.concurrency) as pool:
                for done, _ in enumerate(pool.map(run.one, numbers), 1):
                    if done % args.progress == 0:
                        rate = done / (time.monotonic() - started)
                        print(f"{done}/{args.count} ({rate:.1f}/s): {dict(run.counts)}, {len(run.groups)} kinds, "
                              f"{run.shrink_spent} shrink requests", file=sys.stderr, flush=True)
        finally:
            stop.set()
        report = run.report()
        report["elapsed_s"] = round(time.monotonic() - started, 1)
        report["oracle"], report["broadsheet"], report["source"] = args.oracle, base, report_source
        report["content_unchanged"] = fingerprint(oracle) == fingerprint(broadsheet)
        if args.report:
            Path(args.report).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(render_summary(report))
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def render_summary(report: dict[str, Any]) -> str:
    """The report as Markdown: totals, classes, kinds with one example each, ties."""
    counts = report["counts"]
    noise = counts.get("different while the oracle's content had changed", 0)
    lines = [f"# Differential fuzz, seed {report['seed']}", "",
             f"{counts.get('requests', 0)} requests: {counts.get('identical', 0)} identical, "
             f"{counts.get('different', 0)} different, {counts.get('with a tie', 0)} with a tie order, "
             f"{counts.get('transport errors', 0)} transport errors; {report['shrink_requests']} shrink requests."
             + (f" {noise} more differed while the oracle's content had changed (not counted)." if noise else ""),
             "",
             "| class | kinds | differences |", "|---|---:|---:|"]
    lines += [f"| {k} | {v['kinds']} | {v['differences']} |" for k, v in report["by_class"].items()]
    lines += ["", "| class | count | method route [cause] what | example |", "|---|---:|---|---|"]
    for g in report["groups"]:
        example = g["example"]
        text = f"`{example['request'][:160]}` — {example['detail'][:200]}"
        lines.append(f"| {g['class']} | {g['count']} | {g['key'][:200]} | {text.replace('|', '¦')} |")
    lines += ["", "Ties (orders MariaDB leaves undefined):", "", "| ordering | count | WordPress sorts by | example |",
              "|---|---:|---|---|"]
    for t in report["ties"]:
        lines.append(f"| {t['what']} | {t['count']} | {t['sorts_by']} | `{t['example']['request'][:120]}` |")
    return "\n".join(lines)


def command_show(args: argparse.Namespace) -> int:
    site = Site.load(Path(args.dump))
    for number in range(args.number, args.number + args.count):
        request = generate(site, args.seed, number)
        print(f"{number}\t{request.route}\t{request.describe()}")
    return 0


def reclassify(report: dict[str, Any]) -> dict[str, Any]:
    """The report's groups classed again with today's :func:`fuzzdiff.classify` (so two runs
    made with different versions of it compare class by class)."""
    by_class: dict[str, dict[str, int]] = {}
    for group in report["groups"]:
        parts = [tuple(label[:-1].split("<", 1)) for label in group["cause"] if label.endswith(">")]
        klass = classify(group["route"], parts, group["what"])
        oracle = group["example"].get("oracle") or {}
        if "<center>nginx" in str(oracle.get("body", "")):
            klass = "The oracle's web server"
        elif oracle.get("status") == 500:
            klass = "WordPress fails (500)"
        group["class"] = klass
        counts = by_class.setdefault(klass, {"kinds": 0, "differences": 0})
        counts["kinds"] += 1
        counts["differences"] += group["count"]
    report["by_class"] = dict(sorted(by_class.items()))
    return report


def command_diff(args: argparse.Namespace) -> int:
    before = reclassify(json.loads(Path(args.before).read_text("utf-8")))
    after = reclassify(json.loads(Path(args.after).read_text("utf-8")))
    print("| class | kinds before | differences before | kinds after | differences after |")
    print("|---|---:|---:|---:|---:|")
    for name in sorted(set(before["by_class"]) | set(after["by_class"])):
        b, a = before["by_class"].get(name, {}), after["by_class"].get(name, {})
        print(f"| {name} | {b.get('kinds', 0)} | {b.get('differences', 0)} | {a.get('kinds', 0)} | {a.get('differences', 0)} |")
    for report, label in ((before, "before"), (after, "after")):
        c = report["counts"]
        print(f"\n{label}: {c.get('requests', 0)} requests, {c.get('different', 0)} different, "
              f"{c.get('with a tie', 0)} with a tie order")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="fuzz: send requests to both servers and group the differences")
    run.add_argument("--oracle", default=ORACLE, help="the WordPress site's base URL (default %(default)s)")
    run.add_argument("--broadsheet", help="a running Broadsheet's site base URL; default: import --source and serve it")
    run.add_argument("--source", default="live" if (SHARED / "dump.sh").exists() else str(DUMP),
                     help="what the started Broadsheet imports: a dump folder, or 'live' for a fresh crawl of "
                          "the oracle with its dump.sh (default %(default)s)")
    run.add_argument("--site-settings", default=str(SETTINGS), help="its --site-settings (default %(default)s)")
    run.add_argument("--now", help="BROADSHEET_NOW for the started server (default: the real clock, as the oracle's)")
    run.add_argument("--dump", help="dump folder the values are drawn from (default: the source's)")
    run.add_argument("--count", type=int, default=1000)
    run.add_argument("--start", type=int, default=0, help="number of the first request")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--concurrency", type=int, default=4)
    run.add_argument("--shrink-budget", type=int, default=3000, help="extra requests spent finding causes")
    run.add_argument("--progress", type=int, default=500, help="print progress every N requests")
    run.add_argument("--report", help="write the full report (JSON) here")
    run.add_argument("--force", action="store_true", help="run even if the two sites' content differs")
    run.add_argument("--watch", type=float, default=20, help="seconds between checks that the oracle's content "
                     "is unchanged (differences found while it is not are counted apart; default %(default)s)")
    run.set_defaults(func=command_run)
    show = sub.add_parser("show", help="print generated requests without sending them")
    show.add_argument("--dump", default=str(DUMP))
    show.add_argument("--seed", type=int, default=1)
    show.add_argument("--number", type=int, default=0)
    show.add_argument("--count", type=int, default=1)
    show.set_defaults(func=command_show)
    diff = sub.add_parser("diff", help="compare two reports' counts by class (both classed by today's rules)")
    diff.add_argument("before")
    diff.add_argument("after")
    diff.set_defaults(func=command_diff)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
