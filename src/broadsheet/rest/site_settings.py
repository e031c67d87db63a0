"""``/wp/v2/settings``: site settings, for administrators only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .access import unreachable
from .errors import RestError
from .request import Request
from .routing import EDITABLE, READABLE, Endpoint

if TYPE_CHECKING:
    from ..env import Env
    from .server import RestServer


class SettingsController:
    """The settings route; reading and writing need manage_options."""

    def __init__(self, env: Env, server: RestServer) -> None:
        self.env = env
        self.server = server

    def register(self) -> None:
        """Register /settings."""
        from . import schemas

        self.server.register("wp/v2", "/settings", [
            Endpoint(READABLE, unreachable, self.permission, {}),
            Endpoint(EDITABLE, unreachable, self.permission, schemas.settings_write_args(self.env)),
        ], lambda: schemas.settings_schema(self.env))

    def permission(self, request: Request) -> bool | RestError:
        """manage_options: nobody until administrators can log in."""
        return False


