"""Sticky posts: the ``sticky_posts`` setting from the items' ``wp:is_sticky`` flags.

Unless the settings file gives ``sticky_posts``, the posts the file marks sticky are added to
the stored setting, and posts stored as sticky that the file says are not are taken out.
"""

from __future__ import annotations

from typing import Any

from ...db import Database
from ...store import options
from ...store.models import Post

__all__ = ["StickyPosts"]


class StickyPosts:
    """The sticky flags of the items read so far, against the stored ``sticky_posts``."""

    def __init__(self, settings: dict[str, Any], given: dict[str, Any]) -> None:
        self.settings = settings
        self.given = given
        self.sticky: list[int] = []
        self.not_sticky: set[int] = set()  # posts stored as sticky that the file says are not
        self.was_sticky = {i for i in settings.get("sticky_posts") or [] if isinstance(i, int)}

    def note(self, post: Post, sticky: bool) -> None:
        """Record an item's ``wp:is_sticky`` (only posts of type ``post`` can be sticky)."""
        if sticky and post.type == "post":
            self.sticky.append(post.id)
        elif post.id in self.was_sticky:
            self.not_sticky.add(post.id)

    def save(self, db: Database) -> None:
        """Store the updated ``sticky_posts`` setting (not when the settings file gives it)."""
        if "sticky_posts" in self.given:
            return
        current = [i for i in self.settings.get("sticky_posts") or [] if isinstance(i, int)]
        kept = [i for i in current if i not in self.not_sticky]
        updated = kept + [i for i in self.sticky if i not in kept]
        if updated != current or "sticky_posts" not in self.settings:
            self.settings["sticky_posts"] = updated
            options.save(db, {"sticky_posts": updated})
