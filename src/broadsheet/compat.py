"""Which WordPress version's REST behaviour a site reproduces.

Clients see differences between WordPress releases (new fields, parameters, URL shapes). A site
declares its version in the ``wp_version`` setting and Broadsheet emits what that version emits;
``oracle_backport`` adds the two 6.6/6.7 fields to an older version, as the oracle does.
Each feature is one property here, named after the behaviour, with the release that brought it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_LEADING_DIGITS = re.compile(r"[0-9]+")


@lru_cache(maxsize=64)
def parse_version(text: str) -> tuple[int, int, int]:
    """'6.1.9' -> (6, 1, 9): the leading digits of each dot-separated part ('6.1-RC1' ->
    (6, 1, 0)); missing parts are 0, and so is a part that does not start with a digit."""
    parts = [0, 0, 0]
    for index, piece in enumerate(str(text).split(".")[:3]):
        digits = _LEADING_DIGITS.match(piece)
        parts[index] = int(digits.group()) if digits else 0
    return parts[0], parts[1], parts[2]


# Releases that brought what an import can observe of a site (importer/infer.py reads a
# site's version back from them).
CLASS_LIST = (6, 6, 0)  # class_list on post objects
TARGET_HINTS = (6, 7, 0)  # targetHints on self links
POSTS_PARAMETERS = {  # /wp/v2/posts collection parameters
    "search_columns": (6, 2, 0),
    "format": (6, 7, 0),  # with search_semantics
    "ignore_sticky": (6, 8, 0),
}


@dataclass(frozen=True)
class Compat:
    """Feature switches derived from a WordPress version."""

    version: tuple[int, int, int]
    backport: bool = False

    @classmethod
    @lru_cache(maxsize=64)
    def of(cls, version: str, backport: bool = False) -> Compat:
        """Compat for a version string (one shared instance per version)."""
        return cls(parse_version(version), bool(backport))

    def at_least(self, major: int, minor: int, patch: int = 0) -> bool:
        """Whether the site's version is this release or newer."""
        return self.version >= (major, minor, patch)

    @property
    def class_list(self) -> bool:
        """``class_list`` on post objects (6.6)."""
        return self.backport or self.version >= CLASS_LIST

    @property
    def target_hints(self) -> bool:
        """``targetHints.allow`` on ``self`` links (6.7)."""
        return self.backport or self.version >= TARGET_HINTS

    @property
    def search_columns_param(self) -> bool:
        """``search_columns`` posts collection parameter (6.2)."""
        return self.version >= POSTS_PARAMETERS["search_columns"]

    @property
    def format_param(self) -> bool:
        """``format`` and ``search_semantics`` posts collection parameters (6.7)."""
        return self.version >= POSTS_PARAMETERS["format"]

    @property
    def ignore_sticky_param(self) -> bool:
        """``ignore_sticky`` posts collection parameter (6.8)."""
        return self.version >= POSTS_PARAMETERS["ignore_sticky"]

    @property
    def excerpt_length_param(self) -> bool:
        """``excerpt_length`` single-post parameter (6.6)."""
        return self.at_least(6, 6)

    @property
    def index_front_page_fields(self) -> bool:
        """``page_for_posts``, ``page_on_front``, ``show_on_front`` in the index (6.8)."""
        return self.at_least(6, 8)

    @property
    def gravatar_sha256(self) -> bool:
        """Gravatar hashes are sha256 of the e-mail (6.8); md5 before."""
        return self.at_least(6, 8)

    @property
    def gravatar_always_secure(self) -> bool:
        """Gravatar URLs always use secure.gravatar.com (6.7); before, http sites used 0-2.gravatar.com."""
        return self.at_least(6, 7)

    @property
    def footnotes_meta(self) -> bool:
        """Core registers the ``footnotes`` post meta (6.3)."""
        return self.at_least(6, 3)

    @property
    def type_template_fields(self) -> bool:
        """``template`` and ``template_lock`` in post type objects (6.6)."""
        return self.at_least(6, 6)

    @property
    def users_search_columns_param(self) -> bool:
        """``search_columns`` users collection parameter (6.8)."""
        return self.at_least(6, 8)

    @property
    def head_skips_body(self) -> bool:
        """HEAD requests do not build the body (6.8); only visible in timing."""
        return self.at_least(6, 8)

    @property
    def time_diff_long_minutes(self) -> bool:
        """human_time_diff says "minutes" (6.7) rather than "mins"."""
        return self.at_least(6, 7)
