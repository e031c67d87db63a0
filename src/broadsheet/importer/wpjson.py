"""WordPress REST JSON → Broadsheet rows.

A REST object (context ``edit`` from an authenticated crawl, or ``view`` from an anonymous one)
becomes the stored post, term, user or comment it describes. Rendered HTML is kept as the
origin site rendered it (``rendered_by = 'source'``); raw markup is kept when the source showed
it. Fields that only exist in the REST output (``class_list``, ``_links``, plugin fields an
extension computes) are not stored: Broadsheet computes them again when serving.
"""

from __future__ import annotations

import secrets
from typing import Any

from .. import phpjson
from ..site import ZERO_DATE
from ..store.models import Comment, Post, Term, User

UNKNOWN_PASSWORD_PREFIX = "broadsheet-unknown-password:"

# Keys of the core post object; anything else before _links is an additional (plugin) field.
CORE_POST_KEYS = frozenset([
    "id", "date", "date_gmt", "guid", "modified", "modified_gmt", "password", "slug", "status",
    "type", "link", "title", "content", "excerpt", "author", "featured_media", "parent",
    "menu_order", "comment_status", "ping_status", "sticky", "template", "format", "meta",
    "class_list", "permalink_template", "generated_slug", "description", "caption", "alt_text",
    "media_type", "mime_type", "media_details", "post", "source_url", "missing_image_sizes",
    "_links", "_embedded", "filename", "filesize",
])


class ImportError_(ValueError):
    """Bad input: the message is a one-line explanation for the user."""


def mysql_date(value: Any, field: str, item_id: Any) -> str:
    """REST 'YYYY-MM-DDTHH:MM:SS' → stored 'YYYY-MM-DD HH:MM:SS' (None → zero date)."""
    if value is None:
        return ZERO_DATE
    if not isinstance(value, str) or len(value) < 19 or value[4] != "-" or value[10] not in "T ":
        raise ImportError_(f"item {item_id}: {field} is not a date: {value!r}")
    return value[:10] + " " + value[11:19]


def _rendered(obj: Any) -> str:
    if isinstance(obj, dict):
        value = obj.get("rendered", "")
        return value if isinstance(value, str) else ""
    return obj if isinstance(obj, str) else ""


# A crawl that saw a post's content rendered both ways keeps the collection's rendering here
# (see Crawler.single_renderings); REST objects never carry this key themselves.
AFTER_BLOCKS_KEY = "rendered_after_blocks"


def _after_blocks(obj: Any) -> str | None:
    value = obj.get(AFTER_BLOCKS_KEY) if isinstance(obj, dict) else None
    return value if isinstance(value, str) else None


def _raw(obj: Any) -> str | None:
    if isinstance(obj, dict) and isinstance(obj.get("raw"), str):
        return obj["raw"]
    return None


def _int(value: Any, field: str, item_id: Any) -> int:
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ImportError_(f"item {item_id}: {field} is not a number: {value!r}")


def to_int(value: Any) -> int:
    """A value of loose type (from a settings file, post meta, decoded attachment metadata) as an
    integer; 0 when it is none."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def item_id(item: Any) -> int:
    """The numeric id of a REST object (raises on a missing or non-numeric id)."""
    if not isinstance(item, dict):
        raise ImportError_(f"expected a JSON object, got {type(item).__name__}")
    raw = item.get("id")
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit() or int(raw) <= 0:
        raise ImportError_(f"object without a valid numeric id: {str(raw)[:40]!r}")
    return int(raw)


def kind_of(item: dict[str, Any]) -> str:
    """What a REST object is: post (any post type), term, user or comment."""
    if "taxonomy" in item and "slug" in item and "type" not in item:
        return "term"
    if "author_name" in item and "post" in item:
        return "comment"
    if "type" in item and ("status" in item or "guid" in item):
        return "post"
    if "parent" in item and ("-revision-v" in str(item.get("slug", "")) or "-autosave-v" in str(item.get("slug", ""))):
        return "post"
    if "avatar_urls" in item or ("slug" in item and "name" in item and "link" in item):
        return "user"
    if "guid" in item and "title" in item:
        return "post"
    raise ImportError_(f"item {item.get('id')!r}: cannot tell what kind of object it is")


def extra_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The additional (non-core) fields of a post object, in order."""
    return {k: v for k, v in item.items() if k not in CORE_POST_KEYS}


