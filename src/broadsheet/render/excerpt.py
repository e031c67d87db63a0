"""Excerpts: ``wp_trim_words``, the excerpt-safe block filter and the generated excerpt text.

A generated excerpt (contract §4.5, ``wp_trim_excerpt``) is built from the teaser (first
``<!--nextpage-->`` page, part before ``<!--more-->``), with registered shortcodes removed, only
excerpt-safe blocks rendered, footnote anchors removed, the content filters applied (without
block rendering), and finally trimmed to N words. The display filters that turn that text into
``excerpt.rendered`` belong to the pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from broadsheet.render.blocks import Block, has_block, has_blocks, parse_blocks
from broadsheet.render.php import PHP_TRIM, php_int
from broadsheet.render.slugs import strip_tags

__all__ = [
    "EXCERPT_ALLOWED_BLOCKS",
    "EXCERPT_WRAPPER_BLOCKS",
    "excerpt_remove_blocks",
    "excerpt_remove_footnotes",
    "force_balance_tags",
    "generated_excerpt_text",
    "strip_all_tags",
    "teaser",
    "wp_trim_words",
]


# --------------------------------------------------------------------------------------------
# wp_strip_all_tags / wp_trim_words
# --------------------------------------------------------------------------------------------

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)[^>]*?>.*?</\1>", re.IGNORECASE | re.DOTALL)
# A tag PHP's strip_tags() removes in one go: "<" not followed by whitespace, quoted values.
_PLAIN_TAG = re.compile(r"<(?![\t\n\x0b\x0c\r ])(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>")
_ODD_TAG_START = re.compile(r"<(?![\t\n\x0b\x0c\r ])(?!(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>)")
_TAG_SPACES = ("\t", "\n", "\x0b", "\x0c", "\r", " ")
_WORD_SEPARATORS = re.compile(r"[\n\r\t ]+")
_BREAKS = re.compile(r"[\r\n\t ]+")


def _strip_tags(text: str) -> str:
    """PHP ``strip_tags``: a regex for plain tags, the full state machine for anything else."""
    if "<!" in text or "<?" in text or "\0" in text:
        return strip_tags(text)
    stripped, removed = _PLAIN_TAG.subn("", text)
    # When every "<" not followed by a space started a removed tag, none is an odd tag start;
    # otherwise look for one (a "<" inside a quoted attribute value may still be fine).
    starts = text.count("<") - sum(text.count("<" + space) for space in _TAG_SPACES)
    if removed != starts and _ODD_TAG_START.search(text):
        return strip_tags(text)
    return stripped


def strip_all_tags(text: str, remove_breaks: bool = False) -> str:
    """``wp_strip_all_tags``: drop tags and the contents of script/style, then trim."""
    if "<" in text:
        text = _strip_tags(_SCRIPT_OR_STYLE.sub("", text))
    if remove_breaks:
        text = _BREAKS.sub(" ", text)
    return text.strip(PHP_TRIM)


def _php_split_words(text: str, limit: int) -> list[str]:
    """``preg_split('/[\\n\\r\\t ]+/', $text, $limit, PREG_SPLIT_NO_EMPTY)``."""
    if limit == 1:
        return [text] if text else []
    pieces = _WORD_SEPARATORS.split(text, maxsplit=max(limit - 1, 0))
    return [piece for piece in pieces if piece]


def wp_trim_words(
    text: str,
    num_words: int | str | None = 55,
    more: str | None = None,
    *,
    count_chars: bool = False,
) -> str:
    """Strip tags and keep the first ``num_words`` words (or characters), then ``more``."""
    if more is None:
        more = "&hellip;"
    text = strip_all_tags(text)
    num_words = php_int(num_words)
    limit = num_words + 1
    if count_chars:
        characters = list(_WORD_SEPARATORS.sub(" ", text).strip(" "))
        words, separator = characters[:limit], ""
    else:
        words, separator = _php_split_words(text, limit), " "
    if len(words) > num_words:
        return separator.join(words[:-1]) + more
    return separator.join(words)


# --------------------------------------------------------------------------------------------
# Excerpt-safe blocks
# --------------------------------------------------------------------------------------------

EXCERPT_ALLOWED_BLOCKS: frozenset[str | None] = frozenset(
    {
        None,
        "core/freeform",
        "core/heading",
        "core/html",
        "core/list",
        "core/media-text",
        "core/paragraph",
        "core/preformatted",
        "core/pullquote",
        "core/quote",
        "core/table",
        "core/verse",
    }
)
EXCERPT_WRAPPER_BLOCKS: frozenset[str | None] = frozenset(
    {"core/columns", "core/column", "core/group"}
)

BlockRenderer = Callable[[Block], str]


def _saved_html(block: Block) -> str:
    """A block's saved HTML with its inner blocks' saved HTML (no dynamic rendering)."""
    inner = iter(block.inner_blocks)
    return "".join(
        chunk if chunk is not None else _saved_html(next(inner)) for chunk in block.inner_content
    )


def _wrapper_contents(block: Block, render: BlockRenderer, allowed: frozenset[str | None]) -> str:
    """The allowed blocks inside a wrapper, rendered; blocks with children are descended into."""
    return "".join(
        _wrapper_contents(inner, render, allowed) if inner.inner_blocks else render(inner)
        for inner in block.inner_blocks
        if inner.name in allowed
    )


def _has_unsafe_inner_blocks(block: Block, allowed_inner: frozenset[str | None]) -> bool:
    return any(
        inner.name not in allowed_inner or inner.inner_blocks for inner in block.inner_blocks
    )


def excerpt_remove_blocks(
    content: str,
    render: BlockRenderer | None = None,
    *,
    list_items: bool = False,
    parse: Callable[[str], list[Block]] = parse_blocks,
) -> str:
    """Keep only blocks that make sense in an excerpt, rendered with ``render``.

    ``list_items`` also allows ``core/list-item`` children (WordPress trunk, ticket 63909), so
    lists made of list-item blocks are no longer dropped. ``parse`` is the block parser (one
    that answers from an earlier parse of the same markup, say).
    """
    render = render or _saved_html
    allowed_inner = (
        EXCERPT_ALLOWED_BLOCKS | {"core/list-item"} if list_items else EXCERPT_ALLOWED_BLOCKS
    )
    allowed = allowed_inner | EXCERPT_WRAPPER_BLOCKS
    out = []
    for block in parse(content):
        if block.name not in allowed:
            continue
        if block.inner_blocks:
            if block.name in EXCERPT_WRAPPER_BLOCKS:
                out.append(_wrapper_contents(block, render, allowed))
                continue
            if _has_unsafe_inner_blocks(block, allowed_inner):
                continue
        out.append(render(block))
    return "".join(out)


_FOOTNOTE_ANCHOR = re.compile(
    r'<sup data-fn="[^"]+" class="[^"]+" id="[^"]+"><a href="#[^"]+" id="[^"]+">\d+</a></sup>'
)


def excerpt_remove_footnotes(content: str) -> str:
    """Remove the footnote anchors (``<sup data-fn=…>``) the footnotes block inserts."""
    if "data-fn=" not in content:
        return content
    return _FOOTNOTE_ANCHOR.sub("", content)


# --------------------------------------------------------------------------------------------
# force_balance_tags
# --------------------------------------------------------------------------------------------

_SINGLE_TAGS = frozenset(
    {"area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img", "input"}
    | {"isindex", "link", "meta", "param", "source", "track", "wbr"}
)
_NESTABLE_TAGS = frozenset(
    {"article", "aside", "blockquote", "details", "div", "figure", "object", "q", "section"}
    | {"span"}
)
_BALANCE_TAG = re.compile(
    r"<(/?)((?:[a-z](?:[a-z0-9._]*)-(?:[a-z0-9._-]+)+)|(?:[\w:]+))"
    r"(?:[ \t\n\x0b\x0c\r]*(/?)|([ \t\n\x0b\x0c\r]+)([^>]*))>",
    re.ASCII,
)
_DIGIT_AFTER_LT = re.compile(r"<([0-9])")


class _Balancer:
    """One run of the tag balancer: a stack of open tags and the text built so far."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.out: list[str] = []

    def closing(self, tag: str) -> None:
        if tag not in self.stack:
            return  # a closer with no opener is dropped
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                return

    def opening(self, tag: str, space: str, attributes: str) -> None:
        single = tag in _SINGLE_TAGS
        if attributes.endswith("/"):
            if not single:
                attributes = attributes[:-1].strip(PHP_TRIM) + f"></{tag}"
            else:
                space = " "
        elif single:
            space, attributes = " ", attributes + "/"
        else:
            if self.stack and tag not in _NESTABLE_TAGS and self.stack[-1] == tag:
                self.out.append(f"</{self.stack.pop()}>")
            self.stack.append(tag)
        self.out.append(f"<{tag}{space}{attributes}>")

    def run(self, text: str) -> str:
        position = 0
        for match in _BALANCE_TAG.finditer(text):
            self.out.append(text[position : match.start()])
            position = match.end()
            slash, name, empty_attrs, space, attrs = match.groups()
            tag = name.lower()
            if slash:
                self.closing(tag)
            else:
                attributes = (attrs if attrs is not None else empty_attrs or "").strip(PHP_TRIM)
                self.opening(tag, space or "", attributes)
        self.out.append(text[position:])
        self.out.extend(f"</{tag}>" for tag in reversed(self.stack) if tag)
        return "".join(self.out)


