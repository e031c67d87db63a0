"""Export files: opening them (gzipped or not), their size and read position, and telling a WXR
file from other sources."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import IO, Any

__all__ = ["file_size", "is_wxr", "open_export", "read_position", "unzipped"]


def is_wxr(source: str) -> bool:
    """Whether a source is a WXR file (by extension or by its first bytes)."""
    if source.startswith(("http://", "https://")):
        return False
    lowered = source.lower()
    if lowered.endswith((".wxr", ".xml", ".wxr.gz", ".xml.gz")):
        return True
    path = Path(source)
    if not path.is_file():
        return False
    head = _head(path)
    return b"<rss" in head and b"wordpress.org/export/" in head


def open_export(source: str) -> IO[bytes]:
    """The file, as raw bytes (the caller closes it)."""
    return open(source, "rb")  # noqa: SIM115 - closed by the caller's with-block


def unzipped(raw: IO[bytes]) -> IO[bytes]:
    """The file's bytes, decompressed when it is gzipped."""
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def file_size(source: str) -> int:
    """The file's size in bytes (0 when unknown)."""
    try:
        return os.path.getsize(source)
    except OSError:
        return 0


def read_position(raw: Any) -> int:
    """How many bytes of the (raw) file were read (0 when unknown)."""
    try:
        return int(raw.tell())
    except (OSError, ValueError):
        return 0


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(size)
    except OSError:
        return b""
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as handle:
                data = handle.read(size)
        except (OSError, EOFError):
            return b""
    return data
