"""PublishPress Blocks' "block controls": a ``render_block`` filter (plugin-fields.md §1).

A block whose parsed attributes contain ``advgbBlockControls`` (any value, even ``[]``) is
checked against its enabled controls; a block a control hides renders as ``""``. A shown block
gets an identifier class appended to the *first* ``class="…"`` of its output (or a class
attribute on its first tag): ``advgb-block-<block_id>`` when the block has a ``block_id``
attribute, else ``advgb-dyn-`` + the first 8 hex digits of md5 of the block's saved innerHTML.
Device type/width controls also prepend a ``<style>`` with ``display:none`` media queries.

Controls are evaluated for an anonymous visitor of a REST request: no login, no cookies, no
query string, no user agent (so the device is "desktop" and the browser/OS unknown), no
queried archive and no conditional page. ``schedule`` uses :mod:`broadsheet.clock` and the
site timezone. Knowingly left out: ``post_meta`` conditions (shown) and saved presets (none
are known, so a ``presets`` control behaves as if its presets did not exist).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from broadsheet import clock
from broadsheet.render.blocks import Block, BlockRegistry
from broadsheet.render.context import RenderContext
from broadsheet.render.escape import esc_attr
from broadsheet.render.php import php_int

__all__ = ["BlockControls", "block_identifier", "register_block_filters"]

_FIRST_CLASS = re.compile(r'class="([^"]*)"')
_FIRST_TAG = re.compile(r"<([a-zA-Z0-9_-]+)([^>]*)>")
_HIDDEN_DEVICE_QUERIES = {
    "mobile": "@media (max-width: 767px)",
    "tablet": "@media (min-width: 768px) and (max-width: 1024px)",
    "desktop": "@media (min-width: 1025px)",
}
_VISITOR_DEVICE = "desktop"  # what the plugin detects for a request without a user agent


def _php_bool(value: Any) -> bool:
    """PHP's ``(bool)`` cast."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def _php_string(value: Any) -> str:
    if value is True:
        return "1"
    if value is None or value is False:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def block_identifier(block: Block) -> str:
    """``advgb-block-<block_id>``, or ``advgb-dyn-`` + md5(innerHTML)[:8]."""
    block_id = (block.attrs or {}).get("block_id")
    if block_id is not None:
        return "advgb-block-" + _php_string(block_id)
    return "advgb-dyn-" + hashlib.md5(block.inner_html.encode("utf-8")).hexdigest()[:8]


def _with_identifier(html: str, identifier: str) -> str:
    """Append the identifier to the first class attribute, or add one to the first tag."""
    if identifier in html:
        return html
    escaped = esc_attr(identifier)
    if 'class="' in html:
        return _FIRST_CLASS.sub(lambda m: f'class="{m[1]} {escaped}"', html, count=1)
    return _FIRST_TAG.sub(lambda m: f'<{m[1]}{m[2]} class="{escaped}">', html, count=1)


def _controls(value: Any) -> Iterator[Mapping[str, Any]]:
    """The control items of an ``advgbBlockControls`` value (PHP foreach over an array)."""
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        if isinstance(item, dict):
            yield item


def _device_css(controls: Any, identifier: str) -> str:
    rules = []
    for item in _controls(controls):
        if "control" not in item or not _php_bool(item.get("enabled")):
            continue
        if item["control"] == "device_type" and item.get("devices"):
            devices = item["devices"] if isinstance(item["devices"], list) else []
            for device in ("desktop", "tablet", "mobile"):
                if device not in devices:
                    rules.append(_hide(_HIDDEN_DEVICE_QUERIES[device], identifier))
        elif item["control"] == "device_width":
            low, high = php_int(item.get("min_width", 0)), php_int(item.get("max_width", 0))
            if low > 0:
                rules.append(_hide(f"@media (max-width: {low - 1}px)", identifier))
            if high > 0:
                rules.append(_hide(f"@media (min-width: {high + 1}px)", identifier))
    return f"<style>{' '.join(rules)}</style>" if rules else ""


def _hide(query: str, identifier: str) -> str:
    return f"{query} {{ .{identifier} {{ display: none !important; }} }}"


# --------------------------------------------------------------------------------------------
# Visibility of one control for an anonymous REST visitor
# --------------------------------------------------------------------------------------------


def _parse_local(value: Any, zone: ZoneInfo) -> datetime | None:
    try:
        parsed = datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(second=0, tzinfo=zone)


