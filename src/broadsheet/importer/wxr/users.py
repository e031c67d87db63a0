"""Users of a WXR: its authors, merged with the users the settings file lists under ``not_in_wxr``.

A WXR names each author by id and login and carries few profile fields; the settings file adds
the rest (URL, description, roles…). What the store already knew and the export does not say
is kept. Items name their author by login: a login the channel did not list (WXR 1.0) becomes
a new user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...db import Database
from ...render.slugs import sanitize_title
from ...site import ZERO_DATE
from ...store import users as user_store
from ...store import writer
from ...store.models import User
from .records import AuthorRecord
from .values import number

__all__ = ["Users"]


class Users:
    """The users an import writes, and the id of each login it has seen."""

    def __init__(self, db: Database, report: Any, max_id: int) -> None:
        self.db = db
        self.report = report
        self.logins: dict[str, int] = {
            login: int(uid) for uid, login in db.all("SELECT id, login FROM users") if login
        }
        self.next_id = max(int(db.scalar("SELECT MAX(id) FROM users") or 0), max_id) + 1

    def write(self, authors: Iterable[AuthorRecord], extras: Iterable[Any]) -> None:
        """Store the channel's authors and the settings file's users (``not_in_wxr.users``)."""
        listed = {
            int(u["id"]): u for u in extras
            if isinstance(u, dict) and str(u.get("id", "")).isdigit()
        }  # fmt: skip
        users: dict[int, User] = {}
        for record in authors:
            fields = record.fields
            login = fields.get("author_login", "")
            user_id = number(fields.get("author_id"), f"author {login!r}: wp:author_id")
            if user_id <= 0:
                user_id = self.logins.get(login) or self._new_id()
            users[user_id] = User(
                id=user_id, nicename=_nicename(login), login=login,
                display_name=fields.get("author_display_name", ""), email=fields.get("author_email", ""),
                first_name=fields.get("author_first_name", ""), last_name=fields.get("author_last_name", ""),
                nickname=login,
            )  # fmt: skip
        for user_id, data in listed.items():
            users[user_id] = _merge_user(users.get(user_id) or User(user_id, ""), data)
        self._store(users)

    def author_id(self, login: str) -> int:
        """The id of an item's author (0 for none), creating a user for an unknown login."""
        if not login:
            return 0
        if login not in self.logins:  # WXR 1.0 names authors only by login
            user_id = self._new_id()
            self._store({user_id: User(user_id, _nicename(login), login=login, display_name=login,
                                       nickname=login)})  # fmt: skip
        return self.logins[login]

    def _store(self, users: Mapping[int, User]) -> None:
        stored = user_store.get_many(self.db, list(users)) if users else {}
        for user_id, user in users.items():
            old = stored.get(user_id)
            if old is not None:
                user = _keep_known(old, user)
            if old != user:
                writer.upsert_user(self.db, user)
                self.report.users += 1
            if user.login:
                self.logins[user.login] = user_id
        self.next_id = max([self.next_id, *(u + 1 for u in users)])

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


def _nicename(login: str) -> str:
    return sanitize_title(login)[:50] or login


_USER_FIELDS = ("login", "nicename", "display_name", "email", "url", "description", "first_name",
                "last_name", "nickname", "registered", "roles", "locale")  # fmt: skip


def _merge_user(user: User, data: Mapping[str, Any]) -> User:
    """A user with the profile fields the settings file's ``not_in_wxr.users`` entry gives."""
    values = {name: data[name] for name in _USER_FIELDS if name in data and data[name] is not None}
    if "roles" in values:
        values["roles"] = (
            [str(r) for r in values["roles"]] if isinstance(values["roles"], list) else []
        )
    for name, value in values.items():
        if name != "roles":
            values[name] = str(value)
    merged = User(**{**user.__dict__, **values})
    if not merged.nicename:
        merged.nicename = _nicename(merged.login) or str(merged.id)
    return merged


def _keep_known(old: User, new: User) -> User:
    """The new user row, keeping what the store knew and the export does not say."""
    values = dict(new.__dict__)
    for name in ("url", "description", "nickname", "locale", "first_name", "last_name", "email"):
        if not values[name]:
            values[name] = getattr(old, name)
    if values["registered"] == ZERO_DATE:
        values["registered"] = old.registered
    if not values["roles"]:
        values["roles"] = old.roles
    values["avatar_urls"] = old.avatar_urls if not values["email"] else None
    values["meta"] = old.meta
    return User(**values)
