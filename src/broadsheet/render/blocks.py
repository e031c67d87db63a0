"""Block markup: the block grammar (parse and serialise) and ``do_blocks`` rendering.

The parser reproduces WordPress's default block parser (``WP_Block_Parser``) exactly, including
its recovery behaviour: unclosed blocks are closed at the end of the input (and, when nested,
emitted as *top-level* blocks one after the other), a closer without an opener turns the rest of
the document into freeform HTML, a closer's name is not checked against its opener, malformed
attribute JSON yields ``attrs = None``, and a chunk of HTML that is exactly ``"0"`` is dropped
(PHP's ``empty()``).

Rendering follows ``do_blocks``/``WP_Block::render``: inner blocks are rendered first and
re-interleaved with the parent's saved HTML; a dynamic block's callback replaces that HTML; then
the render-time rewrites of static markup that WordPress itself makes (layout support classes,
``wp-block-heading``/``wp-block-list``/``wp-block-paragraph`` depending on the version), then the
registered ``render_block`` filters (contract §4.3).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from broadsheet.compat import parse_version
from broadsheet.phpjson import dumps_bytes, php_shape
from broadsheet.render.context import RenderContext
from broadsheet.render.escape import esc_attr
from broadsheet.render.images import render_state
from broadsheet.render.php import PCRE_SPACE as _WS  # byte-mode PCRE, as PHP's preg functions
from broadsheet.render.php import php_serialize, php_string

__all__ = [
    "Block",
    "BlockFilter",
    "BlockRegistry",
    "RenderCallback",
    "add_class_to_first_tag",
    "has_block",
    "has_blocks",
    "parse_blocks",
    "parse_blocks_with_cuts",
    "render_block",
    "render_blocks",
    "render_parsed_blocks",
    "serialize_block",
    "serialize_block_attributes",
    "serialize_blocks",
    "version_tuple",
]

_TOKEN = re.compile(
    rf"<!--{_WS}+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*){_WS}+"
    rf"(?P<attrs>\{{(?:(?:[^}}]+|\}}+(?=\}})|(?!\}}{_WS}+/?-->).)*+)?\}}{_WS}+)?(?P<void>/)?-->",
    re.DOTALL,
)


@dataclass(slots=True)
class Block:
    """One parsed block; ``name`` is None for freeform HTML, ``attrs`` None for malformed JSON."""

    name: str | None
    attrs: dict[str, Any] | None = field(default_factory=dict)
    inner_blocks: list[Block] = field(default_factory=list)
    inner_html: str = ""
    inner_content: list[str | None] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The block as WordPress's parsed-block array (``blockName``, ``attrs``, …)."""
        return {
            "blockName": self.name,
            "attrs": self.attrs,
            "innerBlocks": [inner.to_dict() for inner in self.inner_blocks],
            "innerHTML": self.inner_html,
            "innerContent": list(self.inner_content),
        }


# --------------------------------------------------------------------------------------------
# Attribute JSON (PHP json_decode semantics)
# --------------------------------------------------------------------------------------------

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _php_int(text: str) -> int | float:
    value = int(text)
    return value if _INT64_MIN <= value <= _INT64_MAX else float(text)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_int=_php_int)


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _decode_attrs(raw: str) -> dict[str, Any] | None:
    """``json_decode($raw, true)``: the attributes, or None when PHP would fail to decode."""
    try:
        value = _DECODER.decode(raw)
    except (ValueError, RecursionError):
        return None
    if "\\u" in raw and _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(value):
        return None
    return value if isinstance(value, dict) else None


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------


class _Frame:
    """A block opened but not yet closed."""

    __slots__ = ("block", "token_start", "token_length", "prev_offset", "leading_html_start")

    def __init__(self, block: Block, start: int, length: int, leading: int | None) -> None:
        self.block = block
        self.token_start = start
        self.token_length = length
        self.prev_offset = start + length
        self.leading_html_start = leading


def _non_empty(html: str) -> bool:
    """PHP's ``! empty( $html )`` for a string: neither ``""`` nor ``"0"``."""
    return html != "" and html != "0"


def _freeform(html: str) -> Block:
    return Block(None, {}, [], html, [html])


