"""Node bytes against sp-trie: header layout, the encodings in sp-trie's own tests, round trips."""
from __future__ import annotations

import hashlib

import pytest

from tensornet.storage.trie_build import build_sorted
from tensornet.storage.trie_codec import (
    EMPTY_ROOT,
    TrieCodecError,
    ValueHash,
    decode_node,
    encode_node,
    prepare_value,
)


def _nodes_of(items: dict[bytes, bytes]) -> dict[bytes, bytes]:
    sink: dict[bytes, bytes] = {}
    ordered = sorted(items.items())
    root = build_sorted([k.hex() for k, _ in ordered], [v for _, v in ordered], sink)
    return {"root": sink[root], **sink}


def test_empty_root_is_blake2_of_empty_node():
    assert EMPTY_ROOT == hashlib.blake2b(b"\x00", digest_size=32).digest()
    assert EMPTY_ROOT.hex() == "03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314"


def test_single_leaf_matches_sp_trie_codec_trie_single_tuple():
    # sp-trie lib.rs `codec_trie_single_tuple`: leaf 0x40|2 nibbles, key aa, Compact(1), value bb
    assert _nodes_of({b"\xaa": b"\xbb"})["root"] == bytes([0x42, 0xAA, 0x04, 0xBB])


def test_branch_matches_sp_trie_codec_trie_two_tuples_disjoint_keys():
    # sp-trie lib.rs `codec_trie_two_tuples_disjoint_keys`
    expected = bytes([
        0x80, 0x12, 0x00,                     # branch without value, no partial; children 1 and 4
        0x14, 0x43, 0x03, 0x14, 0x04, 0xFF,   # inline leaf (5 bytes): 3 nibbles 3,1,4 -> ff
        0x14, 0x43, 0x08, 0x19, 0x04, 0xFE,   # inline leaf: 3 nibbles 8,1,9 -> fe
    ])
    assert _nodes_of({b"\x48\x19": b"\xfe", b"\x13\x14": b"\xff"})["root"] == expected


@pytest.mark.parametrize("nibbles, expected", [
    (0, "40"), (1, "41"), (62, "7e"), (63, "7f00"), (64, "7f01"), (317, "7ffe"), (318, "7fff00"),
    (319, "7fff01"),
])
def test_leaf_header_sizes(nibbles, expected):
    partial = "a" * nibbles
    encoded = encode_node(partial, b"", None)
    header = encoded[: len(encoded) - (nibbles + 1) // 2 - 1]
    assert header.hex() == expected
    assert decode_node(encoded) == (partial, b"", None)


@pytest.mark.parametrize("value, children, first_byte, prefix_bits", [
    (b"x", None, 0x40, 2),                          # leaf
    (None, "child", 0x80, 2),                       # branch without value
    (b"x", "child", 0xC0, 2),                       # branch with value
    (ValueHash(bytes(32)), None, 0x20, 3),          # hashed-value leaf
    (ValueHash(bytes(32)), "child", 0x10, 4),       # hashed-value branch
])
def test_header_kinds_and_continuation(value, children, first_byte, prefix_bits):
    refs = None if children is None else tuple([b"\x41\x01\x04\x07"] + [None] * 15)
    max_value = 255 >> prefix_bits
    for nibbles in (0, 3, max_value - 1, max_value, max_value + 300, 70_000):
        partial = "7" * nibbles
        encoded = encode_node(partial, value, refs)
        assert encoded[0] & ~max_value & 0xFF == first_byte
        assert encoded[0] & max_value == min(nibbles, max_value)
        assert decode_node(encoded) == (partial, value, refs)


def test_hashed_values_from_33_bytes():
    sink: dict[bytes, bytes] = {}
    assert prepare_value(b"v" * 32, sink) == b"v" * 32 and not sink
    hashed = prepare_value(b"v" * 33, sink)
    assert type(hashed) is ValueHash and sink == {bytes(hashed): b"v" * 33}
    leaf = encode_node("0a", hashed, None)
    assert leaf == bytes([0x22, 0x0A]) + hashed


def test_children_bitmap_is_little_endian_and_refs_are_compact_prefixed():
    refs = [None] * 16
    refs[0] = b"\x40\x00"          # inline child (leaf, empty partial, empty value)
    refs[15] = b"\x11" * 32        # hash child
    encoded = encode_node("", None, tuple(refs))
    assert encoded == bytes([0x80, 0x01, 0x80, 0x08, 0x40, 0x00, 0x80]) + b"\x11" * 32
    assert decode_node(encoded) == ("", None, tuple(refs))


def test_long_inline_value_uses_multibyte_compact_length():
    value = b"z" * 70  # not hashed when given as plain bytes: encode_node inlines what it is given
    encoded = encode_node("1", value, None)
    assert encoded[:4] == bytes([0x41, 0x01, 0x19, 0x01])  # Compact(70) = 0x0119
    assert decode_node(encoded) == ("1", value, None)


@pytest.mark.parametrize("bad", [
    b"\x00",                       # the empty node is not a node to decode
    b"\x01",                       # reserved header
    b"\x42\xaa",                   # leaf without its value
    b"\x41\x10\x04\x01",           # odd partial with a non-zero padding nibble
    b"\x80\x00\x00",               # branch without children
    b"\x42\xaa\x04\xbb\x00",       # trailing byte
])
def test_rejects_malformed_nodes(bad):
    with pytest.raises(TrieCodecError):
        decode_node(bad)
