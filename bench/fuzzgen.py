"""The differential fuzzer's generator: random REST requests drawn from a site and its index.

A :class:`Site` holds what the values come from: the site's real ids, slugs, dates, terms,
words and field names (read from a dump folder, see the oracle's ``DUMP_FORMAT.md``), and the
routes of its ``/wp-json/`` index with their arguments. :func:`generate` turns (site, seed,
number) into one :class:`FuzzRequest`; the same three always give the same request, so any
request of a run can be rebuilt from its number.

Every request is anonymous: nothing here sends credentials, so the oracle refuses every write.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fuzzdiff import PUBLIC

# -- the site ------------------------------------------------------------------------------------

HOSTILE = [
    "", " ", "0", "-1", "1.5", "1e3", "99999999999999999999", "-0", "+1", " 7 ", "0x1A", "abc",
    "null", "true", "false", "[]", "{}", "a,b", "1,2,,3", "%", "_", "*", "\\", "'", '"', "`",
    "<script>alert(1)</script>", "' OR 1=1 -- ", "1; DROP TABLE wp_posts", "../../etc/passwd",
    "%00", "\x00", "\x7f", "\u202e", "é", "ü", "Ω", "中文", "日本語", "😀", "\ufeff", "a b",
    "a+b", "a%20b", "%2F", "/", "//", "#", "?", "&", "=", "x" * 300, "AI", "ai", "AND", "OR",
    "publish", "draft", "any", "edit", "view", "embed", "desc", "asc", "date", "id", "include",
]  # fmt: skip

ORIGINS = [
    "http://example.com", "https://example.com:8443", "null", "http://127.0.0.1:8081",
    "HTTP://EXAMPLE.COM", "example.com", "//example.com", "http://exa mple.com", "javascript:alert(1)",
    "data:text/html,x", "ftp://files.example", "http://example.com/<b>", "http://ex'ample.com",
    "http://example.com?a=b&c=d", "http://[::1]:80", "http://例え.jp", "http://example.com/%0d%0a",
    "file:///etc/passwd", "mailto:a@b.c", "http://a.com/%zz", "https://user:pw@example.com",
    "http://example.com#frag", "chrome-extension://abc", "", " ",
]  # fmt: skip

DATE_KINDS = {
    "zero": ["0000-00-00T00:00:00", "0000-00-00 00:00:00", "2024-00-00T00:00:00", "2024-01-00T00:00:00",
             "2024-00-01T00:00:00", "1970-01-01T00:00:00", "1970-01-01T00:00:00Z",
             "1970-01-01T01:00:00+01:00", "0001-01-01T00:00:00", "2024-02-30T00:00:00",
             "2024-01-01T24:00:00", "2024-01-01T00:00:60", "2024-01-01t00:00:00"],
    "dst": ["2023-03-26T02:30:00", "2023-10-29T02:30:00", "2024-03-31T02:00:00", "2024-10-27T02:59:59",
            "2023-10-29T01:30:00Z", "2023-10-29T00:30:00Z", "2024-03-31T01:00:00Z"],
    "offset": ["2023-11-16T14:00:00+01:00", "2023-11-16T13:00:00Z", "2023-11-16T08:00:00-05:00",
               "2023-11-16T14:00:00+0100", "2023-11-16T14:00:00+01", "2023-11-16T14:00:00.5Z",
               "2023-11-16T14:00:00.123456"],
    "invalid": ["2023-11-16", "yesterday", "2023-13-01T00:00:00", "20231116T140000", "2023-11-16T14:00",
                "-0001-11-30T00:00:00", "2023-11-16T14:00:00+25:00", "1700000000"],
}  # fmt: skip

# path parameters that are not ids, by name
PATH_VALUES = {
    "type": ["post", "page", "attachment", "wp_block", "nav_menu_item", "wp_template", "nope", "Post"],
    "taxonomy": ["category", "post_tag", "location", "article_type", "nav_menu", "post_format", "nope"],
    "status": ["publish", "draft", "future", "private", "trash", "inherit", "nope"],
    "user_id": ["me", "1", "2580", "0", "99999"],
    "uuid": ["0a3b5c7d-1e2f-4a5b-8c9d-0e1f2a3b4c5d", "x"],
    "namespace": ["core", "nope", "core-embed"], "name": ["paragraph", "image", "nope", "latest-posts"],
    "stylesheet": ["twentytwentyone", "nope", "twentytwentyone/child"],
    "plugin": ["hello", "akismet/akismet", "nope"], "location": ["primary", "footer", "nope"],
    "id_str": ["twentytwentyone//index", "twentytwentyone//header", "sidebar-1", "block-2", "text",
               "wp_inactive_widgets", "nope"],
}  # fmt: skip


@dataclass
class Route:
    """One route of the index: its pattern, and per method the arguments it takes."""

    pattern: str
    namespace: str
    methods: dict[str, dict[str, dict[str, Any]]]


@dataclass
class Site:
    """What random values are drawn from."""

    routes: list[Route]
    ids: dict[str, list[int]]  # kind (post, page, attachment, user, comment, revision, term:<tax>) -> ids
    slugs: dict[str, list[str]]  # the same kinds -> slugs
    dates: list[str]
    words: list[str]
    links: list[str]  # permalinks (posts, pages, attachments, terms, authors)
    fields: dict[str, list[str]]  # rest base -> top-level and dotted field names seen in its objects
    home: str
    objects: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # (kind, id) -> raw object
    comment_counts: dict[int, int] = field(default_factory=dict)  # post id -> approved comments

    @classmethod
    def load(cls, dump: Path) -> Site:
        """The site of a dump folder (its ``index.json`` gives the routes)."""
        index = json.loads((dump / "index.json").read_text("utf-8"))
        routes = [_route(pattern, info) for pattern, info in index["routes"].items()]
        ids: dict[str, list[int]] = {}
        slugs: dict[str, list[str]] = {}
        dates: set[str] = set()
        words: set[str] = set()
        links: list[str] = []
        fields: dict[str, list[str]] = {}
        objects: dict[tuple[str, int], dict[str, Any]] = {}

        def take(kind: str, base: str, items: list[dict[str, Any]]) -> None:
            for item in items:
                ids.setdefault(kind, []).append(int(item["id"]))
                objects[(kind, int(item["id"]))] = item
                if item.get("slug"):
                    slugs.setdefault(kind, []).append(str(item["slug"]))
                for key in ("date", "modified", "date_gmt"):
                    if isinstance(item.get(key), str):
                        dates.add(item[key])
                if isinstance(item.get("link"), str):
                    links.append(item["link"])
                title = item.get("title", item.get("name"))
                text = title.get("raw", title.get("rendered", "")) if isinstance(title, dict) else str(title or "")
                words.update(w for w in re.findall(r"\w{3,}", text)[:6])
                fields.setdefault(base, [])
                for name in _field_names(item):
                    if name not in fields[base]:
                        fields[base].append(name)

        for base, kind in (("posts", "post"), ("pages", "page"), ("media", "attachment"), ("users", "user"),
                           ("comments", "comment"), ("revisions", "revision")):
            path = dump / f"{base}.json"
            if path.exists():
                take(kind, base, json.loads(path.read_text("utf-8")))
        taxonomies = json.loads((dump / "taxonomies.json").read_text("utf-8"))
        for name, tax in taxonomies.items():
            path = dump / f"{tax.get('rest_base') or name}.json"
            if path.exists():
                take(f"term:{name}", tax.get("rest_base") or name, json.loads(path.read_text("utf-8")))
        counts: dict[int, int] = {}
        for (kind, _), item in objects.items():
            if kind == "comment" and item.get("status") == "approved" and item.get("type") == "comment":
                counts[int(item["post"])] = counts.get(int(item["post"]), 0) + 1
        return cls(routes, ids, slugs, sorted(dates), sorted(words), links, fields, index.get("home", ""),
                   objects, counts)

    def rest_base_kind(self, base: str) -> str | None:
        """The kind of object a rest base serves (``posts`` -> post, ``location`` -> term:location)."""
        plain = {"posts": "post", "pages": "page", "media": "attachment", "users": "user", "comments": "comment"}
        if base in plain:
            return plain[base]
        for kind in self.ids:
            if kind.startswith("term:") and (kind[5:] == base or base in self._tax_bases.get(kind, ())):
                return kind
        return None

    @property
    def _tax_bases(self) -> dict[str, tuple[str, ...]]:
        return {"term:category": ("categories",), "term:post_tag": ("tags",)}


def _route(pattern: str, info: dict[str, Any]) -> Route:
    methods: dict[str, dict[str, dict[str, Any]]] = {}
    for endpoint in info.get("endpoints", []):
        args = endpoint.get("args") if isinstance(endpoint.get("args"), dict) else {}
        for method in endpoint.get("methods", []):
            methods.setdefault(method, dict(args))
    return Route(pattern, info.get("namespace", ""), methods)


def _field_names(item: dict[str, Any], prefix: str = "", depth: int = 0) -> Iterator[str]:
    for key, value in item.items():
        name = prefix + key
        yield name
        if isinstance(value, dict) and depth < 3 and key not in ("_links",):
            yield from _field_names(value, name + ".", depth + 1)


# -- requests ------------------------------------------------------------------------------------


@dataclass
class Part:
    """One ingredient of a request, named for grouping: a parameter (``after``), or a
    transport feature (``@method``, ``@path``, ``@origin``, ``@body``, ``@override``).
    ``kind`` says what sort of value it has (``date:zero``, ``real``, ``hostile``…)."""

    name: str
    kind: str
    pairs: list[tuple[str, str]] = field(default_factory=list)  # query pairs (name, value), unencoded
    where: str = "query"  # query | json | form | header | path | body
    value: Any = None  # the value itself (what a JSON body carries)


@dataclass
class FuzzRequest:
    """A generated request, before encoding (parts can be dropped one by one to shrink it)."""

    number: int
    route: str  # the index pattern
    method: str
    path: str  # the route instantiated, e.g. /wp/v2/posts/12
    parts: list[Part]
    content_type: str | None = None
    raw_body: bytes | None = None  # a body given as is (malformed JSON)

    def without(self, name: str) -> FuzzRequest:
        """The same request minus one part."""
        return FuzzRequest(self.number, self.route, self.method, self.path,
                           [p for p in self.parts if p.name != name], self.content_type,
                           self.raw_body if name != "@body" else None)

    def part_names(self) -> list[str]:
        """Names of the parts, in order."""
        return [p.name for p in self.parts]

    def encode(self) -> tuple[str, str, dict[str, str], bytes]:
        """(method, request target relative to the site's path, headers, body)."""
        method = self.method
        headers: dict[str, str] = {}
        query: list[tuple[str, str]] = []
        json_body: dict[str, Any] = {}
        form: list[tuple[str, str]] = []
        path = self.path
        style = "pretty"  # /wp-json/…; or query: /?rest_route=…, index.php: /index.php?rest_route=…
        for part in self.parts:
            if part.where == "query":
                query += part.pairs
            elif part.where == "json":
                json_body[part.name] = _json_value(part.value)
            elif part.where == "form":
                form += part.pairs
            elif part.where == "header":
                headers.update(dict(part.pairs))
            elif part.where == "path":
                path = part.pairs[0][1]
            elif part.where == "style":
                style = part.kind
        body = b""
        if self.raw_body is not None and any(p.name == "@body" for p in self.parts):
            body = self.raw_body
        elif json_body:
            body = json.dumps(json_body).encode()
        elif form:
            body = _urlencode(form).encode()
        if body and self.content_type:
            headers.setdefault("Content-Type", self.content_type)
        qs = _urlencode(query)
        if style in ("query", "index.php"):
            start = "/?" if style == "query" else "/index.php?"
            target = start + "rest_route=" + quote(path, safe="/%") + ("&" + qs if qs else "")
        else:
            target = "/wp-json" + path + ("?" + qs if qs else "")
        return method, target, headers, body

    def describe(self) -> str:
        """One line: method, target, headers and body."""
        method, target, headers, body = self.encode()
        extra = "".join(f" -H {json.dumps(f'{k}: {v}')}" for k, v in headers.items())
        data = f" --data-binary {json.dumps(body.decode('utf-8', 'replace'))}" if body else ""
        return f"{method} {target}{extra}{data}"


def _json_value(value: Any) -> Any:
    """A value as a JSON body would carry it: small integers as numbers."""
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value):
        return int(value)
    return value


