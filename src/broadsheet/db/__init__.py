"""The database: one small protocol over SQLite (default) and PostgreSQL.

``connect(url)`` opens either store; SQL everywhere is written once with ``?`` placeholders
(:class:`Database` turns them into PostgreSQL's) and code that must tell the stores apart reads
``db.dialect.name``. Schema changes are numbered migration files per dialect, recorded in
``schema_migrations``. :func:`chunks` splits long id lists for ``IN (…)`` lists.
"""

from __future__ import annotations

import re
import sqlite3
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_URL = "sqlite:///broadsheet.db"

T = TypeVar("T")


class DatabaseError(Exception):
    """A database could not be opened or a statement failed."""


@dataclass(frozen=True)
class Dialect:
    """Which of the two stores a connection speaks to."""

    name: str


DIALECTS = {"sqlite": Dialect("sqlite"), "postgresql": Dialect("postgresql")}


def chunks(items: Sequence[T], size: int = 500) -> Iterator[list[T]]:
    """``items`` in consecutive lists of at most ``size``: an ``IN (…)`` list per chunk stays far
    below SQLite's and PostgreSQL's limits on parameters, whatever the number of ids."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


_QMARK = re.compile(r"\?")


class Database:
    """A connection plus the dialect it speaks; every query goes through here."""

    def __init__(self, conn: Any, dialect: Dialect, url: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.url = url
        self._depth = 0
        # A number too large for a column: sqlite3 raises OverflowError itself; PostgreSQL's
        # error is turned into one, so callers see the same thing on both.
        self._out_of_range: tuple[type[Exception], ...] = ()
        if dialect.name == "postgresql":
            from psycopg.errors import NumericValueOutOfRange

            self._out_of_range = (NumericValueOutOfRange,)
        # Close the connection when this object goes away, even inside a reference cycle
        # (the finalizer holds the connection, so it is closed before it is freed).
        weakref.finalize(self, conn.close)

    # -- statements -------------------------------------------------------------------------
    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _params(self, params: Sequence[Any]) -> tuple[Any, ...]:
        if self.dialect.name == "postgresql":
            # PostgreSQL text cannot hold NUL; U+FFFF (a noncharacter) stands in for it.
            return tuple(p.replace("\x00", "\uffff") if isinstance(p, str) and "\x00" in p else p for p in params)
        return tuple(params)

    def _sql(self, sql: str) -> str:
        if self.dialect.name == "postgresql":
            return _QMARK.sub("%s", sql.replace("%", "%%"))
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement and return the cursor."""
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), self._params(params))
        except self._out_of_range as exc:
            raise OverflowError(str(exc).splitlines()[0]) from exc
        return cur

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many parameter rows."""
        if not rows:
            return
        cur = self.conn.cursor()
        try:
            cur.executemany(self._sql(sql), [self._params(r) for r in rows])
        except self._out_of_range as exc:
            raise OverflowError(str(exc).splitlines()[0]) from exc

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of a query."""
        return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a query, or None."""
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.one(sql, params)
        return row[0] if row else None

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """All statements inside commit together or not at all (nesting joins the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._depth = 1
        self._begin()
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        else:
            self._commit()
        finally:
            self._depth = 0

    def _begin(self) -> None:
        if self.dialect.name == "sqlite":
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn.execute("BEGIN")

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # -- migrations -------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply the numbered migrations not yet applied; returns their numbers."""
        self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
        done = {row[0] for row in self.all("SELECT version FROM schema_migrations")}
        applied = []
        for number, name, sql in migrations(self.dialect.name):
            if number in done:
                continue
            with self.transaction():
                for statement in _split_sql(sql):
                    self.execute(statement)
                self.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (number, name)
                )
            applied.append(number)
        return applied

    def schema_version(self) -> int:
        """Highest applied migration number (0 for an empty database)."""
        try:
            return int(self.scalar("SELECT MAX(version) FROM schema_migrations") or 0)
        except Exception:
            self._reset_after_error()
            return 0

    def _reset_after_error(self) -> None:
        if self.dialect.name == "postgresql" and self._depth == 0:
            self.conn.rollback()


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """(number, name, sql) of every migration file for a dialect, in order."""
    folder = resources.files("broadsheet.db") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    return sorted(found)


def _split_sql(sql: str) -> list[str]:
    """Statements of a migration file (comments removed, split on semicolons)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def connect(url: str = DEFAULT_URL, *, migrate: bool = True) -> Database:
    """Open the database at ``url`` (``sqlite:///path`` or ``postgresql://…``)."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    try:
        if scheme == "sqlite":
            db = _connect_sqlite(url, parts)
        elif scheme in ("postgresql", "postgres"):
            db = _connect_postgresql(url)
        else:
            raise DatabaseError(f"unsupported database URL {url!r} (use sqlite:/// or postgresql://)")
    except DatabaseError:
        raise
    except Exception as exc:  # driver errors carry the reason; keep it on one line
        raise DatabaseError(f"cannot open database {redact(url)}: {exc}".splitlines()[0]) from exc
    if migrate:
        db.migrate()
    return db


def _connect_sqlite(url: str, parts: Any) -> Database:
    path = unquote(parts.path)
    if parts.netloc in ("", "localhost"):
        path = path[1:] if path.startswith("/") else path
    if not path or path == ":memory:":
        path = ":memory:"
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=10000")
    # PostgreSQL's strpos(), for substring tests too long for SQLite's LIKE (store/collation.py)
    conn.create_function("strpos", 2, _strpos, deterministic=True)
    return Database(conn, DIALECTS["sqlite"], url)


def _strpos(haystack: str | None, needle: str | None) -> int | None:
    if haystack is None or needle is None:
        return None
    return str(haystack).find(str(needle)) + 1


def _connect_postgresql(url: str) -> Database:
    import psycopg

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    schema = query.pop("schema", [None])[0]
    rest = "&".join(f"{k}={v[0]}" for k, v in query.items())
    clean = parts._replace(query=rest, scheme="postgresql").geturl()
    conn = psycopg.connect(clean, autocommit=True)
    if schema:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", schema):
            raise DatabaseError(f"invalid schema name {schema!r}")
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        conn.execute(f'SET search_path TO "{schema}"')
    return Database(conn, DIALECTS["postgresql"], url)


def redact(url: str) -> str:
    """The URL with any password hidden, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
