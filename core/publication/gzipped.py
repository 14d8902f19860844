"""A gzip member made of a small per-request head and a body deflated once.

A published list's REST answer is ``head[:-1] + b"," + body[1:]``
(:func:`core.publication.bodies.splice`): ~300 bytes that change per request (revision, the
version number …) before ~0.5 MB that change only with the content generation. The body's part
is deflated once, as a **raw deflate stream** (no zlib or gzip framing), with its CRC-32 and
length (:class:`Packed`). Per request only the head is deflated, flushed with ``Z_SYNC_FLUSH``
(byte-aligned, not final), and the stored stream follows it unchanged: a deflate stream may be
cut into blocks anywhere, and the stored one refers back to nothing before it. The gzip
trailer needs the CRC-32 of the whole, which is the CRC of the head combined with the stored
CRC (:func:`crc32_combine`; Python 3.11's zlib has no ``crc32_combine``, so zlib's own method
is written here): the body's factor x^(8·length) mod P is computed once, when the body is
packed or read, and a request then costs one 32-step carry-less product.

Stored in PostgreSQL as a complete gzip member of ``body[1:]`` (:func:`member`), so that the
column is readable by any gzip tool; :func:`unpack` takes the parts back out of it.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

#: CRC-32's polynomial, reflected (as zlib).
_POLY = 0xEDB88320

#: gzip member header: magic, deflate, no flags, no time, no extra flags, unknown OS.
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"

#: zlib level of the per-request head (~300 bytes; its ratio is irrelevant, its time is not).
HEAD_LEVEL = 1


def _multmodp(a: int, b: int) -> int:
    """a × b modulo P, both reflected polynomials of degree < 32 (zlib's ``multmodp``)."""
    if a == 0:
        return 0
    m = 1 << 31
    p = 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _x2n_table() -> list[int]:
    p = 1 << 30  # x^1
    table = [p]
    for _ in range(31):
        p = _multmodp(p, p)
        table.append(p)
    return table


#: x^(2^n) mod P for n < 32 (zlib's ``x2n_table``).
_X2N = _x2n_table()


def shift(length: int) -> int:
    """x^(8·length) mod P: what a CRC is multiplied by when ``length`` bytes follow its data
    (zlib's ``crc32_combine_gen``)."""
    p = 1 << 31  # x^0
    k = 3
    n = length
    while n:
        if n & 1:
            p = _multmodp(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return p


def crc32_combine(crc1: int, crc2: int, length2: int, factor: int | None = None) -> int:
    """The CRC-32 of A + B from A's (``crc1``), B's (``crc2``) and B's length; ``factor``:
    :func:`shift` of ``length2``, when the caller has it."""
    op = shift(length2) if factor is None else factor
    return _multmodp(op, crc1) ^ crc2


@dataclass(frozen=True, slots=True)
class Packed:
    """Bytes deflated once: ``stream`` the raw deflate stream (finished), ``crc`` and ``length``
    of the bytes it inflates to, ``factor`` = :func:`shift` (``length``)."""

    stream: bytes
    crc: int
    length: int
    factor: int

    @property
    def size(self) -> int:
        """Bytes held (for a cache's count): the stream and ~100 bytes of object."""
        return len(self.stream) + 100

    def inflate(self) -> bytes:
        return zlib.decompress(self.stream, -15)


def pack(data: bytes, level: int) -> Packed:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    stream = compressor.compress(data) + compressor.flush()
    return Packed(stream, zlib.crc32(data), len(data), shift(len(data)))


def member(packed: Packed) -> bytes:
    """``packed`` as a gzip member on its own (how it is stored)."""
    return HEADER + packed.stream + struct.pack("<II", packed.crc, packed.length & 0xFFFFFFFF)


def unpack(data: bytes) -> Packed:
    """A gzip member written by :func:`member` as :class:`Packed` (its stream is not inflated:
    the body was checked when it was packed, and the client's gzip checks the CRC)."""
    if data[:4] != HEADER[:4] or len(data) < len(HEADER) + 8:
        raise ValueError("not a gzip member written by core.publication.gzipped.member")
    crc, length = struct.unpack("<II", data[-8:])
    return Packed(data[len(HEADER) : -8], crc, length, shift(length))


def gzip_after(head: bytes, packed: Packed) -> bytes:
    """One gzip member inflating to ``head + packed.inflate()``, without inflating ``packed``."""
    compressor = zlib.compressobj(HEAD_LEVEL, zlib.DEFLATED, -15)
    front = compressor.compress(head) + compressor.flush(zlib.Z_SYNC_FLUSH)
    crc = crc32_combine(zlib.crc32(head), packed.crc, packed.length, packed.factor)
    trailer = struct.pack("<II", crc, (len(head) + packed.length) & 0xFFFFFFFF)
    return b"".join((HEADER, front, packed.stream, trailer))