def _urlencode(pairs: list[tuple[str, str]]) -> str:
    return "&".join(
        f"{quote(k, safe='[]')}={quote(v, safe='')}" if v is not None else quote(k, safe="[]")
        for k, v in pairs
    )


def _id_kind(site: Site, route: str, name: str) -> str | None:
    """Which kind of object a path parameter names, from the route around it."""
    parts = [p for p in re.sub(r"\(\?P<[^>]+>.*?\)(?=/|$)", "*", route).split("/") if p]
    base = parts[2] if len(parts) > 2 and parts[0] == "wp" else None
    if "revisions" in route and name == "id":
        return "revision"
    return site.rest_base_kind(base) if base else None


def _fill_path(site: Site, route: str, rnd: random.Random) -> str:
    """A concrete path for a route pattern: real ids of the right kind mostly."""

    def value(match: re.Match[str]) -> str:
        name, regex = match.group(1), match.group(2)
        if name in ("id", "parent") and "\\d" in regex and ":" not in regex:
            kind = _id_kind(site, route, name)
            roll = rnd.random()
            if kind and site.ids.get(kind) and roll < 0.75:
                return str(rnd.choice(site.ids[kind]))
            if roll < 0.9:
                return str(rnd.choice([i for ids in site.ids.values() for i in ids]))
            return rnd.choice(["0", "999999", "99999999999999999999", "007"])
        if name == "id":
            return rnd.choice(PATH_VALUES["id_str"])
        return rnd.choice(PATH_VALUES.get(name, ["x", "nope"]))

    return re.sub(r"\(\?P<(\w+)>((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)", value, route)


