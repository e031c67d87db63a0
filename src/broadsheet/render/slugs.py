"""Slugs the way WordPress makes them: accent folding, percent-encoding and dash rules.

Covers ``remove_accents`` (contract §4.9 step 1), ``sanitize_title_with_dashes`` (step 2),
``sanitize_title`` (the two plus the fallback, step 3) and ``utf8_uri_encode``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "remove_accents",
    "sanitize_title",
    "sanitize_title_with_dashes",
    "strip_tags",
    "utf8_uri_encode",
]

# ---------------------------------------------------------------------------------------------
# remove_accents
# ---------------------------------------------------------------------------------------------

# Code points WordPress folds (ranges are inclusive).  Everything else is left alone, including
# most of Latin Extended-B and all non-Latin scripts.
_FOLDED_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AA, 0x00AA),  # ª
    (0x00BA, 0x00BA),  # º
    (0x00C0, 0x00D6),  # À … Ö
    (0x00D8, 0x00F6),  # Ø … ö
    (0x00F8, 0x00FF),  # ø … ÿ
    (0x0100, 0x017F),  # Latin Extended-A
    (0x01A0, 0x01A1),  # Ơ ơ
    (0x01AF, 0x01B0),  # Ư ư
    (0x01CD, 0x01DC),  # pinyin vowels with caron, ü with marks
    (0x0218, 0x021B),  # Ș ș Ț ț
    (0x0251, 0x0251),  # ɑ (pinyin "a")
    (0x1EA0, 0x1EF9),  # Vietnamese vowels
)

# Letters whose compatibility decomposition does not end in plain ASCII letters.
_FOLD_EXCEPTIONS: dict[str, str] = {
    "Æ": "AE",
    "æ": "ae",
    "Œ": "OE",
    "œ": "oe",
    "Ð": "D",
    "ð": "d",
    "Đ": "D",
    "đ": "d",
    "Þ": "TH",
    "þ": "th",
    "Ø": "O",
    "ø": "o",
    "ß": "s",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
    "ĸ": "k",
    "Ł": "L",
    "ł": "l",
    "Ŋ": "N",
    "ŋ": "n",
    "Ŧ": "T",
    "ŧ": "t",
    "ɑ": "a",
    "€": "E",
    "£": "",
}

# Marks dropped from a decomposition: combining marks (category Mn), the middle dot of Ŀ/ŀ and
# the apostrophe of ŉ.
_DECOMPOSITION_DROPS = frozenset("\u00b7\u02bc")

_LOCALE_OVERRIDES: dict[str, dict[str, str]] = {
    "de": {"Ä": "Ae", "ä": "ae", "Ö": "Oe", "ö": "oe", "Ü": "Ue", "ü": "ue", "ß": "ss"},
    "da_DK": {"Æ": "Ae", "æ": "ae", "Ø": "Oe", "ø": "oe", "Å": "Aa", "å": "aa"},
    "sr_RS": {"Đ": "DJ", "đ": "dj"},
    "bs_BA": {"Đ": "DJ", "đ": "dj"},
}

_CATALAN_GEMINATE = "l\u00b7l"  # l·l (ela geminada) → ll, Catalan only


def _fold(char: str) -> str:
    """Base letters of one covered character (its decomposition without marks)."""
    if char in _FOLD_EXCEPTIONS:
        return _FOLD_EXCEPTIONS[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(
        c for c in decomposed if unicodedata.category(c) != "Mn" and c not in _DECOMPOSITION_DROPS
    )
    if not (base.isascii() and base.isalpha()):
        raise RuntimeError(f"no ASCII folding for U+{ord(char):04X}")  # table invariant
    return base


def _build_base_table() -> dict[int, str]:
    """Translation table (for ``str.translate``) of the locale-independent folding."""
    table = {ord(c): _fold(c) for c in ("€", "£")}
    for first, last in _FOLDED_RANGES:
        for code in range(first, last + 1):
            table[code] = _fold(chr(code))
    return table


_BASE_TABLE = _build_base_table()


def _locale_key(locale: str) -> str:
    """Which override set a locale uses ('' for none); German is any locale starting 'de'."""
    if locale.startswith("de"):
        return "de"
    if locale in _LOCALE_OVERRIDES or locale == "ca":
        return locale
    return ""


@lru_cache(maxsize=16)
def _table_for(key: str) -> dict[int, str]:
    """The folding table for an override set."""
    overrides = _LOCALE_OVERRIDES.get(key)
    if not overrides:
        return _BASE_TABLE
    table = dict(_BASE_TABLE)
    table.update({ord(c): out for c, out in overrides.items()})
    return table


# Legacy single-byte input (not valid UTF-8): WordPress assumes ISO-8859-1/Windows-1252 bytes.
_LEGACY_SINGLE = dict(
    zip(
        b"\x80\x83\x8a\x8e\x9a\x9e\x9f\xa2\xa5\xb5"
        b"\xc0\xc1\xc2\xc3\xc4\xc5\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd1"
        b"\xd2\xd3\xd4\xd5\xd6\xd8\xd9\xda\xdb\xdc\xdd"
        b"\xe0\xe1\xe2\xe3\xe4\xe5\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf1"
        b"\xf2\xf3\xf4\xf5\xf6\xf8\xf9\xfa\xfb\xfc\xfd\xff",
        "EfSZszYcYuAAAAAACEEEEIIIINOOOOOOUUUUYaaaaaaceeeeiiiinoooooouuuuyy",
        strict=True,
    )
)
_LEGACY_DOUBLE = dict(
    zip(
        b"\x8c\x9c\xc6\xd0\xde\xdf\xe6\xf0\xfe",
        ("OE", "oe", "AE", "DH", "TH", "ss", "ae", "dh", "th"),
        strict=True,
    )
)
_LEGACY_TABLE: dict[int, str] = {**_LEGACY_SINGLE, **_LEGACY_DOUBLE}


def _remove_accents_legacy(data: bytes) -> str:
    """Fold non-UTF-8 bytes as ISO-8859-1/Windows-1252; unmapped bytes become Latin-1 characters."""
    return data.decode("latin-1").translate(_LEGACY_TABLE)


def remove_accents(text: str | bytes, locale: str = "en_US") -> str:
    """Fold accented Latin letters to ASCII like WordPress's ``remove_accents()``."""
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _remove_accents_legacy(raw)
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    key = _locale_key(locale)
    if key == "ca":
        text = text.replace(_CATALAN_GEMINATE, "ll")
    return text.translate(_table_for(key))


