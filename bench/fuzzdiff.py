"""The differential fuzzer's comparator: two HTTP answers to one request, and how they differ.

:func:`compare` takes the oracle's answer and Broadsheet's and lists the differences that
matter: the status (with error codes), the headers a client reads (:data:`HEADERS`), and the
body — JSON parsed (JSONP unwrapped) and compared key by key, order included, with only what
must differ masked (:func:`mask`: ``relative_dates``, computed from "now"; oEmbed's random
``data-secret``, and the embed script, which Broadsheet writes itself). Lists whose ids differ while the values WordPress's query sorts by are equal
position by position are not a difference but a *tie*: MariaDB leaves the order of equal sort
keys undefined (:func:`tie_order` says what the query sorts by). :func:`classify` guesses which
class of the issue a difference belongs to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HEADERS = (
    "content-type", "x-wp-total", "x-wp-totalpages", "link", "allow", "location",
    "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-credentials",
    "access-control-allow-headers", "access-control-expose-headers", "vary", "x-robots-tag",
    "x-content-type-options", "expires", "cache-control", "content-disposition",
)  # fmt: skip
_SECRET = re.compile(r"((?:data-secret=(?:\\?\"|&quot;)|secret=))[A-Za-z0-9]{10}")
# The script oEmbed's html ends with: WordPress's wp-embed.js, which Broadsheet cannot copy and
# replaces with its own (a documented difference), so its text is not compared.
_EMBED_SCRIPT = re.compile(r"(<script>|&lt;script&gt;).*?(</script>|&lt;/script&gt;)", re.S)
_JSONP = re.compile(rb"^/\*\*/([\w.]+)\((.*)\)$", re.S)


@dataclass
class Answer:
    """An HTTP answer: status, headers in order (names as sent), body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """Every value of a header joined with ' | ' (None when absent)."""
        values = [v for k, v in self.headers if k.lower() == name]
        return " | ".join(values) if values else None


@dataclass
class Difference:
    """One way two answers differ: ``what`` groups it (no values), ``detail`` shows it."""

    aspect: str  # status | header | body
    what: str
    detail: str


@dataclass
class Tie:
    """A list ordered differently only among items with equal sort keys."""

    what: str  # e.g. "posts orderby=date"
    sorts_by: str  # what WordPress's query sorts by
    detail: str


@dataclass
class Comparison:
    """How the two answers to one request compare."""

    differences: list[Difference] = field(default_factory=list)
    tie: Tie | None = None

    @property
    def same(self) -> bool:
        """Whether nothing but a tie differs."""
        return not self.differences


# -- bodies -------------------------------------------------------------------------------------

Obj = tuple  # ("__obj__", [(key, value), ...]): a JSON object with its key order


def _pairs_hook(pairs: list[tuple[str, Any]]) -> Obj:
    return ("__obj__", pairs)


def mask(value: Any) -> Any:
    """The JSON value with what must differ masked: ``relative_dates`` (computed from the
    request's moment) and oEmbed's random ``data-secret``."""
    if isinstance(value, tuple) and value and value[0] == "__obj__":
        return ("__obj__", [(k, "<masked>" if k == "relative_dates" else mask(v)) for k, v in value[1]])
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, str):
        return _mask_text(value)
    return value


def _mask_text(text: str) -> str:
    return _EMBED_SCRIPT.sub(r"\1…\2", _SECRET.sub(r"\1XXXXXXXXXX", text))


def parse_body(answer: Answer) -> tuple[str, Any]:
    """(kind, value): ``json`` (masked, JSONP unwrapped), ``xml``/``text`` (masked text),
    ``html`` (not compared: WordPress's theme page against Broadsheet's), or ``empty``."""
    body = answer.body
    if not body:
        return "empty", None
    content_type = (answer.header("content-type") or "").lower()
    wrapped = _JSONP.match(body.strip())
    text = wrapped.group(2) if wrapped else body
    if "json" in content_type or "javascript" in content_type or wrapped:
        try:
            return "json", mask(json.loads(text, object_pairs_hook=_pairs_hook))
        except ValueError:
            pass
    if "html" in content_type:
        return "html", None
    decoded = body.decode("utf-8", "replace")
    kind = "xml" if "xml" in content_type else "text"
    return kind, _mask_text(decoded)