class _Parser:
    """One run of the block grammar over a document."""

    def __init__(self, document: str) -> None:
        self.doc = document
        self.offset = 0
        self.output: list[Block] = []
        self.stack: list[_Frame] = []

    def parse(self) -> list[Block]:
        for match in _TOKEN.finditer(self.doc):
            if not self.token(match):
                return self.output
        self.end_of_input()
        return self.output

    def parse_with_cuts(self) -> tuple[list[Block], dict[int, int]]:
        """The blocks, and {offset: block count} for every offset after a top-level delimiter.

        A document cut at such an offset parses into exactly that many leading blocks: every
        delimiter before the cut is matched alike, and nothing is open at the cut.
        """
        cuts: dict[int, int] = {}
        for match in _TOKEN.finditer(self.doc):
            if not self.token(match):
                return self.output, cuts
            if not self.stack:
                cuts[match.end()] = len(self.output)
        self.end_of_input()
        return self.output, cuts

    def token(self, match: re.Match[str]) -> bool:
        """Handle one delimiter; False when parsing stops."""
        closer, namespace, name, attrs, void = match.groups()
        start, end = match.span()
        offset, stack = self.offset, self.stack
        if closer and not void:
            if not stack:
                self.add_freeform()
                return False
            if len(stack) == 1:  # a top-level block ends (add_block_from_stack, inlined)
                top = stack.pop()
                block = top.block
                html = self.doc[top.prev_offset : start]
                if html and html != "0":
                    block.inner_html += html
                    block.inner_content.append(html)
                if top.leading_html_start is not None:
                    self.output.append(
                        _freeform(self.doc[top.leading_html_start : top.token_start])
                    )
                self.output.append(block)
            else:
                self.close_nested(start, end)
        else:
            block = Block(
                (namespace or "core/") + name,
                {} if attrs is None else _decode_attrs(attrs),
                [],
                "",
                [],
            )
            if not void:
                stack.append(_Frame(block, start, end - start, offset if start > offset else None))
            elif stack:
                self.add_inner_block(block, start, end - start)
            else:
                if start > offset:
                    self.output.append(_freeform(self.doc[offset:start]))
                self.output.append(block)
        self.offset = end
        return True

    def end_of_input(self) -> None:
        if not self.stack:
            self.add_freeform()
        while self.stack:
            self.add_block_from_stack(None)

    def close_nested(self, start: int, end: int) -> None:
        top = self.stack.pop()
        html = self.doc[top.prev_offset : start]
        top.block.inner_html += html
        top.block.inner_content.append(html)
        top.prev_offset = end
        self.add_inner_block(top.block, top.token_start, top.token_length, end)

    def add_freeform(self) -> None:
        if self.offset < len(self.doc):
            self.output.append(_freeform(self.doc[self.offset :]))

    def add_inner_block(
        self, block: Block, token_start: int, token_length: int, last_offset: int | None = None
    ) -> None:
        parent = self.stack[-1]
        parent.block.inner_blocks.append(block)
        html = self.doc[parent.prev_offset : token_start]
        if _non_empty(html):
            parent.block.inner_html += html
            parent.block.inner_content.append(html)
        parent.block.inner_content.append(None)
        parent.prev_offset = last_offset if last_offset else token_start + token_length

    def add_block_from_stack(self, end_offset: int | None) -> None:
        top = self.stack.pop()
        html = self.doc[top.prev_offset : end_offset]
        if _non_empty(html):
            top.block.inner_html += html
            top.block.inner_content.append(html)
        if top.leading_html_start is not None:
            self.output.append(_freeform(self.doc[top.leading_html_start : top.token_start]))
        self.output.append(top.block)


def parse_blocks(content: str) -> list[Block]:
    """Parse block markup into blocks, exactly as WordPress's default block parser does."""
    return _Parser(content).parse()


def parse_blocks_with_cuts(content: str) -> tuple[list[Block], dict[int, int]]:
    """:func:`parse_blocks`, and where the document may be cut: {offset: leading block count}.

    ``parse_blocks(content[:offset])`` equals the first ``count`` blocks for each such offset.
    """
    return _Parser(content).parse_with_cuts()


def has_blocks(content: str) -> bool:
    """Whether the text contains a block delimiter (WordPress's ``has_blocks``)."""
    return "<!-- wp:" in content