def _term_kind(site: Site, name: str) -> str | None:
    base = name.removesuffix("_exclude")
    return site.rest_base_kind(base) if base not in ("author", "parent", "include", "exclude") else None


def _ids(site: Site, kind: str | None, rnd: random.Random, count: int) -> list[str]:
    pool = site.ids.get(kind or "", []) or [i for ids in site.ids.values() for i in ids]
    return [str(rnd.choice(pool)) for _ in range(count)]


def _value_for(site: Site, name: str, schema: dict[str, Any], rnd: random.Random, base: str) -> tuple[str, Any]:
    """(kind, value) for one argument: a list value becomes ``name[]=…`` pairs."""
    roll = rnd.random()
    if roll < 0.12:
        return "hostile", rnd.choice(HOSTILE)
    fmt = schema.get("format")
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if name in ("after", "before", "modified_after", "modified_before", "date", "date_gmt") or fmt == "date-time":
        if roll < 0.5:
            date = rnd.choice(site.dates)
            return "date:real", date + rnd.choice(["", "", "Z", "+01:00", ".5"])
        kind = rnd.choice(list(DATE_KINDS))
        return f"date:{kind}", rnd.choice(DATE_KINDS[kind])
    if name == "slug":
        kind = site.rest_base_kind(base) or "post"
        slugs = site.slugs.get(kind) or ["nope"]
        choice = rnd.random()
        if choice < 0.5:
            return "slug:real", rnd.sample(slugs, min(len(slugs), rnd.randint(1, 2)))
        if choice < 0.7:
            slug = rnd.choice(slugs)
            return "slug:variant", rnd.choice([slug.upper(), quote(slug), slug + "-2", slug + " ", " " + slug])
        return "slug:odd", rnd.choice(["café", "中文", "%E4%B8%AD", "😀", "2023-11-16", "12", "-", "a--b", "Ünïcödé"])
    if name == "search" or name == "term" or name == "keyword":
        if roll < 0.6:
            return "search:word", " ".join(rnd.sample(site.words, rnd.randint(1, 2)))
        return "search:odd", rnd.choice(['"exact phrase"', "-ai", "ai -chips", "%", "_", "a", "AI", "é", "中"])
    if name == "_fields":
        return "fields", _fields_value(site, base, rnd)
    if name == "url" and fmt == "uri":
        return _oembed_url(site, rnd)
    if name in ("include", "exclude", "author", "author_exclude", "parent", "parent_exclude", "post") \
            or (schema.get("items") or {}).get("type") == "integer":
        kind = {"author": "user", "author_exclude": "user"}.get(name) or site.rest_base_kind(base)
        if name == "post":
            kind = "post"
        if name in ("parent", "parent_exclude") and base == "comments":
            kind = "comment"
        if roll < 0.75:
            ids = _ids(site, kind, rnd, rnd.randint(1, 3))
            return "ids", ids if ("array" in types or len(ids) > 1) and rnd.random() < 0.6 else ",".join(ids)
        return "ids:odd", rnd.choice(["0", "-1", "1,abc", "99999999", "1 2", "", "1e2", "07"])
    if "object" in types and "array" in types:  # taxonomy filters
        kind = _term_kind(site, name)
        ids = _ids(site, kind, rnd, rnd.randint(1, 3))
        if roll < 0.5:
            return "terms", ",".join(ids)
        if roll < 0.75:
            return "terms:object", {"terms": ids, **({"operator": rnd.choice(["AND", "OR"])} if rnd.random() < 0.5 else {}),
                                    **({"include_children": rnd.choice(["true", "false", "1"])} if rnd.random() < 0.4 else {})}
        return "terms:odd", rnd.choice([{"terms": "abc"}, {"operator": "XOR"}, {"x": "1"}, "0", "abc"])
    enum = schema.get("enum") or (schema.get("items") or {}).get("enum")
    if isinstance(enum, dict):
        enum = list(enum)
    if enum:
        if roll < 0.8:
            if "array" in types and rnd.random() < 0.4:
                return "enum:list", rnd.sample(enum, min(len(enum), rnd.randint(1, 2)))
            return "enum", rnd.choice(enum)
        return "enum:odd", rnd.choice([str(enum[0]).upper(), "nope", "", str(enum[0]) + " "])
    if "integer" in types or "number" in types:
        if name in ("per_page", "page", "offset"):
            return "int", rnd.choice(["1", "2", "3", "5", "10", "100", "0", "101", "-1", "4", "38"])
        return "int", rnd.choice(["0", "1", "2", "12", "600", "9999", "-5", str(rnd.randint(1, 200))])
    if "boolean" in types:
        return "bool", rnd.choice(["true", "false", "1", "0", "TRUE", "yes", ""])
    if name == "password":
        return "password", rnd.choice(["oracle", "press", "wrong", "", "ORACLE"])
    if "array" in types:
        return "list", [rnd.choice(site.words) for _ in range(rnd.randint(1, 2))]
    return "string", rnd.choice(site.words + ["", "x"])


