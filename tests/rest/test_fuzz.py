"""Random requests to every route the index lists: none may raise or earn a 500.

The routes and their arguments come from Broadsheet's own ``/wp-json/`` index; values are
drawn (with a fixed seed, so a failure repeats) from wrong types, huge and negative numbers,
arrays, nested arrays, control and non-ASCII characters, SQL and markup, WordPress keywords.
Methods are mixed in, so refused writes, OPTIONS and HEAD take the same inputs.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from broadsheet.core import HttpRequest
from broadsheet.rest.request import Request

VALUES = [
    "", "0", "1", "-1", "9", "463973", "99999999999999999999", "-99999999999999999999", "1.5",
    "abc", "\x00", "é", "😀", "true", "false", "null", "a,b", "1,2,3", "2023-01-01T00:00:00",
    "2023-02-30", "0000-00-00T00:00:00", "edit", "view", "embed", "publish", "draft", "any",
    "post", "page", "term", "post-format", "id", "date", "title", "slug", "relevance", "include",
    "author", "parent", "asc", "desc", "AND", "OR", "<script>", "' OR 1=1 --", "\\", "%", "_", "*",
    "x" * 3000,
]  # fmt: skip
GLOBALS = ["_fields", "_embed", "context", "per_page", "page", "offset", "_envelope", "_jsonp",
           "_method", "search", "orderby", "order", "password", "include", "exclude"]  # fmt: skip
IDS = ["1", "4", "9", "12", "463973", "2580", "8553", "0", "99999999999999999999"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def _value(rnd: random.Random) -> Any:
    roll = rnd.random()
    if roll < 0.7:
        return rnd.choice(VALUES)
    if roll < 0.85:
        return [rnd.choice(VALUES) for _ in range(rnd.randint(0, 3))]
    return {rnd.choice(["a", "0", "terms", "operator"]): rnd.choice(VALUES)}


def _pairs(name: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, list):
        return [pair for item in value for pair in _pairs(name + "[]", item)]
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _pairs(f"{name}[{key}]", item)]
    return [(name, value)]


def _routes(server: Any) -> list[tuple[str, str, list[str]]]:
    index = json.loads(server.serve(Request("GET", "/", query={})).body)
    return [
        (route, method, list(endpoint.get("args") or {}))
        for route, info in index["routes"].items()
        for endpoint in info["endpoints"]
        for method in endpoint["methods"]
    ]


@pytest.mark.parametrize("seed", range(4))
def test_random_requests_to_every_route_never_fail(oracle_app: Any, seed: int) -> None:
    rest = oracle_app.service.mounts[0]
    routes = _routes(rest.server)
    rnd = random.Random(seed)
    for _ in range(500):
        route, method, args = rnd.choice(routes)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", lambda _: rnd.choice(IDS), route)
        names = rnd.sample(args, min(len(args), rnd.randint(0, 4))) + rnd.sample(GLOBALS, rnd.randint(0, 2))
        pairs = [pair for name in names for pair in _pairs(name, _value(rnd))]
        if rnd.random() < 0.2:
            method = rnd.choice(METHODS)
        query = urlencode(pairs)
        form = method in ("POST", "PUT", "PATCH") and rnd.random() < 0.5
        body = urlencode(pairs).encode() if form else b""
        headers = [("content-type", "application/x-www-form-urlencoded")] if form else []
        served = oracle_app.core.handle(HttpRequest(method, rest.prefix + path, query, headers, body))
        assert served.status < 500, f"{method} {path}?{query[:300]} -> {served.body[:300]!r}"