def force_balance_tags(text: str) -> str:
    """Close unclosed tags, drop stray closers, self-close void tags (``force_balance_tags``)."""
    text = text.replace("< !--", "<    !--")
    text = _DIGIT_AFTER_LT.sub(r"&lt;\1", text)
    text = _Balancer().run(text)
    return text.replace("< !--", "<!--").replace("<    !--", "< !--")


# --------------------------------------------------------------------------------------------
# The teaser and the generated excerpt
# --------------------------------------------------------------------------------------------

_MORE = re.compile(r"<!--more(.*?)?-->")
_MORE_BLOCK_DELIMITER = re.compile(r"<!-- /?wp:more(.*?) -->")
_NEXTPAGE = "<!--nextpage-->"


def first_page(content: str) -> str:
    """The first ``<!--nextpage-->`` page of a post's content (``setup_postdata`` pages)."""
    if _NEXTPAGE not in content:
        return content
    content = content.replace(f"\n{_NEXTPAGE}\n", _NEXTPAGE)
    content = content.replace(f"\n{_NEXTPAGE}", _NEXTPAGE).replace(f"{_NEXTPAGE}\n", _NEXTPAGE)
    content = content.replace("<!-- wp:nextpage -->", "").replace("<!-- /wp:nextpage -->", "")
    if content.startswith(_NEXTPAGE):
        content = content[len(_NEXTPAGE) :]
    return content.split(_NEXTPAGE, 1)[0]


