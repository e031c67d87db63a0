"""Reading posts: single rows, and WP_Query-style collection queries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..db import Database, chunks
from . import search_index
from .collation import contains
from .counting import Remember, count
from .models import POST_COLUMNS, Post

_SELECT = "SELECT " + ", ".join(POST_COLUMNS) + " FROM posts"

STOPWORDS = frozenset([
    "about", "an", "are", "as", "at", "be", "by", "com", "for", "from", "how", "in", "is", "it", "of",
    "on", "or", "that", "the", "this", "to", "was", "what", "when", "where", "who", "will", "with", "www",
])
_SEARCH_SPLIT = re.compile(r'".*?("|$)|((?<=[\t ",+])|^)[^\t ",+]+')
_SINGLE_LETTER = re.compile(r"^[a-z\-]$", re.I)


def get(db: Database, post_id: int) -> Post | None:
    """The post with this id, whatever its type or status."""
    row = db.one(_SELECT + " WHERE id = ?", (post_id,))
    return Post.from_row(row) if row else None


def get_many(db: Database, ids: Sequence[int]) -> dict[int, Post]:
    """Posts by id (missing ids are absent)."""
    found: dict[int, Post] = {}
    for chunk in chunks(list(dict.fromkeys(ids))):
        marks = ",".join("?" for _ in chunk)
        for row in db.all(f"{_SELECT} WHERE id IN ({marks})", chunk):
            post = Post.from_row(row)
            found[post.id] = post
    return found


def meta(db: Database, post_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """Raw post meta: {post_id: {key: [values in stored order]}}."""
    out: dict[int, dict[str, list[str]]] = {pid: {} for pid in post_ids}
    for chunk in chunks(list(dict.fromkeys(post_ids))):
        marks = ",".join("?" for _ in chunk)
        rows = db.all(
            f"SELECT post_id, key, value FROM postmeta WHERE post_id IN ({marks})"
            " ORDER BY post_id, key, position",
            chunk,
        )
        for pid, key, value in rows:
            out.setdefault(int(pid), {}).setdefault(key, []).append(value)
    return out


def revision_stats(db: Database, parent_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """{parent id: (number of revisions, id of the newest revision)} for parents that have any.

    The newest revision is the latest by date, then id (WordPress orders by date, ID), autosaves
    aside: 0 when a parent has only autosaves. One query per chunk of parents: their revisions,
    newest first, each marked whether it counts as the newest (not an autosave).
    """
    out: dict[int, tuple[int, int]] = {}
    for chunk in chunks(list(dict.fromkeys(parent_ids))):
        marks = ",".join("?" for _ in chunk)
        rows = db.all(
            "SELECT parent, id, slug NOT LIKE '%autosave%' FROM posts WHERE type = 'revision'"
            f" AND parent IN ({marks}) ORDER BY parent, date DESC, id DESC",
            chunk,
        )
        for parent, revision_id, not_autosave in rows:
            count, newest = out.get(int(parent), (0, 0))
            if not newest and not_autosave:
                newest = int(revision_id)
            out[int(parent)] = (count + 1, newest)
    return out


# --------------------------------------------------------------------------------------------
# Collection queries


@dataclass
class TaxClause:
    """One taxonomy condition of a query (WP_Tax_Query clause)."""

    taxonomy: str
    terms: list[int]
    operator: str = "IN"  # IN, AND, NOT IN
    include_children: bool = False


@dataclass
class PostQuery:
    """A posts collection query, in WordPress's terms."""

    types: list[str]
    statuses: list[str] = field(default_factory=lambda: ["publish"])
    include: list[int] | None = None
    exclude: list[int] = field(default_factory=list)
    authors: list[int] = field(default_factory=list)
    authors_exclude: list[int] = field(default_factory=list)
    parents: list[int] | None = None
    parents_exclude: list[int] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)
    search: str | None = None
    search_columns: list[str] = field(default_factory=list)
    search_exact: bool = False
    search_require_no_password: bool = False
    after: str | None = None
    before: str | None = None
    modified_after: str | None = None
    modified_before: str | None = None
    tax: list[TaxClause] = field(default_factory=list)
    tax_relation: str = "AND"
    mime_types: list[str] | None = None
    menu_order: int | None = None
    formats: list[str] | None = None
    orderby: str = "date"
    order: str = "DESC"
    limit: int | None = 10
    offset: int = 0


@dataclass
class QueryResult:
    """Ids of one page of results and the total number of matches."""

    ids: list[int]
    total: int


