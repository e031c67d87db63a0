"""One post as the REST API shows it: core fields, meta, terms, class_list, extension fields.

The field order, the contexts each field appears in and the rules for password-protected
posts are WordPress's posts controller's; values come from the stored post, its terms, its
author and the site's settings, never from a stored response.
"""

from __future__ import annotations

from datetime import tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .. import clock, phpjson, phpserialize
from ..lru import Dependencies
from ..render.escape import sanitize_html_class
from ..render.instances import instance_base, resolve
from ..site import ZERO_DATE, PostType
from ..store.models import Post, Term, User
from .dates import gmt_from_local, rest_date
from .fields import ATTACHMENT_NAMED, is_included, is_named
from .links import API_REL
from .objects import selected_fields
from .request import Request
from .response import Response
from .schemas.posts import _features

if TYPE_CHECKING:
    from ..env import Env

# Fields shown in each context (schema "context" lists) for post-like types.
EMBED_FIELDS = frozenset(
    ["id", "date", "slug", "type", "link", "title", "excerpt", "author", "featured_media",
     "caption", "alt_text", "media_type", "mime_type", "media_details", "source_url"]
)
EDIT_ONLY = frozenset(["password", "permalink_template", "generated_slug", "missing_image_sizes"])


def rfc3339(mysql_date: str | None, tz: tzinfo | None = None) -> str | None:
    """'YYYY-MM-DD HH:MM:SS' → 'YYYY-MM-DDTHH:MM:SS' (None for the zero date), read in the
    site's zone ``tz`` as WordPress reads it (a time in the spring gap moves forward)."""
    if not mysql_date or mysql_date.startswith("0000-00-00"):
        return None
    if tz is None:
        return mysql_date.replace(" ", "T", 1)
    return rest_date(mysql_date, tz)


def cast_meta(raw: str, type_name: str) -> Any:
    """A raw meta string as REST shows it for the registered type."""
    if type_name == "boolean":
        return raw.strip().lower() not in ("", "0", "false")
    if type_name == "integer":
        try:
            return int(float(raw))
        except ValueError:
            return 0
    if type_name == "number":
        try:
            return float(raw)
        except ValueError:
            return 0.0
    if type_name in ("array", "object"):
        return phpserialize.maybe_unserialize(raw)
    return raw


class PostView:
    """Lazily computed facts about one post for one request (what field callbacks read)."""

    def __init__(self, env: Env, post: Post, request: Request) -> None:
        self.env = env
        self.post = post
        self.request = request

    @cached_property
    def post_type(self) -> PostType:
        """The post's registered type (one of the site's, or of the block editor's)."""
        from .editor import post_type

        found = self.env.site.post_types.get(self.post.type) or post_type(self.post.type)
        if found is None:
            raise KeyError(self.post.type)
        return found

    @cached_property
    def terms(self) -> list[Term]:
        """Every term of the post, name order."""
        return self.env.cache.terms_of(self.post.id)

    def terms_in(self, taxonomy: str) -> list[Term]:
        """The post's terms of one taxonomy, name order."""
        return [t for t in self.terms if t.taxonomy == taxonomy]

    @cached_property
    def author(self) -> User | None:
        """The post's author."""
        return self.env.cache.user(self.post.author) if self.post.author else None

    @cached_property
    def featured_media(self) -> int:
        """Thumbnail attachment id (0 when none)."""
        value = self.env.cache.meta_value(self.post.id, "_thumbnail_id")
        try:
            return int(value) if value else 0
        except ValueError:
            return 0

    @cached_property
    def thumbnail(self) -> Post | None:
        """The thumbnail attachment, if it exists."""
        return self.env.cache.post(self.featured_media) if self.featured_media else None

    @cached_property
    def link(self) -> str:
        """The post's permalink (the block editor's types are built in, so get_permalink gives
        them the posts' structure)."""
        from dataclasses import replace

        from .editor import post_type

        if self.env.site.post_types.get(self.post.type) is None and post_type(self.post.type):
            return self.env.links.post(replace(self.post, type="post"))
        return self.env.links.post(self.post)

    def meta(self, key: str) -> str | None:
        """A raw meta value (get_post_meta single)."""
        return self.env.cache.meta_value(self.post.id, key)

    @property
    def password_required(self) -> bool:
        """post_password_required() in REST: a password exists (no cookie is ever sent)."""
        return bool(self.post.password)

    def can_see_protected(self) -> bool:
        """can_access_password_content: the request's password matches this post's."""
        if not self.post.password:
            return False
        given = self.request.get("password")
        if self.request.get("context") == "edit" and self.request.user is not None:
            return True
        # Only a string can match (a list from ``password[]=`` is refused, not an error).
        return isinstance(given, str | int) and bool(given) and str(given) == self.post.password

    @cached_property
    def sticky(self) -> bool:
        """Whether the post is sticky."""
        return self.post.type == "post" and self.post.id in self.env.site.settings["sticky_posts"]


