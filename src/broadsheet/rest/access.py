"""Permission helpers shared by controllers: refusing writes the way WordPress refuses them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import RestError, forbidden
from .request import Request
from .routing import Permission


def parse_id(raw: Any) -> int:
    """A positive object id from a request value (0 when it is not one)."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return 0
    return value if value > 0 else 0


def refuse_unless_missing(lookup: Callable[[Any], Any], code: str, message: str) -> Permission:
    """A write permission: the object's own 404 when it does not exist, else 401/403 ``code``.

    WordPress loads the object before checking the capability, so a write to a missing object
    is "not found" rather than "not allowed"; no caller holds the capability yet.
    """

    def check(request: Request) -> bool | RestError:
        found = lookup(request.get("id"))
        if isinstance(found, RestError):
            return found
        return forbidden(code, message, request.user)

    return check


def unreachable(request: Request) -> Any:
    """Handler of a write route: every caller is refused by its permission check first."""
    raise RestError("rest_forbidden", "Sorry, you are not allowed to do that.", status=401)
