"""WordPress's typographic text filters: ``wptexturize``, ``convert_chars``, ``capital_P_dangit``.

Behaviour follows contract §4.6 (and the released WordPress 6.x output, which the oracle pins
byte for byte). The input is split into HTML tags, HTML comments, registered shortcode tags and
text runs; only text runs outside ``pre``/``code``/``kbd``/``style``/``script``/``tt`` (and
outside the ``[code]`` shortcode) are rewritten. Inside tags only a bare ``&`` becomes
``&#038;``. Every replacement produces the same numeric entities WordPress does.

Knowingly left out:

* translations: the English quote, dash and prime characters and the English "cockney" word
  list are fixed (WordPress lets a locale substitute them through gettext);
* the ``run_wptexturize``, ``no_texturize_tags`` filters and the ``$wp_cockneyreplace`` global
  (the no-texturize element list is fixed; the no-texturize *shortcode* list is a parameter);
* the quote-around-inline-markup handling proposed upstream for ticket #18549 (``"<a>x</a>".``):
  released WordPress texturizes each text run on its own, and so do we;
* ``capital_P_dangit`` only recognises the entity forms ``&#8216;Wordpress`` and
  ``&#8220;Wordpress`` (what wptexturize produces), not the literal characters ``‘``/``“``,
  exactly like WordPress.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import lru_cache

from broadsheet.render.php import PHP_TRIM

__all__ = [
    "DEFAULT_SHORTCODE_NAMES",
    "capital_p_dangit",
    "capital_p_dangit_title",
    "convert_chars",
    "wptexturize",
]

# Shortcodes a plain WordPress core install registers (registration order).
DEFAULT_SHORTCODE_NAMES: tuple[str, ...] = (
    "wp_caption",
    "caption",
    "gallery",
    "playlist",
    "audio",
    "video",
    "embed",
)

_NO_TEXTURIZE_TAGS = frozenset({"pre", "code", "kbd", "style", "script", "tt"})
# First two letters of those names: a cheap test before parsing an opening tag's name.
_NO_TEXTURIZE_PREFIXES = frozenset(name[:2] for name in _NO_TEXTURIZE_TAGS)
# Text without a match opens no such element (every opening tag starts with "<" + its name).
_NO_TEXTURIZE_OPENER = re.compile("<(?:" + "|".join(sorted(_NO_TEXTURIZE_TAGS)) + ")")

# --- output characters (English defaults) -------------------------------------------------------
_OPEN_DQ = "&#8220;"
_CLOSE_DQ = "&#8221;"
_OPEN_SQ = "&#8216;"
_CLOSE_SQ = "&#8217;"
_APOS = "&#8217;"
_PRIME = "&#8242;"
_DOUBLE_PRIME = "&#8243;"
_EN_DASH = "&#8211;"
_EM_DASH = "&#8212;"

# Placeholders used while deciding between quotes, apostrophes and primes. Text runs can never
# contain "<" (every "<" starts a tag token), so these cannot collide with content.
_APOS_FLAG = "<!--apos-->"
_OPEN_SQ_FLAG = "<!--osq-->"
_OPEN_DQ_FLAG = "<!--oq-->"
_CANDIDATE_FLAG = "<!--wp-prime-or-quote-->"

# --- "space" = space, tab, CR, LF, U+00A0 or the entity &nbsp; ---------------------------------
# Each pattern starts with its literal character and then checks what precedes it with a
# lookbehind that includes that character, so Python's engine can scan for the literal instead
# of trying lookbehinds at every position (several times faster on real posts).
_SP = r"(?:[\t\n\r \xa0]|&nbsp;)"  # usable inside a lookahead
_Replacement = str | Callable[[re.Match[str]], str]
_CLOSER_FOLLOWS = r"(?=\Z|[.,:;!?)}\-\]]|&gt;|" + _SP + ")"


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile with ASCII semantics for \\d, \\s and \\b, as PHP's non-Unicode PCRE does."""
    return re.compile(pattern, re.ASCII | flags)


