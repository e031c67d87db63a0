"""Values the store keeps derived from content, brought up to date at the end of every import.

WordPress keeps a term's count in its ``term_taxonomy`` row and a post's approved comments in
its ``comment_count`` instead of counting on every read; Broadsheet does the same
(``terms.post_count``, ``posts.comment_count``). The search index is kept in step by the writer
itself, post by post (store/search_index.py), so it needs nothing here.
"""

from __future__ import annotations

from ..db import Database
from . import terms, writer


def refresh(db: Database) -> None:
    """Recompute the kept values after content changed (inside the writing transaction)."""
    writer.recount_comments(db)
    terms.recount(db)
