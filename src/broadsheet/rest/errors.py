"""WordPress-style errors: a code, a message and data carrying the HTTP status."""

from __future__ import annotations

from typing import Any


class RestError(Exception):
    """An error response (WP_Error): ``{"code", "message", "data"}``."""

    def __init__(self, code: str, message: str, data: Any = None, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            data = {"status": status, **(data or {})} if isinstance(data, dict) or data is None else data
        self.data = data

    @property
    def status(self) -> int:
        """HTTP status carried in data (500 when none)."""
        if isinstance(self.data, dict) and "status" in self.data:
            return int(self.data["status"])
        return 500

    def to_dict(self) -> dict[str, Any]:
        """The error as WordPress serialises it."""
        return {"code": self.code, "message": self.message, "data": self.data}


def auth_status(user: Any) -> int:
    """401 for anonymous callers, 403 for logged-in ones (rest_authorization_required_code)."""
    return 403 if user is not None else 401


def forbidden(code: str, message: str, user: Any) -> RestError:
    """A permission error with the right status for the caller."""
    return RestError(code, message, status=auth_status(user))


NO_ROUTE = ("rest_no_route", "No route was found matching the URL and request method.")


def no_route() -> RestError:
    """404 rest_no_route."""
    return RestError(*NO_ROUTE, status=404)
