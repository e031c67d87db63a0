"""Site settings: the one table of every setting's name, type, default and meaning.

A site's settings are WordPress option names and values (the shape of the oracle's ``site.json``)
plus a few of Broadsheet's own (``extensions``, ``wp_version``). They are stored in the database
(table ``options``) by the importer and read once per content version by the server. Anything a
site does not set falls back to WordPress's default, listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One setting: its option name, JSON type, default, and what it does."""

    name: str
    type: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("url", "string", "http://localhost", "WordPress address (siteurl), no trailing slash."),
    Setting("home", "string", "", "Site address; every link uses it. Defaults to url."),
    Setting("name", "string", "Broadsheet", "Site title (blogname)."),
    Setting("description", "string", "", "Tagline (blogdescription)."),
    Setting("email", "string", "", "Administration e-mail address (admin_email)."),
    Setting("locale", "string", "en_US", "Site locale."),
    Setting("language", "string", "en-US", "Language tag for feeds and HTML."),
    Setting("charset", "string", "UTF-8", "Character set announced in Content-Type."),
    Setting("timezone_string", "string", "", "IANA zone such as Europe/Amsterdam; wins over gmt_offset."),
    Setting("gmt_offset", "number|string", 0, "Fixed UTC offset in hours when no timezone_string."),
    Setting("date_format", "string", "F j, Y", "PHP date format for dates."),
    Setting("time_format", "string", "g:i a", "PHP date format for times."),
    Setting("start_of_week", "integer", 1, "First day of the week (0 = Sunday)."),
    Setting("permalink_structure", "string", "/%postname%/", "Post permalink structure."),
    Setting("category_base", "string", "", "Category archive base (default 'category')."),
    Setting("tag_base", "string", "", "Tag archive base (default 'tag')."),
    Setting("permastructs", "object", {}, "Permalink structures by kind (post, page, author, taxonomy:NAME, …)."),
    Setting("rest_url_prefix", "string", "wp-json", "Path segment of the REST API root."),
    Setting("posts_per_page", "integer", 10, "Blog pages show at most."),
    Setting("posts_per_rss", "integer", 10, "Feeds show the most recent."),
    Setting("rss_use_excerpt", "integer", 0, "Feeds carry excerpts (1) or full text (0)."),
    Setting("sticky_posts", "array", [], "Ids of sticky posts, in stored order."),
    Setting("show_on_front", "string", "posts", "'posts' or 'page'."),
    Setting("page_on_front", "integer", 0, "Page shown on the front page."),
    Setting("page_for_posts", "integer", 0, "Page that lists posts."),
    Setting("default_category", "integer", 1, "Default post category."),
    Setting("default_post_format", "string", "0", "Default post format."),
    Setting("default_comment_status", "string", "open", "Comments on new posts."),
    Setting("default_ping_status", "string", "open", "Pings on new posts."),
    Setting("comment_registration", "integer", 0, "Users must be registered to comment."),
    Setting("require_name_email", "integer", 1, "Comment author must give name and e-mail."),
    Setting("thread_comments", "integer", 1, "Threaded comments."),
    Setting("thread_comments_depth", "integer", 5, "Threading depth."),
    Setting("page_comments", "integer", 0, "Break comments into pages."),
    Setting("comments_per_page", "integer", 50, "Comments per page."),
    Setting("default_comments_page", "string", "newest", "Which comment page shows first."),
    Setting("comment_order", "string", "asc", "Comment order."),
    Setting("show_avatars", "integer", 1, "Avatars in user and comment objects."),
    Setting("avatar_default", "string", "mystery", "Default avatar (Gravatar d=)."),
    Setting("avatar_rating", "string", "G", "Maximum avatar rating."),
    Setting("use_smilies", "integer", 1, "Convert text smileys to emoji."),
    Setting("blog_public", "integer", 1, "Search engine visibility."),
    Setting("site_icon", "integer", 0, "Site icon attachment id."),
    Setting("site_logo", "integer", 0, "Site logo attachment id."),
    Setting("excerpt_length", "integer", 55, "Words in a generated excerpt."),
    Setting("excerpt_more", "string", " [&hellip;]", "Appended to a trimmed excerpt."),
    Setting("uploads", "object", {}, "Uploads: baseurl (defaults to url + /wp-content/uploads)."),
    Setting("image_sizes", "object", {}, "Registered image sizes {name: {width, height, crop}}."),
    Setting("theme", "object", {"stylesheet": "twentytwentyone", "template": "twentytwentyone"}, "Active theme."),
    Setting("taxonomies", "array", [], "Taxonomy definitions (name, rest_base, hierarchical, object_type, label, singular, rewrite_slug)."),
    Setting("post_taxonomies_order", "array", [], "Registration order of the post type's taxonomies."),
    Setting("post_types", "array", [], "Custom post type definitions (core post, page, attachment are built in)."),
    Setting("wp_version", "string", "6.8", "WordPress version whose REST behaviour to reproduce."),
    Setting("oracle_backport", "boolean", False, "Emit class_list and targetHints on an older wp_version."),
    Setting("extensions", "object|null", None, "Site extensions and their settings (docs/extensions.md); null = default profile."),
    Setting("registered_meta", "object|null", None, "Registered REST meta keys per post type; null = from extensions and core."),
    Setting("rest_fields", "object|null", None, "Additional REST field names per post type in output order; null = extensions' order."),
    Setting("application_passwords", "boolean", True, "Advertise application passwords in the index."),
    Setting("jsonp_enabled", "boolean", True, "Allow _jsonp callbacks."),
)

_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def default(name: str) -> Any:
    """The default value of a setting."""
    value = _BY_NAME[name].default
    return value.copy() if isinstance(value, dict | list) else value


class SiteSettings(Mapping[str, Any]):
    """A site's settings: stored values over the defaults above; unknown names are kept too."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = dict(values or {})

    def __getitem__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        if name == "home":
            return self["url"]
        if name in _BY_NAME:
            return default(name)
        raise KeyError(name)

    def __iter__(self):  # type: ignore[no-untyped-def]
        seen = set()
        for s in SETTINGS:
            seen.add(s.name)
            yield s.name
        for name in self._values:
            if name not in seen:
                yield name

    def __len__(self) -> int:
        return len(set(self._values) | set(_BY_NAME))

    def stored(self) -> dict[str, Any]:
        """Only the values the site set explicitly."""
        return dict(self._values)

    @property
    def home(self) -> str:
        """Home URL without a trailing slash."""
        return str(self["home"] or self["url"]).rstrip("/")

    @property
    def rest_root(self) -> str:
        """API root, e.g. ``https://example.org/archive/wp-json/``."""
        return f"{self.home}/{self['rest_url_prefix']}/"

    @property
    def uploads_baseurl(self) -> str:
        """Base URL of uploaded files."""
        uploads = self["uploads"] or {}
        return str(uploads.get("baseurl") or f"{str(self['url']).rstrip('/')}/wp-content/uploads")


def markdown_table() -> str:
    """The settings table as Markdown (docs/settings.md embeds it)."""
    import json

    lines = ["| setting | type | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        shown = json.dumps(s.default) if not isinstance(s.default, str) or s.default else '""'
        lines.append(f"| `{s.name}` | {s.type} | `{shown}` | {s.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