# ---------------------------------------------------------------------------------------------
# utf8_uri_encode
# ---------------------------------------------------------------------------------------------

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_ENCODE_TOKENS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")


def _percent_bytes(chunk: str) -> str:
    """Lower-case percent-encoding of every UTF-8 byte of ``chunk``."""
    return "%" + chunk.encode("utf-8", "surrogatepass").hex("%")


def _percent_run(match: re.Match[str]) -> str:
    """``re.sub`` callback: percent-encode a run of non-ASCII characters."""
    return _percent_bytes(match.group())


def utf8_uri_encode(text: str, length: int = 0) -> str:
    """Percent-encode non-ASCII characters (lower-case hex), optionally capped at ``length`` bytes.

    The cap never splits a character: encoding stops before the first character that no longer
    fits.  A ``length`` of 0 means no cap.
    """
    encoded = text if text.isascii() else _NON_ASCII_RUN.sub(_percent_run, text)
    if not length or len(encoded) <= length:
        return encoded
    pieces: list[str] = []
    used = 0
    for token in _ENCODE_TOKENS.finditer(text):
        piece = token.group()
        if piece.isascii():
            room = length - used
            if len(piece) > room:
                pieces.append(piece[: max(room, 0)])
                break
        else:
            piece = _percent_bytes(piece)
            if used + len(piece) > length:
                break
        pieces.append(piece)
        used += len(piece)
    return "".join(pieces)


# ---------------------------------------------------------------------------------------------
# strip_tags (PHP's tag-stripping state machine, without allowed tags)
# ---------------------------------------------------------------------------------------------

_C_SPACE = frozenset(" \t\n\v\f\r")
_TEXT_STOP = re.compile(r"[<>\x00]")
_COMMENT_END = re.compile(r"(?<=--)>")
_TEXT, _TAG, _PHP, _BANG, _COMMENT = range(5)


