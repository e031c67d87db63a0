"""Reading terms: single terms, a post's terms, counts, and collection queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import phpjson
from ..db import Database, chunks
from .collation import contains
from .counting import Remember, count
from .models import Term

_COLUMNS = "terms.id, terms.taxonomy, terms.name, terms.slug, terms.description, terms.parent, terms.meta"
# Published posts directly carrying the term (WordPress's term_taxonomy.count for posts), kept in
# terms.post_count by :func:`recount` as WordPress keeps its count column.
_COUNT = "terms.post_count"
_COUNTED = (
    "SELECT tr.term_id, COUNT(*) AS n FROM term_relationships tr JOIN posts p ON p.id = tr.post_id"
    " WHERE p.status = 'publish' GROUP BY tr.term_id"
)


def recount(db: Database) -> None:
    """Set every term's kept count to the published posts carrying it (after an import: two
    statements over the relationships, changing only the counts that moved)."""
    db.execute(
        f"UPDATE terms SET post_count = c.n FROM ({_COUNTED}) c"
        " WHERE c.term_id = terms.id AND terms.post_count <> c.n"
    )
    db.execute(
        "UPDATE terms SET post_count = 0 WHERE post_count <> 0 AND NOT EXISTS ("
        "SELECT 1 FROM term_relationships tr JOIN posts p ON p.id = tr.post_id"
        " WHERE tr.term_id = terms.id AND p.status = 'publish')"
    )


def _term(row: tuple[Any, ...]) -> Term:
    tid, taxonomy, name, slug, description, parent, meta, count = row
    return Term(int(tid), taxonomy, name, slug, description, int(parent), phpjson.loads(meta), int(count))


def get(db: Database, term_id: int) -> Term | None:
    """The term with this id, in any taxonomy."""
    row = db.one(f"SELECT {_COLUMNS}, {_COUNT} FROM terms WHERE terms.id = ?", (term_id,))
    return _term(row) if row else None


def for_posts(db: Database, post_ids: Sequence[int]) -> dict[int, list[Term]]:
    """Each post's terms of every taxonomy, ordered by name then id (WordPress's order)."""
    out: dict[int, list[Term]] = {pid: [] for pid in post_ids}
    if not post_ids:
        return out
    for chunk in chunks(list(dict.fromkeys(post_ids))):
        marks = ",".join("?" for _ in chunk)
        rows = db.all(
            f"SELECT tr.post_id, {_COLUMNS}, {_COUNT} FROM term_relationships tr"
            f" JOIN terms ON terms.id = tr.term_id WHERE tr.post_id IN ({marks})"
            " ORDER BY terms.name_key, terms.id",
            chunk,
        )
        for row in rows:
            out.setdefault(int(row[0]), []).append(_term(row[1:]))
    return out


@dataclass
class TermQuery:
    """A terms collection query (WP_Term_Query subset used by REST)."""

    taxonomy: str
    include: list[int] = field(default_factory=list)
    exclude: list[int] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)
    search: str | None = None
    parent: int | None = None
    post: int | None = None
    hide_empty: bool = False
    orderby: str = "name"
    order: str = "ASC"
    limit: int | None = 10
    offset: int = 0


def query(db: Database, q: TermQuery, remember: Remember | None = None) -> tuple[list[Term], int]:
    """One page of terms and the total number of matches (counted once per content version
    through ``remember``, when given)."""
    where = ["terms.taxonomy = ?"]
    params: list[Any] = [q.taxonomy]

    def in_list(column: str, values: Sequence[Any], negate: bool = False) -> None:
        marks = ",".join("?" for _ in values)
        where.append(f"{column} {'NOT IN' if negate else 'IN'} ({marks})")
        params.extend(values)

    # WP_Term_Query: an include list voids exclude, and is itself void when it reads "0" (the
    # ids joined by commas: PHP finds that string empty)
    include = list(dict.fromkeys(abs(int(i)) for i in q.include))
    if include and include != [0]:
        in_list("terms.id", include)
    if q.exclude and not q.include:
        in_list("terms.id", q.exclude, negate=True)
    if q.slugs:
        in_list("terms.slug", q.slugs)
    if q.parent is not None:
        where.append("terms.parent = ?")
        params.append(q.parent)
    if q.post is not None:
        where.append("terms.id IN (SELECT term_id FROM term_relationships WHERE post_id = ?)")
        params.append(q.post)
    if q.search:
        tests = [contains("terms.name_key", q.search), contains("terms.slug", q.search)]
        where.append("(" + " OR ".join(sql for sql, _ in tests) + ")")
        params.extend(param for _, param in tests)
    if q.hide_empty:
        where.append(f"{_COUNT} > 0")
    clause = " AND ".join(where)
    total = count(db, f"SELECT COUNT(*) FROM terms WHERE {clause}", params, remember)
    order = "DESC" if q.order.upper() == "DESC" else "ASC"
    columns = {
        "id": "terms.id", "name": "terms.name_key", "slug": "terms.slug",
        "description": "terms.description", "count": "terms.post_count", "term_group": "terms.id",
    }
    if q.orderby == "include" and q.include:
        # FIELD(t.term_id, …) in the requested order: 0 for a term not listed (all of them when
        # the include list was void), MariaDB's reading order (by id) among equals
        cases = " ".join(f"WHEN {i} THEN {n + 1}" for n, i in enumerate(include))
        order_sql = f"CASE terms.id {cases} ELSE 0 END {order}, terms.id ASC"
        order_params: list[Any] = []
    elif q.orderby == "include_slugs" and q.slugs:
        cases = " ".join(f"WHEN ? THEN {n}" for n in range(len(q.slugs)))
        order_sql = f"CASE terms.slug {cases} END ASC"
        order_params = list(q.slugs)
    else:
        column = columns.get(q.orderby, "terms.name_key")
        tiebreak = "" if column == "terms.id" else ", terms.id ASC"
        order_sql = f"{column} {order}{tiebreak}"
        order_params = []
    sql = (
        f"SELECT {_COLUMNS}, {_COUNT} FROM terms WHERE {clause} ORDER BY {order_sql}"
    )
    all_params = [*params, *order_params]
    if q.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        all_params += [min(q.limit, 2**63 - 1), min(max(q.offset, 0), 2**63 - 1)]
    return [_term(r) for r in db.all(sql, all_params)], total
