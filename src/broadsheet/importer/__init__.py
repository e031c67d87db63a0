"""Importing content: REST JSON (files, dump folders, live sites) and WordPress exports (WXR).

``run_import`` reads every REST source completely first (onto disk, object by object), then
writes everything in one transaction, WXR files streamed into it: an import lands whole or not
at all. After the commit the planner's statistics are refreshed (store/maintenance.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .. import extensions as ext
from ..db import Database, chunks
from ..site import ZERO_DATE
from ..store import changes, derived, maintenance, options, writer
from ..store.models import Post, Term, User
from . import infer
from .sources import Bundle, Crawler, load_json, load_path
from .wpjson import ImportError_, item_id, to_comment, to_post, to_term, to_user

__all__ = ["ImportError_", "ImportReport", "load_settings_file", "rerender", "run_import"]


@dataclass
class ImportReport:
    """What an import wrote."""

    posts: int = 0
    skipped_posts: int = 0
    terms: int = 0
    users: int = 0
    comments: int = 0
    stubs: int = 0
    sources: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        return (f"imported {self.posts} posts ({self.skipped_posts} unchanged), {self.terms} terms, "
                f"{self.users} users, {self.comments} comments"
                + (f", {self.stubs} placeholders" if self.stubs else "")
                + f" from {', '.join(self.sources)}")


def load_settings_file(path: str) -> dict[str, Any]:
    """A site settings JSON file (WordPress option names → values)."""
    data = load_json(Path(path))
    if not isinstance(data, dict):
        raise ImportError_(f"{path}: expected a JSON object of settings")
    return {k: v for k, v in data.items() if k not in ("source", "not_in_wxr")} | (
        {"_not_in_wxr": data["not_in_wxr"]} if isinstance(data.get("not_in_wxr"), dict) else {})


def with_given(settings: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with the settings file's values on top (its ``_`` keys, such as
    ``_not_in_wxr``, tell the import what the source lacks: they are not settings)."""
    return {**settings, **{k: v for k, v in given.items() if not k.startswith("_")}}


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def load_bundle(source: str, *, auth: str | None = None, client: httpx.Client | None = None,
                progress: Callable[[str], None] | None = None) -> Bundle:
    """Read one REST source completely."""
    if _is_url(source):
        return Crawler(source, auth=auth, client=client, progress=progress).crawl()
    return load_path(source)


def decide_settings(current: dict[str, Any], bundles: Sequence[Bundle], given: dict[str, Any]) -> dict[str, Any]:
    """Stored settings, then what the sources reveal, then the settings file."""
    inferred: dict[str, Any] = {}
    detected: dict[str, Any] = {}
    for bundle in bundles:
        found = infer.infer(bundle)
        detected.update(found.pop("extensions_detected", {}))
        inferred.update(found)
    merged = with_given({**current, **inferred}, given)
    if "extensions" not in given and "extensions" not in current:
        if detected:
            merged["extensions"] = {name: ext.DEFAULT_EXTENSIONS.get(name, {}) for name in ext.KNOWN if name in detected}
        elif bundles:
            merged["extensions"] = {}
    return merged


def run_import(db: Database, sources: Sequence[str], *, site_settings: dict[str, Any] | None = None,
               auth: str | None = None, client: httpx.Client | None = None,
               progress: Callable[[str], None] | None = None) -> ImportReport:
    """Import REST JSON sources (and WXR files) into the database, all or nothing; then bring
    the planner's statistics up to date."""
    from . import wxr

    given = dict(site_settings or {})
    rest_sources = [s for s in sources if not wxr.is_wxr(s)]
    wxr_sources = [s for s in sources if wxr.is_wxr(s)]
    bundles: list[Bundle] = []
    try:
        for source in rest_sources:
            bundles.append(load_bundle(source, auth=auth, client=client, progress=progress))
        report = ImportReport(sources=list(sources))
        with db.transaction():
            current = options.load(db).stored()
            with _malformed(", ".join(b.name for b in bundles)):
                settings = decide_settings(current, bundles, given)
            if wxr_sources:
                settings = wxr.settings_for(settings, given)
            options.save(db, settings)
            for bundle in bundles:
                write_bundle(db, bundle, settings, report)
            if wxr_sources:
                changes.note_everything(db)  # an export rewrites too much to list
            for source in wxr_sources:
                wxr.import_file(db, source, settings, given, report, progress=progress)
            if bundles:  # HTML as a source rendered it, numbered per request where we can
                from .rendering.source_numbers import number_source_posts

                number_source_posts(db, options.load(db))
            derived.refresh(db)
            changes.publish(db)
    finally:
        for bundle in bundles:
            bundle.close()
    maintenance.update_statistics(db)
    return report


