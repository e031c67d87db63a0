"""The oracle's site with objects recorded from the oracle added, and a recorded answer's check.

Shared by the tests that replay what the oracle answered while it held extra objects
(tests/fixtures/dates, slug-queries, editor-routes/navigation).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from broadsheet.app import create_app
from broadsheet.db import Database, connect

from ..conftest import ORACLE, _drop, _new_url, import_path, serve_app

RECORDED_NOW = "2026-12-08T00:00:00Z"  # when the recorders ran


@contextmanager
def oracle_site_with(tmp: Path, *sources: Path, adjust: Callable[[Database], None] | None = None,
                     now: str = RECORDED_NOW) -> Iterator[Any]:
    """An app over the oracle's dump plus ``sources`` (dump folders or files), after
    ``adjust`` has changed the database, with the clock at ``now``."""
    url = _new_url(tmp, "site")
    import_path(url, ORACLE / "dump", ORACLE / "site.json")
    for source in sources:
        import_path(url, source)
    if adjust is not None:
        db = connect(url)
        with db.transaction():
            adjust(db)
        db.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BROADSHEET_NOW", now)
        app = create_app(url)
        try:
            yield app
        finally:
            app.core.close()
            _drop(url)


def assert_answers_as_recorded(app: Any, recorded: dict[str, Any]) -> None:
    """Status, X-WP-Total, X-WP-TotalPages and the JSON body equal the oracle's."""
    served = serve_app(app, recorded["route"], recorded["query"])
    headers = dict(served.headers)
    assert served.status == recorded["status"]
    assert (headers.get("X-WP-Total"), headers.get("X-WP-TotalPages")) == (recorded["total"], recorded["pages"])
    assert json.loads(served.body) == recorded["body"]