def _after_space(literal: str, also: str = "", entities: tuple[str, ...] = ()) -> str:
    """Assert the just-matched ``literal`` is at the start or after a space, ``also`` or ``entities``."""
    lit = re.escape(literal)
    checks = [rf"(?<![^\t\n\r \xa0{also}]{lit})", rf"(?<=&nbsp;{lit})"]
    checks += [rf"(?<={re.escape(entity)}{lit})" for entity in entities]
    return "(?:" + "|".join(checks) + ")"


def _not_after_space(literal: str) -> str:
    """Assert the just-matched ``literal`` does not follow a space."""
    lit = re.escape(literal)
    return rf"(?<![\t\n\r \xa0]{lit})(?<!&nbsp;{lit})"


def _wrap(before: str, after: str) -> Callable[[re.Match[str]], str]:
    """Replacement putting ``before``/``after`` around group 1 (cheaper than a sub template)."""
    return lambda match: before + match.group(1) + after


_COCKNEY_WORDS = (
    "tain't",
    "twere",
    "twas",
    "tis",
    "twill",
    "til",
    "bout",
    "nuff",
    "round",
    "cause",
    "em",
)
# Words that start with an apostrophe rather than an opening quote ('tis, 'em, ...).
_COCKNEY = tuple((f"'{word}", _APOS + word.replace("'", _APOS)) for word in _COCKNEY_WORDS)
_COCKNEY_PROBE = re.compile("'(?:" + "|".join(re.escape(w) for w in _COCKNEY_WORDS) + ")")


def _replace_static(run: str) -> str:
    """Ellipsis, double backticks, double apostrophes, (tm) and cockney words, in WP order."""
    if "..." in run:
        run = run.replace("...", "&#8230;")
    if "``" in run:
        run = run.replace("``", _OPEN_DQ)
    quote = "'" in run
    if quote and "''" in run:
        run = run.replace("''", _CLOSE_DQ)
    if " (tm)" in run:
        run = run.replace(" (tm)", " &#8482;")
    if quote and _COCKNEY_PROBE.search(run):
        for plain, fancy in _COCKNEY:
            run = run.replace(plain, fancy)
    return run


# Single quotes, in the order WordPress applies them.
_SINGLE_QUOTE_RULES: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    # '99' and '99" at the end of a quotation: an abbreviated year, then the closing quote.
    (_rx(r"'(\d\d)'" + _CLOSER_FOLLOWS), _wrap(_APOS_FLAG, _CLOSE_SQ)),
    (_rx(r"'(\d\d)\"" + _CLOSER_FOLLOWS), _wrap(_APOS_FLAG, _CLOSE_DQ)),
    # '99 '99s '99's -- but never '9, '999, '99% or '99.0.
    (_rx(r"'(?=\d\d(?:\Z|(?![%\d]|[.,]\d)))"), _APOS_FLAG),
    # Quoted numbers like '0.42' at the start or after a space.
    (_rx("'" + _after_space("'") + r"(\d[.,\d]*)'"), _wrap(_OPEN_SQ_FLAG, _CLOSE_SQ)),
    # Opening quote: at the start, or after ( [ { " - &lt; or a space.
    (_rx("'" + _after_space("'", r"(\[{\"\-", ("&lt;",))), _OPEN_SQ_FLAG),
    # Apostrophe inside a word: not after a space, not before an end, space or punctuation.
    (
        _rx("'" + _not_after_space("'") + r"(?!\Z|[.,:;!?\"'(){}\[\]\-]|&[lg]t;|" + _SP + ")"),
        _APOS_FLAG,
    ),
)

_DOUBLE_QUOTE_RULES: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    # Quoted numbers like "42" at the start or after a space.
    (_rx('"' + _after_space('"') + r"(\d[.,\d]*)\""), _wrap(_OPEN_DQ_FLAG, _CLOSE_DQ)),
    # Opening quote: at the start or after ( [ { - &lt; or a space, and not before a space.
    (_rx('"' + _after_space('"', r"(\[{\-", ("&lt;",)) + "(?!" + _SP + ")"), _OPEN_DQ_FLAG),
)