def parse_search_terms(search: str) -> list[str]:
    """Split a search string into terms as WordPress does (quotes, stopwords, 10+ → sentence)."""
    matches = [m.group(0) for m in _SEARCH_SPLIT.finditer(search)]
    if not matches:
        return [search]
    terms = []
    for raw in matches:
        term = raw.strip("\"'") if re.fullmatch(r'".+"', raw) else raw.strip("\"' ")
        if not term or (len(term.encode()) == 1 and _SINGLE_LETTER.match(term)):
            continue
        if term.lower() in STOPWORDS:
            continue
        terms.append(term)
    if not terms or len(terms) > 9:
        return [search]
    return terms


_COLUMN_KEYS = {"post_title": "title_key", "post_excerpt": "excerpt_key", "post_content": "content_key"}


class _Builder:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.where: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.where.append(clause)
        self.params.extend(params)

    def in_list(self, column: str, values: Sequence[Any], negate: bool = False) -> None:
        if not values:
            if not negate:
                self.add("1 = 0")
            return
        marks = ",".join("?" for _ in values)
        self.add(f"{column} {'NOT IN' if negate else 'IN'} ({marks})", *values)


def _descendants(db: Database, taxonomy: str, term_ids: Sequence[int]) -> list[int]:
    rows = db.all("SELECT id, parent FROM terms WHERE taxonomy = ?", (taxonomy,))
    children: dict[int, list[int]] = {}
    for tid, parent in rows:
        children.setdefault(int(parent), []).append(int(tid))
    found = list(term_ids)
    stack = list(term_ids)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.append(child)
                stack.append(child)
    return found


_WALK_FROM = 1000  # posts carrying a filter's terms from which its pages walk the order's index


def _tax_sql(db: Database, clause: TaxClause) -> tuple[str, list[Any]] | None:
    terms = list(clause.terms)
    if clause.include_children:
        terms = _descendants(db, clause.taxonomy, terms)
    # Only terms that exist in the taxonomy count (WP_Tax_Query transforms ids through the table).
    carried = 0
    if terms:
        marks = ",".join("?" for _ in terms)
        rows = db.all(
            f"SELECT id, post_count FROM terms WHERE taxonomy = ? AND id IN ({marks})", (clause.taxonomy, *terms)
        )
        terms = [int(r[0]) for r in rows]
        carried = sum(int(r[1]) for r in rows)
    op = clause.operator.upper()
    # SQLite's planner cannot tell a tag on twenty posts from a category on half of them: it
    # always starts from the terms' posts and sorts them. For terms carried by many posts,
    # walking the order's index and testing membership finds a page sooner (``+`` keeps
    # posts.id from being used as the starting point); the kept counts tell which case this is.
    column = "+posts.id" if db.dialect.name == "sqlite" and carried >= _WALK_FROM else "posts.id"
    if not terms:
        if op == "NOT IN":
            return None
        return "1 = 0", []
    marks = ",".join("?" for _ in terms)
    sub = f"SELECT post_id FROM term_relationships WHERE term_id IN ({marks})"
    if op == "NOT IN":
        return f"posts.id NOT IN ({sub})", list(terms)
    if op == "AND":
        sql = (
            f"{column} IN (SELECT post_id FROM term_relationships WHERE term_id IN ({marks})"
            f" GROUP BY post_id HAVING COUNT(DISTINCT term_id) = ?)"
        )
        return sql, [*terms, len(set(terms))]
    return f"{column} IN ({sub})", list(terms)


def _search_sql(b: _Builder, q: PostQuery, terms: list[str]) -> None:
    columns = [_COLUMN_KEYS[c] for c in (q.search_columns or list(_COLUMN_KEYS)) if c in _COLUMN_KEYS]
    for term in terms:
        negate = term.startswith("-")
        if negate:
            term = term[1:]
        joiner = " AND " if negate else " OR "
        narrowed = None if negate else search_index.candidates_sql(b.db, term)
        if narrowed is not None:
            b.add(narrowed[0], *narrowed[1])
        tests = [contains(col, term, exact=q.search_exact, negate=negate) for col in columns]
        b.add("(" + joiner.join(sql for sql, _ in tests) + ")", *(param for _, param in tests))
    if q.search_require_no_password:
        b.add("posts.password = ''")


