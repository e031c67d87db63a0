"""The site as WordPress would have it registered: post types, taxonomies, time zone, URLs.

Built once from the stored settings (:class:`~broadsheet.settings.SiteSettings`). Everything
that depends only on configuration, not content, lives here: the REST layer, the importers and
the renderer all ask the same :class:`Site`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import clock
from .compat import Compat
from .settings import SiteSettings

ZERO_DATE = "0000-00-00 00:00:00"


@dataclass(frozen=True)
class PostType:
    """A registered post type."""

    name: str
    rest_base: str
    label: str
    singular: str
    hierarchical: bool = False
    supports: tuple[str, ...] = ()
    icon: str | None = None
    description: str = ""
    has_archive: bool = False
    public: bool = True
    builtin: bool = False
    rest_namespace: str = "wp/v2"

    def supports_feature(self, feature: str) -> bool:
        """Whether the type supports a feature (title, editor, author, …)."""
        return feature in self.supports


@dataclass(frozen=True)
class Taxonomy:
    """A registered taxonomy."""

    name: str
    rest_base: str
    label: str
    singular: str
    hierarchical: bool = False
    object_types: tuple[str, ...] = ("post",)
    public: bool = True
    show_in_rest: bool = True
    rewrite_slug: str | None = None
    with_front: bool = True
    builtin: bool = False
    description: str = ""
    rest_namespace: str = "wp/v2"


CORE_POST_TYPES = (
    PostType(
        "post", "posts", "Posts", "Post", False,
        ("title", "editor", "author", "thumbnail", "excerpt", "trackbacks", "custom-fields",
         "comments", "revisions", "post-formats"),
        "dashicons-admin-post", builtin=True,
    ),
    PostType(
        "page", "pages", "Pages", "Page", True,
        ("title", "editor", "author", "thumbnail", "page-attributes", "custom-fields", "comments",
         "revisions"),
        "dashicons-admin-page", builtin=True,
    ),
    PostType(
        "attachment", "media", "Media", "Media", False,
        ("title", "author", "comments"), "dashicons-admin-media", builtin=True,
    ),
)

CORE_TAXONOMIES = (
    Taxonomy("category", "categories", "Categories", "Category", True, ("post",),
             rewrite_slug="category", builtin=True),
    Taxonomy("post_tag", "tags", "Tags", "Tag", False, ("post",), rewrite_slug="tag", builtin=True),
    Taxonomy("post_format", "post_format", "Formats", "Format", False, ("post",),
             show_in_rest=False, rewrite_slug="type", builtin=True),
)

POST_FORMATS = ("standard", "aside", "chat", "gallery", "link", "image", "quote", "status",
                "video", "audio")


def _taxonomy_from_setting(entry: dict[str, Any]) -> Taxonomy:
    name = str(entry["name"])
    types = entry.get("object_type") or entry.get("types") or ["post"]
    return Taxonomy(
        name=name,
        rest_base=str(entry.get("rest_base") or name),
        label=str(entry.get("label") or name),
        singular=str(entry.get("singular") or entry.get("label") or name),
        hierarchical=bool(entry.get("hierarchical", False)),
        object_types=tuple(types),
        public=bool(entry.get("public", True)),
        show_in_rest=bool(entry.get("show_in_rest", True)),
        rewrite_slug=entry.get("rewrite_slug", name),
        with_front=bool(entry.get("with_front", True) if entry.get("with_front") is not None else True),
        builtin=bool(entry.get("builtin", False)),
        description=str(entry.get("description") or ""),
        rest_namespace=str(entry.get("rest_namespace") or "wp/v2"),
    )


def _post_type_from_setting(entry: dict[str, Any]) -> PostType:
    name = str(entry["name"])
    supports = entry.get("supports") or ["title", "editor"]
    if isinstance(supports, dict):
        supports = [k for k, v in supports.items() if v]
    return PostType(
        name=name,
        rest_base=str(entry.get("rest_base") or name),
        label=str(entry.get("label") or name),
        singular=str(entry.get("singular") or entry.get("label") or name),
        hierarchical=bool(entry.get("hierarchical", False)),
        supports=tuple(supports),
        icon=entry.get("icon"),
        description=str(entry.get("description") or ""),
        has_archive=bool(entry.get("has_archive", False)),
        public=bool(entry.get("public", True)),
    )


@dataclass
class Site:
    """Configuration-derived view of one site."""

    settings: SiteSettings

    # -- versions and time --------------------------------------------------------------------
    @cached_property
    def compat(self) -> Compat:
        """Which WordPress release's behaviour to reproduce."""
        return Compat.of(str(self.settings["wp_version"]), bool(self.settings["oracle_backport"]))

    @cached_property
    def tz(self) -> tzinfo:
        """The site's time zone (named zone, or fixed offset from gmt_offset)."""
        name = str(self.settings["timezone_string"] or "")
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        offset = self.settings["gmt_offset"]
        try:
            hours = float(offset or 0)
        except (TypeError, ValueError):
            hours = 0.0
        return timezone(timedelta(hours=hours))

    def gmt_offset_now(self) -> int | float | str:
        """The REST index's gmt_offset: a number for a named zone, else the stored string."""
        if self.settings["timezone_string"]:
            delta = datetime.fromtimestamp(clock.now(), tz=self.tz).utcoffset() or timedelta()
            hours = delta.total_seconds() / 3600
            return int(hours) if hours == int(hours) else hours
        offset = self.settings["gmt_offset"]
        return offset if isinstance(offset, str) else str(offset)

    def local_to_utc(self, local: str) -> str:
        """'YYYY-MM-DD HH:MM:SS' local wall time to UTC in the same format."""
        dt = datetime.strptime(local, "%Y-%m-%d %H:%M:%S").replace(tzinfo=self.tz)
        return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

    # -- registries ---------------------------------------------------------------------------
    @cached_property
    def taxonomies(self) -> dict[str, Taxonomy]:
        """Registered taxonomies in registration order (core first, then the site's)."""
        found: dict[str, Taxonomy] = {t.name: t for t in CORE_TAXONOMIES}
        configured = self.settings["taxonomies"] or []
        for entry in configured:
            if entry.get("name") in ("nav_menu",):
                continue
            tax = _taxonomy_from_setting(entry)
            if tax.name in found and found[tax.name].builtin:
                core = found[tax.name]
                tax = Taxonomy(**{**core.__dict__, "label": tax.label, "singular": tax.singular,
                                  "description": tax.description or core.description})
            found[tax.name] = tax
        order = self.settings["post_taxonomies_order"] or []
        if order:
            ordered = {name: found[name] for name in order if name in found}
            ordered.update({k: v for k, v in found.items() if k not in ordered})
            return ordered
        return found

    @cached_property
    def post_types(self) -> dict[str, PostType]:
        """Registered post types: post, page, attachment, then the site's own."""
        found = {t.name: t for t in CORE_POST_TYPES}
        for entry in self.settings["post_types"] or []:
            pt = _post_type_from_setting(entry)
            found[pt.name] = pt
        return found

    def rest_taxonomies(self) -> list[Taxonomy]:
        """Taxonomies shown in REST, in registration order."""
        return [t for t in self.taxonomies.values() if t.show_in_rest]

    def taxonomies_for(self, post_type: str, *, rest_only: bool = True) -> list[Taxonomy]:
        """Taxonomies attached to a post type, in registration order."""
        return [
            t for t in self.taxonomies.values()
            if post_type in t.object_types and (t.show_in_rest or not rest_only)
        ]

    def rest_post_types(self) -> list[PostType]:
        """Post types with REST routes."""
        return list(self.post_types.values())

    @cached_property
    def searchable_post_types(self) -> list[str]:
        """What ``/wp/v2/search`` finds as posts: the public post types but media."""
        return [pt.name for pt in self.post_types.values() if pt.public and pt.name != "attachment"]

    @cached_property
    def searchable_taxonomies(self) -> list[str]:
        """What ``/wp/v2/search`` finds as terms: the public REST taxonomies."""
        return [t.name for t in self.rest_taxonomies() if t.public]

    # -- URLs -----------------------------------------------------------------------------
    @property
    def home(self) -> str:
        """Home URL, no trailing slash."""
        return self.settings.home

    @property
    def rest_root(self) -> str:
        """REST API root URL with trailing slash."""
        return self.settings.rest_root

    def rest_url(self, route: str) -> str:
        """Absolute URL of a REST route ('/wp/v2/posts' → '{root}wp/v2/posts')."""
        return self.rest_root + route.lstrip("/")

    @cached_property
    def trailing_slash(self) -> bool:
        """Whether pretty links end in a slash (permalink structure does)."""
        return str(self.settings["permalink_structure"]).endswith("/")

    def permastruct(self, kind: str) -> str | None:
        """The permalink structure for a kind of object, or None when plain links are used."""
        structure = str(self.settings["permalink_structure"] or "")
        if not structure:
            return None
        configured = (self.settings["permastructs"] or {}).get(kind)
        if configured:
            return str(configured)
        front = structure[: structure.index("%")] if "%" in structure else "/"
        if kind == "post":
            return structure
        if kind == "page":
            return "/%pagename%"
        if kind == "author":
            return f"{front}author/%author%"
        if kind.startswith("taxonomy:"):
            name = kind.split(":", 1)[1]
            tax = self.taxonomies.get(name)
            if tax is None:
                return None
            base = tax.rewrite_slug or name
            if name == "category":
                base = self.settings["category_base"] or "category"
            elif name == "post_tag":
                base = self.settings["tag_base"] or "tag"
            prefix = front if tax.with_front else "/"
            return f"{prefix}{base.strip('/')}/%{name}%"
        return None

    def pretty(self, structure: str, **values: str) -> str:
        """Fill a permastruct's %tags% and make it an absolute URL."""
        path = structure
        for key, value in values.items():
            path = path.replace(f"%{key}%", value)
        path = "/" + path.lstrip("/")
        if self.trailing_slash and not path.endswith("/"):
            path += "/"
        return self.home + path