_DASH_RULES: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    (_rx("---"), _EM_DASH),
    (_rx("--" + _after_space("--") + "(?=$|" + _SP + ")"), _EM_DASH),
    (_rx("--(?<!xn--)"), _EN_DASH),
    (_rx("-" + _after_space("-") + "(?=$|" + _SP + ")"), _EN_DASH),
)

_SINGLE_CLOSER = _rx("'" + _CLOSER_FOLLOWS)
_DOUBLE_CLOSER = _rx('"' + _CLOSER_FOLLOWS)
_SINGLE_PRIME = _rx(r"'(?<=\d')")
_DOUBLE_PRIME_RX = _rx(r"\"(?<=\d\")")
_FLAG = re.escape(_CANDIDATE_FLAG)
_FLAG_AFTER_DIGIT = _rx(_FLAG + r"(?<=\d" + _FLAG + ")")
_FLAG_NOT_AFTER_DIGIT = _rx(_FLAG + r"(?<!\d" + _FLAG + ")")

_TIMES_PROBE = _rx(r"x(?<=\dx)\d")
# 9x9 but never 0x9999 (hex): a leading 0 must be followed by more digits, dots or commas.
_TIMES = _rx(r"\b(0[\d.,]+|[1-9][\d.,]*)x(\d[\d.,]*)\b")


def _times_sign(match: re.Match[str]) -> str:
    """``9x9`` -> ``9&#215;9``."""
    return match.group(1) + "&#215;" + match.group(2)


# A "&" that does not start something entity-shaped.
_BARE_AMP = _rx(r"&(?!#(?:\d+|x[a-f0-9]+);|[a-z1-4]{1,8};)", re.IGNORECASE)

_HTML_TOKEN = r"<(?:(?=!--)!(?:-(?!->)[^-]*+)*+(?:-->)?|[^>]*+>?)"
_SHORTCODE_NAME_CANDIDATE = re.compile(r"\[/?([^<>&/\[\]\x00-\x20=]++)")
_SPLIT_HTML_ONLY = re.compile("(" + _HTML_TOKEN + ")")


def _shortcode_pattern(names: tuple[str, ...]) -> str:
    """The regex source for a shortcode tag among ``names`` (tags may contain HTML)."""
    alternation = "|".join(re.escape(name) for name in names)
    return (
        r"\[[/\[]?(?:" + alternation + r")(?=[\s\]/])"
        r"(?:[^\[\]<>]++|<[^\[\]>]*+>)*+\]\]?"
    )


