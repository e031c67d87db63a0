"""The shortcode registry: finding registered shortcodes in text, running or stripping them.

Parsing follows WordPress exactly: ``[name attrs]``, ``[name attrs /]`` and
``[name attrs]content[/name]``; ``[[name]]`` escapes a shortcode; unregistered names stay
literal. Inside HTML tags a shortcode only runs in an attribute position or value, and a
quoted value must then pass a kses check (:mod:`.kses`) or the attribute is left as it was."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Protocol

from broadsheet.render.autop import HTML_TAG_RE, shortcode_unautop
from broadsheet.render.context import Attachment, RenderContext
from broadsheet.render.shortcodes.attributes import parse_shortcode_atts
from broadsheet.render.shortcodes.kses import kses_one_attr, split_element
from broadsheet.render.shortcodes.values import PCRE_SPACE as _S
from broadsheet.render.shortcodes.values import PHP_TRIM

__all__ = ["Handler", "ShortcodeContext", "Shortcodes"]

Handler = Callable[[dict[str, str], str | None, RenderContext], str]

_INVALID_NAME = re.compile(r"[<>&/\[\]\x00-\x20=]")
_CANDIDATE_NAMES = re.compile(r"\[([^<>&/\[\]\x00-\x20=]++)")
_ODD_ELEMENT = re.compile(rf"^<{_S}*\[\[?[^\[\]]+\]")


class ShortcodeContext(RenderContext, Protocol):
    """Optional extras the core handlers use when the context provides them."""

    post_id: int

    def attached_media(self, post_id: int, mime_prefix: str) -> Sequence[Attachment]:
        """Attachments whose parent is ``post_id`` and whose MIME type starts with the prefix."""
        ...

    def oembed_html(self, url: str, attrs: Mapping[str, str]) -> str | None:
        """Cached oEmbed HTML for ``url`` (``"{{unknown}}"`` for a cached failure), or None."""
        ...


@lru_cache(maxsize=64)
def _shortcode_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    """WordPress's get_shortcode_regex() for these names (groups 1–6 as in WordPress)."""
    tags = "|".join(re.escape(name) for name in names)
    return re.compile(
        rf"\[(\[?)({tags})(?![A-Za-z0-9_-])"
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
        r"(\]?)"
    )


_ESCAPE_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})


def _unescape_brackets(text: str) -> str:
    return text.replace("&#91;", "[").replace("&#93;", "]") if "&#9" in text else text


class Shortcodes:
    """A set of registered shortcodes and the operations WordPress performs with them."""

    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        self._handlers: dict[str, Handler] = {}
        for name, handler in (handlers or {}).items():
            self.register(name, handler)

    def register(self, name: str, handler: Handler) -> None:
        """Register (or replace) a shortcode; names with ``<>&/[]=``, spaces or controls are refused."""
        if not name.strip(PHP_TRIM) or _INVALID_NAME.search(name):
            raise ValueError(f"invalid shortcode name: {name!r}")
        self._handlers[name] = handler

    @property
    def names(self) -> tuple[str, ...]:
        """Registered names in registration order."""
        return tuple(self._handlers)

    def __contains__(self, name: object) -> bool:
        return name in self._handlers

    def subset(self, names: Iterable[str]) -> Shortcodes:
        """A registry holding only the given (registered) shortcodes."""
        wanted = set(names)
        return Shortcodes({n: h for n, h in self._handlers.items() if n in wanted})

    def _present(self, text: str) -> tuple[str, ...]:
        """Registered names that occur after a ``[`` in ``text``, in registration order."""
        if "[" not in text or not self._handlers:
            return ()
        found = set(_CANDIDATE_NAMES.findall(text))
        return tuple(name for name in self._handlers if name in found)

    def do_shortcode(self, text: str, ctx: RenderContext, *, ignore_html: bool = False) -> str:
        """Replace registered shortcodes in ``text`` by their handlers' output."""
        names = self._present(text)
        if not names:
            return text
        pattern = _shortcode_regex(names)

        def call(m: re.Match[str]) -> str:
            return self._call(m, ctx)

        text = self._inside_html_tags(text, ignore_html, pattern, call)
        return _unescape_brackets(pattern.sub(call, text))

    def _call(self, m: re.Match[str], ctx: RenderContext) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return m.group()[1:-1]
        attrs = parse_shortcode_atts(m.group(3))
        content = m.group(5) or ""
        output = self._handlers[m.group(2)](attrs, content, ctx)
        return m.group(1) + (output or "") + m.group(6)

    def strip_shortcodes(self, text: str) -> str:
        """Remove registered shortcodes (with enclosed content); ``[[x]]`` becomes ``[x]``."""
        names = self._present(text)
        if not names:
            return text
        pattern = _shortcode_regex(names)
        text = self._inside_html_tags(text, True, pattern, _strip_one)
        return _unescape_brackets(pattern.sub(_strip_one, text))

    def unautop(self, text: str) -> str:
        """shortcode_unautop() with this registry's names."""
        return shortcode_unautop(text, self.names)

    @staticmethod
    def _inside_html_tags(
        text: str, ignore_html: bool, pattern: re.Pattern[str], call: Callable[[re.Match[str]], str]
    ) -> str:
        """Run shortcodes inside tag attributes where WordPress allows it; escape other brackets."""
        text = text.replace("&#91;", "&#091;").replace("&#93;", "&#093;")
        if "<" not in text:
            return text

        def element(m: re.Match[str]) -> str:
            return _shortcodes_in_element(m.group(), ignore_html, pattern, call)

        return HTML_TAG_RE.sub(element, text)


def _strip_one(m: re.Match[str]) -> str:
    if m.group(1) == "[" and m.group(6) == "]":
        return m.group()[1:-1]
    return m.group(1) + m.group(6)


def _shortcodes_in_element(
    element: str, ignore_html: bool, pattern: re.Pattern[str], call: Callable[[re.Match[str]], str]
) -> str:
    """do_shortcodes_in_html_tags() for one tag or comment."""
    has_open, has_close = "[" in element, "]" in element
    if not has_open or not has_close:
        return element.translate(_ESCAPE_BRACKETS) if has_open or has_close else element
    if ignore_html or element.startswith("<!--") or element.startswith("<![CDATA["):
        return element.translate(_ESCAPE_BRACKETS)
    parts = split_element(element)
    if parts is None:
        if _ODD_ELEMENT.match(element):
            element = pattern.sub(call, element)
        return element.translate(_ESCAPE_BRACKETS)
    front, *attrs, back = parts
    name = re.search(r"[a-zA-Z0-9]+", front).group()  # type: ignore[union-attr]
    for i, attr in enumerate(attrs):
        opening, closing = attr.find("["), attr.find("]")
        if opening < 0 or closing < 0:
            continue
        double, single = attr.find('"'), attr.find("'")
        if (single < 0 or opening < single) and (double < 0 or opening < double):
            attrs[i] = pattern.sub(call, attr)  # unquoted: written by someone with unfiltered_html
            continue
        replaced, count = pattern.subn(call, attr)
        if count:
            cleaned = kses_one_attr(replaced, name)
            if cleaned.strip(PHP_TRIM):
                attrs[i] = cleaned
    return (front + "".join(attrs) + back).translate(_ESCAPE_BRACKETS)