def _relevance_order(q: PostQuery, terms: list[str]) -> tuple[str, list[Any]]:
    direction = "ASC"  # relevance rank: lower is better; WP always sorts it ascending
    full = q.search or ""
    positive = [t for t in terms if not t.startswith("-")]
    if len(terms) > 1:
        title = contains("title_key", full)
        cases = [f"WHEN {title[0]} THEN 1"]
        params: list[Any] = [title[1]]
        words = [contains("title_key", t) for t in positive]
        if len(positive) < 7 and positive:
            cases.append("WHEN " + " AND ".join(sql for sql, _ in words) + " THEN 2")
            params.extend(param for _, param in words)
        if positive:
            cases.append("WHEN " + " OR ".join(sql for sql, _ in words) + " THEN 3")
            params.extend(param for _, param in words)
        for rank, column in ((4, "excerpt_key"), (5, "content_key")):
            sql, param = contains(column, full)
            cases.append(f"WHEN {sql} THEN {rank}")
            params.append(param)
        return f"CASE {' '.join(cases)} ELSE 6 END {direction}", params
    sql, param = contains("title_key", terms[0] if terms else full)
    return f"CASE WHEN {sql} THEN 0 ELSE 1 END ASC", [param]


_ORDER_COLUMNS = {
    "date": "posts.date", "id": "posts.id", "title": "posts.title_key", "slug": "posts.slug",
    "modified": "posts.modified", "author": "posts.author", "parent": "posts.parent",
    "menu_order": "posts.menu_order", "comment_count": "posts.comment_count",
}


def _order_sql(q: PostQuery, terms: list[str] | None) -> tuple[str, list[Any]]:
    order = "ASC" if q.order.upper() == "ASC" else "DESC"
    ob = q.orderby
    if ob == "include" and q.include:
        cases = " ".join(f"WHEN {int(i)} THEN {n}" for n, i in enumerate(q.include))
        return f"CASE posts.id {cases} ELSE {len(q.include)} END ASC", []
    if ob == "include_slugs" and q.slugs:
        cases = " ".join(f"WHEN ? THEN {n}" for n in range(len(q.slugs)))
        return f"CASE posts.slug {cases} ELSE {len(q.slugs)} END ASC", list(q.slugs)
    if ob == "relevance" and terms is not None:
        sql, params = _relevance_order(q, terms)
        return f"{sql}, posts.date DESC, posts.id DESC", params
    if ob == "rand":
        return "RANDOM()", []
    column = _ORDER_COLUMNS.get(ob, "posts.date")
    if ob == "menu_order":
        return f"posts.menu_order {order}, posts.title_key {order}, posts.id {order}", []
    # Ties: MariaDB returns rows in the order it read them; WordPress's queries read the date
    # index backwards for DESC (newest id first) and the slug index when filtering by slugs.
    tiebreak = "" if ob == "id" else (", posts.slug ASC" if q.slugs else f", posts.id {order}")
    return f"{column} {order}{tiebreak}", []


def query(db: Database, q: PostQuery, remember: Remember | None = None) -> QueryResult:
    """Run a collection query: the requested page of ids and the total count (counted once per
    content version through ``remember``, when given)."""
    b = _Builder(db)
    b.in_list("posts.type", q.types)
    b.in_list("posts.status", q.statuses)
    if q.include is not None:
        b.in_list("posts.id", q.include)
    if q.exclude and not q.include:  # WP_Query: post__in voids post__not_in
        b.in_list("posts.id", q.exclude, negate=True)
    if q.authors:
        b.in_list("posts.author", q.authors)
    if q.authors_exclude:
        b.in_list("posts.author", q.authors_exclude, negate=True)
    if q.parents is not None:
        b.in_list("posts.parent", q.parents)
    if q.parents_exclude:
        b.in_list("posts.parent", q.parents_exclude, negate=True)
    if q.slugs:
        b.in_list("posts.slug", q.slugs)
    if q.menu_order is not None:
        b.add("posts.menu_order = ?", q.menu_order)
    if q.mime_types is not None:
        _mime_sql(b, q.mime_types)
    if q.formats is not None:
        b.in_list("posts.format", q.formats)
    for column, value, op in (
        ("posts.date", q.after, ">"), ("posts.date", q.before, "<"),
        ("posts.modified", q.modified_after, ">"), ("posts.modified", q.modified_before, "<"),
    ):
        if value is not None:
            b.add(f"{column} {op} ?", value)
    _tax_where(db, b, q)
    terms: list[str] | None = None
    if q.search:
        terms = parse_search_terms(q.search)
        _search_sql(b, q, terms)
    where = " AND ".join(b.where) if b.where else "1 = 1"
    total = count(db, f"SELECT COUNT(*) FROM posts WHERE {where}", b.params, remember)
    order_sql, order_params = _order_sql(q, terms)
    params = [*b.params, *order_params]
    offset = min(max(q.offset, 0), 2**63 - 1)
    page_where = where
    if q.limit is not None and remember is not None and offset >= ANCHOR_STEP:
        anchored = _anchored(db, q, where, b.params, offset, remember)
        if anchored is not None:
            condition, anchor_params, offset = anchored
            page_where = f"{where} AND {condition}"
            params = [*b.params, *anchor_params, *order_params]
    sql = f"SELECT posts.id FROM posts WHERE {page_where} ORDER BY {order_sql}"
    if q.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [min(q.limit, 2**63 - 1), offset]
    elif q.offset:
        sql += " LIMIT -1 OFFSET ?" if db.dialect.name == "sqlite" else " OFFSET ?"
        params.append(q.offset)
    ids = [int(r[0]) for r in db.all(sql, params)]
    return QueryResult(ids, total)


