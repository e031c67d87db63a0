"""The rendering pipeline: WordPress's ``the_content``, ``the_title``, excerpt and comment chains.

:class:`Renderer` composes the render modules in WordPress's filter order (contract §4.1, §4.2,
§4.5, §4.12). The ``the_content`` chain, by priority:

* 8 — the ``[embed]`` shortcode pass, then auto-embeds (URLs alone on their line);
* 9 — ``do_blocks`` (block content skips ``wpautop`` below);
* 10 — ``wptexturize``, ``wpautop`` (classic content only), ``shortcode_unautop`` and, before
  WordPress 6.4, ``wp_filter_content_tags``;
* 11 — ``capital_P_dangit``, ``do_shortcode``;
* 12 — ``wp_filter_content_tags`` (WordPress 6.4+, so shortcode output is covered);
* 20 — ``convert_smilies`` (when the site uses smilies).

``<!--more-->`` and ``<!--nextpage-->`` stay in the output, as in REST responses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable

from broadsheet import extensions as site_extensions
from broadsheet.render.autop import shortcode_unautop, wpautop
from broadsheet.render.blocks import (
    Block,
    BlockRegistry,
    has_blocks,
    parse_blocks,
    render_block,
    render_blocks,
    version_tuple,
)
from broadsheet.render.context import RenderContext
from broadsheet.render.escape import esc_url
from broadsheet.render.excerpt import force_balance_tags, generated_excerpt_text
from broadsheet.render.images import filter_content_tags, render_state
from broadsheet.render.instances import make_template, resolve
from broadsheet.render.php import PHP_TRIM
from broadsheet.render.shortcodes import Shortcodes, default_shortcodes, run_embed_shortcode
from broadsheet.render.shortcodes.embed import autoembed
from broadsheet.render.smilies import convert_smilies
from broadsheet.render.texturize import (
    DEFAULT_SHORTCODE_NAMES,
    capital_p_dangit,
    capital_p_dangit_title,
    convert_chars,
    wptexturize,
)

__all__ = [
    "Renderer",
    "counts_characters",
    "default_renderer",
    "make_clickable",
    "the_title",
]


def the_title(raw: str, shortcode_names: Collection[str] = DEFAULT_SHORTCODE_NAMES) -> str:
    """``the_title`` filters: texturize, lone ``&``, trim, ``Wordpress`` → ``WordPress``."""
    text = convert_chars(wptexturize(raw, shortcode_names=shortcode_names))
    return capital_p_dangit_title(text.strip(PHP_TRIM))


# --------------------------------------------------------------------------------------------
# make_clickable (comment_text, priority 9)
# --------------------------------------------------------------------------------------------

_URL_CHAR = r"[A-Za-z0-9_\u0080-\U0010ffff#%~/@\[\]*(+=&$-]"
_URL_CLICKABLE = re.compile(
    r"([ \t\n\x0b\x0c\r(<.,;:!?])"
    rf"([A-Za-z0-9_]{{1,20}}+://(?=[^ \t\n\x0b\x0c\r]{{1,2000}}[ \t\n\x0b\x0c\r])"
    rf"{_URL_CHAR}*+(?:['.,;:!?)]{_URL_CHAR}++)*)"
    r"(\)?)"
)
_WWW_CLICKABLE = re.compile(
    r"([ \t\n\x0b\x0c\r>])((www|ftp)\.[A-Za-z0-9_\u0080-\U0010ffff#$%&~/.\-;:=,?@\[\]+]+)",
    re.IGNORECASE | re.DOTALL,
)
_EMAIL_CLICKABLE = re.compile(
    r"([ \t\n\x0b\x0c\r>])([.0-9a-z_+-]+)@(([0-9a-z-]+\.)+[0-9a-z]{2,})", re.IGNORECASE
)
_HTML_PIECES = re.compile(r"(<[^<>]+>)")
_CODE_OPENER = re.compile(r"<(?:code|pre|script|style)[ \t\n\x0b\x0c\r>]", re.IGNORECASE)
_CODE_CLOSERS = frozenset({"</code>", "</pre>", "</script>", "</style>"})
_TAG_WITH_URL = re.compile(r"<[ \t\n\x0b\x0c\r]*[A-Za-z0-9_]{1,20}+://")
_LINK_IN_LINK = re.compile(r"(<a([ \r\n\t]+[^>]+?>|>))<a [^>]+?>([^>]+?)</a></a>", re.IGNORECASE)
_WHITESPACE_RUN_END = re.compile(r"[\r\n\t\x0b\x0c ]")


def _url_link(match: re.Match[str], rel: str) -> str:
    url, suffix = match.group(2), match.group(3)
    if suffix == ")" and url.find("(") > 0:
        url, suffix = url + suffix, ""
    while url.count("(") < url.count(")"):
        cut = url.rfind(")")
        url, suffix = url[:cut], url[cut:] + suffix
    url = esc_url(url)
    if not url:
        return match.group(0)
    return f'{match.group(1)}<a href="{url}" rel="{rel}">{url}</a>{suffix}'


def _www_link(match: re.Match[str], rel: str) -> str:
    dest, trail = "http://" + match.group(2), ""
    if dest[-1] in ".,;:)":
        dest, trail = dest[:-1], dest[-1]
    dest = esc_url(dest)
    if not dest:
        return match.group(0)
    return f'{match.group(1)}<a href="{dest}" rel="{rel}">{dest}</a>{trail}'


def _email_link(match: re.Match[str]) -> str:
    email = f"{match.group(2)}@{match.group(3)}"
    return f'{match.group(1)}<a href="mailto:{email}">{email}</a>'


def _split_by_whitespace(text: str, goal: int) -> list[str]:
    """Chunks of about ``goal`` characters, cut after whitespace (``_split_str_by_whitespace``)."""
    chunks = []
    while len(text) > goal:
        cut = max((m.start() for m in _WHITESPACE_RUN_END.finditer(text, 0, goal + 1)), default=-1)
        if cut < 0:
            found = _WHITESPACE_RUN_END.search(text, goal + 1)
            if found is None:
                break
            cut = found.start()
        chunks.append(text[: cut + 1])
        text = text[cut + 1 :]
    if text:
        chunks.append(text)
    return chunks


def _clickable_text(piece: str, rel: str) -> str:
    padded = f" {piece} "
    # Each pattern needs its literal ("://", "www."/"ftp." in any case, "@"): skip the scans
    # that cannot match.
    if "://" in padded:
        padded = _URL_CLICKABLE.sub(lambda m: _url_link(m, rel), padded)
    lowered = padded.lower()
    if "www." in lowered or "ftp." in lowered:
        padded = _WWW_CLICKABLE.sub(lambda m: _www_link(m, rel), padded)
    if "@" in padded:
        padded = _EMAIL_CLICKABLE.sub(_email_link, padded)
    return padded[1:-1]


def make_clickable(text: str, rel: str = "nofollow") -> str:
    """Turn bare URLs, ``www.``/``ftp.`` hosts and e-mail addresses into links."""
    out: list[str] = []
    in_code = 0
    for piece in _HTML_PIECES.split(text):
        if _CODE_OPENER.match(piece):
            in_code += 1
        elif in_code and piece.lower() in _CODE_CLOSERS:
            in_code -= 1
        if in_code or not piece or (piece[0] == "<" and not _TAG_WITH_URL.match(piece)):
            out.append(piece)
        elif len(piece) > 10000:
            for chunk in _split_by_whitespace(piece, 2100):
                out.append(chunk if len(chunk) > 2101 else make_clickable(chunk, rel))
        else:
            out.append(_clickable_text(piece, rel))
    return _LINK_IN_LINK.sub(r"\1\3</a>", "".join(out))


# --------------------------------------------------------------------------------------------
# The renderer
# --------------------------------------------------------------------------------------------


class Renderer:
    """Renders raw titles, content, excerpts and comments as WordPress's display filters do."""

    def __init__(self, registry: BlockRegistry, shortcodes: Shortcodes) -> None:
        self.registry = registry
        self.shortcodes = shortcodes

    def render_title(self, raw: str, *, private: bool = False, wp_version: str = "6.8") -> str:
        """``title.rendered`` (§4.1); private posts keep the "Private: " prefix before 6.7."""
        if private and version_tuple(wp_version) < (6, 7):
            raw = f"Private: {raw}"
        return the_title(raw, self.shortcodes.names)

    def render_content(self, raw: str, ctx: RenderContext, *, template: bool = False) -> str:
        """``content.rendered``: the full ``the_content`` chain (§4.2), as a single GET of the
        post shows it; with ``template``, in the stored form that numbers per-request instances
        (players, galleries, layout containers) for each request (:mod:`.instances`)."""
        stored = self.content_template(raw, ctx)
        return stored if template else resolve(stored)

    def render_content_after_blocks(
        self, raw: str, ctx: RenderContext, *, rendered: str | None = None, template: bool = False
    ) -> str | None:
        """``content.rendered`` of classic content later in a request that has already rendered
        block content, or None where that reads the same as :meth:`render_content`.

        ``do_blocks`` takes ``wpautop`` off the ``the_content`` filters for block content and
        puts it back at the end of its priority, behind ``shortcode_unautop``: from then on, in
        the same request, a shortcode standing alone in classic content keeps the paragraph
        ``wpautop`` puts around it (``<p><figure …>…</figure></p>`` for a ``[caption]``).
        ``rendered`` is :meth:`render_content` of the same content (with the same ``template``),
        when already known.
        """
        if "[" not in raw or has_blocks(raw):
            return None  # no shortcode for the late paragraphs to wrap, or block content
        late = self.content_template(raw, ctx, late_autop=True)
        if not template:
            late = resolve(late)
        if rendered is None:
            rendered = self.render_content(raw, ctx, template=template)
        return None if late == rendered else late

    def content_template(self, raw: str, ctx: RenderContext, *, late_autop: bool = False) -> str:
        """The ``the_content`` chain with per-request counters handing out tokens: plain HTML
        when no counter was drawn, else a template for :func:`~.instances.resolve`."""
        state = render_state(ctx)
        saved = state.counters, state.tokens
        state.counters, state.tokens = {}, True
        try:
            body = self.the_content(raw, ctx, late_autop=late_autop)
            used = state.counters
        finally:
            state.counters, state.tokens = saved
        return make_template(body, used)

    def the_content(
        self,
        text: str,
        ctx: RenderContext,
        *,
        blocks: bool = True,
        images: bool = True,
        late_autop: bool = False,
    ) -> str:
        """The ``the_content`` filters; ``blocks``/``images`` off for generated excerpts;
        ``late_autop`` runs ``wpautop`` after ``shortcode_unautop`` (see
        :meth:`render_content_after_blocks`)."""
        names = self.shortcodes.names
        late_images = version_tuple(ctx.options.wp_version) >= (6, 4)
        if "[embed" in text:
            text = run_embed_shortcode(text, ctx)
        text = autoembed(text, ctx)
        is_block_content = blocks and has_blocks(text)
        if is_block_content:
            text = self.do_blocks(text, ctx)
        text = wptexturize(text, shortcode_names=names)
        math_block = _math_is_block(ctx)
        if not is_block_content and not late_autop:
            text = wpautop(text, math_block=math_block)
        text = shortcode_unautop(text, names)
        if images and not late_images:
            text = filter_content_tags(text, ctx)
        if not is_block_content and late_autop:
            text = wpautop(text, math_block=math_block)
        text = self.shortcodes.do_shortcode(capital_p_dangit(text), ctx)
        if images and late_images:
            text = filter_content_tags(text, ctx)
        return self._smilies(text, ctx)

    def render_excerpt(
        self, raw_excerpt: str, raw_content: str, ctx: RenderContext, *, template: bool = False
    ) -> str:
        """``excerpt.rendered``: the manual excerpt, or one generated from the content (§4.5).

        With ``template``, a generated excerpt carries the per-request counters its rendering
        draws (a template header, :mod:`.instances`): WordPress renders the content again to
        generate it, and those draws move the numbers of the posts after it in a list."""
        text = raw_excerpt
        generated = not raw_excerpt.strip(PHP_TRIM)
        if generated:
            text = self.generated_excerpt(raw_content, ctx)
        html = self.the_excerpt(text, ctx)
        if not template or not generated:
            return html
        return make_template(html, self.excerpt_draws(raw_content, ctx))

    def excerpt_draws(self, raw_content: str, ctx: RenderContext) -> dict[str, int]:
        """The per-request counters that generating the excerpt of this content draws: escaped
        shortcodes that ``strip_shortcodes`` unescapes, media URLs that auto-embed, and empty
        layout blocks that the excerpt renders (the whole content is rendered for them)."""
        if not _excerpt_may_draw(raw_content):
            return {}
        state = render_state(ctx)
        saved = state.counters, state.tokens
        state.counters, state.tokens = {}, False
        try:
            Renderer.generated_excerpt(self, raw_content, ctx)
            return state.counters
        finally:
            state.counters, state.tokens = saved

    def generated_excerpt(self, raw_content: str, ctx: RenderContext) -> str:
        """``wp_trim_excerpt`` for an empty manual excerpt (before the display filters)."""
        options = ctx.options
        version = version_tuple(options.wp_version)

        def content_filters(text: str) -> str:
            return self.the_content(text, ctx, blocks=False, images=False)

        parse, render = self.excerpt_blocks(ctx)
        return generated_excerpt_text(
            raw_content,
            the_content=content_filters,
            strip_shortcodes=self.shortcodes.strip_shortcodes,
            render_block=render,
            parse_blocks=parse,
            num_words=options.excerpt_length,
            more=options.excerpt_more,
            count_chars=counts_characters(options.locale),
            remove_footnotes=version >= (6, 3),
            list_items=version >= (7, 1),
        )

    def do_blocks(self, text: str, ctx: RenderContext) -> str:
        """``do_blocks`` (priority 9 of ``the_content``) for block content."""
        return render_blocks(text, self.registry, ctx)

    def excerpt_blocks(
        self, ctx: RenderContext
    ) -> tuple[Callable[[str], list[Block]], Callable[[Block], str]]:
        """How a generated excerpt parses block markup and renders one (excerpt-safe) block."""

        def render(block: Block) -> str:
            return render_block(block, self.registry, ctx)

        return parse_blocks, render

    def the_excerpt(self, text: str, ctx: RenderContext) -> str:
        """The ``the_excerpt`` display filters."""
        text = wptexturize(text, shortcode_names=self.shortcodes.names)
        text = convert_chars(self._smilies(text, ctx))
        text = wpautop(text, math_block=_math_is_block(ctx))
        text = shortcode_unautop(text, self.shortcodes.names)
        return filter_content_tags(text, ctx)

    def render_comment(self, raw: str, ctx: RenderContext) -> str:
        """A comment's ``content.rendered`` (``comment_text`` filters, §4.12)."""
        text = make_clickable(raw, rel="nofollow ugc")
        text = convert_chars(wptexturize(text, shortcode_names=self.shortcodes.names))
        text = force_balance_tags(self._smilies(text, ctx))
        return capital_p_dangit(wpautop(text, math_block=_math_is_block(ctx)))

    @staticmethod
    def _smilies(text: str, ctx: RenderContext) -> str:
        if not ctx.options.use_smilies:
            return text
        return convert_smilies(text, site_url=ctx.options.home)