def write_bundle(db: Database, bundle: Bundle, settings: dict[str, Any], report: ImportReport) -> None:
    """Write one source's objects."""
    uploads = (settings.get("uploads") or {}).get("baseurl")
    bases = {t.get("rest_base") or t.get("name") for t in settings.get("taxonomies") or []}
    taxonomy_bases = frozenset(b for b in bases | {"categories", "tags"} if b)
    for item in bundle.users:
        with _malformed(bundle.name, "user", item):
            writer.upsert_user(db, to_user(item))
        report.users += 1
    for item in bundle.terms:
        with _malformed(bundle.name, "term", item):
            writer.upsert_term(db, to_term(item))
        report.terms += 1
    for item in bundle.posts:
        with _malformed(bundle.name, "post", item):
            post, meta, term_ids = to_post(item, uploads_baseurl=uploads, taxonomy_bases=taxonomy_bases)
            stored = writer.upsert_post(db, post)
            if stored:
                writer.set_post_meta(db, post.id, meta)
                writer.set_post_terms(db, post.id, term_ids)
        if stored:
            report.posts += 1
        else:
            report.skipped_posts += 1
    for item in bundle.comments:
        with _malformed(bundle.name, "comment", item):
            writer.upsert_comment(db, to_comment(item))
        report.comments += 1
    with _malformed(bundle.name):
        report.stubs += write_stubs(db, bundle, settings)


# What reading a value of an unexpected type raises (a number where an object belongs, a
# number too large for the database, ...): the source is malformed.
_MALFORMED = (TypeError, AttributeError, ValueError, KeyError, IndexError, OverflowError)


@contextmanager
def _malformed(source: str, kind: str = "", item: Any = None) -> Iterator[None]:
    """Turn what a malformed object makes the conversion raise into a one-line import error
    (the transaction then leaves the database as it was)."""
    try:
        yield
    except ImportError_:
        raise
    except _MALFORMED as exc:
        what = f" {kind} {str(item.get('id'))[:40] if isinstance(item, dict) else '?'}" if kind else ""
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        raise ImportError_(f"{source}:{what} malformed object ({detail})") from exc


def write_stubs(db: Database, bundle: Bundle, settings: dict[str, Any]) -> int:
    """Placeholders for objects a post refers to but the source did not include.

    A lone post (the seed file) names its author, terms and featured image by id; what the post
    itself shows about them (author_meta, class_list, tax_additional, featured_img) is enough
    to store a placeholder, so the post keeps the ids it refers to. A later import of the real
    objects replaces the placeholders.
    """
    taxonomies = {t.get("rest_base") or t["name"]: t["name"] for t in settings.get("taxonomies") or []}
    taxonomies.setdefault("categories", "category")
    taxonomies.setdefault("tags", "post_tag")
    made = 0
    for part in chunks(bundle.posts, _STUB_CHUNK):
        posts = [item for item in part if isinstance(item, dict)]
        users = _Rows(db, "users", [item.get("author") for item in posts])
        terms = _Rows(db, "terms", [i for item in posts for base in taxonomies
                                    for i in _listed(item.get(base))])  # fmt: skip
        media = _Rows(db, "posts", [item.get("featured_media") for item in posts])
        for item in part:
            made += _stub_author(db, item, users)
            made += _stub_terms(db, item, taxonomies, terms)
            made += _stub_media(db, item, settings, media)
    return made


