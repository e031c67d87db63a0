"""WordPress's ``wpautop``: turn blank-line separated text into ``<p>`` paragraphs.

Behaviour follows the contract (§4.7) and WordPress 6.3+ (``math`` is not a block tag; its
newlines are preserved like ``script``/``style``/``svg``). Patterns use explicit ASCII
whitespace classes because PHP's PCRE (byte mode) does not treat U+00A0 etc. as ``\\s``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache

from broadsheet.render.php import PCRE_SPACE as _S  # PHP's ``\s`` in byte mode
from broadsheet.render.php import PHP_TRIM

_PHP_SPACE = " \t\n\r\f\v"
_PHP_BLANK = " \t\n\r\f\v\0"  # trim() characters and PCRE's \s together

# Block-level elements (WordPress 6.3+; 6.1 also listed "math").
_BLOCK_NAMES = (
    "table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th", "div", "dl",
    "dd", "dt", "ul", "ol", "li", "pre", "form", "map", "area", "blockquote", "address", "style",
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "fieldset", "legend", "section", "article",
    "aside", "hgroup", "header", "footer", "nav", "figure", "figcaption", "details", "menu",
    "summary",
)  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, factored by common prefixes (cheaper for ``re``)."""
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        groups.setdefault(word[:1], []).append(word[1:])
    branches = []
    for first, rests in groups.items():
        if first == "":
            continue
        optional = "" in rests
        inner = _alternation([r for r in rests if r]) if any(rests) else ""
        if inner:
            branches.append(re.escape(first) + (f"(?:{inner})?" if optional else inner))
        else:
            branches.append(re.escape(first))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_BLOCKS = _alternation(_BLOCK_NAMES)
_BLOCKS_WITH_MATH = _alternation((*_BLOCK_NAMES, "math"))

# Tokeniser for HTML tags, comments and CDATA sections (the "split" regex of WordPress).
_COMMENT = r"!(?:-(?!->)[^\-]*+)*+(?:-->)?"
_CDATA = r"!\[CDATA\[[^\]]*+(?:](?!]>)[^\]]*+)*+(?:]]>)?"
HTML_TAG_RE = re.compile(rf"<(?>(?=!--){_COMMENT}|(?=!\[CDATA\[){_CDATA}|[^>]*>?)")

_DOUBLE_BR = re.compile(rf"<br{_S}*/?>{_S}*<br{_S}*/?>")
_HR = re.compile(rf"(<hr{_S}*?/?>)")
_OPTION = re.compile(r"<option")
_OPTION_AFTER = re.compile(rf"</option>{_S}*")
_OBJECT_OPEN = re.compile(rf"(<object[^>]*>){_S}*")
_OBJECT_CLOSE = re.compile(r"</object>")
_PARAM_EMBED = re.compile(rf"</?(?:param|embed)[^>]*>{_S}*")
_MEDIA_OPEN = re.compile(rf"([<\[](?:audio|video)[^>\]]*[>\]]){_S}*")
_MEDIA_CLOSE = re.compile(r"[<\[]/(?:audio|video)[>\]]")
_SOURCE_TRACK = re.compile(rf"<(?:source|track)[^>]*>{_S}*")
_FIGCAPTION_OPEN = re.compile(r"<figcaption[^>]*>")
_FIGCAPTION_CLOSE = re.compile(rf"</figcaption>{_S}*")
_MANY_NEWLINES = re.compile(r"\n\n+")
_PARAGRAPH_SPLIT = re.compile(rf"\n{_S}*\n")
_EMPTY_P = re.compile(rf"<p>{_S}*</p>")
_UNCLOSED_P_IN_BLOCK = re.compile(r"<p>([^<]+)</(div|address|form)>")
_P_AROUND_LI = re.compile(r"<p>(<li.+?)</p>")
_P_BEFORE_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.IGNORECASE)
_NEWLINE_RUN = re.compile(rf"\n{_S}*")
_BR_BEFORE_BLOCK = re.compile(rf"<br />({_S}*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")
_TRAILING_NEWLINE_P = re.compile(r"\n</p>$")



class _BlockPatterns:
    """The patterns that depend on which tags are block-level (and which keep newlines)."""

    def __init__(self, blocks: str, raw_newline_tags: str) -> None:
        self.open = re.compile(rf"<{blocks}[ \t\n\r\f\v/>]")
        self.close = re.compile(rf"(</{blocks}>)")
        self.p_around = re.compile(rf"<p>{_S}*(</?{blocks}[^>]*>){_S}*</p>")
        self.p_before = re.compile(rf"<p>{_S}*(</?{blocks}[^>]*>)")
        self.p_after = re.compile(rf"(</?{blocks}[^>]*>){_S}*</p>")
        self.br_after = re.compile(rf"(</?{blocks}[^>]*>){_S}*<br />")
        self.raw_newlines = re.compile(rf"<({raw_newline_tags}).*?</\1>", re.DOTALL)
        self.math_keeps_newlines = "math" in raw_newline_tags