def to_post(item: dict[str, Any], *, uploads_baseurl: str | None = None,
            taxonomy_bases: set[str] | frozenset[str] = frozenset()) -> tuple[Post, dict[str, list[str]], list[int]]:
    """A post-type REST object → (post row, raw meta rows, term ids)."""
    pid = item_id(item)
    post_type = str(item.get("type") or "revision")
    status = str(item.get("status") or "inherit")
    guid = item.get("guid")
    fields: dict[str, Any] = {}
    if isinstance(item.get("meta"), dict):
        fields["meta"] = item["meta"]
    for name, value in extra_fields(item).items():
        if name not in taxonomy_bases:
            fields[name] = value
    revisions = _revision_links(item)
    if revisions:
        fields["_revisions"] = revisions
    for name in ("permalink_template", "generated_slug", "missing_image_sizes"):
        if name in item:
            fields[name] = item[name]
    is_media = post_type == "attachment"
    password = item.get("password")
    if not isinstance(password, str):
        # An anonymous crawl sees that a post is protected but not its password: store an
        # unguessable one, so the post stays protected and no request can unlock it.
        protected = isinstance(item.get("content"), dict) and item["content"].get("protected") is True
        password = UNKNOWN_PASSWORD_PREFIX + secrets.token_hex(16) if protected else ""
    declared = item.get("comment_count")
    post = Post(
        id=pid, type=post_type, status=status,
        date=mysql_date(item.get("date"), "date", pid),
        date_gmt=mysql_date(item.get("date_gmt"), "date_gmt", pid),
        modified=mysql_date(item.get("modified", item.get("date")), "modified", pid),
        modified_gmt=mysql_date(item.get("modified_gmt", item.get("date_gmt")), "modified_gmt", pid),
        author=_int(item.get("author"), "author", pid),
        parent=_int(item.get("post") if is_media else item.get("parent"), "parent", pid),
        menu_order=_int(item.get("menu_order"), "menu_order", pid),
        slug=str(item.get("slug") or ""),
        password=password,
        comment_status=str(item.get("comment_status") or "closed"),
        ping_status=str(item.get("ping_status") or "closed"),
        guid=(_raw(guid) if _raw(guid) is not None else _rendered(guid)) or "",
        mime_type=str(item.get("mime_type") or ""),
        template=str(item.get("template") or ""),
        format=str(item.get("format") or "standard"),
        title_raw=_raw(item.get("title")),
        title_rendered=_rendered(item.get("title")),
        content_raw=_raw(item.get("description") if is_media else item.get("content")),
        content_rendered=_rendered(item.get("description") if is_media else item.get("content")),
        excerpt_raw=_raw(item.get("caption") if is_media else item.get("excerpt")),
        excerpt_rendered=_rendered(item.get("caption") if is_media else item.get("excerpt")),
        rendered_by="source",
        comment_count=int(declared) if isinstance(declared, str | int) and str(declared).isdigit() else 0,
        fields=fields,
        content_rendered_after_blocks=_after_blocks(item.get("content")),
    )
    meta: dict[str, list[str]] = {}
    featured = item.get("featured_media")
    if isinstance(featured, int) and featured > 0:
        meta["_thumbnail_id"] = [str(featured)]
    series = item.get("series_order")
    if isinstance(series, str | int) and series != "" and not isinstance(series, bool):
        meta["_series_part"] = [str(series)]
    if is_media:
        meta.update(_media_meta(item, uploads_baseurl))
    return post, meta, post_terms(item, sorted(taxonomy_bases))


def _revision_links(item: dict[str, Any]) -> dict[str, int] | None:
    """What a post's links say about its revisions (count, newest id), for crawls without them."""
    links = item.get("_links")
    if not isinstance(links, dict):
        return None
    history = links.get("version-history")
    if not isinstance(history, list) or not history or not isinstance(history[0], dict):
        return None
    count = history[0].get("count")
    newest = 0
    predecessor = links.get("predecessor-version")
    if isinstance(predecessor, list) and predecessor and isinstance(predecessor[0], dict):
        newest = int(predecessor[0].get("id") or 0)
    if isinstance(count, int) and count > 0:
        return {"count": count, "newest": newest}
    return None


