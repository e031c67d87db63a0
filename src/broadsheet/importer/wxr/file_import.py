"""Importing one WXR file: reading it, writing what it holds in order, rendering, all or nothing.

The channel's settings, authors and terms are written when the first item arrives (an export
lists them before its items); items are written in batches as they are read; at the end come
the settings file's revisions, spam comment placeholders and the ``sticky_posts`` setting, then
the rendering of every pending post and comment (:mod:`..rendering`). Progress is reported
at most five times a second. The import runs inside a savepoint of the caller's transaction; a
text node too big for libxml2's default limit makes it roll back and read the file again with
the limit lifted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from ...db import Database
from ...settings import SiteSettings
from .. import rendering
from ..wpjson import ImportError_, to_int
from .batch import Batch
from .channel import apply_channel_settings, check_version
from .comments import spam_ids, write_spam_placeholders
from .files import file_size, open_export, read_position, unzipped
from .items import Items, revisions
from .reader import RepairingReader
from .records import AuthorRecord, HugeNode, ItemRecord, TermRecord, parse_error, read_records
from .sticky import StickyPosts
from .terms import Terms
from .users import Users

__all__ = ["import_file"]

_BYTES_PER_ITEM = 4000  # a rough size of an exported item, to guess how much there is to render
_IMPORT_PAGE_CACHE_KIB = 262144  # SQLite page cache while importing (the default is 2 MiB)


def import_file(db: Database, source: str, settings: dict[str, Any], given: dict[str, Any], report: Any,
                progress: Callable[[str], None] | None = None) -> None:  # fmt: skip
    """Import one WXR file, then render what it brought (all or nothing with the caller's transaction)."""
    snapshot = dict(report.__dict__)
    db.execute("SAVEPOINT broadsheet_wxr")
    importer = FileImport(db, source, settings, given, report, progress)
    cache_size = _widen_page_cache(db)
    try:
        try:
            importer.run(huge=False)
        except HugeNode:
            # A text node over libxml2's 10 MB default: read the file again with the limit lifted.
            importer.close()
            db.execute("ROLLBACK TO SAVEPOINT broadsheet_wxr")
            report.__dict__.update(snapshot)
            importer = FileImport(db, source, settings, given, report, progress)
            importer.run(huge=True)
        db.execute("RELEASE SAVEPOINT broadsheet_wxr")
        importer.finish_rendering()
    finally:
        importer.close()
        if cache_size is not None:
            db.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _widen_page_cache(db: Database) -> int | None:
    """Give SQLite a larger page cache for the import (its indexes stay cached instead of being
    written out and read back); returns the setting to restore, None when nothing changed."""
    if db.dialect.name != "sqlite":
        return None
    current = int(db.scalar("PRAGMA cache_size") or 0)
    # A negative setting is in KiB, a positive one in pages.
    kib = -current if current < 0 else current * int(db.scalar("PRAGMA page_size") or 0) // 1024
    if kib >= _IMPORT_PAGE_CACHE_KIB:
        return None
    db.execute(f"PRAGMA cache_size = {-_IMPORT_PAGE_CACHE_KIB}")
    return current


class FileImport:
    """One WXR file into the store."""

    def __init__(self, db: Database, source: str, settings: dict[str, Any], given: dict[str, Any],
                 report: Any, progress: Callable[[str], None] | None) -> None:  # fmt: skip
        self.db = db
        self.source = source
        self.name = Path(source).name
        self.settings = settings
        self.given = given
        self.report = report
        self.progress = progress
        extra = given.get("_not_in_wxr")
        self.extra: dict[str, Any] = extra if isinstance(extra, dict) else {}
        listed_max_ids = self.extra.get("max_ids")
        max_ids: Mapping[str, Any] = listed_max_ids if isinstance(listed_max_ids, dict) else {}
        self.spam = spam_ids(self.extra)
        self.terms = Terms(db, report, to_int(max_ids.get("terms")))
        self.users = Users(db, report, to_int(max_ids.get("users")))
        self.sticky = StickyPosts(settings, given)
        self.items = Items(settings, self.extra, self.spam, self.users, self.terms, self.sticky)
        self.batch = Batch(db, report)
        self.header: dict[str, str] = {}
        self.author_records: list[AuthorRecord] = []
        self.term_records: list[TermRecord] = []
        self.channel_written = False
        self.item_count = 0
        self.render: rendering.RenderPass | None = None
        self._last_progress = 0.0

    def run(self, *, huge: bool) -> None:
        """Read the file and write everything it holds."""
        try:
            raw = open_export(self.source)
        except OSError as exc:
            raise ImportError_(f"{self.source}: {exc.strerror or exc}") from exc
        with raw:
            total = file_size(self.source)
            reader = RepairingReader(unzipped(raw), self.name)
            try:
                for record in read_records(reader, self.header, huge=huge):
                    self._dispatch(record)
                    self._report_progress(raw, total)
            except etree.XMLSyntaxError as exc:
                raise parse_error(exc, huge, reader, self.name) from exc
            except (OSError, EOFError) as exc:  # unreadable, or a cut-off .gz
                raise ImportError_(f"{self.name}: cannot read the file ({exc})") from exc
            except ImportError_ as exc:
                message = str(exc)
                raise ImportError_(
                    message if message.startswith(self.name) else f"{self.name}: {message}"
                ) from exc
        self._finish()

    def finish_rendering(self) -> None:
        """Render every post and comment still pending (the whole file is stored by now)."""
        if self.render is None:
            return
        self.render.progress = self.progress
        self.render.finish()

    def close(self) -> None:
        """Stop rendering workers (after an error)."""
        if self.render is not None:
            self.render.close()

    def _report_progress(self, raw: Any, total: int) -> None:
        if self.progress is None or time.monotonic() - self._last_progress < 0.2:
            return
        self._last_progress = time.monotonic()
        done = read_position(raw)
        share = f"{_bar(done / total)} {100 * done // total}%" if total else f"{done:,} bytes"
        rendered = (
            f", {self.render.stats.posts:,} rendered"
            if self.render and self.render.stats.posts
            else ""
        )
        self.progress(f"{self.name}: {share} read, {self.item_count:,} items{rendered}")

    def _dispatch(self, record: Any) -> None:
        if isinstance(record, ItemRecord):
            if not self.channel_written:
                self._write_channel()
            self.item_count += 1
            self.batch.add(self.items.entry(record))
        elif isinstance(record, TermRecord):
            self.term_records.append(record)
        elif isinstance(record, AuthorRecord):
            self.author_records.append(record)

    def _write_channel(self) -> None:
        """Settings, users and terms, then a render pass for the items to come."""
        self.channel_written = True
        check_version(self.header)
        apply_channel_settings(self.db, self.header, self.settings, self.given)
        self.render = rendering.RenderPass(
            self.db, SiteSettings(self.settings), progress=None,
            workers=rendering.worker_count(file_size(self.source) // _BYTES_PER_ITEM),
        )  # fmt: skip
        self.batch.render = self.render
        authors, self.author_records = self.author_records, []
        self.users.write(authors, self.extra.get("users") or [])
        records, self.term_records = self.term_records, []
        self.terms.write(records)

    def _finish(self) -> None:
        """What the WXR does not carry: revisions, spam placeholders, sticky posts."""
        if not self.channel_written:
            self._write_channel()
        if self.author_records or self.term_records:  # listed after the first item
            self.users.write(self.author_records, [])
            self.terms.write(self.term_records, late=True)
        self.batch.flush()
        self.batch.add_all(revisions(self.extra))
        write_spam_placeholders(self.db, self.spam)
        self.sticky.save(self.db)


def _bar(fraction: float, width: int = 24) -> str:
    """A text progress bar: ``[#########...............]``."""
    filled = max(0, min(width, int(fraction * width)))
    return "[" + "#" * filled + "." * (width - filled) + "]"
