"""Substrate's trie node codec (sp-trie ``NodeCodec``, ``LayoutV1``, blake2b-256).

Nibble paths are handled as lowercase hex strings: one character per nibble. Slicing, prefix tests
and ordering are then C-speed string operations, and hex order equals byte order, so the whole
trie code stays simple and fast in Python.

Decoded nodes are tuples ``(partial, value, children)``:
- ``partial``: hex string of the node's partial key;
- ``value``: ``None``, the inline value ``bytes``, or a :class:`ValueHash` (V1 "hashed value": the
  value itself lives in the node store under that hash);
- ``children``: ``None`` for a leaf, else a 16-tuple of child references. A reference is the
  32-byte hash of the child's encoding, or the encoding itself when it is shorter than 32 bytes
  (an inline child). Length 32 therefore always means "hash".
"""
from __future__ import annotations

import hashlib

from tensornet.primitives.scale import decode_compact, encode_compact

HASH_LEN = 32
#: Values at least this long are stored as their hash (``sp_core::storage::TRIE_VALUE_NODE_THRESHOLD``).
MAX_INLINE_VALUE = 33
EMPTY_NODE = b"\x00"


def blake2_256(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


EMPTY_ROOT = blake2_256(EMPTY_NODE)


class ValueHash(bytes):
    """The 32-byte hash standing in for a value of a V1 hashed-value node."""

    __slots__ = ()


class TrieCodecError(ValueError):
    """Bytes that are not a valid encoded trie node."""


# header prefixes and the number of bits they occupy (node_header.rs)
_LEAF = (0x40, 2)
_BRANCH_NO_VALUE = (0x80, 2)
_BRANCH_WITH_VALUE = (0xC0, 2)
_HASHED_LEAF = (0x20, 3)
_HASHED_BRANCH = (0x10, 4)

NIBBLE = {c: i for i, c in enumerate("0123456789abcdef")}
HEX = "0123456789abcdef"


def _header(prefix: int, prefix_bits: int, nibbles: int) -> bytes:
    """Node type and partial-key length: 1 byte, then 255-continuation bytes for long partials."""
    max_value = 255 >> prefix_bits
    if nibbles < max_value:
        return bytes((prefix | nibbles,))
    out = bytearray((prefix | max_value,))
    rem = nibbles - (max_value - 1)
    while rem >= 256:
        out.append(255)
        rem -= 255
    out.append(rem - 1)
    return bytes(out)


_HEADER_TABLE_SIZE = 512  # covers the partial keys of storage keys up to ~250 bytes
_HEADER_TABLES = {kind: [_header(kind[0], kind[1], n) for n in range(_HEADER_TABLE_SIZE)]
                  for kind in (_LEAF, _BRANCH_NO_VALUE, _BRANCH_WITH_VALUE, _HASHED_LEAF, _HASHED_BRANCH)}


def _header_cached(kind: tuple[int, int], nibbles: int) -> bytes:
    if nibbles < _HEADER_TABLE_SIZE:
        return _HEADER_TABLES[kind][nibbles]
    return _header(kind[0], kind[1], nibbles)


_SMALL_COMPACT = [bytes((n << 2,)) for n in range(64)]
_BITS = [1 << i for i in range(16)]
_BITMAP_INDICES: dict[int, tuple[int, ...]] = {}  # bitmap -> indices of its set bits, filled lazily


def _compact(n: int) -> bytes:
    return _SMALL_COMPACT[n] if n < 64 else encode_compact(n)


def partial_bytes(partial: str) -> bytes:
    """Pack a nibble path; an odd count is padded with a zero nibble in front."""
    return bytes.fromhex(partial) if not len(partial) & 1 else bytes.fromhex("0" + partial)


def encode_node(partial: str, value: bytes | None, children) -> bytes:
    """Encode a leaf (``children is None``) or a branch (16 child references).

    ``value`` is used as given: a :class:`ValueHash` gives a hashed-value node, plain bytes are
    inlined. Deciding which values to hash (and storing them) is the caller's job, see
    :func:`prepare_value`.
    """
    hashed = type(value) is ValueHash
    if children is None:
        kind = _HASHED_LEAF if hashed else _LEAF
        head = _header_cached(kind, len(partial)) + partial_bytes(partial)
        if hashed:
            return head + value
        return head + _compact(len(value)) + value
    if value is None:
        kind = _BRANCH_NO_VALUE
    else:
        kind = _HASHED_BRANCH if hashed else _BRANCH_WITH_VALUE
    parts = [_header_cached(kind, len(partial)), partial_bytes(partial), b""]
    if value is not None:
        if not hashed:
            parts.append(_compact(len(value)))
        parts.append(value)
    bitmap = 0
    small = _SMALL_COMPACT
    append = parts.append
    for ref, bit in zip(children, _BITS):
        if ref is not None:
            bitmap |= bit
            append(small[len(ref)])
            append(ref)
    parts[2] = bitmap.to_bytes(2, "little")
    return b"".join(parts)


def prepare_value(value: bytes, sink: dict[bytes, bytes], max_inline: int | None = MAX_INLINE_VALUE) -> bytes:
    """Apply the V1 rule: a value of 33 bytes or more becomes a ValueHash, the value goes to ``sink``.
    ``max_inline=None`` is state version 0: every value stays inline."""
    if type(value) is ValueHash or max_inline is None or len(value) < max_inline:
        return value
    h = blake2_256(value)
    sink[h] = value
    return ValueHash(h)


def child_reference(encoded: bytes, sink: dict[bytes, bytes]) -> bytes:
    """How a parent refers to a child: inline below 32 bytes, else by hash (the node goes to ``sink``)."""
    if len(encoded) < HASH_LEN:
        return encoded
    h = blake2_256(encoded)
    sink[h] = encoded
    return h


def _read_compact(data: bytes, pos: int) -> tuple[int, int]:
    b = data[pos]
    if not b & 3:
        return b >> 2, pos + 1
    return decode_compact(data, pos)


def decode_node(data: bytes) -> tuple:
    """Decode one encoded node into ``(partial, value, children)`` (see the module docstring)."""
    try:
        return _decode(data)
    except IndexError:
        raise TrieCodecError("truncated trie node") from None


def _decode(data: bytes) -> tuple:
    first = data[0]
    top = first >> 6
    if top == 1:
        leaf, hashed, has_value, max_value = True, False, True, 0x3F
    elif top == 2:
        leaf, hashed, has_value, max_value = False, False, False, 0x3F
    elif top == 3:
        leaf, hashed, has_value, max_value = False, False, True, 0x3F
    elif first & 0xE0 == 0x20:
        leaf, hashed, has_value, max_value = True, True, True, 0x1F
    elif first & 0xF0 == 0x10:
        leaf, hashed, has_value, max_value = False, True, True, 0x0F
    elif first == 0:
        raise TrieCodecError("the empty node has no content")
    else:
        raise TrieCodecError(f"invalid trie node header byte 0x{first:02x}")
    nibbles = first & max_value
    pos = 1
    if nibbles == max_value:
        nibbles -= 1
        while True:
            b = data[pos]
            pos += 1
            if b < 255:
                nibbles += b + 1
                break
            nibbles += 255
    end = pos + (nibbles + 1) // 2
    if end > len(data):
        raise TrieCodecError("truncated partial key")
    partial = data[pos:end].hex()
    if nibbles & 1:
        if partial[0] != "0":
            raise TrieCodecError("bad partial key padding")
        partial = partial[1:]
    pos = end
    bitmap = 0
    if not leaf:
        bitmap = data[pos] | (data[pos + 1] << 8)
        pos += 2
        if not bitmap:
            raise TrieCodecError("branch without children")
    value = None
    if has_value:
        if hashed:
            value = ValueHash(data[pos:pos + HASH_LEN])
            pos += HASH_LEN
        else:
            length, pos = _read_compact(data, pos)
            value = data[pos:pos + length]
            pos += length
        if pos > len(data):
            raise TrieCodecError("truncated value")
    children = None
    if not leaf:
        refs = [None] * 16
        indices = _BITMAP_INDICES.get(bitmap)
        if indices is None:
            indices = _BITMAP_INDICES[bitmap] = tuple(i for i in range(16) if bitmap >> i & 1)
        for i in indices:
            b = data[pos]
            if b & 3:
                length, pos = decode_compact(data, pos)
            else:
                length = b >> 2
                pos += 1
            refs[i] = data[pos:pos + length]
            pos += length
        children = tuple(refs)
    if pos != len(data):
        raise TrieCodecError("trailing bytes after trie node")
    return partial, value, children
