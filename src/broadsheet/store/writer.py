"""Writing content: the upserts importers use, and the derived values kept in step with them.

Every write keeps the folded search/order keys in step with the text, and callers wrap a whole
import in one transaction so it lands completely or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from html import unescape
from operator import attrgetter
from typing import Any

from .. import phpjson
from ..db import Database, chunks
from . import changes, search_index
from .collation import fast_fold, fold
from .models import POST_COLUMNS, Comment, Post, Term, User

_POST_ROW = attrgetter(*POST_COLUMNS)
_FIELDS_AT = POST_COLUMNS.index("fields")


def _post_values(post: Post) -> list[Any]:
    values = list(_POST_ROW(post))
    fields = values[_FIELDS_AT]
    # Most posts have no extra fields: their JSON is always "{}".
    empty = isinstance(fields, dict) and not fields
    values[_FIELDS_AT] = "{}" if empty else phpjson.dumps_storage(fields)
    return values


_TAGS = re.compile(r"<[^>]*>")


def _visible_text(html: str) -> str:
    """The text a reader sees in rendered HTML (tags dropped, entities decoded)."""
    return unescape(_TAGS.sub(" ", html))


def search_keys(title: str | None, excerpt: str | None, content: str | None) -> tuple[str, str, str]:
    """The folded title, excerpt and content stored for search and ordering."""
    return fast_fold(title), fast_fold(excerpt), fast_fold(content)


def post_keys(post: Post) -> tuple[str, str, str]:
    """Folded title, excerpt and content for search: the raw text WordPress searches when it is
    known, else the visible text of the rendered HTML (a crawl that saw only rendered output)."""
    title = post.title_raw if post.title_raw is not None else _visible_text(post.title_rendered)
    excerpt = post.excerpt_raw if post.excerpt_raw is not None else ""
    content = post.content_raw if post.content_raw is not None else _visible_text(post.content_rendered)
    return search_keys(title, excerpt, content)


def comment_search_text(
    content: str, author_name: str, author_email: str, author_url: str, author_ip: str
) -> str:
    """What a comment search matches: its content and author fields, folded."""
    return fast_fold(" ".join([content, author_name, author_email, author_url, author_ip]))


def upsert_post(db: Database, post: Post, *, replace_same: bool = False) -> bool:
    """Insert a post, or replace the stored one when this copy is newer; True if written."""
    current = db.one("SELECT modified_gmt, modified FROM posts WHERE id = ?", (post.id,))
    if current is not None:
        newer = (post.modified_gmt, post.modified) > (current[0], current[1])
        if not newer and not replace_same:
            return False
        search_index.forget(db, [post.id])
        db.execute("DELETE FROM posts WHERE id = ?", (post.id,))
    insert_posts(db, [post])
    return True


def set_post_meta(db: Database, post_id: int, meta: Mapping[str, Sequence[str]]) -> None:
    """Replace a post's raw meta rows."""
    replace_posts_meta(db, {post_id: meta})


def set_post_terms(db: Database, post_id: int, term_ids: Iterable[int]) -> None:
    """Replace a post's term relationships."""
    replace_posts_terms(db, {post_id: term_ids})


def upsert_term(db: Database, term: Term) -> None:
    """Insert or replace a term."""
    upsert_terms(db, [term])


def upsert_user(db: Database, user: User) -> None:
    """Insert or replace a user."""
    delete_by_ids(db, "users", [user.id])
    db.execute(
        "INSERT INTO users (id, login, nicename, display_name, email, url, description,"
        " first_name, last_name, nickname, locale, registered, roles, avatar_urls, meta, name_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (user.id, user.login, user.nicename, user.display_name, user.email, user.url,
         user.description, user.first_name, user.last_name, user.nickname, user.locale,
         user.registered, phpjson.dumps_storage(user.roles),
         phpjson.dumps_storage(user.avatar_urls) if user.avatar_urls is not None else None,
         phpjson.dumps_storage(user.meta), fold(user.display_name)),
    )


def upsert_comment(db: Database, comment: Comment) -> None:
    """Insert or replace a comment."""
    upsert_comments(db, [comment])


def recount_comments(db: Database) -> None:
    """Set every post's comment_count to its approved comments (any type), or to the count the
    source declared when that is higher (an anonymous crawl cannot see pingbacks)."""
    counted = "(SELECT COUNT(*) FROM comments c WHERE c.post_id = posts.id AND c.status = 'approved')"
    # Only posts with approved comments (or a negative count) can have a higher count: the
    # other rows are left alone instead of being rewritten with the same value.
    db.execute(f"UPDATE posts SET comment_count = {counted}"
               " WHERE (id IN (SELECT post_id FROM comments WHERE status = 'approved') OR comment_count < 0)"
               f" AND {counted} > comment_count")


