"""Reading users, and which of them the public may see."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import phpjson
from ..db import Database, chunks
from .collation import contains
from .counting import Remember, count
from .models import User

_COLUMNS = (
    "id, nicename, login, display_name, email, url, description, first_name, last_name,"
    " nickname, locale, registered, roles, avatar_urls, meta"
)


@lru_cache(maxsize=1)
def _nicename_collation() -> tuple[dict[int, str], frozenset[str]]:
    """What of MariaDB's utf8mb4_unicode_520_ci matters for WordPress-made nicenames (see the
    data file): each character's stand-in in ``[a-z0-9_-]`` ('' when ignored), and the
    characters that weigh what a space does."""
    data = json.loads((Path(__file__).parent / "nicename_collation.json").read_text("utf-8"))
    table = {int(code): text for code, text in data["ascii"].items()}
    for first, last in data["ignorable"]:
        table.update(dict.fromkeys(range(first, last + 1), ""))
    table.update((code, chr(code).lower()) for code in range(ord("A"), ord("Z") + 1))
    return table, frozenset(map(chr, data["space"]))


def nicename_key(value: str) -> str:
    """A ``slug=`` value as WordPress's database compares it with nicenames: case, accents and
    ignorable characters do not count, nor trailing spaces (``JOSÉ-Garcia`` finds
    ``jose-garcia``)."""
    table, spaces = _nicename_collation()
    return value.translate(table).rstrip("".join(spaces))


def _user(row: tuple[Any, ...]) -> User:
    values = list(row)
    values[0] = int(values[0])
    values[12] = phpjson.loads(values[12] or "[]")
    values[13] = phpjson.loads(values[13]) if values[13] else None
    values[14] = phpjson.loads(values[14] or "[]")
    return User(*values)


def get(db: Database, user_id: int) -> User | None:
    """The user with this id."""
    row = db.one(f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,))
    return _user(row) if row else None


def get_many(db: Database, ids: Sequence[int]) -> dict[int, User]:
    """Users by id (missing ids are absent)."""
    found: dict[int, User] = {}
    for chunk in chunks(list(dict.fromkeys(ids))):
        marks = ",".join("?" for _ in chunk)
        for row in db.all(f"SELECT {_COLUMNS} FROM users WHERE id IN ({marks})", chunk):
            user = _user(row)
            found[user.id] = user
    return found


def _published_sql(types: Sequence[str]) -> tuple[str, list[Any]]:
    # EXISTS: one probe of the (author, type, status) index per user, not a scan of the posts.
    marks = ",".join("?" for _ in types)
    return (
        "EXISTS (SELECT 1 FROM posts WHERE posts.author = users.id"
        f" AND posts.type IN ({marks}) AND posts.status = 'publish')",
        list(types),
    )


def has_published_posts(db: Database, user_id: int, types: Sequence[str]) -> bool:
    """Whether the user authored a published post of one of these types."""
    sql, params = _published_sql(types)
    return bool(db.scalar(f"SELECT 1 FROM users WHERE id = ? AND {sql}", [user_id, *params]))


@dataclass
class UserQuery:
    """A users collection query."""

    published_in: list[str] | None = None  # only authors of published posts of these types
    include: list[int] = field(default_factory=list)
    exclude: list[int] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)  # as given: compared as the collation does
    search: str | None = None
    search_columns: list[str] = field(default_factory=lambda: ["id", "login", "nicename", "display_name"])
    roles: list[str] = field(default_factory=list)
    orderby: str = "name"
    order: str = "ASC"
    limit: int | None = 10
    offset: int = 0


def query(db: Database, q: UserQuery, remember: Remember | None = None) -> tuple[list[User], int]:
    """One page of users and the total number of matches (counted once per content version
    through ``remember``, when given)."""
    where: list[str] = []
    params: list[Any] = []

    def in_list(column: str, values: Sequence[Any], negate: bool = False) -> None:
        marks = ",".join("?" for _ in values)
        where.append(f"{column} {'NOT IN' if negate else 'IN'} ({marks})")
        params.extend(values)

    if q.published_in is not None:
        sql, p = _published_sql(q.published_in)
        where.append(sql)
        params.extend(p)
    if q.include:
        in_list("users.id", q.include)
    if q.exclude:
        in_list("users.id", q.exclude, negate=True)
    slugs = [nicename_key(slug) for slug in q.slugs]
    if slugs:
        in_list("users.nicename", slugs)
    if q.search:
        columns = {"id": "CAST(users.id AS TEXT)", "login": "LOWER(users.login)",
                    "nicename": "LOWER(users.nicename)", "display_name": "users.name_key",
                    "email": "LOWER(users.email)", "url": "LOWER(users.url)"}
        tests = [contains(columns[c], q.search.strip("*")) for c in q.search_columns if c in columns]
        if tests:
            where.append("(" + " OR ".join(sql for sql, _ in tests) + ")")
            params.extend(param for _, param in tests)
    clause = " AND ".join(where) if where else "1 = 1"
    total = count(db, f"SELECT COUNT(*) FROM users WHERE {clause}", params, remember)
    order = "DESC" if q.order.upper() == "DESC" else "ASC"
    columns_by = {"id": "users.id", "name": "users.name_key", "slug": "users.nicename",
                  "email": "users.email", "url": "users.url", "registered_date": "users.registered"}
    order_params: list[Any] = []
    if q.orderby == "include" and q.include:  # FIELD(ID, …) in the requested order
        cases = " ".join(f"WHEN {int(i)} THEN {n + 1}" for n, i in enumerate(dict.fromkeys(q.include)))
        order_sql = f"CASE users.id {cases} ELSE 0 END {order}"
    elif q.orderby == "include_slugs" and slugs:
        cases = " ".join(f"WHEN ? THEN {n}" for n in range(len(slugs)))
        order_sql = f"CASE users.nicename {cases} END ASC"
        order_params = list(slugs)
    else:
        column = columns_by.get(q.orderby, "users.name_key")
        order_sql = f"{column} {order}" + ("" if column == "users.id" else f", users.id {order}")
    sql = f"SELECT {_COLUMNS} FROM users WHERE {clause} ORDER BY {order_sql}"
    all_params = [*params, *order_params]
    if q.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        all_params += [min(q.limit, 2**63 - 1), min(max(q.offset, 0), 2**63 - 1)]
    return [_user(r) for r in db.all(sql, all_params)], total