def _media_meta(item: dict[str, Any], uploads_baseurl: str | None) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    details = item.get("media_details")
    source = item.get("source_url")
    relative = None
    if isinstance(details, dict) and isinstance(details.get("file"), str):
        relative = details["file"]
    elif isinstance(source, str) and uploads_baseurl and source.startswith(uploads_baseurl + "/"):
        relative = source[len(uploads_baseurl) + 1:]
    if relative is None and isinstance(source, str):
        relative = source
    if relative:
        meta["_wp_attached_file"] = [relative]
    if isinstance(details, dict) and details:
        stored = {k: v for k, v in details.items() if k != "sizes"}
        sizes = details.get("sizes")
        if isinstance(sizes, dict):
            cleaned = {}
            for name, size in sizes.items():
                if name == "full" or not isinstance(size, dict):
                    continue
                cleaned[name] = {k: v for k, v in size.items() if k != "source_url"}
            ordered: dict[str, Any] = {}
            for key, value in details.items():
                ordered[key] = cleaned if key == "sizes" else value
            stored = ordered
        meta["_wp_attachment_metadata"] = [phpjson.dumps_storage(stored)]
    alt = item.get("alt_text")
    if isinstance(alt, str) and alt:
        meta["_wp_attachment_image_alt"] = [alt]
    return meta


def post_terms(item: dict[str, Any], rest_bases: list[str]) -> list[int]:
    """Term ids listed under the item's taxonomy keys."""
    found: list[int] = []
    for base in rest_bases:
        values = item.get(base)
        if isinstance(values, list):
            for value in values:
                if isinstance(value, int) and not isinstance(value, bool):
                    found.append(value)
    return found


def to_term(item: dict[str, Any]) -> Term:
    """A term REST object → term row."""
    tid = item_id(item)
    return Term(
        id=tid, taxonomy=str(item.get("taxonomy") or ""), name=str(item.get("name") or ""),
        slug=str(item.get("slug") or ""), description=str(item.get("description") or ""),
        parent=_int(item.get("parent"), "parent", tid), meta=item.get("meta") if item.get("meta") else [],
    )


def to_user(item: dict[str, Any]) -> User:
    """A user REST object → user row (avatar URLs kept only when the e-mail is unknown)."""
    uid = item_id(item)
    registered = item.get("registered_date")
    email = str(item.get("email") or "")
    return User(
        id=uid, nicename=str(item.get("slug") or ""), login=str(item.get("username") or item.get("slug") or ""),
        display_name=str(item.get("name") or ""), email=email, url=str(item.get("url") or ""),
        description=str(item.get("description") or ""), first_name=str(item.get("first_name") or ""),
        last_name=str(item.get("last_name") or ""), nickname=str(item.get("nickname") or ""),
        locale=str(item.get("locale") or ""),
        registered=mysql_date(registered, "registered_date", uid) if registered else ZERO_DATE,
        roles=list(item.get("roles") or []),
        avatar_urls=None if email else (item.get("avatar_urls") or None),
        meta=_user_meta(item.get("meta")),
    )


def _user_meta(meta: Any) -> Any:
    """User meta as the public sees it: the editor's per-user preferences are edit-only."""
    if not isinstance(meta, dict):
        return []
    return {k: v for k, v in meta.items() if k != "persisted_preferences"} or []


def to_comment(item: dict[str, Any]) -> Comment:
    """A comment REST object → comment row."""
    cid = item_id(item)
    email = str(item.get("author_email") or "")
    status = str(item.get("status") or "approved")
    status = {"approve": "approved", "1": "approved", "0": "hold", "unapproved": "hold"}.get(status, status)
    return Comment(
        id=cid, post_id=_int(item.get("post"), "post", cid),
        date=mysql_date(item.get("date"), "date", cid), date_gmt=mysql_date(item.get("date_gmt"), "date_gmt", cid),
        parent=_int(item.get("parent"), "parent", cid), author=_int(item.get("author"), "author", cid),
        author_name=str(item.get("author_name") or ""), author_email=email,
        author_url=str(item.get("author_url") or ""), author_ip=str(item.get("author_ip") or ""),
        author_user_agent=str(item.get("author_user_agent") or ""),
        content_raw=_raw(item.get("content")), content_rendered=_rendered(item.get("content")),
        rendered_by="source", status=status, type=str(item.get("type") or "comment"),
        avatar_urls=None if email else (item.get("author_avatar_urls") or None),
        meta=item.get("meta") if item.get("meta") else [],
    )