@lru_cache(maxsize=256)
def _split_with_shortcodes(names: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Token splitter for HTML plus the given shortcodes, and a whole-token shortcode matcher."""
    shortcode = _shortcode_pattern(names)
    splitter = re.compile("(" + _HTML_TOKEN + "|" + shortcode + ")", re.ASCII)
    return splitter, re.compile(shortcode, re.ASCII)


def _registered_shortcodes_in(text: str, shortcode_names: Collection[str]) -> tuple[str, ...]:
    """The registered shortcode names that appear as ``[name`` or ``[/name`` in ``text``."""
    if not shortcode_names or "[" not in text:
        return ()
    present = set(_SHORTCODE_NAME_CANDIDATE.findall(text))
    return tuple(name for name in shortcode_names if name in present)


def _tag_name(token: str, offset: int) -> str:
    """Element or shortcode name of a tag token: up to the first space, else up to the end."""
    space = token.find(" ")
    return token[offset:space] if space != -1 else token[offset:-1]


def _push_or_pop(token: str, stack: list[str], disabled: Collection[str]) -> None:
    """Track entry into and exit from no-texturize elements (a stack of open names)."""
    opening = len(token) > 1 and token[1] != "/"
    if not opening and not stack:
        return
    name = _tag_name(token, 1 if opening else 2)
    if name not in disabled:
        return
    if opening:
        stack.append(name)
    elif stack[-1] == name:
        stack.pop()


def _resolve_quotes_and_primes(
    text: str,
    needle: str,
    prime: str,
    open_flag: str,
    close_quote: str,
) -> str:
    """Decide, per quotation, whether each remaining ``needle`` is a closing quote or a prime."""
    closer, prime_rx = (
        (_SINGLE_CLOSER, _SINGLE_PRIME) if needle == "'" else (_DOUBLE_CLOSER, _DOUBLE_PRIME_RX)
    )
    sentences = text.split(open_flag)
    for index, sentence in enumerate(sentences):
        if needle not in sentence:
            continue
        if index and close_quote not in sentence:
            sentence = _close_open_quotation(sentence, closer, prime_rx, prime, close_quote)
        else:
            sentence = prime_rx.sub(prime, sentence)
            sentence = closer.sub(close_quote, sentence)
        if needle == '"':
            sentence = sentence.replace('"', close_quote)
        sentences[index] = sentence
    return open_flag.join(sentences)


def _close_open_quotation(
    sentence: str,
    closer: re.Pattern[str],
    prime_rx: re.Pattern[str],
    prime: str,
    close_quote: str,
) -> str:
    """Pick the closing quote of a quotation that has none yet; the rest become primes."""
    sentence, candidates = closer.subn(_CANDIDATE_FLAG, sentence)
    if candidates == 1:
        sentence = sentence.replace(_CANDIDATE_FLAG, close_quote)
        return prime_rx.sub(prime, sentence)
    if candidates == 0:
        return prime_rx.sub(prime, sentence)
    # Several candidates: prefer those not after a digit.
    sentence, chosen = _FLAG_NOT_AFTER_DIGIT.subn(close_quote, sentence)
    if not chosen:
        # Else the rightmost one followed by a period, else simply the rightmost one.
        pos = sentence.rfind(_CANDIDATE_FLAG + ".")
        if pos < 0:
            pos = sentence.rfind(_CANDIDATE_FLAG)
        sentence = sentence[:pos] + close_quote + sentence[pos + len(_CANDIDATE_FLAG) :]
    sentence = prime_rx.sub(prime, sentence)
    sentence = _FLAG_AFTER_DIGIT.sub(prime, sentence)
    return sentence.replace(_CANDIDATE_FLAG, close_quote)


# Rules that can only match where a quote is followed by a digit (or where "--" occurs) are
# skipped when the run has none: the rules before them cannot create one.
_SINGLE_QUOTE_BEFORE_DIGIT = _rx(r"'\d")
_DOUBLE_QUOTE_BEFORE_DIGIT = _rx(r'"\d')
_SINGLE_QUOTE_WORD_RULES = _SINGLE_QUOTE_RULES[4:]
_DOUBLE_QUOTE_WORD_RULES = _DOUBLE_QUOTE_RULES[1:]
_SINGLE_DASH_RULES = _DASH_RULES[3:]


def _texturize_run(run: str) -> str:
    """Apply every typographic replacement to one text run (no tags inside)."""
    run = _replace_static(run)
    if "'" in run:
        rules = (
            _SINGLE_QUOTE_RULES
            if _SINGLE_QUOTE_BEFORE_DIGIT.search(run)
            else _SINGLE_QUOTE_WORD_RULES
        )
        for pattern, replacement in rules:
            run = pattern.sub(replacement, run)
        run = _resolve_quotes_and_primes(run, "'", _PRIME, _OPEN_SQ_FLAG, _CLOSE_SQ)
        run = run.replace(_APOS_FLAG, _APOS).replace(_OPEN_SQ_FLAG, _OPEN_SQ)
    if '"' in run:
        rules = (
            _DOUBLE_QUOTE_RULES
            if _DOUBLE_QUOTE_BEFORE_DIGIT.search(run)
            else _DOUBLE_QUOTE_WORD_RULES
        )
        for pattern, replacement in rules:
            run = pattern.sub(replacement, run)
        run = _resolve_quotes_and_primes(run, '"', _DOUBLE_PRIME, _OPEN_DQ_FLAG, _CLOSE_DQ)
        run = run.replace(_OPEN_DQ_FLAG, _OPEN_DQ)
    if "-" in run:
        for pattern, replacement in _DASH_RULES if "--" in run else _SINGLE_DASH_RULES:
            run = pattern.sub(replacement, run)
    if "x" in run and _TIMES_PROBE.search(run):
        run = _TIMES.sub(_times_sign, run)
    if "&" in run:
        run = _BARE_AMP.sub("&#038;", run)
    return run


def wptexturize(
    text: str,
    *,
    shortcode_names: Collection[str] = (),
    no_texturize_shortcodes: Collection[str] = ("code",),
) -> str:
    """Replace plain quotes, dashes, ellipses etc. with typographic entities, as WordPress does."""
    if not text:
        return text
    names = _registered_shortcodes_in(text, shortcode_names)
    if not names:
        if "<" not in text:  # one text run
            return _texturize_run(text) if text.strip(PHP_TRIM) else text
        if not _NO_TEXTURIZE_OPENER.search(text):
            return _texturize_everywhere(text)
    if names:
        splitter, shortcode_rx = _split_with_shortcodes(names)
    else:
        splitter, shortcode_rx = _SPLIT_HTML_ONLY, None
    tag_stack: list[str] = []
    shortcode_stack: list[str] = []
    out: list[str] = []
    for token in splitter.split(text):
        if not token:
            continue
        first = token[0]
        if first == "<":
            if not token.startswith("<!--"):
                if "&" in token:
                    token = _BARE_AMP.sub("&#038;", token)
                if tag_stack or token[1:3] in _NO_TEXTURIZE_PREFIXES:
                    _push_or_pop(token, tag_stack, _NO_TEXTURIZE_TAGS)
        elif not token.strip(PHP_TRIM):
            pass
        elif first == "[" and shortcode_rx is not None and shortcode_rx.fullmatch(token):
            if not token.startswith("[[") and not token.endswith("]]"):
                _push_or_pop(token, shortcode_stack, no_texturize_shortcodes)
        elif not tag_stack and not shortcode_stack:
            token = _texturize_run(token)
        out.append(token)
    return "".join(out)


_RUN_CACHE: dict[str, str] = {}
_RUN_CACHE_LIMIT = 2048


def _texturize_run_cached(run: str) -> str:
    """:func:`_texturize_run`, remembering recent runs (an excerpt repeats its post's first
    paragraphs, and the same run always gives the same result)."""
    done = _RUN_CACHE.get(run)
    if done is None:
        if len(_RUN_CACHE) >= _RUN_CACHE_LIMIT:
            _RUN_CACHE.clear()
        done = _RUN_CACHE[run] = _texturize_run(run)
    return done


def _texturize_everywhere(text: str) -> str:
    """:func:`wptexturize` of text that opens no no-texturize element and has no shortcode."""
    parts = _SPLIT_HTML_ONLY.split(text)  # text, tag, text, ..., text
    parts[0::2] = [
        _texturize_run_cached(run) if run.strip(PHP_TRIM) else run for run in parts[0::2]
    ]
    if "&" in text:
        parts[1::2] = [
            _BARE_AMP.sub("&#038;", tag) if "&" in tag and not tag.startswith("<!--") else tag
            for tag in parts[1::2]
        ]
    return "".join(parts)


_LONE_AMP = re.compile(r"&([^#])(?![a-z1-4]{1,8};)", re.IGNORECASE | re.ASCII)


def convert_chars(text: str) -> str:
    """Turn a lone ``&`` (not followed by ``#`` or an entity name) into ``&#038;``."""
    if "&" not in text:
        return text
    return _LONE_AMP.sub(r"&#038;\g<1>", text)


_DANGIT_CONTEXTS = (" ", "&#8216;", _OPEN_DQ, ">", "(")


def capital_p_dangit(text: str) -> str:
    """Fix ``Wordpress`` after a space, ``&#8216;``, ``&#8220;``, ``>`` or ``(`` (content rule)."""
    if "Wordpress" not in text:
        return text
    for before in _DANGIT_CONTEXTS:
        text = text.replace(before + "Wordpress", before + "WordPress")
    return text


def capital_p_dangit_title(text: str) -> str:
    """Fix every ``Wordpress`` (the rule WordPress uses for titles)."""
    return text.replace("Wordpress", "WordPress")
