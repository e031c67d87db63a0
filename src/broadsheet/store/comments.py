"""Reading comments: single comments and collection queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import phpjson
from ..db import Database
from .collation import contains
from .counting import Remember, count
from .models import Comment

_COLUMNS = (
    "id, post_id, date, date_gmt, parent, author, author_name, author_email, author_url,"
    " author_ip, author_user_agent, content_raw, content_rendered, rendered_by, status, type,"
    " avatar_urls, meta"
)


def _comment(row: tuple[Any, ...]) -> Comment:
    values = list(row)
    for i in (0, 1, 4, 5):
        values[i] = int(values[i])
    values[16] = phpjson.loads(values[16]) if values[16] else None
    values[17] = phpjson.loads(values[17] or "[]")
    return Comment(*values)


def get(db: Database, comment_id: int) -> Comment | None:
    """The comment with this id."""
    row = db.one(f"SELECT {_COLUMNS} FROM comments WHERE id = ?", (comment_id,))
    return _comment(row) if row else None


def child_counts(db: Database, ids: Sequence[int], statuses: Sequence[str]) -> dict[int, int]:
    """Number of children (with one of the statuses) of each comment id."""
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    smarks = ",".join("?" for _ in statuses)
    rows = db.all(
        f"SELECT parent, COUNT(*) FROM comments WHERE parent IN ({marks}) AND status IN ({smarks})"
        " GROUP BY parent",
        [*ids, *statuses],
    )
    return {int(p): int(n) for p, n in rows}


@dataclass
class CommentQuery:
    """A comments collection query."""

    post_ids: list[int] | None = None
    readable_post_ids: Sequence[int] | None = None  # restrict to comments on these posts
    statuses: list[str] = field(default_factory=lambda: ["approved"])
    types: list[str] | None = field(default_factory=lambda: ["comment"])
    include: list[int] = field(default_factory=list)
    exclude: list[int] = field(default_factory=list)
    parents: list[int] | None = None
    parents_exclude: list[int] = field(default_factory=list)
    authors: list[int] = field(default_factory=list)
    authors_exclude: list[int] = field(default_factory=list)
    author_email: str | None = None
    search: str | None = None
    after: str | None = None
    before: str | None = None
    orderby: str = "date_gmt"
    order: str = "DESC"
    limit: int | None = 10
    offset: int = 0


def query(db: Database, q: CommentQuery, remember: Remember | None = None) -> tuple[list[Comment], int]:
    """One page of comments and the total number of matches (counted once per content version
    through ``remember``, when given)."""
    where: list[str] = []
    params: list[Any] = []

    def in_list(column: str, values: Sequence[Any], negate: bool = False) -> None:
        if not values:
            if not negate:
                where.append("1 = 0")
            return
        marks = ",".join("?" for _ in values)
        where.append(f"{column} {'NOT IN' if negate else 'IN'} ({marks})")
        params.extend(values)

    if q.post_ids is not None:
        in_list("comments.post_id", q.post_ids)
    if q.readable_post_ids is not None:
        in_list("comments.post_id", list(q.readable_post_ids))
    in_list("comments.status", q.statuses)
    if q.types is not None:
        in_list("comments.type", q.types)
    if q.include:
        in_list("comments.id", q.include)
    if q.exclude:
        in_list("comments.id", q.exclude, negate=True)
    if q.parents is not None:
        in_list("comments.parent", q.parents)
    if q.parents_exclude:
        in_list("comments.parent", q.parents_exclude, negate=True)
    if q.authors:
        in_list("comments.author", q.authors)
    if q.authors_exclude:
        in_list("comments.author", q.authors_exclude, negate=True)
    if q.author_email is not None:
        where.append("comments.author_email = ?")
        params.append(q.author_email)
    if q.search:
        sql, param = contains("comments.search_text", q.search)
        where.append(sql)
        params.append(param)
    if q.after:
        where.append("comments.date > ?")
        params.append(q.after)
    if q.before:
        where.append("comments.date < ?")
        params.append(q.before)
    clause = " AND ".join(where) if where else "1 = 1"
    total = count(db, f"SELECT COUNT(*) FROM comments WHERE {clause}", params, remember)
    order = "ASC" if q.order.upper() == "ASC" else "DESC"
    columns = {"date": "comments.date", "date_gmt": "comments.date_gmt", "id": "comments.id",
               "post": "comments.post_id", "parent": "comments.parent", "type": "comments.type"}
    if q.orderby == "include" and q.include:
        cases = " ".join(f"WHEN {int(i)} THEN {n}" for n, i in enumerate(q.include))
        order_sql = f"CASE comments.id {cases} END ASC"
    else:
        column = columns.get(q.orderby, "comments.date_gmt")
        order_sql = f"{column} {order}" + ("" if column == "comments.id" else f", comments.id {order}")
    sql = f"SELECT {_COLUMNS} FROM comments WHERE {clause} ORDER BY {order_sql}"
    all_params = list(params)
    if q.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        all_params += [min(q.limit, 2**63 - 1), min(max(q.offset, 0), 2**63 - 1)]
    return [_comment(r) for r in db.all(sql, all_params)], total