# -- bulk writes (importers of large files) ----------------------------------------------------

_POST_INSERT_COLUMNS = (*POST_COLUMNS, "title_key", "excerpt_key", "content_key")
_COMMENT_COLUMNS = (
    "id",
    "post_id",
    "parent",
    "author",
    "author_name",
    "author_email",
    "author_url",
    "author_ip",
    "author_user_agent",
    "date",
    "date_gmt",
    "content_raw",
    "content_rendered",
    "rendered_by",
    "status",
    "type",
    "avatar_urls",
    "meta",
    "search_text",
)


def _marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


def insert_rows(db: Database, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows: one prepared statement on SQLite (and for a few rows), ``COPY … FROM
    STDIN`` for many on PostgreSQL (several times faster than a statement per row)."""
    if not rows:
        return
    if db.dialect.name != "postgresql" or len(rows) < _COPY_FROM:
        db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))})", rows)
        return
    from psycopg.errors import NumericValueOutOfRange

    try:
        with db.conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                # PostgreSQL text cannot hold NUL; U+FFFF stands in for it (as db.execute does).
                copy.write_row([v.replace("\x00", "\uffff") if type(v) is str and "\x00" in v else v
                                for v in row])  # fmt: skip
    except NumericValueOutOfRange as exc:  # an id beyond 64 bits: what sqlite3 raises
        raise OverflowError(str(exc).splitlines()[0]) from exc


_COPY_FROM = 64  # rows from which COPY beats a prepared statement (a COPY has its own round trips)
# which objects the rows of a table belong to, for the servers' caches (rows keyed by
# ``post_id`` belong to posts whatever the table)
_ROW_KINDS = {"posts": "post", "terms": "term", "comments": "comment", "users": "user"}


def delete_by_ids(db: Database, table: str, ids: Sequence[int], column: str = "id") -> None:
    """Delete the rows of ``table`` whose ``column`` is one of ``ids`` (a few statements)."""
    _note_rows(db, table, column, ids)
    if table == "posts" and column == "id":
        search_index.forget(db, ids)
    for part in chunks(ids):
        db.execute(f"DELETE FROM {table} WHERE {column} IN ({_marks(len(part))})", part)


def _note_rows(db: Database, table: str, column: str, ids: Sequence[int]) -> None:
    """Note for the servers' caches which objects the rows of ``table`` belong to."""
    kind = "post" if column == "post_id" else _ROW_KINDS.get(table)
    if kind is not None:
        changes.note(db, kind, ids)


def insert_posts(db: Database, posts: Sequence[Post], *, keys: bool = True) -> None:
    """Insert many posts whose ids are not stored (one statement for the whole batch).

    ``keys=False`` leaves the search keys empty for a caller that stores them later with
    :func:`store_rendering`.
    """
    # a revision or an attachment changes what its parent shows (revision counts, media)
    changes.note(db, "post", [i for post in posts for i in (post.id, post.parent) if i])
    rows = [[*_post_values(post), *(post_keys(post) if keys else ("", "", ""))] for post in posts]
    insert_rows(db, "posts", _POST_INSERT_COLUMNS, rows)
    search_index.add(db, [post.id for post in posts])


def replace_posts_meta(db: Database, meta: Mapping[int, Mapping[str, Sequence[str]]]) -> None:
    """Replace the raw meta rows of many posts at once."""
    delete_by_ids(db, "postmeta", list(meta), "post_id")
    rows = [
        (post_id, key, value, position)
        for post_id, pairs in meta.items()
        for key, values in pairs.items()
        for position, value in enumerate(values)
    ]
    insert_rows(db, "postmeta", ("post_id", "key", "value", "position"), rows)


def replace_posts_terms(db: Database, relationships: Mapping[int, Iterable[int]]) -> None:
    """Replace the term relationships of many posts at once."""
    delete_by_ids(db, "term_relationships", list(relationships), "post_id")
    rows = [(post_id, tid) for post_id, ids in relationships.items() for tid in dict.fromkeys(ids)]
    insert_rows(db, "term_relationships", ("post_id", "term_id"), rows)


def upsert_terms(db: Database, terms: Sequence[Term]) -> None:
    """Insert or replace many terms at once."""
    delete_by_ids(db, "terms", [t.id for t in terms])
    db.executemany(
        "INSERT INTO terms (id, taxonomy, name, slug, description, parent, meta, name_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                t.id,
                t.taxonomy,
                t.name,
                t.slug,
                t.description,
                t.parent,
                phpjson.dumps_storage(t.meta),
                fold(t.name),
            )
            for t in terms
        ],
    )


