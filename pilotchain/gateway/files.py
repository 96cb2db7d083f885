"""The owner's files: their content hashes, checked against the chain, and byte ranges.

An asset's content hash (`registerAsset`) is the SHA-256 of its file, which anyone can compute
(`sha256sum`). The gateway hashes a file once per modification, not once per request: the hash
is cached under the file's identity and change stamps (device, inode, size, mtime and ctime in
nanoseconds). Writing to a file, or replacing it, changes its ctime, which no ordinary call can
set back, so a file changed on disk is hashed again and refused if it no longer matches.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass

CHUNK = 1 << 20  # bytes read (and sent) at a time


def sha256_file(path: str | os.PathLike) -> bytes:
    with open(path, "rb") as source:
        return hashlib.file_digest(source, "sha256").digest()


def stamp(stat: os.stat_result) -> tuple[int, ...]:
    """What changes whenever the file's content can have changed."""
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class HashCache:
    """SHA-256 of open files, computed once per (inode, size, mtime, ctime)."""

    def __init__(self):
        self._hashes: dict[tuple[int, ...], bytes] = {}
        self._lock = threading.Lock()
        self.computed = 0  # files hashed in full (for tests and the benchmark)

    def digest(self, fd: int) -> bytes:
        key = stamp(os.fstat(fd))
        with self._lock:
            known = self._hashes.get(key)
        if known is not None:
            return known
        digest = hashlib.sha256()
        offset = 0
        while chunk := os.pread(fd, CHUNK, offset):
            digest.update(chunk)
            offset += len(chunk)
        value = digest.digest()
        if stamp(os.fstat(fd)) == key:  # not changed while being read
            with self._lock:
                self._hashes = {k: v for k, v in self._hashes.items() if k[:2] != key[:2]}
                self._hashes[key] = value
                self.computed += 1
        return value


@dataclass(frozen=True)
class ByteRange:
    first: int
    last: int  # inclusive, as in HTTP

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.first}-{self.last}/{size}"


class RangeNotSatisfiable(ValueError):
    pass


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single byte range of a `Range` header (None: the whole file); several ranges, or one
    outside the file, raise `RangeNotSatisfiable`."""
    if header is None:
        return None
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        raise RangeNotSatisfiable(f"expected one range like 'bytes=0-1023', 'bytes=1024-' or 'bytes=-1024', got {header!r}")
    start, end = match.groups()
    if start == "":  # the last `end` bytes
        first, last = max(size - int(end), 0), size - 1
    else:
        first, last = int(start), min(int(end), size - 1) if end else size - 1
    if first > last or first >= size:
        raise RangeNotSatisfiable(f"range {header!r} is outside the file's {size} bytes")
    return ByteRange(first, last)


def delivery_hash(content_hash: bytes, byte_range: ByteRange | None) -> bytes:
    """What a receipt says was delivered: the content hash for the whole file; for a range, the
    SHA-256 of the content hash followed by the range's first and last byte (8 bytes each, big
    endian), which anyone holding the file can recompute."""
    if byte_range is None:
        return content_hash
    return hashlib.sha256(content_hash + byte_range.first.to_bytes(8, "big") + byte_range.last.to_bytes(8, "big")).digest()