def class_list(view: PostView) -> list[str]:
    """get_post_class() for the post, as WordPress 6.6+ puts it in ``class_list``."""
    post = view.post
    classes = [f"post-{post.id}", post.type, f"type-{post.type}", f"status-{post.status}"]
    if view.post_type.supports_feature("post-formats"):
        classes.append(f"format-{post.format or 'standard'}")
    if post.password:
        classes.append("post-password-required")
    elif view.featured_media and post.type != "attachment":
        classes.append("has-post-thumbnail")
    classes.append("hentry")
    for tax in view.env.site.taxonomies_for(post.type, rest_only=False):
        if not tax.public:
            continue
        if tax.name == "post_format":
            if post.format and post.format != "standard":
                classes.append(f"post_format-post-format-{post.format}")
            continue
        prefix = "tag" if tax.name == "post_tag" else tax.name
        for term in view.terms_in(tax.name):
            slug = sanitize_html_class(term.slug, "")
            if not slug or slug.isdigit() or not slug.strip("-"):
                slug = str(term.id)
            classes.append(sanitize_html_class(f"{prefix}-{slug}", ""))
    return list(dict.fromkeys(classes))


class PostSerializer:
    """Builds the REST object of posts of one type."""

    def __init__(self, env: Env, post_type: PostType) -> None:
        self.env = env
        self.post_type = post_type
        self.taxonomies = env.site.taxonomies_for(post_type.name)

    # -- fields ---------------------------------------------------------------------------------
    def field_names(self, context: str) -> list[str]:
        """Top-level fields available in a context, in output order."""
        pt = self.post_type
        names = ["id", "date", "date_gmt", "guid", "modified", "modified_gmt", "password", "slug",
                 "status", "type", "link", "title"]
        if pt.name != "attachment":
            if pt.supports_feature("editor"):
                names.append("content")
            if pt.supports_feature("excerpt") or pt.name in ("post", "page"):
                names.append("excerpt")
        if pt.supports_feature("author"):
            names.append("author")
        if pt.supports_feature("thumbnail") and pt.name != "attachment":
            names.append("featured_media")
        if pt.hierarchical:
            names.append("parent")
        if pt.supports_feature("page-attributes"):
            names.append("menu_order")
        if pt.supports_feature("comments"):
            names += ["comment_status", "ping_status"]
        if pt.name == "post":
            names.append("sticky")
        names.append("template")
        if pt.supports_feature("post-formats"):
            names.append("format")
        if "custom-fields" in _features(self.env, pt):  # the schema's meta property
            names.append("meta")
        names += [t.rest_base for t in self.taxonomies]
        if self.env.site.compat.class_list and pt.public:
            names.append("class_list")
        names += ["permalink_template", "generated_slug"]
        if pt.name == "attachment":
            names += ["description", "caption", "alt_text", "media_type", "mime_type",
                      "media_details", "post", "source_url", "missing_image_sizes"]
        if context == "embed":
            names = [n for n in names if n in EMBED_FIELDS]
        elif context != "edit":
            names = [n for n in names if n not in EDIT_ONLY]
        return names + self.env.rest_field_order.get(pt.name, [])

    def _core_names(self, context: str) -> list[str]:
        key = ("core_names", self.post_type.name, context)
        return self.env.cache.remember(key, lambda: self.field_names(context))  # type: ignore[no-any-return]

    def requested(self, request: Request, context: str) -> list[str] | None:
        """get_fields_for_response: available fields narrowed by _fields (None: all of them)."""
        return selected_fields(request, self._core_names(context))

    def prepare(self, post: Post, request: Request, *, for_collection: bool) -> Any:
        """The post's REST object; links included per _fields; collections inline _links.

        Built objects are kept (per post, context, _fields and password) until content changes
        or a time-dependent field in them (a relative date) would read differently.
        """
        context = str(request.get("context") or "view")
        fields = self.requested(request, context)
        password = request.get("password") if post.password else None
        if not isinstance(password, str | int | None):
            password = None  # an array cannot unlock anything (see can_see_protected)
        state = request.state
        after_blocks = bool(state is not None and state.blocks_rendered
                            and post.content_rendered_after_blocks is not None)  # fmt: skip
        # Stored templates number per request: the object depends on the counters they use.
        stored = (post.content_rendered, post.content_rendered_after_blocks, post.excerpt_rendered)
        base = instance_base(stored, state.counters if state is not None else {})
        key = ("post_object", post.id, context, tuple(fields) if fields is not None else None,
               request.has("_embed"), password, after_blocks, base)
        cached = self.env.cache.peek(key)
        if cached is not None and (cached[3] is None or clock.now() < cached[3]):
            data, links, compacted, expires, blocks, drawn = cached
        else:
            from .links import compact
            from .server import RequestState

            request.state = RequestState(blocks_rendered=after_blocks, counters=dict(base))
            try:
                with Dependencies.collect() as read:
                    data, links = self._build(post, request, context, fields)
                expires, blocks = request.state.expires, request.state.blocks_rendered
                drawn = {k: v - dict(base).get(k, 0) for k, v in request.state.counters.items()}
            finally:
                request.state = state
            # Built once, encoded for every answer: keep them in PHP's shape already.
            data, compacted = phpjson.shaped(data), phpjson.shaped(compact(links))
            self.env.cache.keep(key, (data, links, compacted, expires, blocks, drawn), list(read))
        if state is not None:
            state.valid_until(expires)
            state.blocks_rendered = state.blocks_rendered or blocks
            for name, count in drawn.items():
                state.counters[name] = state.counters.get(name, 0) + count
        if for_collection:
            return phpjson.extended(data, "_links", compacted) if compacted else dict(data)
        response = Response(dict(data))
        response.links = links
        return response

    def _build(self, post: Post, request: Request, context: str,
               fields: list[str] | None) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
        view = PostView(self.env, post, request)
        data = self._core(view, fields, context)
        for name in self.env.rest_field_order.get(post.type, []):
            if not is_included(name, fields):
                continue
            getter = self.env.field_getter(post.type, name)
            if getter is not None:
                data[name] = getter.get(view)
            else:
                data[name] = post.fields.get(name)
        response = Response(data)
        if is_included("_links", fields) or is_included("_embedded", fields):
            self.add_links(response, view)
        return data, response.links

    def _core(self, view: PostView, fields: list[str] | None, context: str) -> dict[str, Any]:
        post = view.post
        site = self.env.site
        data: dict[str, Any] = {}
        inc = (lambda name: True) if fields is None else (
            lambda name: is_named(name, fields) if post.type == "attachment" and name in ATTACHMENT_NAMED
            else is_included(name, fields))
        extra = self.env.rest_field_order.get(post.type, [])
        for name in self._core_names(context):
            if name in extra or not inc(name):
                continue
            value = self._value(view, name, context, inc, site)
            if value is not _SKIP:
                data[name] = value
        return data

    def _value(self, view: PostView, name: str, context: str, inc: Any, site: Any) -> Any:
        post = view.post
        if name == "id":
            return post.id
        if name == "date":
            return rfc3339(post.date, site.tz)
        if name == "date_gmt":
            gmt = post.date_gmt
            if gmt == ZERO_DATE:
                gmt = gmt_from_local(post.date, site.tz)
            return rfc3339(gmt, site.tz)
        if name == "guid":
            guid: dict[str, Any] = {"rendered": post.guid}
            if context == "edit":
                guid["raw"] = post.guid
            return guid
        if name == "modified":
            return rfc3339(post.modified, site.tz)
        if name == "modified_gmt":
            modified_gmt = post.modified_gmt
            if modified_gmt == ZERO_DATE:
                modified_gmt = gmt_from_local(post.modified, site.tz)
            return rfc3339(modified_gmt, site.tz)
        if name == "password":
            return post.password
        if name == "slug":
            return post.slug
        if name == "status":
            return post.status
        if name == "type":
            return post.type
        if name == "link":
            return view.link
        if name == "title":
            title: dict[str, Any] = {}
            if context == "edit":
                title["raw"] = post.title_raw if post.title_raw is not None else ""
            title["rendered"] = post.title_rendered
            return title
        if name == "content":
            return self._content(view, context)
        if name == "excerpt":
            return self._excerpt(view, context)
        if name == "author":
            return post.author
        if name == "featured_media":
            return view.featured_media
        if name == "parent":
            return post.parent
        if name == "menu_order":
            return post.menu_order
        if name in ("comment_status", "ping_status"):
            return getattr(post, name)
        if name == "sticky":
            return view.sticky
        if name == "template":
            return post.template or ""
        if name == "format":
            return post.format or "standard"
        if name == "meta":
            return self._meta(view)
        if name == "class_list":
            return class_list(view)
        if name == "permalink_template":
            return post.fields.get("permalink_template", view.link)
        if name == "generated_slug":
            return post.fields.get("generated_slug", post.slug)
        for tax in self.taxonomies:
            if tax.rest_base == name:
                return [t.id for t in view.terms_in(tax.name)]
        if post.type == "attachment":
            from .media_view import attachment_field

            return attachment_field(self.env, view, name, context)
        return _SKIP

    def _content(self, view: PostView, context: str) -> dict[str, Any]:
        post = view.post
        out: dict[str, Any] = {}
        if context == "edit":
            out["raw"] = post.content_raw or ""
        visible = not view.password_required or view.can_see_protected()
        out["rendered"] = self._rendered_content(view) if visible else ""
        out["protected"] = bool(post.password)
        if context == "edit":
            out["block_version"] = 1 if "<!-- wp:" in (post.content_raw or "") else 0
        return out

    def _rendered_content(self, view: PostView) -> str:
        """``content.rendered`` at this point of the request (WordPress's ``the_content`` filters
        change once block content has been rendered, and per-request counters number players,
        galleries and layout containers; see docs/rendering.md)."""
        post, state = view.post, view.request.state
        if state is None:
            return resolve(post.content_rendered)
        if state.blocks_rendered and post.content_rendered_after_blocks is not None:
            return resolve(post.content_rendered_after_blocks, state.counters)
        if post.content_raw and "<!-- wp:" in post.content_raw:
            state.blocks_rendered = True
        return resolve(post.content_rendered, state.counters)

    def _excerpt(self, view: PostView, context: str) -> dict[str, Any]:
        post = view.post
        out: dict[str, Any] = {}
        if context == "edit":
            out["raw"] = post.excerpt_raw or ""
        visible = not view.password_required or view.can_see_protected()
        state = view.request.state
        out["rendered"] = (
            resolve(post.excerpt_rendered, state.counters if state is not None else None)
            if visible else ""
        )  # fmt: skip
        out["protected"] = bool(post.password)
        return out

    def _meta(self, view: PostView) -> dict[str, Any]:
        keys = self.env.registered_meta.get(view.post.type, [])
        stored = view.post.fields.get("meta")
        stored = stored if isinstance(stored, dict) else {}
        raw = self.env.cache.meta_of(view.post.id)
        out: dict[str, Any] = {}
        for key in keys:
            if key.key in raw and raw[key.key]:
                out[key.key] = cast_meta(raw[key.key][0], key.type)
            elif key.key in stored:
                out[key.key] = stored[key.key]
            else:
                out[key.key] = key.default
        return out

    # -- links ----------------------------------------------------------------------------------
    def add_links(self, response: Response, view: PostView) -> None:
        """prepare_links for post types."""
        post, pt, url = view.post, self.post_type, self.env.site.rest_url
        base = f"/{pt.rest_namespace}/{pt.rest_base}"
        response.add_link("self", url(f"{base}/{post.id}"))
        response.add_link("collection", url(base))
        response.add_link("about", url(f"/wp/v2/types/{post.type}"))
        if (pt.name in ("post", "page") or pt.supports_feature("author")) and post.author:
            response.add_link("author", url(f"/wp/v2/users/{post.author}"), embeddable=True)
        if pt.name in ("post", "page") or pt.supports_feature("comments"):
            response.add_link("replies", url(f"/wp/v2/comments?post={post.id}"), embeddable=True)
        if pt.name in ("post", "page") or pt.supports_feature("revisions"):
            count, newest = self.env.cache.revision_stats(post.id)
            declared = post.fields.get("_revisions")
            if not count and isinstance(declared, dict):
                count, newest = int(declared.get("count") or 0), int(declared.get("newest") or 0)
            response.add_link("version-history", url(f"{base}/{post.id}/revisions"), count=count)
            if count > 0:
                response.add_link("predecessor-version", url(f"{base}/{post.id}/revisions/{newest}"), id=newest)
        if pt.hierarchical and post.parent:
            parent = self.env.cache.post(post.parent)
            if parent is not None:
                ppt = self.env.site.post_types.get(parent.type, pt)
                response.add_link("up", url(f"/{ppt.rest_namespace}/{ppt.rest_base}/{post.parent}"), embeddable=True)
        thumb = view.thumbnail
        if thumb is not None and _attachment_public(self.env, thumb):
            response.add_link(API_REL + "featuredmedia", url(f"/wp/v2/media/{thumb.id}"), embeddable=True)
        if post.type not in ("attachment", "nav_menu_item", "revision"):
            response.add_link(API_REL + "attachment", url(f"/wp/v2/media?parent={post.id}"))
        for tax in self.taxonomies:
            response.add_link(API_REL + "term", url(f"/{tax.rest_namespace}/{tax.rest_base}?post={post.id}"),
                              taxonomy=tax.name, embeddable=True)


class _Skip:
    pass


_SKIP = _Skip()


def _attachment_public(env: Env, attachment: Post) -> bool:
    """Whether anonymous readers may see an attachment (inherit from a readable parent)."""
    if attachment.type != "attachment":
        return False
    if attachment.status == "publish":
        return True
    if attachment.status != "inherit":
        return False
    if not attachment.parent:
        return True
    parent = env.cache.post(attachment.parent)
    return parent is None or parent.status == "publish"
