"""Compare a server's REST answers with recorded golden files (the oracle's captures).

    python -m broadsheet.golden --base http://127.0.0.1:8000/archive --golden tests/fixtures/golden-backport

For every REST request listed in the golden folder's ``index.tsv`` it sends the same request and
compares the status, the ``X-WP-Total``, ``X-WP-TotalPages``, ``Link``, ``Allow`` and
``Content-Type`` headers, and the JSON body (same keys, same order, same values), masking only
``relative_dates`` and oEmbed's random ``data-secret``. It prints one line per request and the
totals; ``--only NAME`` limits the run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HEADERS = ("X-WP-Total", "X-WP-TotalPages", "Link", "Allow", "Content-Type")
_SECRET = re.compile(r"(data-secret=\\?\"|secret=)[A-Za-z0-9]{10}")
_SECRET_XML = re.compile(r"(data-secret=&quot;|data-secret=\"|secret=)[A-Za-z0-9]{10}")


@dataclass
class GoldenRequest:
    """One recorded request and answer."""

    name: str
    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Result:
    """How one answer compared."""

    name: str
    ok: bool
    identical_bytes: bool
    problems: list[str] = field(default_factory=list)


def is_rest(path: str) -> bool:
    """Whether a golden path is a REST request."""
    return path.startswith("/wp-json") or "rest_route=" in path


def load(folder: Path) -> list[GoldenRequest]:
    """The golden requests of a folder (index.tsv + NAME.headers + NAME.body)."""
    out = []
    lines = (folder / "index.tsv").read_text("utf-8").splitlines()[1:]
    for line in lines:
        cols = line.split("\t")
        name, method, path, status = cols[0], cols[1], cols[2], int(cols[3])
        if not is_rest(path):
            continue
        headers: dict[str, str] = {}
        for raw in (folder / f"{name}.headers").read_text("utf-8").splitlines()[1:]:
            key, _, value = raw.partition(":")
            headers.setdefault(key.strip().lower(), value.strip())
        body = (folder / f"{name}.body").read_bytes()
        out.append(GoldenRequest(name, method, path, status, headers, body))
    return out


def _pairs(text: bytes) -> Any:
    return json.loads(text, object_pairs_hook=lambda pairs: ("__obj__", pairs))


def _mask(value: Any) -> Any:
    if isinstance(value, tuple) and value and value[0] == "__obj__":
        return ("__obj__", [(k, "<masked>" if k == "relative_dates" else _mask(v)) for k, v in value[1]])
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, str):
        return _SECRET.sub(r"\1XXXXXXXXXX", value)
    return value


def _mask_bytes(body: bytes) -> bytes:
    text = body.decode("utf-8", "replace")
    text = re.sub(r'"relative_dates":\{[^{}]*\}', '"relative_dates":{}', text)
    return _SECRET_XML.sub(r"\1XXXXXXXXXX", _SECRET.sub(r"\1XXXXXXXXXX", text)).encode()


def _first_difference(a: Any, b: Any, where: str = "$") -> str:
    if isinstance(a, tuple) and isinstance(b, tuple):
        ka, kb = [k for k, _ in a[1]], [k for k, _ in b[1]]
        if ka != kb:
            return f"{where}: keys {ka[:12]}… vs {kb[:12]}…" if len(ka) > 12 else f"{where}: keys {ka} vs {kb}"
        for (k, va), (_, vb) in zip(a[1], b[1], strict=True):
            if va != vb:
                return _first_difference(va, vb, f"{where}.{k}")
        return where
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items vs {len(b)}"
        for i, (va, vb) in enumerate(zip(a, b, strict=True)):
            if va != vb:
                return _first_difference(va, vb, f"{where}[{i}]")
        return where
    return f"{where}: {str(a)[:160]!r} vs {str(b)[:160]!r}"


def compare(golden: GoldenRequest, status: int, headers: dict[str, str], body: bytes) -> Result:
    """Compare one answer with its golden file."""
    problems = []
    if status != golden.status:
        problems.append(f"status {status} vs {golden.status}")
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in HEADERS:
        want = golden.headers.get(name.lower())
        got = lowered.get(name.lower())
        if want != got:
            problems.append(f"{name}: {got!r} vs {want!r}")
    identical = _mask_bytes(body) == _mask_bytes(golden.body)
    if not identical:
        content_type = golden.headers.get("content-type", "")
        if "json" in content_type:
            try:
                mine, theirs = _mask(_pairs(body)), _mask(_pairs(golden.body))
                if mine != theirs:
                    problems.append("body " + _first_difference(mine, theirs))
            except ValueError:
                problems.append("body is not JSON")
        elif "javascript" in content_type:
            strip = re.compile(rb"^/\*\*/\w+\((.*)\)$", re.S)
            a, b = strip.match(body), strip.match(golden.body)
            if not a or not b or _mask(_pairs(a.group(1))) != _mask(_pairs(b.group(1))):
                problems.append("JSONP body differs")
        else:
            problems.append("body bytes differ")
    return Result(golden.name, not problems, identical, problems)


Fetch = Callable[[str, str], tuple[int, dict[str, str], bytes]]


def http_fetcher(base: str, client: httpx.Client | None = None) -> Fetch:
    """Send requests to a live server under ``base`` (the site URL, e.g. …/archive)."""
    session = client or httpx.Client(timeout=30.0, follow_redirects=False)

    def fetch(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        response = session.request(method, base.rstrip("/") + path, headers={"Accept-Encoding": "identity"})
        return response.status_code, dict(response.headers), response.content

    return fetch


def run(goldens: Iterable[GoldenRequest], fetch: Fetch) -> list[Result]:
    """Compare every golden request."""
    return [compare(g, *fetch(g.method, g.path)) for g in goldens]


def report(results: list[Result], out: Any = sys.stdout, *, verbose: bool = True) -> None:
    """Print one line per request and the totals."""
    for r in results:
        if verbose or not r.ok:
            flag = "ok  " if r.ok else "DIFF"
            extra = " (same bytes)" if r.identical_bytes else ""
            print(f"{flag} {r.name}{extra}" + ("" if r.ok else ": " + "; ".join(r.problems)), file=out)
    same = sum(r.ok for r in results)
    identical = sum(r.identical_bytes for r in results)
    print(f"\n{same}/{len(results)} match (status, headers, JSON); {identical}/{len(results)} bodies byte-identical",
          file=out)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="site URL of the server under test, e.g. http://127.0.0.1:8000/archive")
    parser.add_argument("--golden", required=True, type=Path, help="folder with index.tsv and NAME.headers/.body")
    parser.add_argument("--only", action="append", default=[], help="compare only these request names")
    parser.add_argument("--quiet", action="store_true", help="print only differences and totals")
    args = parser.parse_args(argv)
    goldens = [g for g in load(args.golden) if not args.only or g.name in args.only]
    try:
        results = run(goldens, http_fetcher(args.base))
    except httpx.HTTPError as exc:
        print(f"error: {args.base}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    report(results, verbose=not args.quiet)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