# Deep pages: OFFSET walks every row it skips, so a page far into a million posts would cost
# a walk of the index up to it. For the plain orders (one column, then id, both one way) every
# ANCHOR_STEP-th row's sort key is remembered per query and content version; a deep page starts
# from the anchor just before it (an index range) and skips fewer than ANCHOR_STEP rows.
ANCHOR_STEP = 1000
_ANCHOR_COLUMNS = {k: v for k, v in _ORDER_COLUMNS.items() if k not in ("id", "menu_order")}


def _anchored(db: Database, q: PostQuery, where: str, params: list[Any], offset: int,
              remember: Remember) -> tuple[str, list[Any], int] | None:
    """(a condition starting the page at an anchor, its parameters, the offset left), or None
    when the query's order has no anchors."""
    if q.slugs or q.orderby not in (*_ANCHOR_COLUMNS, "id"):
        return None
    column = _ANCHOR_COLUMNS.get(q.orderby)
    order = "ASC" if q.order.upper() == "ASC" else "DESC"
    key = ("anchors", where, tuple(params), q.orderby, order)
    anchors = remember(key, lambda: _anchors(db, where, params, column, order))
    passed = min(offset // ANCHOR_STEP, len(anchors))
    if not passed:
        return None
    value, post_id = anchors[passed - 1]
    after = ">" if order == "ASC" else "<"
    if column is None:
        return f"posts.id {after} ?", [post_id], offset - passed * ANCHOR_STEP
    return f"({column}, posts.id) {after} (?, ?)", [value, post_id], offset - passed * ANCHOR_STEP


def _anchors(db: Database, where: str, params: list[Any], column: str | None,
             order: str) -> list[tuple[Any, int]]:
    """The sort key (column value, id) of every ANCHOR_STEP-th row of the query, in order."""
    key = column or "posts.id"
    ordering = f"{column} {order}, posts.id {order}" if column else f"posts.id {order}"
    rows = db.all(
        f"SELECT k, id FROM (SELECT {key} AS k, posts.id AS id, ROW_NUMBER() OVER (ORDER BY {ordering})"
        f" AS n FROM posts WHERE {where}) ranked WHERE n % ? = 0 ORDER BY n",
        [*params, ANCHOR_STEP],
    )
    return [(k, int(i)) for k, i in rows]


def _mime_sql(b: _Builder, mime_types: list[str]) -> None:
    if not mime_types:
        b.add("1 = 0")
        return
    parts = []
    params: list[Any] = []
    for mime in mime_types:
        if "/" in mime:
            parts.append("posts.mime_type = ?")
            params.append(mime)
        else:
            parts.append("posts.mime_type LIKE ?")
            params.append(f"{mime}/%")
    b.add("(" + " OR ".join(parts) + ")", *params)


def _tax_where(db: Database, b: _Builder, q: PostQuery) -> None:
    parts: list[str] = []
    params: list[Any] = []
    for clause in q.tax:
        built = _tax_sql(db, clause)
        if built is None:
            continue
        parts.append(built[0])
        params.extend(built[1])
    if not parts:
        return
    joiner = " OR " if q.tax_relation.upper() == "OR" else " AND "
    b.add("(" + joiner.join(parts) + ")", *params)


def ids_by_slug(db: Database, slug: str, types: Sequence[str], statuses: Sequence[str]) -> list[int]:
    """Ids of posts with a slug, among types and statuses."""
    t = ",".join("?" for _ in types)
    s = ",".join("?" for _ in statuses)
    rows = db.all(
        f"SELECT id FROM posts WHERE slug = ? AND type IN ({t}) AND status IN ({s}) ORDER BY id",
        (slug, *types, *statuses),
    )
    return [int(r[0]) for r in rows]


def used_formats(db: Database) -> set[str]:
    """The post formats some post has (what a search for formats can find)."""
    return {str(row[0]) for row in db.all("SELECT DISTINCT format FROM posts WHERE type = 'post'")}
