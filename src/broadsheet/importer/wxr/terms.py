"""Terms of a WXR: the channel's categories, tags and terms, and the terms each item names.

Terms keep the file's ids. The file names a term's parent by slug (old exports by name), which
is resolved within the taxonomy. An item names its terms by (taxonomy, slug); one the channel
did not list is created, as WordPress's importer does. A ``post_format`` term sets the post's
format instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ... import phpjson
from ...db import Database, chunks
from ...site import POST_FORMATS
from ...store import writer
from ...store.models import Term
from .batch import BATCH_SIZE
from .records import TermRecord
from .values import number

__all__ = ["Terms"]


class Terms:
    """The terms an import writes, and the id of each (taxonomy, slug) it has seen."""

    def __init__(self, db: Database, report: Any, max_id: int) -> None:
        self.db = db
        self.report = report
        self.ids: dict[tuple[str, str], int] = {
            (tax, slug): int(tid)
            for tid, tax, slug in db.all("SELECT id, taxonomy, slug FROM terms")
        }
        self.next_id = max(int(db.scalar("SELECT MAX(id) FROM terms") or 0), max_id) + 1

    def write(self, records: list[TermRecord], *, late: bool = False) -> None:
        """Store the channel's terms with their ids, parents and descriptions.

        ``late``: terms found after the first item (WordPress writes them all before); a term an
        item already brought in keeps the id it was given then.
        """
        for record in records:
            tid = number(
                record.fields.get("id"), f"term {record.fields.get('slug', '')!r}: wp:term_id"
            )
            key = (record.taxonomy, record.fields.get("slug", ""))
            if tid > 0 and not (late and key in self.ids):
                self.ids[key] = tid
                self.next_id = max(self.next_id, tid + 1)
        names = {(r.taxonomy, r.fields.get("name", "")): r for r in records}
        terms: list[Term] = []
        for record in records:
            key = (record.taxonomy, record.fields.get("slug", ""))
            if not record.taxonomy or not key[1]:
                continue
            tid = self.ids.get(key) or self._new_id(key)
            terms.append(Term(
                id=tid, taxonomy=record.taxonomy, name=record.fields.get("name", ""), slug=key[1],
                description=record.fields.get("description", ""),
                parent=self._parent(record, names),
            ))  # fmt: skip
        self._store(terms)

    def for_post(self, terms: Iterable[tuple[str, str, str]]) -> tuple[list[int], str]:
        """The term ids and the post format of an item's (domain, slug, name) terms."""
        ids: list[int] = []
        post_format = "standard"
        for domain, slug, name in terms:
            taxonomy = "post_tag" if domain == "tag" else domain  # WXR 1.0 called tags "tag"
            if taxonomy == "post_format":
                candidate = slug.removeprefix("post-format-")
                post_format = candidate if candidate in POST_FORMATS else "standard"
                continue
            if not slug:
                continue
            tid = self.ids.get((taxonomy, slug))
            if (
                tid is None
            ):  # a term the channel did not list: create it, as WordPress's importer does
                tid = self._new_id((taxonomy, slug))
                self._store([Term(tid, taxonomy, name, slug)])
            ids.append(tid)
        return ids, post_format

    def _parent(self, record: TermRecord, names: Mapping[tuple[str, str], TermRecord]) -> int:
        parent = record.fields.get("parent", "")
        if not parent:
            return 0
        found = self.ids.get((record.taxonomy, parent))
        if found is None and (record.taxonomy, parent) in names:  # old exports named the parent
            slug = names[(record.taxonomy, parent)].fields.get("slug", "")
            found = self.ids.get((record.taxonomy, slug))
        return found or 0

    def _new_id(self, key: tuple[str, str]) -> int:
        tid = self.next_id
        self.next_id += 1
        self.ids[key] = tid
        return tid

    def _store(self, terms: list[Term]) -> None:
        for part in chunks(terms, BATCH_SIZE):
            marks = ", ".join("?" for _ in part)
            stored = {
                int(r[0]): r[1:] for r in self.db.all(
                    f"SELECT id, taxonomy, name, slug, description, parent, meta FROM terms WHERE id IN ({marks})",
                    [t.id for t in part],
                )
            }  # fmt: skip
            changed = []
            for term in part:
                old = stored.get(term.id)
                if old is not None:
                    term.meta = _json_or_empty(old[5])
                    if tuple(old[:5]) == (
                        term.taxonomy,
                        term.name,
                        term.slug,
                        term.description,
                        term.parent,
                    ):
                        continue
                changed.append(term)
            writer.upsert_terms(self.db, changed)
            self.report.terms += len(changed)


def _json_or_empty(raw: Any) -> Any:
    try:
        return phpjson.loads(raw) if raw else []
    except ValueError:
        return []
