"""The repairing reader: WXR bytes as an XML parser can read them, hostile input refused.

WordPress writes comment author URLs without escaping, so a URL with a query string leaves a
bare ``&`` that makes the file malformed. :class:`RepairingReader` escapes bare ampersands
outside CDATA sections and comments before the parser sees them, and keeps carriage returns
inside CDATA (an XML parser would turn CR LF into LF; WordPress keeps the CRs) by writing them
as ``&#13;``. A DOCTYPE is refused outright (WordPress never writes one), so entity bombs and
external entities never reach the parser.
"""

from __future__ import annotations

import re
from typing import IO

from ..wpjson import ImportError_

__all__ = ["RepairingReader"]

# Everything a document may hold before its root element: declaration, comments, PIs, space.
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t\r\n]+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
_BARE_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_CDATA_OPEN = b"<![CDATA["
_CDATA_CLOSE = b"]]>"
_CR_IN_CDATA = b"]]>&#13;<![CDATA["
_PROLOG_LIMIT = 1 << 20


class RepairingReader:
    """A binary stream of WXR bytes as an XML parser can read them.

    Outside CDATA sections an ``&`` that does not start one of XML's five entities or a
    character reference becomes ``&amp;`` (WordPress's bare ampersands in comment author URLs);
    inside CDATA each carriage return is written as a character reference, so the parser keeps
    it. A DOCTYPE raises :class:`ImportError_` before the parser sees it.

    The work is done on large segments with C-level searches: a segment always ends just
    before a ``<``, so no CDATA marker is ever split, and whether a position lies inside CDATA
    is read off the nearest markers before it. WordPress writes comments only before the root
    element; those are passed through untouched.
    """

    def __init__(self, raw: IO[bytes], name: str = "file", chunk_size: int = 1 << 20) -> None:
        self._raw = raw
        self._name = name
        self._chunk_size = chunk_size
        self._pending = b""
        self._searched = 0  # how much of _pending is known to hold no usable cut point
        self._out = bytearray()
        self._in_prolog = True
        self._in_cdata = False
        self._eof = False
        self.lines = 1  # lines read so far (to tell a cut-off file from a broken one)

    @property
    def at_end(self) -> bool:
        """Whether the whole file has been read."""
        return self._eof

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` repaired bytes (all of them for a negative size); b'' at the end."""
        while (size < 0 or len(self._out) < size) and not (self._eof and not self._pending):
            self._fill()
        if size < 0 or size >= len(self._out):
            data = bytes(self._out)
            self._out.clear()
            return data
        data = bytes(self._out[:size])
        del self._out[:size]
        return data

    def _fill(self) -> None:
        chunk = self._raw.read(self._chunk_size)
        if not chunk:
            self._eof = True
        self.lines += chunk.count(b"\n")
        self._pending += chunk
        if self._in_prolog and not self._prolog():
            return
        if self._eof:
            cut = len(self._pending)
        else:
            cut = self._pending.rfind(b"<", self._searched)
            if cut <= 0:
                self._searched = max(len(self._pending) - 1, 0)
                return
        segment, self._pending, self._searched = self._pending[:cut], self._pending[cut:], 0
        self._body(segment)

    def _prolog(self) -> bool:
        """Pass what precedes the root element; False while more bytes are needed."""
        buf = self._pending
        prolog = _PROLOG.match(buf)
        end = prolog.end() if prolog is not None else 0  # it always matches, if only b""
        if buf.startswith(b"<!DOCTYPE", end):
            self._refuse_doctype(buf[end : end + _PROLOG_LIMIT])
        if not _ROOT_START.match(buf, end) and not self._eof and len(buf) < _PROLOG_LIMIT:
            return False
        self._out += buf[:end]
        self._pending = buf[end:]
        self._in_prolog = False
        return True

    def _inside_cdata(self, segment: bytes, pos: int) -> bool:
        opened = segment.rfind(_CDATA_OPEN, 0, pos)
        closed = segment.rfind(_CDATA_CLOSE, 0, pos)
        if opened < 0 and closed < 0:
            return self._in_cdata
        return opened > closed

    def _body(self, segment: bytes) -> None:
        fixes: list[tuple[int, bytes]] = []
        if b"&" in segment:
            for match in _BARE_AMPERSAND.finditer(segment):
                if not self._inside_cdata(segment, match.start()):
                    fixes.append((match.start(), b"&amp;"))
        if b"\r" in segment:
            pos = segment.find(b"\r")
            while pos >= 0:
                if self._inside_cdata(segment, pos):
                    fixes.append((pos, _CR_IN_CDATA))
                pos = segment.find(b"\r", pos + 1)
        if fixes:
            fixes.sort()
            start = 0
            for pos, replacement in fixes:
                self._out += segment[start:pos]
                self._out += replacement
                start = pos + 1
            self._out += segment[start:]
        else:
            self._out += segment
        self._in_cdata = self._inside_cdata(segment, len(segment))

    def _refuse_doctype(self, head: bytes) -> None:
        if b"<!ENTITY" in head and re.search(rb"<!ENTITY[^>]*\s(?:SYSTEM|PUBLIC)\s", head):
            raise ImportError_(
                f"{self._name}: refused: the file declares an external XML entity (<!ENTITY … SYSTEM …);"
                " external entities are never resolved"
            )
        if b"<!ENTITY" in head:
            raise ImportError_(
                f"{self._name}: refused: the file declares XML entities in a DOCTYPE (an entity"
                " expansion bomb?); WordPress exports never do"
            )
        raise ImportError_(
            f"{self._name}: refused: the file has a DOCTYPE; WordPress exports never do"
        )