def _fields_value(site: Site, base: str, rnd: random.Random) -> str:
    names = site.fields.get(base) or site.fields.get("posts") or ["id"]
    chosen = rnd.sample(names, min(len(names), rnd.randint(1, 3)))
    extra = rnd.random()
    if extra < 0.15:  # a sub-key the object may lack (an image size a file does not have)
        chosen.append(rnd.choice(["media_details.sizes.medium", "media_details.sizes.thumbnail.source_url",
                                  "media_details.sizes.nope", "title.nope", "meta.nope", "acf.subtitle",
                                  "content.rendered.x", "_links.self", "_embedded.author"]))
    elif extra < 0.3:
        chosen += rnd.sample(["_links", "_embedded", "id", "title.rendered", "nope"], rnd.randint(1, 2))
    return rnd.choice([",", ", ", " "]).join(chosen)


def _oembed_url(site: Site, rnd: random.Random) -> tuple[str, str]:
    link = rnd.choice(site.links) if site.links else site.home + "/"
    roll = rnd.random()
    if roll < 0.5:
        return "url:link", link
    if roll < 0.65:
        return "url:variant", rnd.choice([link.rstrip("/"), link.replace("http://", "https://"), link + "?x=1",
                                          link + "#c", link.upper(), link + "embed/"])
    if roll < 0.8:
        post = rnd.choice(site.ids.get("post") or [1])
        return "url:query", rnd.choice([f"{site.home}/?p={post}", f"{site.home}/?page_id={post}",
                                        f"{site.home}/?attachment_id={post}"])
    return "url:odd", rnd.choice([site.home + "/en/中文/", site.home + "/en/%E4%B8%AD%E6%96%87/", "http://example.com/",
                                  "not a url", site.home, site.home + "/nope/", "javascript:alert(1)"])


