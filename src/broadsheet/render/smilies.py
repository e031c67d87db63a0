"""WordPress's ``convert_smilies``: text smileys become emoji (or a ``wp-smiley`` image).

Uses WordPress's default smiley table. A smiley only counts when it stands between "spaces"
(space, tab, CR, LF, U+00A0, ``&nbsp;``) or line edges. Tags are never touched, nor is anything
inside ``code``, ``pre``, ``style``, ``script`` or ``textarea``.

Knowingly left out: the ``smilies`` and ``smilies_src`` filters (custom smiley tables and image
URLs); the ``use_smilies`` option is the caller's decision (do not call when it is off).
"""

from __future__ import annotations

import re

from broadsheet.render.escape import esc_attr, esc_url

__all__ = ["SMILIES", "convert_smilies"]

# WordPress's default $wpsmiliestrans table: smiley -> emoji, or an image file name.
SMILIES: dict[str, str] = {
    ":mrgreen:": "mrgreen.png",
    ":neutral:": "\U0001f610",
    ":twisted:": "\U0001f608",
    ":arrow:": "\u27a1",
    ":shock:": "\U0001f62f",
    ":smile:": "\U0001f642",
    ":???:": "\U0001f615",
    ":cool:": "\U0001f60e",
    ":evil:": "\U0001f47f",
    ":grin:": "\U0001f600",
    ":idea:": "\U0001f4a1",
    ":oops:": "\U0001f633",
    ":razz:": "\U0001f61b",
    ":roll:": "\U0001f644",
    ":wink:": "\U0001f609",
    ":cry:": "\U0001f625",
    ":eek:": "\U0001f62e",
    ":lol:": "\U0001f606",
    ":mad:": "\U0001f621",
    ":sad:": "\U0001f641",
    "8-)": "\U0001f60e",
    "8-O": "\U0001f62f",
    ":-(": "\U0001f641",
    ":-)": "\U0001f642",
    ":-?": "\U0001f615",
    ":-D": "\U0001f600",
    ":-P": "\U0001f61b",
    ":-o": "\U0001f62e",
    ":-x": "\U0001f621",
    ":-|": "\U0001f610",
    ";-)": "\U0001f609",
    "8O": "\U0001f62f",
    ":(": "\U0001f641",
    ":)": "\U0001f642",
    ":?": "\U0001f615",
    ":D": "\U0001f600",
    ":P": "\U0001f61b",
    ":o": "\U0001f62e",
    ":x": "\U0001f621",
    ":|": "\U0001f610",
    ";)": "\U0001f609",
    ":!:": "\u2757",
    ":?:": "\u2753",
}

_IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "gif", "png", "webp"})

# Longest first, so ":???:" is tried before ":?" (the lookahead makes order otherwise moot).
# The "space or line start before" condition is checked in Python (see _before_is_space): a
# leading lookbehind would make the engine try every position of the text.
_FOLLOWED_BY_SPACE = r"(?=[\t\n\r \xa0]|&nbsp;|$)"
_SMILEY_SEARCH = re.compile(
    "(?:"
    + "|".join(re.escape(s) for s in sorted(SMILIES, key=lambda s: (-len(s), s)))
    + ")"
    + _FOLLOWED_BY_SPACE,
    re.MULTILINE,
)


def _candidates_starting_with(first: str) -> re.Pattern[str]:
    """A quick probe for smileys that begin with ``first`` (literal-first regexes scan fast).

    It runs on the whole text, where a chunk's end shows up as the start of a tag (``<``).
    """
    rests = [re.escape(s[1:]) for s in sorted(SMILIES, key=len, reverse=True) if s[0] == first]
    ends = r"(?=[\t\n\r \xa0<]|&nbsp;|$)"
    return re.compile(re.escape(first) + "(?:" + "|".join(rests) + ")" + ends, re.MULTILINE)


_PROBES = tuple(_candidates_starting_with(first) for first in sorted({s[0] for s in SMILIES}))
_SPACE_CHARS = "\t\n\r \xa0"
_TAG_SPLIT = re.compile(r"(<.*?>)")
_IGNORED_ELEMENT = re.compile(r"<(code|pre|style|script|textarea)[^>]*>")


def _smiley_html(smiley: str, site_url: str) -> str:
    """The emoji for a smiley, or the ``<img>`` WordPress prints for image smileys."""
    replacement = SMILIES[smiley]
    extension = replacement.rsplit(".", 1)[-1].lower() if "." in replacement else ""
    if extension not in _IMAGE_EXTENSIONS:
        return replacement
    src = f"{site_url.rstrip('/')}/wp-includes/images/smilies/{replacement}"
    return (
        f'<img src="{esc_url(src)}" alt="{esc_attr(smiley)}" class="wp-smiley" '
        'style="height: 1em; max-height: 1em;" />'
    )


def _before_is_space(text: str, start: int) -> bool:
    """Whether ``start`` is at the beginning or follows a space, a line break or ``&nbsp;``."""
    return start == 0 or text[start - 1] in _SPACE_CHARS or text.endswith("&nbsp;", 0, start)


def _replace_smileys(chunk: str, site_url: str) -> str:
    """Replace the smileys of one text chunk (no tags inside)."""

    def replace(match: re.Match[str]) -> str:
        if not _before_is_space(chunk, match.start()):
            return match.group(0)
        return _smiley_html(match.group(0), site_url)

    return _SMILEY_SEARCH.sub(replace, chunk)


def convert_smilies(text: str, *, site_url: str) -> str:
    """Replace text smileys outside tags and code-like elements (WordPress default table)."""
    if not text or not any(probe.search(text) for probe in _PROBES):
        return text
    output: list[str] = []
    ignored_element = ""
    for chunk in _TAG_SPLIT.split(text):
        if not ignored_element:
            opening = _IGNORED_ELEMENT.match(chunk)
            if opening:
                ignored_element = opening.group(1)
        if not ignored_element and chunk and chunk[0] != "<":
            chunk = _replace_smileys(chunk, site_url)
        if ignored_element and chunk == f"</{ignored_element}>":
            ignored_element = ""
        output.append(chunk)
    return "".join(output)
