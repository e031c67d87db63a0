"""Writing content: the upserts importers use, and the derived values kept in step with them.

Every write keeps the folded search/order keys in step with the text, and callers wrap a whole
import in one transaction so it lands completely or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import phpjson
from ..db import Database
from .collation import fold
from .models import POST_COLUMNS, Comment, Post, Term, User


def _post_values(post: Post) -> list[Any]:
    values = []
    for column in POST_COLUMNS:
        value = getattr(post, column)
        values.append(phpjson.dumps(value) if column == "fields" else value)
    return values


def post_keys(post: Post) -> tuple[str, str, str]:
    """Folded title, excerpt and content for search (raw text when known, else rendered)."""
    title = post.title_raw if post.title_raw is not None else post.title_rendered
    excerpt = post.excerpt_raw if post.excerpt_raw is not None else ""
    content = post.content_raw if post.content_raw is not None else post.content_rendered
    return fold(title), fold(excerpt), fold(content)


def upsert_post(db: Database, post: Post, *, replace_same: bool = False) -> bool:
    """Insert a post, or replace the stored one when this copy is newer; True if written."""
    current = db.one("SELECT modified_gmt, modified FROM posts WHERE id = ?", (post.id,))
    if current is not None:
        newer = (post.modified_gmt, post.modified) > (current[0], current[1])
        if not newer and not replace_same:
            return False
        db.execute("DELETE FROM posts WHERE id = ?", (post.id,))
    columns = [*POST_COLUMNS, "title_key", "excerpt_key", "content_key"]
    marks = ", ".join("?" for _ in columns)
    db.execute(
        f"INSERT INTO posts ({', '.join(columns)}) VALUES ({marks})",
        [*_post_values(post), *post_keys(post)],
    )
    return True


def set_post_meta(db: Database, post_id: int, meta: Mapping[str, Sequence[str]]) -> None:
    """Replace a post's raw meta rows."""
    db.execute("DELETE FROM postmeta WHERE post_id = ?", (post_id,))
    rows = [
        (post_id, key, value, position)
        for key, values in meta.items()
        for position, value in enumerate(values)
    ]
    db.executemany("INSERT INTO postmeta (post_id, key, value, position) VALUES (?, ?, ?, ?)", rows)


def set_post_terms(db: Database, post_id: int, term_ids: Iterable[int]) -> None:
    """Replace a post's term relationships."""
    db.execute("DELETE FROM term_relationships WHERE post_id = ?", (post_id,))
    rows = [(post_id, tid) for tid in dict.fromkeys(term_ids)]
    db.executemany("INSERT INTO term_relationships (post_id, term_id) VALUES (?, ?)", rows)


def upsert_term(db: Database, term: Term) -> None:
    """Insert or replace a term."""
    db.execute("DELETE FROM terms WHERE id = ?", (term.id,))
    db.execute(
        "INSERT INTO terms (id, taxonomy, name, slug, description, parent, meta, name_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (term.id, term.taxonomy, term.name, term.slug, term.description, term.parent,
         phpjson.dumps(term.meta), fold(term.name)),
    )


def upsert_user(db: Database, user: User) -> None:
    """Insert or replace a user."""
    db.execute("DELETE FROM users WHERE id = ?", (user.id,))
    db.execute(
        "INSERT INTO users (id, login, nicename, display_name, email, url, description,"
        " first_name, last_name, nickname, locale, registered, roles, avatar_urls, meta, name_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (user.id, user.login, user.nicename, user.display_name, user.email, user.url,
         user.description, user.first_name, user.last_name, user.nickname, user.locale,
         user.registered, phpjson.dumps(user.roles),
         phpjson.dumps(user.avatar_urls) if user.avatar_urls is not None else None,
         phpjson.dumps(user.meta), fold(user.display_name)),
    )


def upsert_comment(db: Database, comment: Comment) -> None:
    """Insert or replace a comment."""
    db.execute("DELETE FROM comments WHERE id = ?", (comment.id,))
    content = comment.content_raw if comment.content_raw is not None else comment.content_rendered
    search = fold(" ".join([content, comment.author_name, comment.author_email,
                            comment.author_url, comment.author_ip]))
    db.execute(
        "INSERT INTO comments (id, post_id, parent, author, author_name, author_email, author_url,"
        " author_ip, author_user_agent, date, date_gmt, content_raw, content_rendered, rendered_by,"
        " status, type, avatar_urls, meta, search_text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (comment.id, comment.post_id, comment.parent, comment.author, comment.author_name,
         comment.author_email, comment.author_url, comment.author_ip, comment.author_user_agent,
         comment.date, comment.date_gmt, comment.content_raw, comment.content_rendered,
         comment.rendered_by, comment.status, comment.type,
         phpjson.dumps(comment.avatar_urls) if comment.avatar_urls is not None else None,
         phpjson.dumps(comment.meta), search),
    )


def recount_comments(db: Database) -> None:
    """Set every post's comment_count to its number of approved comments (any type)."""
    db.execute(
        "UPDATE posts SET comment_count = (SELECT COUNT(*) FROM comments c"
        " WHERE c.post_id = posts.id AND c.status = 'approved')"
    )


def update_rendered(db: Database, post_id: int, title: str, content: str, excerpt: str) -> None:
    """Store Broadsheet's rendering of a post."""
    db.execute(
        "UPDATE posts SET title_rendered = ?, content_rendered = ?, excerpt_rendered = ?,"
        " rendered_by = 'broadsheet' WHERE id = ?",
        (title, content, excerpt, post_id),
    )
