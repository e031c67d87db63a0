"""Objects a source gave, kept on disk in the order they came: written once, read back as often
as needed, one at a time.

An import reads every source before it writes anything (the settings it infers from a whole
source decide how each object is stored), yet a dump or a crawl of a million posts must not be
held in memory: each object read is appended here (pickled, so every value JSON can carry, such
as integers beyond 64 bits, comes back exactly) and memory holds one object at a time.
"""

from __future__ import annotations

import os
import pickle
import struct
import tempfile
from collections.abc import Iterator
from typing import Any

__all__ = ["Spool"]

_LENGTH = struct.Struct("<Q")
_READ_AHEAD = 1 << 20  # bytes read from the file at once when iterating


class Spool:
    """An append-only sequence of objects in an anonymous temporary file."""

    def __init__(self) -> None:
        self._fd = -1
        self._end = 0
        self._count = 0

    def append(self, item: Any) -> None:
        """Add an object at the end."""
        if self._fd < 0:
            self._fd, path = tempfile.mkstemp(prefix="broadsheet-import-")
            os.unlink(path)  # the file lives as long as it is open
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        record = _LENGTH.pack(len(data)) + data
        written = os.pwrite(self._fd, record, self._end)
        while written < len(record):  # pwrite may write less than asked
            written += os.pwrite(self._fd, record[written:], self._end + written)
        self._end += len(record)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        """The objects in order: those appended before iteration began (appending meanwhile is
        allowed; the new objects are not visited)."""
        end, offset = self._end, 0
        buffer, start = b"", 0  # bytes read ahead, and where the next record begins in them
        while offset < end:
            if len(buffer) - start < _LENGTH.size:
                buffer, start = buffer[start:] + self._read(offset + len(buffer) - start, end), 0
            (size,) = _LENGTH.unpack_from(buffer, start)
            if len(buffer) - start < _LENGTH.size + size:
                missing = _LENGTH.size + size - (len(buffer) - start)
                buffer, start = buffer[start:] + self._read(offset + len(buffer) - start, end, missing), 0
            body = start + _LENGTH.size
            yield pickle.loads(buffer[body : body + size])
            start = body + size
            offset += _LENGTH.size + size

    def _read(self, at: int, end: int, at_least: int = 0) -> bytes:
        want = min(max(_READ_AHEAD, at_least), end - at)
        parts, got = [], 0
        while got < want:
            part = os.pread(self._fd, want - got, at + got)
            if not part:
                raise OSError("the import's spool file ended early")
            parts.append(part)
            got += len(part)
        return b"".join(parts)

    def close(self) -> None:
        """Give the file back (its objects are gone)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._end = self._count = 0

    def __del__(self) -> None:
        self.close()