def _comment_values(comment: Comment, search: bool = True) -> tuple[Any, ...]:
    content = comment.content_raw if comment.content_raw is not None else comment.content_rendered
    search_text = "" if not search else comment_search_text(
        content, comment.author_name, comment.author_email, comment.author_url, comment.author_ip
    )
    return (
        comment.id,
        comment.post_id,
        comment.parent,
        comment.author,
        comment.author_name,
        comment.author_email,
        comment.author_url,
        comment.author_ip,
        comment.author_user_agent,
        comment.date,
        comment.date_gmt,
        comment.content_raw,
        comment.content_rendered,
        comment.rendered_by,
        comment.status,
        comment.type,
        phpjson.dumps_storage(comment.avatar_urls) if comment.avatar_urls is not None else None,
        phpjson.dumps_storage(comment.meta),
        search_text,
    )


def upsert_comments(db: Database, comments: Sequence[Comment], *, search: bool = True) -> None:
    """Insert or replace many comments at once (``search=False``: search text stored later)."""
    changes.note(db, "post", {c.post_id for c in comments})  # their comment counts
    delete_by_ids(db, "comments", [c.id for c in comments])
    insert_rows(db, "comments", _COMMENT_COLUMNS, [_comment_values(c, search) for c in comments])


def store_rendering(db: Database, rows: Sequence[Sequence[Any]]) -> None:
    """Store renderings and search keys of pending posts, if still the version rendered.

    Each row is (id, title, content, excerpt, content_after_blocks, title_key, excerpt_key,
    content_key, modified_gmt, modified); a row whose post was replaced meanwhile is left
    pending.
    """
    if not rows:
        return
    ids = [row[0] for row in rows]
    changes.note(db, "post", ids)
    search_index.forget(db, ids)
    _apply_pending(db, "posts", rows, _RENDERED_POST_COLUMNS, ("modified_gmt", "modified"))
    search_index.add(db, ids)


_RENDERED_POST_COLUMNS = ("title_rendered", "content_rendered", "excerpt_rendered",
                          "content_rendered_after_blocks", "title_key", "excerpt_key", "content_key")


def _apply_pending(db: Database, table: str, rows: Sequence[Sequence[Any]], columns: Sequence[str],
                   matching: Sequence[str] = ()) -> None:
    """Store rendered values of pending rows: each row is (id, the ``columns``' values, the
    values the ``matching`` columns must still have); rows whose id is no longer pending (or
    whose ``matching`` columns changed meanwhile) are left alone. SQLite: one prepared UPDATE;
    PostgreSQL: the rows COPYed into a temporary table of this transaction (emptied first,
    dropped at its end) and one ``UPDATE … FROM`` instead of a statement per row."""
    assign = ", ".join(f"{c} = {'?' if db.dialect.name != 'postgresql' else 'r.' + c}" for c in columns)
    if db.dialect.name != "postgresql":
        tests = "".join(f" AND {c} = ?" for c in matching)
        db.executemany(
            f"UPDATE {table} SET {assign}, rendered_by = 'broadsheet'"
            f" WHERE id = ? AND rendered_by = 'pending'{tests}",
            [(*row[1:len(columns) + 1], row[0], *row[len(columns) + 1:]) for row in rows],
        )
        return
    scratch = f"broadsheet_rendered_{table}"
    names = ["id", *columns, *matching]
    definition = ", ".join(f"{name} {'bigint' if name == 'id' else 'text'}" for name in names)
    db.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch} ({definition}) ON COMMIT DROP")
    db.execute(f"TRUNCATE {scratch}")
    insert_rows(db, scratch, names, rows)
    tests = "".join(f" AND {table}.{c} = r.{c}" for c in matching)
    db.execute(f"UPDATE {table} SET {assign}, rendered_by = 'broadsheet' FROM {scratch} r"
               f" WHERE {table}.id = r.id AND {table}.rendered_by = 'pending'{tests}")


def store_comment_rendering(db: Database, rows: Sequence[tuple[int, str, str]]) -> None:
    """Store renderings and search text of pending comments: (id, content, search) rows."""
    if not rows:
        return
    changes.note(db, "comment", [row[0] for row in rows])
    _apply_pending(db, "comments", rows, ("content_rendered", "search_text"))
