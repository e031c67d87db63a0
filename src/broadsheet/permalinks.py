"""Permalinks of posts, pages, attachments, terms and authors, from the site's structures.

Links are computed from current settings, never stored: moving a site to another URL or
permalink structure changes every link at once, as in WordPress.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs, quote, urlsplit

from .site import Site
from .store.cache import ContentCache
from .store.models import Post, Term, User

PLAIN_STATUSES = ("draft", "pending", "auto-draft", "future", "trash")


class Permalinks:
    """URL building for one site over the content cache."""

    def __init__(self, site: Site, cache: ContentCache) -> None:
        self.site = site
        self.cache = cache

    def home_url(self, path: str = "/") -> str:
        """home_url(path)."""
        return self.site.home + "/" + path.lstrip("/")

    def post(self, post: Post) -> str:
        """get_permalink for any post type."""
        if post.type == "page":
            return self._page(post)
        if post.type == "attachment":
            return self._attachment(post)
        if post.type == "post":
            return self._post(post)
        return self._custom(post)

    def _post(self, post: Post) -> str:
        structure = self.site.permastruct("post")
        if structure is None or post.status in PLAIN_STATUSES or not post.slug:
            return self.home_url(f"?p={post.id}")
        dt = datetime.strptime(post.date, "%Y-%m-%d %H:%M:%S")
        values = {
            "year": f"{dt.year:04d}", "monthnum": f"{dt.month:02d}", "day": f"{dt.day:02d}",
            "hour": f"{dt.hour:02d}", "minute": f"{dt.minute:02d}", "second": f"{dt.second:02d}",
            "post_id": str(post.id), "postname": post.slug,
        }
        if "%category%" in structure:
            cats = [t for t in self.cache.terms_of(post.id) if t.taxonomy == "category"]
            cats.sort(key=lambda t: t.id)
            values["category"] = self._term_path(cats[0]) if cats else "uncategorized"
        if "%author%" in structure:
            user = self.cache.user(post.author)
            values["author"] = user.nicename if user else ""
        return self.site.pretty(structure, **values)

    def _page(self, post: Post) -> str:
        structure = self.site.permastruct("page")
        if structure is None or post.status in PLAIN_STATUSES or not post.slug:
            return self.home_url(f"?page_id={post.id}")
        if post.id and int(self.site.settings["page_on_front"] or 0) == post.id and (
            self.site.settings["show_on_front"] == "page"
        ):
            return self.home_url("/")
        return self.site.pretty(structure, pagename=self._page_path(post))

    def _page_path(self, post: Post) -> str:
        return _ancestor_path(post, self.cache.post)

    def _attachment(self, post: Post) -> str:
        parent = self.cache.post(post.parent) if post.parent else None
        if parent is not None and parent.status not in PLAIN_STATUSES and self.site.permastruct("post"):
            base = self.post(parent)
            if "?" in base:
                return self.home_url(f"?attachment_id={post.id}")
            return base.rstrip("/") + "/" + post.slug + ("/" if self.site.trailing_slash else "")
        if self.site.permastruct("post") is None or not post.slug:
            return self.home_url(f"?attachment_id={post.id}")
        return self.site.pretty("/%postname%", postname=post.slug)

    def _custom(self, post: Post) -> str:
        structure = self.site.permastruct(f"post_type:{post.type}")
        if structure is None or post.status in PLAIN_STATUSES:
            return self.home_url(f"?post_type={post.type}&p={post.id}")
        return self.site.pretty(structure, **{post.type: post.slug, "postname": post.slug})

    # -- terms and authors ----------------------------------------------------------------------
    def _term_path(self, term: Term) -> str:
        return _ancestor_path(term, self.cache.term)

    def term(self, term: Term) -> str:
        """get_term_link."""
        structure = self.site.permastruct(f"taxonomy:{term.taxonomy}")
        tax = self.site.taxonomies.get(term.taxonomy)
        if structure is None or tax is None:
            key = {"category": "cat", "post_tag": "tag"}.get(term.taxonomy, term.taxonomy)
            value = str(term.id) if term.taxonomy == "category" else quote(term.slug, safe="%")
            return self.home_url(f"?{key}={value}")
        hierarchical = term.taxonomy == "category" or bool(
            (self.site.settings["permastructs"] or {}).get(f"hierarchical:{term.taxonomy}")
        )
        slug = self._term_path(term) if hierarchical and tax.hierarchical else term.slug
        return self.site.pretty(structure, **{term.taxonomy: slug})

    def author(self, user: User | None) -> str:
        """get_author_posts_url."""
        structure = self.site.permastruct("author")
        if user is None:
            return self.home_url("?author=0") if structure is None else self.site.pretty(structure, author="")
        if structure is None:
            return self.home_url(f"?author={user.id}")
        return self.site.pretty(structure, author=user.nicename)

    def attachment_url(self, post: Post) -> str:
        """URL of an attachment's file (wp_get_attachment_url)."""
        file = self.cache.meta_value(post.id, "_wp_attached_file")
        if file:
            if file.startswith(("http://", "https://")):
                return file
            return self.site.settings.uploads_baseurl + "/" + file
        return post.guid

    # -- resolving URLs -------------------------------------------------------------------------
    def resolve(self, url: str) -> Post | None:
        """url_to_postid: the post a URL of this site points at, or None."""
        from .store import posts as post_store

        home = self.site.home
        if not url.startswith(home):
            return None
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        for key in ("p", "page_id", "attachment_id"):
            if key in query and query[key][0].isdigit():
                return self.cache.post(int(query[key][0]))
        path = url[len(home):].split("?", 1)[0].split("#", 1)[0].strip("/")
        if not path:
            return None
        db = self.cache.queries
        structure = self.site.permastruct("post")
        if structure:
            pattern = re.escape(structure.strip("/"))
            for tag, rx in (("postname", "(?P<postname>[^/]+)"), ("year", r"\d{4}"), ("monthnum", r"\d{2}"),
                            ("day", r"\d{2}"), ("hour", r"\d{2}"), ("minute", r"\d{2}"),
                            ("second", r"\d{2}"), ("post_id", r"(?P<post_id>\d+)"),
                            ("category", "[^/]+(?:/[^/]+)*"), ("author", "[^/]+")):
                pattern = pattern.replace(re.escape(f"%{tag}%"), rx)
            match = re.fullmatch(pattern + "(?:/(?P<attachment>[^/]+))?", path)
            if match:
                if match.groupdict().get("post_id"):
                    return self.cache.post(int(match.group("post_id")))
                slug = match.groupdict().get("postname")
                if slug:
                    ids = post_store.ids_by_slug(db, slug, ["post"], ["publish", "private"])
                    if ids:
                        post = self.cache.post(ids[0])
                        attachment = match.groupdict().get("attachment")
                        if attachment and post is not None:
                            att = post_store.ids_by_slug(db, attachment, ["attachment"], ["inherit"])
                            return self.cache.post(att[0]) if att else None
                        return post
        slug = path.rsplit("/", 1)[-1]
        for ptype in ("page", "attachment"):
            ids = post_store.ids_by_slug(db, slug, [ptype], ["publish", "private", "inherit"])
            for pid in ids:
                post = self.cache.post(pid)
                if post is not None and (ptype != "page" or self._page_path(post) == path):
                    return post
        return None


def _ancestor_path(node: Post | Term, lookup: Callable[[int], Post | Term | None]) -> str:
    """``grandparent/parent/slug``: the slugs from the root down (a cycle or a missing
    ancestor ends the walk)."""
    parts = [node.slug]
    seen = {node.id}
    parent = node.parent
    while parent and parent not in seen:
        seen.add(parent)
        ancestor = lookup(parent)
        if ancestor is None:
            break
        parts.append(ancestor.slug)
        parent = ancestor.parent
    return "/".join(reversed(parts))