def has_block(name: str, content: str) -> bool:
    """Whether the text contains an opener of the named block (``core/`` may be omitted)."""
    if "/" not in name:
        name = "core/" + name
    if f"<!-- wp:{name} " in content:
        return True
    return name.startswith("core/") and f"<!-- wp:{name[5:]} " in content


# --------------------------------------------------------------------------------------------
# Serialisation
# --------------------------------------------------------------------------------------------


_ATTR_ESCAPES = (
    ("--", "\\u002d\\u002d"),
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ('\\"', "\\u0022"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def serialize_block_attributes(attrs: dict[str, Any]) -> str:
    """Attribute JSON as the editor and ``serialize_block_attributes`` write it."""
    # Empty JSON objects come back from PHP as empty arrays and re-encode as ``[]``.
    encoded = json.dumps(php_shape(attrs), ensure_ascii=False, separators=(",", ":"))
    for needle, replacement in _ATTR_ESCAPES:
        encoded = encoded.replace(needle, replacement)
    return encoded


def serialize_block(block: Block) -> str:
    """One block back to its comment-delimited markup (freeform blocks: their HTML)."""
    inner = iter(block.inner_blocks)
    content = "".join(
        chunk if chunk is not None else serialize_block(next(inner))
        for chunk in block.inner_content
    )
    if block.name is None:
        return content
    name = block.name[5:] if block.name.startswith("core/") else block.name
    attrs = serialize_block_attributes(block.attrs) + " " if block.attrs else ""
    if not _non_empty(content):
        return f"<!-- wp:{name} {attrs}/-->"
    return f"<!-- wp:{name} {attrs}-->{content}<!-- /wp:{name} -->"


def serialize_blocks(blocks: list[Block]) -> str:
    """A list of blocks back to block markup."""
    return "".join(serialize_block(block) for block in blocks)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

RenderCallback = Callable[[Block, str, RenderContext], str]
BlockFilter = Callable[[str, Block, RenderContext], str]


class BlockRegistry:
    """Dynamic block callbacks and ``render_block`` filters."""

    def __init__(self) -> None:
        self._callbacks: dict[str, RenderCallback] = {}
        self._filters: list[BlockFilter] = []
        self._block_filters: dict[str, list[BlockFilter]] = {}

    def register(self, name: str, render: RenderCallback) -> None:
        """Make a block dynamic: ``render(block, inner_html, ctx)`` replaces its saved HTML."""
        if "/" not in name:
            name = "core/" + name
        self._callbacks[name] = render

    def is_dynamic(self, name: str | None) -> bool:
        """Whether a callback is registered for this block name."""
        return name in self._callbacks

    def add_filter(self, fn: BlockFilter, block_name: str | None = None) -> None:
        """Run ``fn(html, block, ctx)`` on every rendered block (``render_block``), or only on
        one block type after the generic filters (``render_block_{name}``)."""
        if block_name is None:
            self._filters.append(fn)
        else:
            name = block_name if "/" in block_name else "core/" + block_name
            self._block_filters.setdefault(name, []).append(fn)

    @property
    def filters(self) -> tuple[BlockFilter, ...]:
        """The ``render_block`` filters in registration order."""
        return tuple(self._filters)

    def block_filters(self, name: str) -> tuple[BlockFilter, ...]:
        """The ``render_block_{name}`` filters of one block type."""
        return tuple(self._block_filters.get(name, ()))


# --------------------------------------------------------------------------------------------
# HTML class injection (a small subset of WP_HTML_Tag_Processor)
# --------------------------------------------------------------------------------------------

_TAG_OR_COMMENT = re.compile(
    r"<!--.*?(?:-->|\Z)|<([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL
)
_ATTRIBUTE = re.compile(
    r"[\s/]*(?:([^\s/>\"'=][^\s/>=]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]*))?)?"
)
_CLASS_NAME = re.compile(r"([ \t\f\r\n]*)([^ \t\f\r\n]+)")


@dataclass(slots=True)
class _Tag:
    start: int  # index of "<"
    name_end: int  # index just after the tag name
    end: int  # index just after ">"


def _tags(html: str) -> Iterator[_Tag]:
    for match in _TAG_OR_COMMENT.finditer(html):
        if match.group(1) is not None:
            yield _Tag(match.start(), match.end(1), match.end())


def _class_attribute(html: str, tag: _Tag) -> re.Match[str] | None:
    """The first ``class`` attribute of a tag (group 1: name, group 2: raw value)."""
    pos, end = tag.name_end, tag.end - 1
    while pos < end:
        match = _ATTRIBUTE.match(html, pos, end)
        if match is None or match.end() == pos:
            pos += 1
            continue
        if match.group(1) is not None and match.group(1).lower() == "class":
            return match
        pos = match.end()
    return None


def _class_value(match: re.Match[str] | None) -> str:
    raw = (match.group(2) or "") if match is not None else ""
    return raw[1:-1] if raw[:1] in ('"', "'") else raw


def _merged_class(existing: str, added: list[str]) -> str | None:
    """The tag processor's new class value, or None when no class is added."""
    value, seen = "", set()
    for match in _CLASS_NAME.finditer(existing):
        space, name = match.groups()
        if name in seen:
            continue
        seen.add(name)
        value = value + space + name if value else name
    changed = False
    for name in added:
        if name and name not in seen:
            value = f"{value} {name}" if value else name
            seen.add(name)
            changed = True
    return value if changed else None


def _with_classes(html: str, tag: _Tag, added: list[str]) -> str:
    """Append classes to the class attribute of one tag (adding the attribute if needed)."""
    attr = _class_attribute(html, tag)
    merged = _merged_class(_class_value(attr), added)
    if merged is None:
        return html
    replacement = 'class="' + merged.replace('"', "&quot;") + '"'
    if attr is None:
        return f"{html[: tag.name_end]} {replacement}{html[tag.name_end :]}"
    return html[: attr.start(1)] + replacement + html[attr.end() :]


# A first tag as editors save it: a bare name and at most a plain class attribute.
_SIMPLE_TAG = re.compile(r'<([a-zA-Z][a-zA-Z0-9]*)(?: class="([A-Za-z0-9_ -]*)")?>')


def add_class_to_first_tag(html: str, class_name: str, tag_names: frozenset[str]) -> str:
    """Add a class to the first tag whose (lower-case) name is in ``tag_names``."""
    simple = _SIMPLE_TAG.match(html, max(html.find("<"), 0))
    if simple is not None and simple.group(1).lower() in tag_names:
        present = simple.group(2)
        if present is not None and class_name in present.split(" "):
            return html  # the first tag is the one, and it has the class already
    for tag in _tags(html):
        if html[tag.start + 1 : tag.name_end].lower() in tag_names:
            return _with_classes(html, tag, [class_name])
    return html


# --------------------------------------------------------------------------------------------
# Layout support (render_block filter of core)
# --------------------------------------------------------------------------------------------

# Core blocks that support layout, with their block.json default layout and blockGap default.
_LAYOUT_SUPPORT: dict[str, tuple[dict[str, Any], str]] = {
    "core/buttons": ({"type": "flex"}, "0.5em"),
    "core/column": ({}, "0.5em"),
    "core/columns": ({"type": "flex", "flexWrap": "nowrap"}, "2em"),
    "core/comments-pagination": ({"type": "flex"}, "0.5em"),
    "core/gallery": ({"type": "flex"}, "0.5em"),
    "core/group": ({}, "0.5em"),
    "core/navigation": ({"type": "flex"}, "0.5em"),
    "core/post-content": ({}, "0.5em"),
    "core/post-template": ({}, "0.5em"),
    "core/query-pagination": ({"type": "flex"}, "0.5em"),
    "core/query": ({}, "0.5em"),
    "core/social-links": ({"type": "flex"}, "0.5em"),
}
_LAYOUT_CLASSES = {
    "default": "is-layout-flow",
    "constrained": "is-layout-constrained",
    "flex": "is-layout-flex",
}
_FLEX_JUSTIFY = frozenset({"left", "right", "center", "space-between"})
_FLEX_ALIGN = frozenset({"top", "center", "bottom"})
_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")


def _slug(value: Any) -> str:
    return _NOT_SLUG.sub("-", str(value).lower()).strip("-")


def _used_layout(block: Block, default: dict[str, Any]) -> dict[str, Any]:
    attrs = block.attrs or {}
    layout = attrs.get("layout", default)
    layout = dict(layout) if isinstance(layout, dict) else {}
    if layout.get("inherit") or layout.get("contentSize"):
        layout["type"] = "constrained"
    return layout


def _layout_has_style(layout: dict[str, Any]) -> bool:
    """Whether WordPress generates container CSS (no theme blockGap support assumed)."""
    kind = layout.get("type", "default")
    if kind == "constrained":
        return bool(layout.get("contentSize") or layout.get("wideSize")) or layout.get(
            "justifyContent"
        ) in ("left", "right")
    if kind == "flex":
        if layout.get("flexWrap") == "nowrap" or layout.get("orientation", "horizontal") != (
            "horizontal"
        ):
            return True
        return (
            layout.get("justifyContent") in _FLEX_JUSTIFY
            or layout.get("verticalAlignment") in _FLEX_ALIGN
        )
    return kind == "grid"


def _attribute_layout_classes(block: Block) -> list[str]:
    layout = (block.attrs or {}).get("layout")
    if not isinstance(layout, dict):
        return []
    classes = []
    if layout.get("orientation"):
        classes.append("is-" + _slug(layout["orientation"]))
    if layout.get("justifyContent"):
        classes.append("is-content-justification-" + _slug(layout["justifyContent"]))
    if layout.get("flexWrap") == "nowrap":
        classes.append("is-nowrap")
    return classes


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def version_tuple(version: str) -> tuple[int, int]:
    """``"6.1.9"`` → ``(6, 1)`` (:func:`broadsheet.compat.parse_version`'s major and minor)."""
    major, minor, _ = parse_version(version)
    return major, minor


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_PARAGRAPH = frozenset({"p"})

# Static core blocks that newer versions give a server render callback adding a class.
_CLASS_INJECTIONS: dict[str, tuple[tuple[int, int], str, frozenset[str]]] = {
    "core/heading": ((6, 2), "wp-block-heading", _HEADINGS),
    "core/list": ((6, 6), "wp-block-list", _LISTS),
    "core/paragraph": ((7, 0), "wp-block-paragraph", _PARAGRAPH),
}


class _Render:
    """One ``do_blocks`` run: the registry, the context and its per-request counters."""

    __slots__ = ("callbacks", "filters", "block_filters", "ctx", "version", "state")

    def __init__(self, registry: BlockRegistry, ctx: RenderContext) -> None:
        self.callbacks = registry._callbacks
        self.filters = registry._filters
        self.block_filters = registry._block_filters
        self.ctx = ctx
        self.version = version_tuple(ctx.options.wp_version)
        self.state = render_state(ctx)

    def block(self, block: Block, built: Block | None = None) -> str:
        """Render one block and its inner blocks (``render_block``, or ``WP_Block::render`` of an
        inner block when ``built`` is given).

        ``block`` is the parsed block as the ``render_block`` filters see it; ``built`` the one
        its inner blocks, inner content and callback attributes come from. They differ for an
        inner block that a ``render_block_data`` filter changed: WordPress built the inner
        block's own inner blocks before the filter ran.
        """
        if built is None:
            block = built = block_data(block)
        name = block.name
        if name is None and not self.filters:
            return block.inner_html
        if built.inner_blocks:
            inner = iter(built.inner_blocks)
            html = "".join(
                chunk if chunk is not None else self.inner(next(inner))
                for chunk in built.inner_content
            )
        else:
            chunks = built.inner_content
            if len(chunks) == 1 and chunks[0] is not None:
                html = chunks[0]
            else:
                html = "".join(c for c in chunks if c is not None)
        if name is not None:
            html = self.core_rewrites(block, built, name, html)
        for fn in self.filters:
            html = fn(html, block, self.ctx)
        for fn in self.block_filters.get(name, ()) if name is not None else ():
            html = fn(html, block, self.ctx)
        return html

    def inner(self, child: Block) -> str:
        """An inner block: ``render_block_data`` applies to it, not to what it was built from."""
        return self.block(block_data(child), child)

    def core_rewrites(self, block: Block, built: Block, name: str, html: str) -> str:
        """The dynamic callback (or version class injection), then core's block supports in
        WordPress's filter order: duotone, elements (link colour), layout."""
        callback = self.callbacks.get(name)
        if callback is not None:
            html = str(callback(built, html, self.ctx))
        elif name in _CLASS_INJECTIONS and html:
            since, class_name, tag_names = _CLASS_INJECTIONS[name]
            if self.version >= since:
                html = add_class_to_first_tag(html, class_name, tag_names)
        attrs = block.attrs
        if attrs and isinstance(attrs.get("style"), dict):
            if name in _DUOTONE_SUPPORT and self.version < (6, 3):
                html = self.duotone(attrs["style"], html)
            if name not in _SKIP_COLOR_SERIALIZATION:
                html = _elements(block, html, self.version)
        if name in _LAYOUT_SUPPORT:
            html = self.layout(block, name, html)
        return html

    def unique_id(self, prefix: str) -> str:
        """``wp_unique_id( $prefix )``: one counter for every prefix, per request."""
        return prefix + self.state.instance("uid")

    def duotone(self, style: dict[str, Any], html: str) -> str:
        """WordPress 6.1/6.2 duotone support: a ``wp-duotone-…-N`` class on the first ``class="``."""
        color = style.get("color")
        if not isinstance(color, dict) or color.get("duotone") is None:
            return html
        colors = color["duotone"]
        key = "-".join(php_string(c) for c in colors) if isinstance(colors, list) else php_string(colors)
        filter_id = "wp-duotone-" + self.unique_id(_sanitize_key(key + "-"))
        return html.replace('class="', f'class="{filter_id} ', 1)

    def layout(self, block: Block, name: str, html: str) -> str:
        default, fallback_gap = _LAYOUT_SUPPORT[name]
        layout = _used_layout(block, default)
        kind = layout.get("type", "default")
        if self.version < (6, 3):
            return self.layout_classic(block, layout, kind, html)
        return self.layout_modern(block, name, layout, kind, fallback_gap, html)

    def layout_classic(self, block: Block, layout: dict[str, Any], kind: str, html: str) -> str:
        """WordPress 6.1/6.2: classes prepended to the first ``class="``, global counter."""
        container = self.unique_id("wp-container-")
        classes = _attribute_layout_classes(block)
        if kind in _LAYOUT_CLASSES:
            classes.append(_LAYOUT_CLASSES[kind])
        if _layout_has_style(layout):
            classes.append(container)
        return html.replace('class="', 'class="' + " ".join(classes) + " ", 1)

    def layout_modern(
        self,
        block: Block,
        name: str,
        layout: dict[str, Any],
        kind: str,
        fallback_gap: str,
        html: str,
    ) -> str:
        """WordPress 6.3+: classes appended to the wrapper tag through the tag processor."""
        tags = list(_tags(html))
        if not tags:
            return html
        layout_class = _LAYOUT_CLASSES.get(kind, "is-layout-grid" if kind == "grid" else "")
        classes = _attribute_layout_classes(block)
        if layout_class:
            classes.append(layout_class)
        container = self.container_class(block, name, layout, fallback_gap)
        if _layout_has_style(layout):
            classes.append(container)
        classes.append(f"wp-block-{name.rsplit('/', 1)[-1]}-{layout_class}")
        tag = _layout_wrapper(html, tags, block)
        return html if tag is None else _with_classes(html, tag, classes)

    def container_class(
        self, block: Block, name: str, layout: dict[str, Any], fallback_gap: str
    ) -> str:
        """The per-version container class (counter, per-prefix counter, then a hash)."""
        if self.version < (6, 4):
            return self.unique_id("wp-container-")
        infix = "layout" if self.version < (6, 5) else "is-layout"
        prefix = f"wp-container-{_slug(name.replace('/', '-'))}-{infix}-"
        if self.version < (6, 8):
            return prefix + self.state.instance("unique-id:" + prefix)
        style = (block.attrs or {}).get("style")
        spacing = style.get("spacing") if isinstance(style, dict) else None
        gap = spacing.get("blockGap") if isinstance(spacing, dict) else None
        values = [layout, False, gap, False, fallback_gap, spacing]
        return prefix + hashlib.md5(dumps_bytes(values)).hexdigest()[:8]


def _layout_wrapper(html: str, tags: list[_Tag], block: Block) -> _Tag | None:
    """The tag modern layout support decorates: the inner-block wrapper, else the first tag."""
    wrapper_classes = ""
    first = block.inner_content[0] if block.inner_content else None
    if isinstance(first, str) and len(block.inner_content) > 1:
        for tag in _tags(first):
            value = _class_value(_class_attribute(first, tag))
            if value:
                wrapper_classes = value
    if not wrapper_classes:
        return tags[0]
    for tag in tags:
        if wrapper_classes in _class_value(_class_attribute(html, tag)):
            return tag
    return None


# --------------------------------------------------------------------------------------------
# Core's render_block_data filter and block supports besides layout
# --------------------------------------------------------------------------------------------

# Blocks whose block.json supports ``color.__experimentalDuotone`` (WordPress 6.1).
_DUOTONE_SUPPORT = frozenset(
    {"core/avatar", "core/cover", "core/image", "core/post-author", "core/post-featured-image",
     "core/site-logo"}
)  # fmt: skip
# Blocks whose block.json skips serialising every colour support (no elements class).
_SKIP_COLOR_SERIALIZATION = frozenset({"core/button", "core/search", "core/separator", "core/table"})
_NOT_KEY = re.compile(r"[^a-z0-9_\-]")


def _sanitize_key(key: str) -> str:
    """WordPress's ``sanitize_key``: lower case, only ``a-z0-9_-`` kept."""
    return _NOT_KEY.sub("", key.lower())


def block_data(block: Block) -> Block:
    """Core's ``render_block_data`` filter: a gallery gives each inner image block whose
    ``id`` is set a ``data-id`` attribute (a copy is returned; the block is not changed)."""
    if block.name != "core/gallery" or not block.inner_blocks:
        return block
    changed = False
    inner_blocks = []
    for inner in block.inner_blocks:
        attrs = inner.attrs
        if (
            inner.name == "core/image"
            and isinstance(attrs, dict)
            and attrs.get("id") is not None
            and attrs.get("data-id") is None
        ):
            inner = Block(inner.name, {**attrs, "data-id": esc_attr(php_string(attrs["id"]))},
                          inner.inner_blocks, inner.inner_html, inner.inner_content)  # fmt: skip
            changed = True
        inner_blocks.append(inner)
    if not changed:
        return block
    return Block(block.name, block.attrs, inner_blocks, block.inner_html, block.inner_content)


def _elements(block: Block, html: str, version: tuple[int, int]) -> str:
    """Elements support: a block with a link colour gets a ``wp-elements-{hash}`` class (the hash
    is the MD5 of PHP's ``serialize()`` of the parsed block)."""
    if not html or html == "0":
        return html
    style = (block.attrs or {}).get("style")
    elements = style.get("elements") if isinstance(style, dict) else None
    link = elements.get("link") if isinstance(elements, dict) else None
    color = link.get("color") if isinstance(link, dict) else None
    if not isinstance(color, dict) or color.get("text") is None:
        return html
    serialized = php_serialize(block.to_dict()).encode("utf-8", "surrogatepass")
    class_name = "wp-elements-" + hashlib.md5(serialized).hexdigest()
    if version >= (6, 2):  # the tag processor: appended to the first tag's classes
        first = next(_tags(html), None)
        return html if first is None else _with_classes(html, first, [class_name])
    found = _FIRST_ELEMENT.search(html)
    if found is None:  # PHP reads a missing match as offset 0, length 0
        at = len(html) - 1
        return html[:at] + f' class="{class_name}"' + html[at:]
    if 'class="' in found.group():
        return html.replace('class="', f'class="{class_name} ', 1)
    at = found.end() - 1
    return html[:at] + f' class="{class_name}"' + html[at:]


_FIRST_ELEMENT = re.compile(r"<[^>]+>")


def render_blocks(content: str, registry: BlockRegistry, ctx: RenderContext) -> str:
    """``do_blocks``: parse block markup and render every block."""
    run = _Render(registry, ctx)
    return "".join(run.block(block) for block in parse_blocks(content))


def render_parsed_blocks(
    blocks: list[Block], registry: BlockRegistry, ctx: RenderContext
) -> list[str]:
    """``do_blocks`` over already parsed blocks: each top-level block's HTML (join them for the page)."""
    run = _Render(registry, ctx)
    return [run.block(block) for block in blocks]


def render_block(block: Block, registry: BlockRegistry, ctx: RenderContext) -> str:
    """``render_block``: render one parsed block (counters go on from the context's)."""
    return _Render(registry, ctx).block(block)
