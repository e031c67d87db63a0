"""Database URLs and the settings beside them: which store a URL names, a SQLite path, a
PostgreSQL connection string and schema, the replica list, the pool size, and redaction."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from .core import DatabaseError

DEFAULT_URL = "sqlite:///broadsheet.db"
REPLICAS_ENV = "BROADSHEET_REPLICA_URLS"
POOL_ENV = "BROADSHEET_DB_POOL"
DEFAULT_POOL = 8

_SCHEMA = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def scheme(url: str) -> str:
    """``sqlite`` or ``postgresql`` (the driver suffix of ``postgresql+psycopg`` dropped)."""
    name = urlsplit(url).scheme.split("+", 1)[0]
    if name == "postgres":
        return "postgresql"
    if name not in ("sqlite", "postgresql"):
        raise DatabaseError(f"unsupported database URL {redact(url)!r} (use sqlite:/// or postgresql://)")
    return name


def sqlite_path(url: str) -> str:
    """The file a ``sqlite:///path`` URL names (``:memory:`` when it names none)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.netloc in ("", "localhost"):
        path = path[1:] if path.startswith("/") else path
    return path if path and path != ":memory:" else ":memory:"


@dataclass(frozen=True)
class PgTarget:
    """A PostgreSQL server to connect to, and the schema Broadsheet's tables live in."""

    conninfo: str
    schema: str | None


def pg_target(url: str, *, schema: str | None = None) -> PgTarget:
    """The connection string of a ``postgresql://…`` URL, without Broadsheet's own ``schema``
    parameter (a schema named there wins over ``schema``, the primary's, given for replicas)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    schema = query.pop("schema", [schema])[0]
    rest = "&".join(f"{k}={v[0]}" for k, v in query.items())
    if schema is not None and not _SCHEMA.fullmatch(schema):
        raise DatabaseError(f"invalid schema name {schema!r}")
    return PgTarget(parts._replace(query=rest, scheme="postgresql").geturl(), schema)


def replica_urls(value: str | None = None) -> list[str]:
    """The replica URLs of a comma-separated list (default: ``BROADSHEET_REPLICA_URLS``)."""
    if value is None:
        value = os.environ.get(REPLICAS_ENV, "")
    return [u.strip() for u in value.split(",") if u.strip()]


def pool_size() -> int:
    """Connections per server in a PostgreSQL pool: ``BROADSHEET_DB_POOL`` (default 8)."""
    raw = os.environ.get(POOL_ENV, "").strip()
    if not raw:
        return DEFAULT_POOL
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < 1:
        raise DatabaseError(f"{POOL_ENV} must be a whole number of at least 1, not {raw!r}")
    return size


def redact(url: str) -> str:
    """The URL with any password hidden, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