def _pairs(name: str, value: Any, style: str) -> list[tuple[str, str]]:
    if isinstance(value, list):
        if style == "comma":
            return [(name, ",".join(str(v) for v in value))]
        if style == "indexed":
            return [(f"{name}[{i}]", str(v)) for i, v in enumerate(value)]
        return [(f"{name}[]", str(v)) for v in value]
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _pairs(f"{name}[{key}]", item, "brackets")]
    return [(name, str(value))]


GLOBAL_PARAMS = ["_fields", "_embed", "_envelope", "_jsonp", "_pretty", "context", "_method", "page", "per_page"]
METHODS = ["GET"] * 70 + ["HEAD"] * 6 + ["OPTIONS"] * 6 + ["POST"] * 8 + ["PUT"] * 3 + ["PATCH"] * 3 + ["DELETE"] * 4


def _global(site: Site, name: str, base: str, rnd: random.Random) -> tuple[str, Any]:
    if name == "_fields":
        return "fields", _fields_value(site, base, rnd)
    if name == "_embed":
        return "embed", rnd.choice(["", "1", "true", "author", "wp:term", "wp:featuredmedia", "replies", "up",
                                    "author,wp:term", "nope", "self", "0"])
    if name == "_envelope":
        return "envelope", rnd.choice(["", "1", "0"])
    if name == "_jsonp":
        return "jsonp", rnd.choice(["cb", "a.b", "", "0", "a b", "é", "x(1)", "_", "1"])
    if name == "_pretty":
        return "pretty", rnd.choice(["", "1", "0"])
    if name == "context":
        return "context", rnd.choice(["view", "embed", "edit", "help", "", "VIEW"])
    if name == "_method":
        return "method", rnd.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "get", "HEAD", "OPTIONS", "nope"])
    return _value_for(site, name, {"type": "integer"}, rnd, base)