_MODERN = _BlockPatterns(_BLOCKS, "script|style|svg|math")  # WordPress 6.2+
_LEGACY = _BlockPatterns(_BLOCKS_WITH_MATH, "script|style|svg")  # WordPress 6.1 and older

_NL_PLACEHOLDER = " <!-- wpnl --> "
_PRESERVED_NL = "<WPPreserveNewline />"


def _group_then_blank_line(match: re.Match[str]) -> str:
    return match.group(1) + "\n\n"


def _blank_line_then_match(match: re.Match[str]) -> str:
    return "\n\n" + match.group()


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


def wpautop(text: str, br: bool = True, *, math_block: bool = False) -> str:
    """Wrap double-newline separated text in ``<p>`` and, if ``br``, single newlines in ``<br />``
    (``math_block``: ``<math>`` is a block tag, as before WordPress 6.2)."""
    one_line = "<" not in text and "\n" not in text and "\r" not in text
    if one_line and text.strip(_PHP_BLANK):  # plain text (an excerpt): a single paragraph
        return f"<p>{text}</p>\n"
    return wpautop_steps(text, br, math_block=math_block)


def wpautop_steps(text: str, br: bool = True, *, math_block: bool = False) -> str:
    """``wpautop`` step by step (any input)."""
    blocks = _LEGACY if math_block else _MODERN
    if text.strip(PHP_TRIM) == "":
        return ""
    text += "\n"
    pre_blocks: list[tuple[str, str]] = []
    if "<pre" in text:
        text, pre_blocks = _protect_pre(text)
    if "<br" in text:
        text = _DOUBLE_BR.sub("\n\n", text)
    text = blocks.open.sub(_blank_line_then_match, text)
    if "</" in text:
        text = blocks.close.sub(_group_then_blank_line, text)
    if "<hr" in text:
        text = _HR.sub(_group_then_blank_line, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _newlines_in_tags_to_placeholders(text)
    text = _collapse_around_special_elements(text)
    if "\n\n\n" in text:
        text = _MANY_NEWLINES.sub("\n\n", text)
    text = _wrap_paragraphs(text)
    text = _fix_paragraphs_around_blocks(text, blocks)
    if br:
        text = _add_line_breaks(text, blocks)
    if "<br />" in text:
        text = blocks.br_after.sub(_first_group, text)
        text = _BR_BEFORE_BLOCK.sub(_first_group, text)
    if "\n</p>" in text:
        text = _TRAILING_NEWLINE_P.sub("</p>", text)
    for placeholder, original in pre_blocks:
        text = text.replace(placeholder, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(_NL_PLACEHOLDER, "\n").replace("<!-- wpnl -->", "\n")
    return text


def _protect_pre(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Replace each ``<pre>…</pre>`` with a placeholder; return the text and the originals."""
    *parts, last = text.split("</pre>")
    out: list[str] = []
    blocks: list[tuple[str, str]] = []
    for part in parts:
        start = part.find("<pre")
        if start < 0:  # malformed HTML: the stray </pre> is dropped, as WordPress does
            out.append(part)
            continue
        placeholder = f"<pre wp-pre-tag-{len(blocks)}></pre>"
        blocks.append((placeholder, part[start:] + "</pre>"))
        out.append(part[:start] + placeholder)
    out.append(last)
    return "".join(out), blocks


def _newlines_in_tags_to_placeholders(text: str) -> str:
    """Protect newlines inside tags and comments from paragraphing."""
    if "\n" not in text:
        return text
    return HTML_TAG_RE.sub(_tag_newlines, text)


def _tag_newlines(match: re.Match[str]) -> str:
    tag = match.group()
    return tag.replace("\n", _NL_PLACEHOLDER) if "\n" in tag else tag


def _collapse_around_special_elements(text: str) -> str:
    """Remove whitespace around option/param/embed/source/track/figcaption so it isn't autop'd."""
    if "<option" in text:
        text = _strip_space_before(text, _OPTION)
        text = _OPTION_AFTER.sub("</option>", text)
    if "</object>" in text:
        text = _OBJECT_OPEN.sub(r"\1", text)
        text = _strip_space_before(text, _OBJECT_CLOSE)
        text = _strip_space_before(text, _PARAM_EMBED, strip_trailing=True)
    if "<source" in text or "<track" in text:
        text = _MEDIA_OPEN.sub(r"\1", text)
        text = _strip_space_before(text, _MEDIA_CLOSE)
        text = _strip_space_before(text, _SOURCE_TRACK, strip_trailing=True)
    if "<figcaption" in text:
        text = _strip_space_before(text, _FIGCAPTION_OPEN)
        text = _FIGCAPTION_CLOSE.sub("</figcaption>", text)
    return text


def _strip_space_before(text: str, pattern: re.Pattern[str], strip_trailing: bool = False) -> str:
    """Like replacing ``\\s*(X)`` by ``X`` (and ``X\\s*`` too if ``strip_trailing``), but fast."""
    out: list[str] = []
    end = 0
    for m in pattern.finditer(text):
        out.append(text[end : m.start()].rstrip(_PHP_SPACE))
        out.append(m.group().rstrip(_PHP_SPACE) if strip_trailing else m.group())
        end = m.end()
    out.append(text[end:])
    return "".join(out)


def _wrap_paragraphs(text: str) -> str:
    """Wrap each blank-line separated chunk in ``<p>…</p>\\n``."""
    chunks = (chunk for chunk in _PARAGRAPH_SPLIT.split(text) if chunk)
    return "".join(f"<p>{chunk.strip(chr(10))}</p>\n" for chunk in chunks)


def _unclosed_paragraph(match: re.Match[str]) -> str:
    return f"<p>{match.group(1)}</p></{match.group(2)}>"


def _blockquote_first(match: re.Match[str]) -> str:
    return f"<blockquote{match.group(1)}><p>"


def _fix_paragraphs_around_blocks(text: str, blocks: _BlockPatterns) -> str:
    """Undo paragraphs that wrap or touch block-level tags."""
    text = _EMPTY_P.sub("", text)
    if "</div>" in text or "</address>" in text or "</form>" in text:
        text = _UNCLOSED_P_IN_BLOCK.sub(_unclosed_paragraph, text)
    text = blocks.p_around.sub(_first_group, text)
    if "<p><li" in text:
        text = _P_AROUND_LI.sub(_first_group, text)
    if "<p><" in text or "<P><" in text:
        text = _P_BEFORE_BLOCKQUOTE.sub(_blockquote_first, text)
    if "</blockquote></p>" in text:
        text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = blocks.p_before.sub(_first_group, text)
    return blocks.p_after.sub(_first_group, text)


def _preserve_newlines(match: re.Match[str]) -> str:
    return match.group().replace("\n", _PRESERVED_NL)


def _add_line_breaks(text: str, blocks: _BlockPatterns) -> str:
    """Turn remaining newlines into ``<br />`` except inside script/style/svg (and math)."""
    if "<s" in text or (blocks.math_keeps_newlines and "<math" in text):
        text = blocks.raw_newlines.sub(_preserve_newlines, text)
    if "<br" in text:
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = _newlines_to_br(text)
    return text.replace(_PRESERVED_NL, "\n")


def _newlines_to_br(text: str) -> str:
    """WordPress's ``(?<!<br />)\\s*\\n`` → ``<br />\\n``, one whitespace run at a time.

    A run of whitespace holding newlines becomes ``<br />\\n`` up to its last newline. When the
    run directly follows a ``<br />``, WordPress's match starts one character later: the first
    whitespace character survives, and the rest becomes ``<br />\\n`` if it still has a newline.
    """
    out: list[str] = []
    end = 0
    for m in _NEWLINE_RUN.finditer(text):
        before = text[end : m.start()]
        head = before.rstrip(_PHP_SPACE)
        start = end + len(head)
        run = text[start : m.end()]
        last = run.rfind("\n")
        if not text.endswith("<br />", 0, start):
            run = "<br />\n" + run[last + 1 :]
        elif last >= 1:
            run = run[0] + "<br />\n" + run[last + 1 :]
        out.append(head)
        out.append(run)
        end = m.end()
    out.append(text[end:])
    return "".join(out)


@lru_cache(maxsize=64)
def _unautop_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    tags = "|".join(re.escape(name) for name in names)
    spaces = r"(?:[\r\n\t ]|\u00a0|&nbsp;)"
    return re.compile(
        rf"<p>{spaces}*+"
        rf"(\[({tags})(?![A-Za-z0-9_-])"
        r"[^\]/]*(?:/(?!\])[^\]/]*)*?"
        r"(?:/\]|\](?:[^\[]*+(?:\[(?!/\2\])[^\[]*+)*+\[/\2\])?))"
        rf"{spaces}*+</p>"
    )


def shortcode_unautop(text: str, shortcode_names: Collection[str]) -> str:
    """Remove the ``<p>…</p>`` wpautop put around a registered shortcode standing alone."""
    if not shortcode_names or "[" not in text:
        return text
    return _unautop_regex(tuple(shortcode_names)).sub(r"\1", text)
