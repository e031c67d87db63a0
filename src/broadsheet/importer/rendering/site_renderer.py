"""The renderer for stored posts (:class:`SiteRenderer`).

It adds ``prepend_attachment`` to ``the_content`` for attachments, and computes generated
excerpts from a leading window of long content (checked, else recomputed), reusing the
content's block parse and the HTML of its plain top-level blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ...extensions.publishpress_blocks_controls import BlockControls
from ...render.blocks import _LAYOUT_SUPPORT, Block, parse_blocks_with_cuts, render_parsed_blocks
from ...render.blocks import _TOKEN as _BLOCK_DELIMITER  # WordPress's block delimiter grammar
from ...render.images import filter_content_tags
from ...render.pipeline import Renderer, counts_characters, default_renderer
from ...render.texturize import capital_p_dangit
from .config import RenderConfig

__all__ = ["SiteRenderer", "block_window", "excerpt_window", "make_renderer"]


_VOID_ELEMENTS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)  # fmt: skip
_MARKUP = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*)?>|<", re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]*>")
_WP_WORD_SPLIT = re.compile(r"[\n\r\t ]+")
_WINDOW_MARGIN = 25  # words beyond the excerpt length a window must hold (then checked)
_BLOCK_CONTROLS = "advgbBlockControls"  # the attribute PublishPress Blocks' filter acts on
_LAYOUT_BLOCKS = frozenset(_LAYOUT_SUPPORT)  # their HTML depends on a per-render counter


def excerpt_window(text: str, words: int) -> str:
    """A leading part of ``text`` that yields the same first ``words`` words, or ``text``.

    The cut is a paragraph break with every element and comment opened before it closed, and
    some words to spare ahead of it: everything ``the_content`` does is local to a paragraph or
    an element, so the words before the cut come out the same. (The caller still checks that
    the window gave more than ``words`` words, and uses the whole text when it did not.)
    """
    need = words + _WINDOW_MARGIN
    if len(text) < need * 12:
        return text
    count, pos = 0, 0
    stack: list[str] = []
    while True:
        cut = text.find("\n\n", pos)
        if cut < 0:
            return text
        segment = text[pos:cut]
        for match in _MARKUP.finditer(segment):
            name = match.group(2)
            if name is None:
                if not match.group().startswith("<!--"):
                    return text  # a lone "<" or an unfinished comment: no safe cut
                continue
            name = name.lower()
            if name in _VOID_ELEMENTS:
                continue
            if not match.group(1):
                stack.append(name)
            elif not stack or stack.pop() != name:
                return text
        count += len(_ANY_TAG.sub(" ", segment).split())
        if count >= need and not stack:
            return text[:cut]
        pos = cut + 2


def block_window(raw: str, words: int) -> str:
    """Leading whole top-level blocks of block markup holding some more than ``words`` words.

    The excerpt pipeline handles top-level blocks one after another, so the words it takes
    from these blocks are the words it would take from the whole content.
    """
    if _too_short_for_window(raw, words):
        return raw
    return _window_at(raw, words, _top_level_ends(raw))


def _too_short_for_window(raw: str, words: int) -> bool:
    return len(raw) < (words + _WINDOW_MARGIN) * 12 or "<!-- wp:" not in raw


def _top_level_ends(raw: str) -> Iterator[int]:
    """Offsets just after each top-level block delimiter (up to a stray closer)."""
    depth = 0
    for match in _BLOCK_DELIMITER.finditer(raw):
        if match.group("void"):
            at_top = depth == 0
        elif match.group("closer"):
            if depth == 0:
                return  # a stray closer: the parser stops there
            depth -= 1
            at_top = depth == 0
        else:
            depth += 1
            at_top = False
        if at_top:
            yield match.end()


def _window_at(raw: str, words: int, ends: Iterable[int]) -> str:
    """The text up to the first of ``ends`` with enough words before it (else all of it)."""
    need = words + _WINDOW_MARGIN
    count = last = 0
    for end in ends:
        count += len(_ANY_TAG.sub(" ", raw[last:end]).split())
        last = end
        if count >= need:
            return raw[:end]
    return raw


@dataclass
class _BlockMemo:
    """The content's block parse (and reusable block HTML), kept for the same post's excerpt."""

    raw: str
    ctx: Any
    blocks: list[Block]
    cuts: dict[int, int]  # offsets where the markup may be cut -> how many blocks lie before
    parts: list[str]  # each top-level block's HTML
    reusable: Callable[[Block], bool] | None  # which blocks' HTML an excerpt may reuse
    _index: dict[int, int] | None = None

    def html(self, block: Block) -> str | None:
        """The HTML of one of these top-level blocks, where it can be reused (else None)."""
        if self.reusable is None:
            return None
        if self._index is None:
            self._index = {id(b): i for i, b in enumerate(self.blocks)}
        at = self._index.get(id(block))
        if at is None or self.blocks[at] is not block or not self.reusable(block):
            return None
        return self.parts[at]

    def parse(self, text: str) -> list[Block] | None:
        """The blocks of ``text`` if it is this markup or a cut of it, else None."""
        if text is self.raw or text == self.raw:
            return list(self.blocks)
        count = self.cuts.get(len(text))
        if count is not None and self.raw.startswith(text):
            return self.blocks[:count]
        return None

    def window(self, raw: str, words: int) -> str | None:
        """:func:`block_window` of this markup (None for other markup)."""
        if raw is not self.raw and raw != self.raw:
            return None
        if _too_short_for_window(raw, words):
            return raw
        return _window_at(raw, words, self.cuts)


class SiteRenderer(Renderer):
    """The pipeline for stored posts: ``prepend_attachment`` for attachments, and generated
    excerpts computed from a leading window of long content (checked, else recomputed) that
    reuse the content's block parse and the HTML of its plain blocks."""

    _window = 0
    _memo: _BlockMemo | None = None

    def do_blocks(self, text: str, ctx: Any) -> str:
        """``do_blocks``, keeping the parse and the HTML of plain top-level blocks."""
        blocks, cuts = parse_blocks_with_cuts(text)
        parts = render_parsed_blocks(blocks, self.registry, ctx)
        reusable = self._plain if self._plain_filters(text) else None
        self._memo = _BlockMemo(text, ctx, blocks, cuts, parts, reusable)
        return "".join(parts)

    def _plain_filters(self, text: str) -> bool:
        """Whether every ``render_block`` filter leaves this markup's blocks as they are."""
        return all(
            isinstance(fn, BlockControls) and _BLOCK_CONTROLS not in text
            for fn in self.registry.filters
        )

    def _plain(self, block: Block) -> bool:
        """A block whose HTML depends on nothing but itself (no callback, layout or filter)."""
        name = block.name
        registry = self.registry
        if name is not None and (
            registry.is_dynamic(name) or name in _LAYOUT_BLOCKS or registry.block_filters(name)
        ):
            return False
        return all(self._plain(inner) for inner in block.inner_blocks)

    def excerpt_blocks(
        self, ctx: Any
    ) -> tuple[Callable[[str], list[Block]], Callable[[Block], str]]:
        """The content's parse and plain blocks' HTML where they apply (same post, same context)."""
        parse, render = super().excerpt_blocks(ctx)
        memo = self._memo
        if memo is None or memo.ctx is not ctx:
            return parse, render

        def parse_again(text: str) -> list[Block]:
            found = memo.parse(text)
            return found if found is not None else parse(text)

        def render_again(block: Block) -> str:
            found = memo.html(block)
            return found if found is not None else render(block)

        return parse_again, render_again

    def the_content(self, text: str, ctx: Any, *, blocks: bool = True, images: bool = True,
                    late_autop: bool = False) -> str:  # fmt: skip
        """``the_content``; an attachment's paragraph goes in front (after ``wpautop``)."""
        if self._window and not blocks and not images:  # the generated-excerpt pass
            text = excerpt_window(text, self._window)
        if blocks:
            self._memo = None  # a new content: forget the last one's blocks
        out = super().the_content(text, ctx, blocks=blocks, images=images, late_autop=late_autop)
        prefix = getattr(ctx, "attachment_prefix", None)
        if not prefix:
            return out
        if images:
            prefix = filter_content_tags(prefix, ctx)
        prefix = self._smilies(capital_p_dangit(prefix), ctx)
        return f"{prefix}\n{out}"

    def generated_excerpt(self, raw_content: str, ctx: Any) -> str:
        """``wp_trim_excerpt``: from a window of long content when that provably gives the same words."""
        options = ctx.options
        words, more = options.excerpt_length, options.excerpt_more
        if (
            len(raw_content) < (words + _WINDOW_MARGIN) * 12
            or not more
            or counts_characters(options.locale)
        ):
            return super().generated_excerpt(raw_content, ctx)
        memo = self._memo
        window = memo.window(raw_content, words) if memo is not None else None
        self._window = words
        try:
            short = super().generated_excerpt(
                block_window(raw_content, words) if window is None else window, ctx
            )
        finally:
            self._window = 0
        if short.endswith(more) and _word_count(short[: -len(more)]) == words:
            return short
        return super().generated_excerpt(raw_content, ctx)


def _word_count(text: str) -> int:
    """``len(preg_split('/[\\n\\r\\t ]+/', trim($text)))``: the words of a trimmed excerpt."""
    stripped = text.strip(" \t\n\r")
    if "\t" in stripped or "\n" in stripped or "\r" in stripped or "  " in stripped:
        return len(_WP_WORD_SPLIT.split(stripped))
    return stripped.count(" ") + 1  # words joined by single spaces, as wp_trim_words joins them


def make_renderer(config: RenderConfig) -> SiteRenderer:
    """The site's renderer (core blocks, shortcodes and the enabled extensions)."""
    base = default_renderer(config.extensions, theme_json=config.theme_json)
    return SiteRenderer(base.registry, base.shortcodes)