# Routes an anonymous reader uses (fuzzdiff.PUBLIC: the public content, its index, search and
# oEmbed) get more requests than the editor's and admin's, which mostly answer 401.


def route_weight(route: Route) -> int:
    """How often a route is drawn, relative to the others."""
    if not PUBLIC.search(route.pattern):
        return 1
    return 3 if "revisions" in route.pattern or "autosaves" in route.pattern else 8


def generate(site: Site, seed: int, number: int) -> FuzzRequest:
    """Request ``number`` of the run seeded ``seed`` (the same pair always gives the same request)."""
    rnd = random.Random(f"{seed}:{number}")
    route = rnd.choices(site.routes, weights=[route_weight(r) for r in site.routes])[0]
    method = rnd.choice(METHODS)
    if method not in route.methods and rnd.random() < 0.8:
        method = rnd.choice(list(route.methods) or ["GET"])
    args = route.methods.get(method) or route.methods.get("GET") or {}
    path = _fill_path(site, route.pattern, rnd)
    base = [p for p in path.split("/") if p][2] if path.startswith("/wp/v2/") and path.count("/") >= 3 else ""
    names = [n for n in args if n not in ("id",) or rnd.random() < 0.1]
    chosen = rnd.sample(names, min(len(names), rnd.choice([0, 1, 1, 2, 2, 3, 4])))
    if rnd.random() < 0.35:
        chosen += [g for g in rnd.sample(GLOBAL_PARAMS, rnd.randint(1, 2)) if g not in chosen]
    parts: list[Part] = []
    for name in chosen:
        kind, value = (_value_for(site, name, args[name], rnd, base) if name in args
                       else _global(site, name, base, rnd))
        style = rnd.choice(["brackets", "brackets", "comma", "indexed"])
        parts.append(Part(name, kind, _pairs(name, value, style), value=value))
    request = FuzzRequest(number, route.pattern, method, path, parts)
    _transport(request, site, rnd)
    return request


