"""Comments of a WXR: each item's comments with their threads, and the spam the export leaves out.

A WXR carries no spam comments; the settings file's ``not_in_wxr.spam_comments`` lists their
ids: a comment the file does carry with one of those ids is stored as spam, and each one the
store does not hold gets a placeholder row (status ``spam``, no content).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...db import Database, chunks
from ...site import ZERO_DATE
from ...store import writer
from ...store.models import Comment
from ..rendering import PENDING
from ..wpjson import ImportError_
from .values import date, number

__all__ = ["comment_from", "spam_ids", "write_comments", "write_spam_placeholders"]

_COMMENT_STATUS = {
    "1": "approved",
    "approve": "approved",
    "0": "hold",
    "trash": "trash",
    "spam": "spam",
}
_COMMENT_COMPARED = (
    "post_id", "parent", "author", "author_name", "author_email", "author_url", "author_ip", "date",
    "date_gmt", "content_raw", "status", "type",
)  # fmt: skip


def comment_from(post_id: int, fields: Mapping[str, str], spam: Mapping[int, int]) -> Comment:
    """A comment of item ``post_id`` from its ``<wp:comment>`` fields (to be rendered)."""
    comment_id = number(fields.get("comment_id"), f"a comment on item {post_id}: wp:comment_id")
    what = f"comment {comment_id}"
    if comment_id <= 0:
        raise ImportError_(f"a comment on item {post_id} has no valid wp:comment_id")
    approved = fields.get("comment_approved", "1").strip()
    status = "spam" if comment_id in spam else _COMMENT_STATUS.get(approved, approved or "hold")
    return Comment(
        id=comment_id, post_id=post_id,
        date=date(fields.get("comment_date"), f"{what}: wp:comment_date"),
        date_gmt=date(fields.get("comment_date_gmt"), f"{what}: wp:comment_date_gmt"),
        parent=number(fields.get("comment_parent"), f"{what}: wp:comment_parent"),
        author=number(fields.get("comment_user_id"), f"{what}: wp:comment_user_id"),
        author_name=fields.get("comment_author", ""), author_email=fields.get("comment_author_email", ""),
        author_url=fields.get("comment_author_url", "").strip(), author_ip=fields.get("comment_author_IP", ""),
        content_raw=fields.get("comment_content", ""), rendered_by=PENDING, status=status,
        type=fields.get("comment_type") or "comment",
    )  # fmt: skip


def write_comments(db: Database, comments: list[Comment]) -> list[Comment]:
    """Store the comments that differ from the stored ones; returns those."""
    if not comments:
        return []
    stored: dict[int, tuple[Any, ...]] = {}
    for chunk in chunks([c.id for c in comments]):
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT id, {', '.join(_COMMENT_COMPARED)} FROM comments WHERE id IN ({marks})"
        for row in db.all(sql, chunk):
            stored[int(row[0])] = tuple(row[1:])
    changed = [
        c for c in comments if stored.get(c.id) != tuple(getattr(c, k) for k in _COMMENT_COMPARED)
    ]
    writer.upsert_comments(db, changed, search=False)  # the search text comes with the rendering
    return changed


def spam_ids(extra: Mapping[str, Any]) -> dict[int, int]:
    """{comment id: post id} of the spam comments the settings file lists."""
    found = {}
    for entry in extra.get("spam_comments") or []:
        if isinstance(entry, dict) and str(entry.get("id", "")).isdigit():
            found[int(entry["id"])] = int(entry.get("post") or 0)
    return found


def write_spam_placeholders(db: Database, spam: Mapping[int, int]) -> None:
    """A placeholder row for each listed spam comment the store does not hold."""
    if not spam:
        return
    present: set[int] = set()
    for chunk in chunks(list(spam)):
        marks = ", ".join("?" for _ in chunk)
        present.update(int(r[0]) for r in db.all(f"SELECT id FROM comments WHERE id IN ({marks})", chunk))
    placeholders = [
        Comment(cid, post_id, ZERO_DATE, ZERO_DATE, content_raw="", status="spam", rendered_by="source")
        for cid, post_id in spam.items() if cid not in present
    ]  # fmt: skip
    writer.upsert_comments(db, placeholders)