def _norm_path(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def _json_differences(a: Any, b: Any, path: str, out: list[Difference], limit: int = 6) -> None:
    if len(out) >= limit or a == b:
        return
    if isinstance(a, tuple) and isinstance(b, tuple):
        keys_a, keys_b = [k for k, _ in a[1]], [k for k, _ in b[1]]
        if keys_a != keys_b:
            missing = [k for k in keys_a if k not in keys_b]
            extra = [k for k in keys_b if k not in keys_a]
            if missing or extra:
                what = f"{_norm_path(path)}: keys"
                detail = f"oracle only {missing[:8]}, broadsheet only {extra[:8]}"
            else:
                what, detail = f"{_norm_path(path)}: key order", f"{keys_a[:12]} vs {keys_b[:12]}"
            out.append(Difference("body", what, f"{path}: {detail}"))
        values_b = dict(b[1])
        for key, value in a[1]:
            if key in values_b:
                _json_differences(value, values_b[key], f"{path}.{key}", out, limit)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(Difference("body", f"{_norm_path(path)}: length", f"{path}: {len(a)} items vs {len(b)}"))
            return
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _json_differences(x, y, f"{path}[{i}]", out, limit)
        return
    out.append(Difference("body", _norm_path(path), f"{path}: {_short(a)} vs {_short(b)}"))


def _short(value: Any, size: int = 220) -> str:
    text = json.dumps(_plain(value), ensure_ascii=False)
    return text if len(text) <= size else text[:size] + "…"


def _plain(value: Any) -> Any:
    if isinstance(value, tuple) and value and value[0] == "__obj__":
        return {k: _plain(v) for k, v in value[1]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, tuple) and obj and obj[0] == "__obj__":
        for k, v in obj[1]:
            if k == key:
                return v
    return None


def error_code(answer: Answer) -> str | None:
    """The ``code`` of a WordPress error body, if it is one."""
    kind, value = parse_body(answer)
    if kind == "json":
        code = _get(value, "code")
        if isinstance(code, str):
            return code
    return None


# -- ties ---------------------------------------------------------------------------------------

POST_COLUMNS = {"date": "post_date", "modified": "post_modified", "title": "post_title", "slug": "post_name",
                "author": "post_author", "parent": "post_parent", "menu_order": "menu_order",
                "comment_count": "comment_count", "id": "ID"}
TERM_COLUMNS = {"name": "t.name", "slug": "t.slug", "count": "tt.count", "description": "tt.description",
                "term_group": "t.term_group", "id": "t.term_id"}
USER_COLUMNS = {"name": "display_name", "slug": "user_nicename", "registered_date": "user_registered",
                "email": "user_email", "url": "user_url", "id": "ID"}


def _post_key(column: str, item: dict[str, Any], counts: dict[int, int]) -> Any:
    if column == "post_title":
        title = item.get("title")
        return (title.get("raw") if isinstance(title, dict) else title or "").lower()
    if column == "comment_count":
        return counts.get(int(item["id"]), 0)
    field_name = {"post_date": "date", "post_modified": "modified", "post_name": "slug", "post_author": "author",
                  "post_parent": "parent", "menu_order": "menu_order", "ID": "id"}[column]
    return item.get(field_name)


def tie_order(route: str, params: dict[str, str], objects: dict[tuple[str, int], dict[str, Any]],
              comment_counts: dict[int, int]) -> tuple[str, str, Callable[[int], Any]] | None:
    """(what, what WordPress's query sorts by, key of an id) for a collection whose order can
    tie, or None (comments always break ties by id; include orders are total)."""
    match = re.match(r"^/wp/v2/([\w-]+)$", route)
    if not match:
        return None
    base = match.group(1)
    order = params.get("order", "").lower()
    orderby = params.get("orderby") or ""
    if orderby == "include_slugs" and not params.get("slug"):
        # FIELD() over no slugs: every row sorts the same, they come in MariaDB's order
        return f"{base} orderby=include_slugs without slug", "nothing (no slugs to order by)", lambda i: 0
    if base == "search" and not params.get("search") and params.get("type", "post") == "post":
        def search_key(i: int) -> Any:
            item = objects.get(("post", i)) or objects.get(("page", i))
            return item.get("date") if item else ("missing", i)

        return "search (posts and pages)", "wp_posts.post_date DESC (no tie-breaker)", search_key
    if base in ("posts", "pages", "media"):
        kind = {"posts": "post", "pages": "page", "media": "attachment"}[base]
        orderby = orderby or ("relevance" if params.get("search") else "date")
        if orderby == "rand":
            return f"{base} orderby=rand", "RAND() (a random order)", lambda i: 0
        column = POST_COLUMNS.get(orderby)
        if column is None:
            return None
        direction = "ASC" if order == "asc" else "DESC"

        def post_key(i: int) -> Any:
            item = objects.get((kind, i))
            return _post_key(column, item, comment_counts) if item else ("missing", i)

        return f"{base} orderby={orderby}", f"wp_posts.{column} {direction} (no tie-breaker)", post_key
    if base in ("users",):
        column = USER_COLUMNS.get(orderby or "name")
        if column is None or column == "ID":
            return None
        key = {"display_name": "name", "user_nicename": "slug", "user_registered": "registered_date",
               "user_email": "email", "user_url": "url"}[column]
        return (f"users orderby={orderby or 'name'}", f"{column} {'DESC' if order == 'desc' else 'ASC'} (no tie-breaker)",
                lambda i: (objects.get(("user", i)) or {}).get(key, ("missing", i)))
    kinds = [k for k in {k for k, _ in objects} if k.startswith("term:")]
    kind = next((k for k in kinds if k[5:] == base), None) or {"categories": "term:category",
                                                               "tags": "term:post_tag"}.get(base)
    if kind is None:
        return None
    column = TERM_COLUMNS.get(orderby or "name")
    if column is None or column == "t.term_id":
        return None
    key = {"t.name": "name", "t.slug": "slug", "tt.count": "count", "tt.description": "description",
           "t.term_group": "term_group"}[column]
    return (f"{base} orderby={orderby or 'name'}", f"{column} {'DESC' if order == 'desc' else 'ASC'} (no tie-breaker)",
            lambda i: str((objects.get((kind, i)) or {}).get(key, 0)).lower())


def _ids_of(items: Any) -> list[int] | None:
    if not isinstance(items, list) or not items:
        return None
    ids = [_get(item, "id") for item in items]
    return ids if all(isinstance(i, int) for i in ids) else None


def _detect_tie(a: Any, b: Any, ordering: tuple[str, str, Callable[[int], Any]] | None) -> Tie | None:
    ids_a, ids_b = _ids_of(a), _ids_of(b)
    if ordering is None or ids_a is None or ids_b is None or ids_a == ids_b or len(ids_a) != len(ids_b):
        return None
    what, sorts_by, key = ordering
    if [key(i) for i in ids_a] != [key(i) for i in ids_b]:
        return None
    return Tie(what, sorts_by, f"oracle ids {ids_a} vs broadsheet {ids_b}")


# -- the comparison ----------------------------------------------------------------------------


def _status_what(answer: Answer) -> str:
    code = error_code(answer) if answer.status >= 400 else None
    return f"{answer.status}({code})" if code else str(answer.status)


def compare(oracle: Answer, broadsheet: Answer, *, route: str = "", params: dict[str, str] | None = None,
            objects: dict[tuple[str, int], dict[str, Any]] | None = None,
            comment_counts: dict[int, int] | None = None, method: str = "GET") -> Comparison:
    """The differences between the oracle's answer and Broadsheet's to one request."""
    result = Comparison()
    status_a, status_b = _status_what(oracle), _status_what(broadsheet)
    if status_a != status_b:
        result.differences.append(Difference("status", f"status {status_a}≠{status_b}",
                                             f"oracle {status_a}, broadsheet {status_b}"))
        return result
    kind_a, body_a = parse_body(oracle)
    kind_b, body_b = parse_body(broadsheet)
    rest = kind_a != "html" or kind_b != "html"
    for name in HEADERS if rest else ("content-type",):
        value_a, value_b = oracle.header(name), broadsheet.header(name)
        if name == "content-type" and value_a and value_b:
            value_a, value_b = value_a.lower().replace(" ", ""), value_b.lower().replace(" ", "")
        if value_a != value_b:
            result.differences.append(Difference("header", f"header {name}", f"{name}: {value_a!r} vs {value_b!r}"))
    if method == "HEAD" or not rest:
        return result
    if kind_a != kind_b:
        result.differences.append(Difference("body", f"body kind {kind_a}≠{kind_b}",
                                             f"{oracle.body[:160]!r} vs {broadsheet.body[:160]!r}"))
        return result
    if kind_a == "json":
        ordering = tie_order(route, params or {}, objects or {}, comment_counts or {}) if route else None
        result.tie = _detect_tie(body_a, body_b, ordering)
        if result.tie is not None:
            by_id = {_get(item, "id"): item for item in body_b}
            for item in body_a:
                other = by_id.get(_get(item, "id"))
                if other is not None:
                    _json_differences(item, other, f"$[id={_get(item, 'id')}]", result.differences)
            for d in result.differences:
                d.what = re.sub(r"\[id=\d+\]", "[]", d.what)
        else:
            _json_differences(body_a, body_b, "$", result.differences)
    elif body_a != body_b:
        result.differences.append(Difference("body", f"body {kind_a}", _first_text_difference(body_a, body_b)))
    return result


def _first_text_difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at {at}: {a[max(0, at - 60):at + 100]!r} vs {b[max(0, at - 60):at + 100]!r}"


# -- classes -------------------------------------------------------------------------------------

DATE_PARAMS = {"after", "before", "modified_after", "modified_before", "date", "date_gmt"}
INDEX_ROUTES = re.compile(r"^/$|^/wp/v2$|^/oembed/1\.0$|^/wp/v2/(types|taxonomies|statuses)\b")
RENDERED = re.compile(r"\.(content|excerpt|title|description|caption|guid)\.rendered$|\.html$|featured_img")


# The public reader's routes; the others are the block editor's and the admin's ("The index").
PUBLIC = re.compile(r"^/$|^/oembed/|^/wp/v2$|^/wp/v2/(posts|pages|media|categories|tags|users|comments|search|types|"
                    r"taxonomies|statuses|location|article_type|serie|archives|internal_archives|reboot-archive)\b")


def classify(route: str, parts: list[tuple[str, str]], what: str, served: set[str] | None = None) -> str:
    """Which class of issue 8 a difference most likely belongs to (a guess from the route,
    the request's parts (name, kind) that cause it and what differed)."""
    names = {name for name, _ in parts}
    kinds = {kind for _, kind in parts}
    if (served is not None and route not in served) or not PUBLIC.search(route) \
            or "/application-passwords" in route or route.startswith("/wp/v2/users/me"):
        return "The index"
    if "@path" in names or "@body" in names or "@origin" in names or "_jsonp" in names \
            or any(k.startswith(("json:", "form:")) for k in kinds) or "date:zero" in kinds:
        return "Request parsing"
    if names & DATE_PARAMS:
        return "Dates"
    if "slug" in names:
        return "Slugs"
    if "_fields" in names or route.startswith("/oembed/") or route.startswith("/wp/v2/comments"):
        return "Fields and errors"
    if INDEX_ROUTES.search(route):
        return "The index"
    if RENDERED.search(what):
        return "Rendering"
    return "Other"