def _transport(request: FuzzRequest, site: Site, rnd: random.Random) -> None:
    """Vary how the request travels: the rest_route form, odd paths, bodies, headers."""
    roll = rnd.random()
    if roll < 0.14:
        style = "query" if roll < 0.12 else "index.php"
        request.parts.append(Part("@style", style, [], "style"))
    if rnd.random() < 0.06 and request.path.count("/") >= 2:
        kind, path = _odd_path(request.path, rnd)
        request.parts.append(Part("@path", kind, [("path", path)], "path"))
    if rnd.random() < 0.12:
        origin = rnd.choice(ORIGINS)
        request.parts.append(Part("@origin", "origin", [("Origin", origin)], "header"))
    if rnd.random() < 0.03:
        request.parts.append(Part("@override", "override", [("X-HTTP-Method-Override",
                                                             rnd.choice(["PUT", "DELETE", "GET", "patch"]))], "header"))
    body_roll = rnd.random()
    if body_roll < (0.1 if request.method in ("GET", "HEAD") else 0.4) and request.parts:
        movable = [p for p in request.parts if p.where == "query" and not p.name.startswith("_")]
        if movable:
            mode = rnd.choice(["json", "json", "form"])
            for part in rnd.sample(movable, rnd.randint(1, len(movable))):
                part.where, part.kind = mode, f"{mode}:{part.kind}"
            request.content_type = rnd.choice(["application/json", "application/json; charset=utf-8",
                                               "application/vnd.api+json"]) if mode == "json" else \
                rnd.choice(["application/x-www-form-urlencoded", None])
    elif body_roll < 0.14:
        request.raw_body = rnd.choice([b"{", b'{"per_page":', b'{"per_pag', b"[1,2", b'{"a":"\x01"}', b"\xff\xfe",
                                       b"null", b"[]", b'"text"', b"{}", b'{"a":1}x'])
        request.content_type = "application/json"
        request.parts.append(Part("@body", "json:raw", [], "body"))


def _odd_path(path: str, rnd: random.Random) -> tuple[str, str]:
    """A mutation of the route path: encoded slash or letter, case, slashes."""
    choice = rnd.randrange(6)
    slashes = [i for i, c in enumerate(path) if c == "/" and i > 0]
    if choice == 0 and slashes:
        i = rnd.choice(slashes)
        return "path:%2F", path[:i] + rnd.choice(["%2F", "%2f"]) + path[i + 1:]
    if choice == 1:
        letters = [i for i, c in enumerate(path) if c.isalpha()]
        i = rnd.choice(letters)
        return "path:%XX", path[:i] + f"%{ord(path[i]):02X}" + path[i + 1:]
    if choice == 2:
        return "path:case", path.upper() if rnd.random() < 0.5 else path.title()
    if choice == 3:
        return "path:trailing", path + "/"
    if choice == 4:
        return "path:double", path.replace("/", "//", 1 + rnd.randrange(2))
    return "path:dot", path + "/."


def routes_covered(site: Site, seed: int, count: int) -> set[str]:
    """Route patterns hit by the first ``count`` requests of a run."""
    return {generate(site, seed, n).route for n in range(count)}
