"""Per-request instance counters, and content rendered once but numbered per request.

WordPress numbers some markup with counters that live as long as the PHP request: the
``static $instance`` of ``wp_audio_shortcode``, ``wp_video_shortcode``, ``gallery_shortcode``
and ``wp_playlist_shortcode``, and ``wp_unique_id()`` (layout containers ``wp-container-N``,
the gallery block's ``wp-block-gallery-N``, duotone filters). A REST request renders every post
of its answer in one PHP request, so the numbers run on from one post to the next: in
``/wp/v2/posts`` the second post with an ``[audio]`` gets ``audio-{id}-2`` and no old-IE shim,
while ``/wp/v2/posts/{id}`` alone starts again at 1 (the oracle shows both).

Broadsheet renders a post once, at import. Where the rendering used such a counter, what it
stores is a *template*: a header with how many numbers of each kind the rendering drew (some
draws show nowhere, e.g. a layout without container styles), and the HTML with a token in
place of every number. :func:`resolve` turns a template into HTML for a request, given the
counters the request has drawn so far, and moves them on; content without counters is stored
as plain HTML and passes through untouched.

Tokens are built from Unicode noncharacters (U+FFFE, U+FFFF) and U+FFFD, which WordPress's
filters leave alone and which stored HTML never needs:

* ``\\uffff`` kind ``#`` n ``\\ufffe``: the request's number for the post's n-th draw of kind;
* ``\\uffff?`` kind ``#`` n ``\\ufffd`` first ``\\ufffd`` other ``\\ufffe``: ``first`` when that
  number is 1 (the old-IE shim of a request's first player), else ``other`` with ``\\ufffc``
  standing for the number;
* a template starts with ``\\uffff@`` kind ``=`` count (``;``-separated) ``\\ufffe``.

This module imports nothing from the renderer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field

__all__ = [
    "RenderState",
    "draws",
    "instance_base",
    "is_template",
    "make_template",
    "match_template",
    "resolve",
]

_OPEN, _SEP, _CLOSE, _NUMBER = "\uffff", "\ufffd", "\ufffe", "\ufffc"
_HEADER = _OPEN + "@"
_TOKEN = re.compile("\uffff(\\?)?([^#\ufffd\ufffe\uffff]+)#([0-9]+)(?:\ufffd([^\ufffd\ufffe]*)\ufffd([^\ufffe]*))?\ufffe")


@dataclass
class RenderState:
    """What WordPress keeps in function statics for one request: counters and flags.

    ``tokens`` is on while a template is rendered (:func:`make_template`): counters then hand
    out tokens that :func:`resolve` numbers per request.
    """

    high_priority_available: bool = True
    counters: dict[str, int] = field(default_factory=dict)
    tokens: bool = False

    def next(self, name: str) -> int:
        """Increment and return the named per-request counter (first call returns 1)."""
        value = self.counters.get(name, 0) + 1
        self.counters[name] = value
        return value

    def instance(self, name: str) -> str:
        """The next number of the named counter as text (a token while rendering a template)."""
        value = self.next(name)
        return f"{_OPEN}{name}#{value}{_CLOSE}" if self.tokens else str(value)

    def when_first(self, name: str, number: str, first: str, other: str = "") -> str:
        """``first`` if ``number`` (from :meth:`instance`) is the request's first of ``name``,
        else ``other``, in which ``{n}`` stands for the number."""
        if not self.tokens:
            return first if number == "1" else other.replace("{n}", number)
        local = number[len(_OPEN) + len(name) + 1 : -len(_CLOSE)]
        other = other.replace("{n}", _NUMBER)
        return f"{_OPEN}?{name}#{local}{_SEP}{first}{_SEP}{other}{_CLOSE}"


def make_template(body: str, used: dict[str, int]) -> str:
    """The stored form of HTML rendered with tokens: plain HTML when no counter was drawn."""
    if not used:
        return body
    header = ";".join(f"{name}={count}" for name, count in sorted(used.items()))
    return f"{_HEADER}{header}{_CLOSE}{body}"


def is_template(stored: str) -> bool:
    """Whether stored HTML is a template (numbered per request by :func:`resolve`)."""
    return stored.startswith(_HEADER)


def draws(stored: str) -> dict[str, int]:
    """How many numbers of each kind rendering the template drew ({} for plain HTML)."""
    if not stored.startswith(_HEADER):
        return {}
    end = stored.index(_CLOSE)
    used: dict[str, int] = {}
    for item in stored[len(_HEADER) : end].split(";"):
        name, _, count = item.rpartition("=")
        used[name] = int(count)
    return used


def resolve(stored: str, counters: MutableMapping[str, int] | None = None) -> str:
    """The HTML of a template for a request whose counters stand at ``counters`` (None: a
    request that has drawn nothing yet, i.e. a single GET of the post), and move ``counters``
    on by the template's draws. Plain HTML comes back as it is."""
    if not stored.startswith(_HEADER):
        return stored
    used = draws(stored)
    body = stored[stored.index(_CLOSE) + 1 :]
    base = dict(counters) if counters is not None else {}

    def number(match: re.Match[str]) -> str:
        conditional, name, local, first, other = match.groups()
        value = base.get(name, 0) + int(local)
        if conditional is None:
            return str(value)
        return first if value == 1 else other.replace(_NUMBER, str(value))

    html = _TOKEN.sub(number, body)
    if counters is not None:
        for name, count in used.items():
            counters[name] = counters.get(name, 0) + count
    return html