_MEDIA_URL = re.compile(
    r"https?://[^ \t\n\r\f\v<>\"]+\.(?:mp3|ogg|flac|m4a|wav|mp4|m4v|webm|ogv|flv)(?![^ \t\n\r\f\v<>\"])",
    re.IGNORECASE,
)
_WRAPPERS = frozenset({"core/group", "core/columns", "core/column"})


def _has_empty_wrapper(blocks: Iterable[Block]) -> bool:
    return any(
        (block.name in _WRAPPERS and not block.inner_blocks) or _has_empty_wrapper(block.inner_blocks)
        for block in blocks
    )


def _excerpt_may_draw(raw: str) -> bool:
    """Whether generating an excerpt from this content can draw a per-request counter."""
    if "[[" in raw or ("://" in raw and _MEDIA_URL.search(raw)):
        return True
    if "wp:group" not in raw and "wp:column" not in raw:
        return False
    return _has_empty_wrapper(parse_blocks(raw))


def _math_is_block(ctx: RenderContext) -> bool:
    """Whether ``wpautop`` treats ``<math>`` as a block tag (WordPress before 6.2)."""
    return version_tuple(ctx.options.wp_version) < (6, 2)


_CHARACTER_COUNT_LOCALES = ("zh", "ja", "ko")


def counts_characters(locale: str) -> bool:
    """Locales whose translation sets the word count type to characters."""
    return locale.split("_", 1)[0].lower() in _CHARACTER_COUNT_LOCALES


def _block_registrar(name: str) -> Callable[[BlockRegistry], None]:
    """The ``register_blocks`` hook of the extension called ``name``."""
    known = name in site_extensions.KNOWN
    hook = site_extensions.load(name).register_blocks if known else None
    if hook is None:
        raise ValueError(f"unknown rendering extension: {name!r}")
    return hook


def default_renderer(
    extensions: Iterable[str] | None = None,
    *,
    theme_json: bool = False,
) -> Renderer:
    """A renderer with core blocks, core shortcodes and the blocks and render filters of the
    named extensions (by default those of the default extension profile)."""
    from broadsheet.render.core_blocks import register_core_blocks

    if extensions is None:
        extensions = site_extensions.rendering_extensions(None)
    registry = BlockRegistry()
    register_core_blocks(registry, theme_json=theme_json)
    for register in [_block_registrar(name) for name in extensions]:
        register(registry)
    return Renderer(registry, default_shortcodes())