_STUB_CHUNK = 5000  # posts whose references are looked up together


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class _Rows:
    """Which ids of a table are stored: those the bundle refers to are read at once (a few
    queries), and ids are added as placeholders are written."""

    def __init__(self, db: Database, table: str, ids: Sequence[Any]) -> None:
        self.db = db
        self.table = table
        # Ids a column can hold; any other value is looked up alone when asked about, as it
        # always was (the query raises what such a value makes it raise).
        wanted = [i for i in dict.fromkeys(ids) if type(i) is int and -(2**63) <= i < 2**63]
        self.known = set(wanted)
        self.stored: set[int] = set()
        for chunk in chunks(wanted):
            marks = ", ".join("?" for _ in chunk)
            rows = db.all(f"SELECT id FROM {table} WHERE id IN ({marks})", chunk)
            self.stored.update(int(r[0]) for r in rows)

    def exists(self, row_id: int) -> bool:
        """Whether a row with this id is stored."""
        if type(row_id) is int and row_id in self.known:
            return row_id in self.stored
        return self.db.scalar(f"SELECT 1 FROM {self.table} WHERE id = ?", (row_id,)) is not None

    def add(self, row_id: int) -> None:
        """A row with this id was just written."""
        self.known.add(row_id)
        self.stored.add(row_id)


def _stub_author(db: Database, item: dict[str, Any], users: _Rows) -> int:
    author = item.get("author")
    meta = item.get("author_meta")
    if not isinstance(author, int) or author <= 0 or users.exists(author):
        return 0
    name, nicename = "", str(author)
    if isinstance(meta, dict):
        name = str(meta.get("display_name") or "")
        link = str(meta.get("author_link") or "").rstrip("/")
        nicename = link.rsplit("/", 1)[-1] or nicename
    writer.upsert_user(db, User(author, nicename, login=nicename, display_name=name))
    users.add(author)
    return 1


def _stub_terms(db: Database, item: dict[str, Any], taxonomies: dict[str, str], stored: _Rows) -> int:
    import re

    classes = [c for c in item.get("class_list") or [] if isinstance(c, str)] if isinstance(
        item.get("class_list"), list) else []
    tax_html: dict[str, Any] = item["tax_additional"] if isinstance(item.get("tax_additional"), dict) else {}
    made = 0
    for base, taxonomy in taxonomies.items():
        ids = [i for i in item.get(base) or [] if isinstance(i, int)]
        if not ids:
            continue
        prefix = "tag-" if taxonomy == "post_tag" else f"{taxonomy}-"
        slugs = [c[len(prefix):] for c in classes if c.startswith(prefix)]
        key = {"category": "categories", "post_tag": "tags"}.get(taxonomy)
        names = []
        if key and isinstance(tax_html.get(key), dict):
            names = [re.sub(r"<[^>]+>", "", s) for s in tax_html[key].get("unlinked", [])]
        for position, term_id in enumerate(ids):
            if stored.exists(term_id):
                continue
            slug = slugs[position] if position < len(slugs) else str(term_id)
            name = names[position] if position < len(names) else slug.replace("-", " ").title()
            writer.upsert_term(db, Term(term_id, taxonomy, name, slug))
            stored.add(term_id)
            made += 1
    return made


def _stub_media(db: Database, item: dict[str, Any], settings: dict[str, Any], posts: _Rows) -> int:
    media_id = item.get("featured_media")
    url = item.get("featured_img")
    if not isinstance(media_id, int) or media_id <= 0 or posts.exists(media_id) or not isinstance(url, str):
        return 0
    uploads = ((settings.get("uploads") or {}).get("baseurl") or "").rstrip("/")
    relative = url[len(uploads) + 1:] if uploads and url.startswith(uploads + "/") else url
    slug = relative.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    extension = url.rsplit(".", 1)[-1].lower()
    mime = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
            "webp": "image/webp"}.get(extension, "application/octet-stream")
    post = Post(media_id, "attachment", "inherit", ZERO_DATE, ZERO_DATE, ZERO_DATE, ZERO_DATE,
                parent=item_id(item), slug=slug, guid=url, mime_type=mime, title_rendered=slug)
    writer.upsert_post(db, post)
    writer.set_post_meta(db, media_id, {"_wp_attached_file": [relative]})
    posts.add(media_id)
    return 1


def rerender(db: Database, *, types: Sequence[str] | None = None,
             progress: Callable[[str], None] | None = None) -> int:
    """Render every stored post that has raw content again with Broadsheet's renderer, in one
    transaction (rendered HTML from the source is replaced; ``rendered_by`` becomes 'broadsheet')."""
    from .rendering import mark_for_rendering, render_pending

    with db.transaction():
        changes.note_everything(db)
        count = mark_for_rendering(db, types=types)
        render_pending(db, options.load(db), progress=progress)
        changes.publish(db)
    maintenance.update_statistics(db)
    return count