def teaser(content: str) -> str:
    """``get_the_content('', false)`` outside a single view: page 1 up to ``<!--more-->``."""
    page = first_page(content)
    match = _MORE.search(page)
    if match is None:
        return page
    if has_block("core/more", page):
        page = _MORE_BLOCK_DELIMITER.sub("", page)
    parts = page.split(match.group(0), 1)
    return force_balance_tags(parts[0]) if len(parts) > 1 else parts[0]


def generated_excerpt_text(
    content: str,
    *,
    the_content: Callable[[str], str],
    strip_shortcodes: Callable[[str], str] | None = None,
    render_block: BlockRenderer | None = None,
    num_words: int = 55,
    more: str = " [&hellip;]",
    count_chars: bool = False,
    remove_footnotes: bool = True,
    list_items: bool = False,
    parse_blocks: Callable[[str], list[Block]] = parse_blocks,
) -> str:
    """The automatic excerpt text (``wp_trim_excerpt`` for an empty manual excerpt)."""
    text = teaser(content)
    if strip_shortcodes is not None:
        text = strip_shortcodes(text)
    if has_blocks(text):
        text = excerpt_remove_blocks(text, render_block, list_items=list_items, parse=parse_blocks)
    if remove_footnotes:
        text = excerpt_remove_footnotes(text)
    text = the_content(text).replace("]]>", "]]&gt;")
    return wp_trim_words(text, num_words, more, count_chars=count_chars)