class _TagStripper:
    """One run of PHP's ``strip_tags()`` without allowed tags."""

    __slots__ = ("text", "out", "state", "depth", "in_q", "lc", "br", "is_xml")

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.state = _TEXT
        self.depth = 0
        self.in_q = ""
        self.lc = ""
        self.br = 0
        self.is_xml = False

    def prev(self, i: int, back: int = 1) -> str:
        """The character ``back`` places before ``i`` ('' before the start)."""
        return self.text[i - back] if i - back >= 0 else ""

    def run(self) -> str:
        """Strip and return the text."""
        text, n, i = self.text, len(self.text), 0
        while i < n:
            if self.state == _TEXT:
                i = self.text_state(i)
            elif self.state == _COMMENT:
                found = _COMMENT_END.search(text, i) if not self.in_q else None
                if found is None:
                    break
                self.in_q, self.state = "", _TEXT
                i = found.end()
            else:
                char = text[i]
                if self.state == _TAG:
                    self.tag_char(char, i)
                elif self.state == _PHP:
                    self.php_char(char, i)
                else:
                    self.bang_char(char, i)
                i += 1
        return "".join(self.out)

    def text_state(self, i: int) -> int:
        """Copy text up to the next special character and handle it; return the next index."""
        text = self.text
        found = _TEXT_STOP.search(text, i)
        if found is None:
            self.out.append(text[i:])
            return len(text)
        stop = found.start()
        self.out.append(text[i:stop])
        char = text[stop]
        if char == ">":
            if self.depth:
                self.depth -= 1
            else:
                self.out.append(">")
        elif char == "<":
            if text[stop + 1 : stop + 2] in _C_SPACE:
                self.out.append("<")
            else:
                self.lc = "<"
                self.state = _TAG
        return stop + 1

    def toggle_quote(self, char: str) -> None:
        """Enter or leave a quoted attribute value."""
        if not self.in_q:
            self.in_q = char
        elif char == self.in_q:
            self.in_q = ""

    def tag_char(self, char: str, i: int) -> None:
        """One character inside an HTML tag."""
        if char == "<":
            nxt = self.text[i + 1 : i + 2]
            if not self.in_q and not (nxt and nxt in _C_SPACE):
                self.depth += 1
        elif char == ">":
            if self.depth:
                self.depth -= 1
            elif not self.in_q:
                self.lc = ">"
                if not (self.is_xml and self.prev(i) == "-"):
                    self.in_q, self.state, self.is_xml = "", _TEXT, False
        elif char in "\"'":
            self.toggle_quote(char)
        elif char == "!" and self.prev(i) == "<":
            self.state, self.lc = _BANG, "!"
        elif char == "?" and self.prev(i) == "<":
            self.br, self.state = 0, _PHP

    def php_char(self, char: str, i: int) -> None:
        """One character inside a ``<?`` processing instruction."""
        quoted = self.lc in ("'", '"')
        if char == "(" and not quoted:
            self.lc, self.br = "(", self.br + 1
        elif char == ")" and not quoted:
            self.lc, self.br = ")", self.br - 1
        elif char == ">":
            if self.depth:
                self.depth -= 1
            elif not self.in_q and not self.br and self.lc != '"' and self.prev(i) == "?":
                self.in_q, self.state = "", _TEXT
        elif char in "\"'":
            if self.prev(i) != "\\":
                if self.lc == char:
                    self.lc = ""
                elif self.lc != "\\":
                    self.lc = char
                self.toggle_quote(char)
        elif char in "lL" and i > 4 and self.text[i - 4 : i].lower() == "<?xm":
            self.state, self.is_xml = _TAG, True

    def bang_char(self, char: str, i: int) -> None:
        """One character inside a ``<!`` declaration."""
        if char == ">":
            if self.depth:
                self.depth -= 1
            elif not self.in_q:
                self.in_q, self.state = "", _TEXT
        elif char in "\"'":
            if self.prev(i) != "\\":
                self.toggle_quote(char)
        elif char == "-" and self.prev(i) == "-" and self.prev(i, 2) == "!":
            self.state = _COMMENT
        elif char in "eE" and i > 6 and self.text[i - 6 : i].lower() == "doctyp":
            self.state = _TAG


def strip_tags(text: str) -> str:
    """PHP ``strip_tags()`` without allowed tags: drop tags, comments, ``<?…?>`` and NUL."""
    if "<" not in text and "\x00" not in text:
        return text
    return _TagStripper(text).run()


# ---------------------------------------------------------------------------------------------
# sanitize_title_with_dashes / sanitize_title
# ---------------------------------------------------------------------------------------------