def instance_base(
    stored: Iterable[str | None], counters: Mapping[str, int]
) -> tuple[tuple[str, int], ...]:
    """The counters that the templates among ``stored`` read, at their values in ``counters``:
    what an object rendered from them depends on (() when none is a template)."""
    kinds: set[str] = set()
    for value in stored:
        if value and value.startswith(_HEADER):
            kinds.update(draws(value))
    return tuple(sorted((name, counters.get(name, 0)) for name in kinds))


def match_template(stored: str, html: str) -> dict[str, int] | None:
    """Counters at which the template numbers to exactly ``html`` (``{}`` for plain HTML equal
    to it), or None when no counters do. Kinds whose numbers show nowhere read 0.

    HTML another WordPress rendered inside a list (a dump's collections) carries that request's
    numbers; where Broadsheet's template reproduces it at some counters, the template can be
    stored instead and numbered per request like Broadsheet's own renderings."""
    if not stored.startswith(_HEADER):
        return {} if stored == html else None
    body = stored[stored.index(_CLOSE) + 1 :]
    pattern: list[str] = []
    slots: list[tuple[str, str, int, bool]] = []  # group, kind, local, conditional
    end = 0
    for index, token in enumerate(_TOKEN.finditer(body)):
        pattern.append(re.escape(body[end : token.start()]))
        conditional, name, local, first, other = token.groups()
        group = f"n{index}"
        if conditional is None:
            pattern.append(f"(?P<{group}>[0-9]+)")
        else:
            before, _, after = other.partition(_NUMBER)
            numbered = f"{re.escape(before)}(?P<{group}>[0-9]+){re.escape(after)}"
            choice = numbered if _NUMBER in other else re.escape(other)
            pattern.append(f"(?:(?P<f{index}>{re.escape(first)})|{choice})")
        slots.append((group, name, int(local), conditional is not None))
        end = token.end()
    pattern.append(re.escape(body[end:]))
    found = re.fullmatch("".join(pattern), html, re.DOTALL)
    if found is None:
        return None
    base: dict[str, int] = {}
    for index, (group, name, local, conditional) in enumerate(slots):
        if conditional and found.group(f"f{index}") is not None:
            value = 1
        elif found.groupdict().get(group) is not None:
            value = int(found.group(group))
        else:
            continue
        base.setdefault(name, value - local)
    if any(value < 0 for value in base.values()):
        return None
    for name in draws(stored):
        base.setdefault(name, 0)
    return base if resolve(stored, dict(base)) == html else None
