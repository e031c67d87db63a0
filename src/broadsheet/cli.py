"""The ``broadsheet`` command: each subcommand parses its options and calls one function.

Whatever a command raises becomes one line on stderr (``broadsheet: …``, what failed and what
to do) and exit status 1: :func:`explain` is the one place that knows what each failure means.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from . import settings
from .db import (
    DEFAULT_URL,
    REPLICAS_ENV,
    Database,
    DatabaseBusy,
    DatabaseError,
    connect,
    exclusive,
    redact,
    replica_urls,
)

DATABASE_ENV = "BROADSHEET_DATABASE_URL"
WAIT_ENV = "BROADSHEET_WAIT"
DEBUG_ENV = "BROADSHEET_DEBUG"


def _database_option(func: Any) -> Any:
    return click.option(
        "--database", "database", envvar=DATABASE_ENV, default=DEFAULT_URL, show_default=True,
        help=f"Database URL: sqlite:///path.db or postgresql://… (env {DATABASE_ENV}).",
    )(func)


def _replica_option(func: Any) -> Any:
    """``--replica URL`` (repeatable; env BROADSHEET_REPLICA_URLS, comma-separated): read
    replicas for the server's read snapshots, handed to its worker processes by the env."""

    def remember(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
        urls = replica_urls(",".join(values))
        for url in urls:
            if not url.startswith(("postgresql://", "postgres://", "postgresql+")):
                raise click.BadParameter(f"{redact(url)!r} is not a postgresql:// URL", ctx, param)
        if urls:
            os.environ[REPLICAS_ENV] = ",".join(urls)
        return urls

    return click.option(
        "--replica", "replicas", multiple=True, envvar=REPLICAS_ENV, expose_value=False, callback=remember,
        metavar="URL", help=f"A PostgreSQL read replica of the database (repeatable; env {REPLICAS_ENV}, comma-separated).",
    )(func)


def _wait_option(func: Any) -> Any:
    return click.option(
        "--wait", "wait", type=click.FloatRange(min=0), envvar=WAIT_ENV, metavar="SECONDS",
        help="While another import or maintenance command runs on the database, wait at most this "
             f"long, then fail (env {WAIT_ENV}; default: wait until it has finished; 0: fail at once).",
    )(func)


def _fail(message: str) -> NoReturn:
    click.echo(f"broadsheet: {message}", err=True)
    sys.exit(1)


@contextmanager
def _exclusive(database: str, command: str, wait: float | None, *, migrate: bool = True) -> Iterator[Database]:
    """The database, held for a command that writes in bulk (one such command at a time)."""
    with exclusive(database, command, wait=wait, migrate=migrate,
                   waiting=lambda message: click.echo(f"broadsheet: {message}", err=True)) as db:
        yield db


class _Command(click.Command):
    """A subcommand whose failures are explained in one line (BROADSHEET_DEBUG=1: raised as
    they are, with their traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            _fail(explain(exc, ctx.params.get("database")))


class _Group(click.Group):
    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="broadsheet")
def main() -> None:
    """Broadsheet: a news archive server that speaks the WordPress REST API."""


@main.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--site-settings", "settings_file", type=click.Path(dir_okay=False),
              help="JSON object of WordPress option names and values (overrides what the sources say).")
@click.option("--auth", help="USER:APPLICATION_PASSWORD for crawling a live site with edit access.")
@_wait_option
@_database_option
def import_command(sources: tuple[str, ...], settings_file: str | None, auth: str | None, wait: float | None,
                   database: str) -> None:
    """Import REST JSON files, dump folders, live sites (http/https URLs) or WXR exports."""
    from .importer import load_settings_file, run_import

    settings = load_settings_file(settings_file) if settings_file else None
    progress = _progress()
    with _exclusive(database, "import", wait) as db:
        report = run_import(db, list(sources), site_settings=settings, auth=auth, progress=progress)
    if progress is not None:
        click.echo("", err=True)
    click.echo(report.summary())


def _progress() -> Any:
    """A progress line on a terminal (None when stderr is not one)."""
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        click.echo(f"\r\033[K{message}", nl=False, err=True)

    return show


# The serve options for the limits of ``limits.py``: flag, field, unit of the value, help.
_LIMIT_OPTIONS = [
    ("--max-connections", "max_connections", "", "Connections each worker holds at once; more wait to be accepted."),
    ("--header-timeout", "header_timeout", "s", "Seconds a connection may take to send a request's headers, or stay idle between requests."),
    ("--max-header-kb", "max_header_bytes", "KiB", "Largest request headers: granian answers 431 once what it has read passes this (it reads in chunks, so a little more may get through)."),
    ("--max-url-kb", "max_url_bytes", "KiB", "Longest path and query string (414 beyond)."),
    ("--max-body-mb", "max_body_bytes", "MiB", "Largest request body (413 beyond; the rest is not read)."),
    ("--time-budget", "time_budget", "s", "Seconds a request may take (503 beyond; 0: no limit)."),
    ("--drain-timeout", "drain_timeout", "s", "Seconds SIGTERM waits for requests in progress."),
]


def _limit_options(func: Any) -> Any:
    from .limits import ENV, Limits

    defaults = Limits()
    for flag, name, unit, text in reversed(_LIMIT_OPTIONS):
        env, scale = ENV[name]
        default = getattr(defaults, name) / scale
        shown = f"{default:g}{' ' + unit if unit else ''}"
        func = click.option(flag, name, type=click.FloatRange(min=0), envvar=env,
                            help=f"{text} (env {env}; default {shown})")(func)
    return func


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(min=1), envvar="BROADSHEET_SERVE_WORKERS",
              help="Server processes (env BROADSHEET_SERVE_WORKERS; default: one per core).")
@click.option("--threads", type=click.IntRange(min=1), envvar="BROADSHEET_THREADS",
              help="Database threads per process, each with its own connection "
                   "(env BROADSHEET_THREADS; default 4).")
@click.option("--cache-mb", type=click.FloatRange(min=1), envvar="BROADSHEET_CACHE_MB",
              help="Memory for cached rows, objects and answers per process, in MiB "
                   "(env BROADSHEET_CACHE_MB; default 128).")
@click.option("--no-cache", is_flag=True, envvar="BROADSHEET_NO_CACHE",
              help="Do not keep whole answers (rows and objects are still cached).")
@_limit_options
@_database_option
@_replica_option
def serve_command(host: str, port: int, workers: int | None, threads: int | None, cache_mb: float | None,
                  no_cache: bool, database: str, **limit_values: float | None) -> None:
    """Serve the site (REST API at its own URL's path) until SIGINT or SIGTERM, which let
    requests in progress finish (within --drain-timeout)."""
    from .limits import ENV, Limits

    try:
        connect(database).close()
    except DatabaseError as exc:
        _fail(str(exc))
    os.environ[DATABASE_ENV] = database
    if no_cache:
        os.environ["BROADSHEET_NO_CACHE"] = "1"
    if threads:
        os.environ["BROADSHEET_THREADS"] = str(threads)
    if cache_mb:
        os.environ["BROADSHEET_CACHE_MB"] = str(cache_mb)
    for name, value in limit_values.items():  # the workers read them from the environment
        if value is not None:
            os.environ[ENV[name][0]] = f"{value:g}"
    limits = Limits.from_env()
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    _allow_open_files(limits.max_connections + 256)
    workers = workers or os.cpu_count() or 1
    http1 = HTTP1Settings(header_read_timeout=int(min(max(limits.header_timeout, 0.001), 60) * 1000),
                          max_buffer_size=max(8192, limits.max_header_bytes + limits.max_url_bytes))
    server = Granian("broadsheet.asgi:app", address=host, port=port, interface=Interfaces.RSGI, workers=workers,
                     log_access=False, respawn_failed_workers=True, backpressure=max(1, limits.max_connections),
                     http1_settings=http1, workers_kill_timeout=max(1, round(limits.drain_timeout)))
    click.echo(f"Serving {database} on http://{host}:{port}/ with {workers} worker(s)", err=True)
    server.serve()


def _allow_open_files(wanted: int) -> None:
    """Raise this process's open-file limit toward ``wanted`` (each connection is a file); the
    workers inherit it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


@main.command("render")
@click.option("--title", is_flag=True, help="Render a title instead of content.")
@click.option("--excerpt", is_flag=True, help="Render the generated excerpt of the content.")
@click.option("--home", default=settings.default("url"), show_default=True, help="Site URL for links.")
@click.option("--wp-version", default=settings.default("wp_version"), show_default=True)
def render_command(title: bool, excerpt: bool, home: str, wp_version: str) -> None:
    """Render raw post content from stdin the way WordPress does."""
    from .render.context import RenderOptions, StaticContext
    from .render.pipeline import default_renderer

    raw = sys.stdin.read()
    renderer = default_renderer()
    ctx = StaticContext(RenderOptions(home=home.rstrip("/"), wp_version=wp_version))
    if title:
        out = renderer.render_title(raw, wp_version=wp_version)
    elif excerpt:
        out = renderer.render_excerpt("", raw, ctx)
    else:
        out = renderer.render_content(raw, ctx)
    click.echo(out, nl=False)


@main.command("rerender")
@click.option("--type", "types", multiple=True, help="Only posts of this type (repeatable).")
@_wait_option
@_database_option
def rerender_command(types: tuple[str, ...], wait: float | None, database: str) -> None:
    """Render every stored post with raw content again (explicitly; never done implicitly)."""
    from .importer import rerender

    with _exclusive(database, "rerender", wait) as db:
        count = rerender(db, types=list(types) or None, progress=_progress())
    click.echo(f"rendered {count} posts again")


@main.command("migrate")
@_wait_option
@_database_option
def migrate_command(wait: float | None, database: str) -> None:
    """Create or upgrade the database schema."""
    with _exclusive(database, "migrate", wait, migrate=False) as db:
        applied = db.migrate()
        version = db.schema_version()
    click.echo(f"schema at version {version}" + (f" (applied {applied})" if applied else ""))


# -- what a failure means ---------------------------------------------------------------------------


def explain(exc: BaseException, database: str | None = None) -> str:
    """One line for a failure: what failed and what to do. Along the chain of causes, outermost
    first, the first that is bad input or a failure known by its kind speaks (a disk found full
    is what matters, not the rollback that failed after it); then the database layer's own
    one-line errors; then what a driver or the system said."""
    from .importer import ImportError_

    chain = list(_causes(exc))
    db = redact(database) if database else "the database"
    for cause in chain:
        message = _line(cause) if isinstance(cause, ImportError_) else _known(cause, db)
        if message:
            return message
    for cause in chain:
        message = _line(cause) if isinstance(cause, DatabaseError) else _driver(cause, db)
        if message:
            return message
    return (f"unexpected {type(exc).__name__}: {_line(exc)} (a bug: please report it; {DEBUG_ENV}=1 shows "
            "where it happened)")


def _causes(exc: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _line(exc: BaseException) -> str:
    """The first line of an exception's message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_FULL = (errno.ENOSPC, errno.EDQUOT)
_AGAIN = "run the command again; the database is as it was"


def _known(exc: BaseException, db: str) -> str | None:
    """The failures that mean one thing whatever raised them."""
    import sqlite3

    import httpx
    import psycopg
    import psycopg_pool

    if isinstance(exc, DatabaseBusy):
        return f"{exc}: try again once it has finished, or wait longer with --wait SECONDS"
    if isinstance(exc, sqlite3.Error):
        text = _line(exc)
        if "readonly" in text or "read-only" in text:
            return f"{db} is read-only ({text}): make the database file and its folder writable for this user; nothing was changed"
        if "disk is full" in text:
            return f"the disk holding {db} is full ({text}): free some space and {_AGAIN}"
        if "unable to open database file" in text:
            return f"cannot open {db} ({text}): its folder must exist and be writable for this user"
        if "disk I/O error" in text:
            return f"the disk holding {db} failed ({text}): check it, then {_AGAIN}"
        if "database is locked" in text:
            return f"{db} is locked by another program that writes to it ({text}): {_AGAIN} once it is done"
        return None
    if isinstance(exc, psycopg.errors.DiskFull):
        return f"the PostgreSQL server of {db} has no space left ({_line(exc)}): free some space there and {_AGAIN}"
    if isinstance(exc, (psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.InsufficientPrivilege)):
        return (f"{db} does not accept writes from this connection ({_line(exc)}): use the primary server and a "
                "role that may write; nothing was changed")
    if isinstance(exc, (psycopg.OperationalError, psycopg_pool.PoolTimeout)):
        return (f"the connection to {db} failed ({_line(exc)}): check that PostgreSQL is up and the URL is "
                f"right, then {_AGAIN}")
    if isinstance(exc, OSError) and exc.errno in _FULL:
        where = exc.filename or f"the import's temporary files in {tempfile.gettempdir()} (TMPDIR)"
        return f"no space left on the disk for {where}: free some space (or set TMPDIR to a roomier folder) and {_AGAIN}"
    if isinstance(exc, httpx.HTTPError):
        return _network(exc)
    if isinstance(exc, RecursionError):
        return f"the input is nested too deeply to read ({_line(exc)}); nothing was imported"
    if isinstance(exc, MemoryError):
        return "out of memory: the input is too large to read at once; split it, or give Broadsheet more memory"
    return None


def _network(exc: Any) -> str:
    """An HTTP transport failure, naming the site."""
    import httpx

    try:
        url = exc.request.url
        site, where = f"{url.scheme}://{url.netloc.decode()}", str(url)
    except RuntimeError:  # an error without its request
        site = where = "the site"
    reason = _line(exc).split("] ", 1)[-1] if _line(exc).startswith("[Errno") else _line(exc)
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect to {site} ({reason}): check the address and that the site is up; nothing was imported"
    if isinstance(exc, httpx.TimeoutException):
        return f"{site} did not answer in time ({type(exc).__name__} on {where}): try again later; nothing was imported"
    if isinstance(exc, httpx.TransportError):
        return (f"the connection to {site} broke in the middle of an answer ({reason}, {where}): run the import "
                "again; nothing was imported")
    return f"{where}: {reason}"


def _driver(exc: BaseException, db: str) -> str | None:
    """Any other failure of a database driver or the operating system, as it says."""
    import sqlite3

    import psycopg

    if isinstance(exc, (sqlite3.Error, psycopg.Error)):
        return f"{db}: {_line(exc)}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return None


if __name__ == "__main__":
    main()