_OCTET = re.compile(r"%([a-fA-F0-9]{2})")
_OCTET_MARKER = re.compile(r"---([a-fA-F0-9]{2})---")
_ENTITY = re.compile(r"&.+?;")
_NOT_SLUG_CHAR = re.compile(r"[^%a-z0-9 _-]")
_SEPARATOR_RUN = re.compile(r"[ -]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _encoded(chars: str) -> tuple[str, ...]:
    """The lower-case percent-encoded form of each character."""
    return tuple(_percent_bytes(c) for c in chars)


# `save` context, applied in this order on the encoded, lower-cased title.
_SAVE_TO_DASH_ENCODED = _encoded("\u00a0\u2013\u2014")  # NBSP, en dash, em dash
_SAVE_TO_DASH_ENTITIES = ("&nbsp;", "&#160;", "&ndash;", "&#8211;", "&mdash;", "&#8212;")
_SAVE_DELETED = _encoded(
    "\u00ad"  # soft hyphen
    "\u00a1\u00bf"  # ¡ ¿
    "\u00ab\u00bb\u2039\u203a"  # « » ‹ ›
    "\u2018\u2019\u201c\u201d\u201a\u201b\u201e\u201f"  # curly quotes
    "\u2022"  # bullet
    "\u00a9\u00ae\u00b0\u2026\u2122"  # © ® ° … ™
    "\u00b4\u02ca\u0301\u0341"  # acute accents (spacing and combining)
    "\u0300\u0304\u030c"  # combining grave, macron, caron
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width characters, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\ufeff\ufffc"  # BOM, object replacement character
)
_SAVE_WIDE_SPACES = _encoded(
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"  # quads, spaces
    "\u2028\u2029\u202f"  # line/paragraph separators, narrow no-break space
)
_SAVE_TIMES = _percent_bytes("\u00d7")


def _replace_all(text: str, needles: tuple[str, ...], replacement: str) -> str:
    """Replace each needle in turn (each over the whole text, in order)."""
    for needle in needles:
        if needle in text:
            text = text.replace(needle, replacement)
    return text


def _apply_save_rules(title: str) -> str:
    """Dash and deletion rules of the ``save`` context."""
    if "%" in title:
        title = _replace_all(title, _SAVE_TO_DASH_ENCODED, "-")
    if "&" in title:
        title = _replace_all(title, _SAVE_TO_DASH_ENTITIES, "-")
    title = title.replace("/", "-")
    if "%" in title:
        title = _replace_all(title, _SAVE_DELETED, "")
        title = _replace_all(title, _SAVE_WIDE_SPACES, "-")
        title = title.replace(_SAVE_TIMES, "x")
    return title


def _keep_valid_octets(title: str) -> str:
    """Drop ``%`` signs that do not start a ``%XX`` escape (WordPress's marker round trip)."""
    title = _OCTET.sub(r"---\1---", title)
    title = title.replace("%", "")
    return _OCTET_MARKER.sub(r"%\1", title)


def _is_encodable(text: str) -> bool:
    """Whether the text is valid Unicode (no lone surrogates), i.e. would be valid UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _mb_lower(text: str) -> str:
    """Lower case like PHP 8.2's ``mb_strtolower`` (full mapping, but Σ is always σ)."""
    if text.isascii():
        return text.lower()
    if "\u03a3" in text:
        text = text.replace("\u03a3", "\u03c3")  # no final-sigma rule before PHP 8.3
    return text.lower()


def sanitize_title_with_dashes(title: str, context: str = "display") -> str:
    """Turn a title into a slug: lower case, percent-encoded, dashes (WordPress's default filter)."""
    title = strip_tags(title)
    if "%" in title or "---" in title:
        title = _keep_valid_octets(title)
    if _is_encodable(title):
        title = utf8_uri_encode(_mb_lower(title), 200)
    title = title.translate(_ASCII_LOWER)
    if context == "save":
        title = _apply_save_rules(title)
    if "&" in title:
        title = _ENTITY.sub("", title)
    title = _NOT_SLUG_CHAR.sub("", title.replace(".", "-"))
    return _SEPARATOR_RUN.sub("-", title).strip("-")


def sanitize_title(
    title: str, fallback: str = "", *, locale: str = "en_US", context: str = "save"
) -> str:
    """Slug for a title (accents folded in ``save`` context); ``fallback`` when nothing is left."""
    if context == "save":
        title = remove_accents(title, locale)
    slug = sanitize_title_with_dashes(title, context)
    return slug if slug else fallback