def _parse_time(value: Any) -> time | None:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", str(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def _schedule_matches(schedule: Mapping[str, Any], now: datetime) -> bool | None:
    """Whether one schedule shows the block now; None for an empty schedule."""
    date_from = _parse_local(schedule["dateFrom"], now.tzinfo) if schedule.get("dateFrom") else None  # type: ignore[arg-type]
    date_to = _parse_local(schedule["dateTo"], now.tzinfo) if schedule.get("dateTo") else None  # type: ignore[arg-type]
    raw_days = schedule.get("days") if isinstance(schedule.get("days"), list) else []
    days = [php_int(d) or 7 for d in raw_days or []]
    time_from = _parse_time(schedule.get("timeFrom")) if schedule.get("timeFrom") else None
    time_to = _parse_time(schedule.get("timeTo")) if schedule.get("timeTo") else None
    if not (time_from and time_to):
        time_from = time_to = None
    if not (date_from or date_to or days or time_from):
        return None
    now_from = now.replace(second=0, microsecond=0)
    if date_from and date_to and schedule.get("recurring"):
        date_from = date_from.replace(year=now.year)
        date_to = date_to.replace(year=now.year)
    return (
        (not date_from or date_from <= now_from)
        and (not date_to or now < date_to)
        and (not days or now_from.isoweekday() in days)
        and (not time_from or datetime.combine(now.date(), time_from, now.tzinfo) <= now_from)
        and (not time_to or now < datetime.combine(now.date(), time_to, now.tzinfo))
    )


def _schedule_shows(item: Mapping[str, Any], now: datetime) -> bool:
    schedules = item.get("schedules")
    if not isinstance(schedules, list):
        schedules = [item]
    for schedule in schedules:
        if isinstance(schedule, dict) and _schedule_matches(schedule, now):
            return True
    return False


def _approach(item: Mapping[str, Any], default: str) -> str:
    approach = item.get("approach")
    return approach if isinstance(approach, str) and approach.strip() else default


def _user_role_shows(item: Mapping[str, Any]) -> bool:
    return _approach(item, "public") not in ("hidden", "login", "include")


def _page_shows(item: Mapping[str, Any]) -> bool:
    pages = item.get("pages") if isinstance(item.get("pages"), list) else []
    return not pages or _approach(item, "public") != "include"


def _excluded(item: Mapping[str, Any], matched: bool) -> bool:
    """The verdict of an include/exclude control whose condition did or did not match."""
    return matched if item.get("approach", "include") == "include" else not matched


def _cookie_shows(item: Mapping[str, Any]) -> bool:
    """No cookie is ever sent: only ``= ""`` (and ``!=`` anything else) matches."""
    if not item.get("name"):
        return False
    expected = item.get("value", "")
    condition = str(item.get("condition", "="))
    matched = {"=": expected in ("", None), "!=": expected not in ("", None)}.get(condition, False)
    return _excluded(item, matched)


def _query_string_shows(item: Mapping[str, Any]) -> bool:
    """No query parameter is present, so a non-empty list never matches."""
    return bool(item.get("queries")) and _excluded(item, False)


class BlockControls:
    """The block controls ``render_block`` filter."""

    def __call__(self, html: str, block: Block, ctx: RenderContext) -> str:
        """Hide the block or mark it with its identifier class."""
        attrs = block.attrs
        if not attrs or "advgbBlockControls" not in attrs or not block.name:
            return html
        controls = attrs["advgbBlockControls"]
        if not all(self.shows(item, ctx) for item in list(_controls(controls))):
            return ""
        identifier = block_identifier(block)
        return _device_css(controls, identifier) + _with_identifier(html, identifier)

    def shows(self, item: Mapping[str, Any], ctx: RenderContext) -> bool:
        """Whether one control item lets the block show (disabled controls always do)."""
        control = item.get("control")
        if control is None or not _php_bool(item.get("enabled")) or control == "meta":
            return True
        return self.evaluate(str(control), item, ctx)

    @staticmethod
    def evaluate(control: str, item: Mapping[str, Any], ctx: RenderContext) -> bool:
        """The control's verdict for an anonymous visitor now."""
        if control == "presets":
            selected = item.get("selected") or []
            return item.get("logic", "any") != "any" and not selected
        if control == "user_role":
            return _user_role_shows(item)
        if control == "device_type":
            devices = item.get("devices") or []
            return not devices or _VISITOR_DEVICE in devices
        if control in ("device_width", "archive", "post_meta"):
            return True
        if control == "page":
            return _page_shows(item)
        if control in ("browser_device", "operating_system"):
            return _excluded(item, False)  # the visitor's browser and OS are unknown
        if control in ("user_meta", "capabilities"):
            return False  # the visitor is not logged in
        if control == "cookie":
            return _cookie_shows(item)
        if control == "query_string":
            return _query_string_shows(item)
        return _schedule_shows(item, _now(ctx))


def _now(ctx: RenderContext) -> datetime:
    try:
        zone = ZoneInfo(ctx.options.timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return datetime.fromtimestamp(clock.now(), zone)


def register_block_filters(registry: BlockRegistry) -> None:
    """Add the block controls filter to every block's rendering."""
    registry.add_filter(BlockControls())
