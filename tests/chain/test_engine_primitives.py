"""Engine primitives through their public interfaces: SCALE, hashers, SS58, era, storage keys, overlay.

Vectors come from client-compat.md (storage keys, the signed transfer shape), Substrate's well-known
dev accounts, and scalecodec (substrate-interface's codec) as an independent implementation.
"""
from __future__ import annotations

import hashlib

import pytest
import xxhash
from hypothesis import given, strategies as st

from tensornet.primitives.era import Era, decode_era
from tensornet.primitives.hashing import STORAGE_HASHERS, blake2_128, twox128
from tensornet.primitives.keys import dev_keypair
from tensornet.primitives.scale import (
    AccountId, Bool, Bytes, Compact, Enum, Option, ScaleError, Struct, Tuple, U8, U16, U32, U64, U128, Vec,
    decode_compact, encode_compact,
)
from tensornet.primitives.ss58 import AddressError, ss58_decode, ss58_encode
from tensornet.storage.items import StorageDoubleMap, StorageMap, StorageNMap, StorageValue
from tensornet.storage.overlay import Overlay

ALICE_PUB = bytes.fromhex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d")
ALICE_SS58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
BOB_SS58 = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"


def _twox(data: bytes, n: int) -> bytes:
    return b"".join(xxhash.xxh64(data, seed=i).intdigest().to_bytes(8, "little") for i in range(n))


# --- SCALE -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("n,hexed", [
    (0, "00"), (1, "04"), (63, "fc"), (64, "0101"), (16383, "fdff"), (16384, "02000100"),
    (2**30 - 1, "feffffff"), (2**30, "0300000040"), (10**9, "02286bee"), (2**64 - 1, "13ffffffffffffffff"),
])
def test_compact_vectors(n, hexed):
    assert encode_compact(n).hex() == hexed
    assert decode_compact(bytes.fromhex(hexed)) == (n, len(hexed) // 2)


@given(st.integers(0, 2**128 - 1))
def test_compact_round_trip(n):
    assert Compact(U128).decode_all(Compact(U128).encode(n)) == n


def test_compact_overflowing_its_type_and_truncated_input_are_errors():
    with pytest.raises(ScaleError):
        Compact(U32).decode_all(encode_compact(2**32))
    with pytest.raises(ScaleError):
        Compact(U64).decode_all(encode_compact(2**64))
    for truncated in (b"", b"\x01", b"\x02\x00", b"\x13\xff\xff"):
        with pytest.raises(ScaleError):
            decode_compact(truncated)


def test_fixed_width_and_composite_vectors():
    assert U16.encode(0x1234) == b"\x34\x12"
    assert U64.encode(1) == b"\x01" + bytes(7)
    assert Bool.decode_all(b"\x01") is True
    with pytest.raises(ScaleError):
        Bool.decode_all(b"\x02")
    assert Vec(U16).encode([4, 8, 15, 16, 23, 42]).hex() == "18040008000f00100017002a00"
    assert Bytes.encode(b"abc") == b"\x0cabc"
    assert Option(U32).encode(None) == b"\x00" and Option(U32).encode(7) == b"\x01\x07\x00\x00\x00"
    assert Tuple(U8, U16).encode((1, 2)) == b"\x01\x02\x00"
    s = Struct("t::S", [("a", U8), ("b", Compact(U32))])
    assert s.decode_all(s.encode({"a": 3, "b": 1000})) == {"a": 3, "b": 1000}
    e = Enum("t::E", ["A", ("B", (U8,))])
    assert e.encode("A") == b"\x00" and e.encode({"B": 9}) == b"\x01\x09"
    with pytest.raises(ScaleError):
        e.decode_all(b"\x05")


def test_trailing_bytes_and_overlong_vectors_are_errors():
    with pytest.raises(ScaleError):
        U32.decode_all(b"\x01\x00\x00\x00\x00")
    with pytest.raises(ScaleError):
        Vec(U8).decode_all(encode_compact(2**30) + b"\x00")  # claims a gigabyte, has one byte


# --- hashers, SS58, keys ---------------------------------------------------------------------------

def test_hashers_match_independent_implementations():
    data = b"tensornet"
    assert twox128(b"System").hex() == "26aa394eea5630e07c48ae0c9558cef7"
    assert twox128(b"Account").hex() == "b99d880ec681799c0cf30e8886371da9"
    assert STORAGE_HASHERS["Twox64Concat"](data) == _twox(data, 1) + data
    assert STORAGE_HASHERS["Twox256"](data) == _twox(data, 4)
    assert STORAGE_HASHERS["Blake2_128Concat"](data) == hashlib.blake2b(data, digest_size=16).digest() + data
    assert STORAGE_HASHERS["Blake2_256"](data) == hashlib.blake2b(data, digest_size=32).digest()
    assert STORAGE_HASHERS["Identity"](data) == data
    assert blake2_128(ALICE_PUB).hex() == "de1e86a9a8c739864cf3cc5ec2bea59f"


def test_ss58_and_dev_keys():
    alice = dev_keypair("Alice")
    assert alice.public == ALICE_PUB
    assert ss58_encode(ALICE_PUB) == ALICE_SS58
    assert ss58_decode(BOB_SS58) == dev_keypair("Bob").public
    broken = ALICE_SS58[:-1] + ("Z" if ALICE_SS58[-1] != "Z" else "Y")
    with pytest.raises(AddressError):
        ss58_decode(broken)
    with pytest.raises(AddressError):
        ss58_decode(ss58_encode(ALICE_PUB, 0), expected_prefix=42)


# --- era ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("period,current,hexed", [
    (64, 42, "a502"), (4, 0, "0100"), (32768, 20000, "4e9c"), (1024, 5000, "8938"), (16, 3, "3300"),
])
def test_mortal_era_encoding_matches_scalecodec(period, current, hexed):
    era = Era.mortal(period, current)
    assert era.encode().hex() == hexed
    decoded, end = decode_era(era.encode())
    assert decoded == era and end == 2
    assert era.birth(current) <= current < era.death(current)


def test_era_birth_is_the_client_formula_and_bad_eras_are_refused():
    era = Era.mortal(64, 1000)  # phase 1000 % 64 = 40
    for current in range(1000, 1064):
        assert era.birth(current) == 1000
    assert era.birth(1064) == 1064  # one period later the birth block moves on: the signature no longer verifies
    assert decode_era(b"\x00") == (Era(), 1)
    with pytest.raises(ScaleError):
        decode_era(b"\x10\x00")  # period 2 < 4
    with pytest.raises(ScaleError):
        decode_era(b"\x05")      # truncated mortal era


# --- storage keys --------------------------------------------------------------------------------------

def test_storage_keys_for_value_map_double_map_and_nmap():
    pre = _twox(b"Demo", 2)
    item_hash = lambda name: _twox(name.encode(), 2)  # noqa: E731

    v = StorageValue(U32, name="Number")
    v.bind("Demo")
    assert v.key() == pre + item_hash("Number")

    m = StorageMap("Blake2_128Concat", AccountId, U64, name="Balance")
    m.bind("Demo")
    assert m.key(ALICE_PUB) == pre + item_hash("Balance") + hashlib.blake2b(ALICE_PUB, digest_size=16).digest() + ALICE_PUB

    d = StorageDoubleMap("Identity", U16, "Twox64Concat", AccountId, U64, name="Stake")
    d.bind("Demo")
    k16 = U16.encode(7)
    assert d.key(7, ALICE_PUB) == pre + item_hash("Stake") + k16 + _twox(ALICE_PUB, 1) + ALICE_PUB
    assert d.prefix_key(7) == pre + item_hash("Stake") + k16

    n = StorageNMap([("Twox64Concat", U16), ("Blake2_128Concat", AccountId), ("Identity", U32)], Bool, name="Triple")
    n.bind("Demo")
    key = n.key(3, ALICE_PUB, 9)
    assert key == (pre + item_hash("Triple") + _twox(U16.encode(3), 1) + U16.encode(3)
                   + hashlib.blake2b(ALICE_PUB, digest_size=16).digest() + ALICE_PUB + U32.encode(9))
    assert n.decode_key(key) == (3, ALICE_PUB, 9)


def test_system_account_and_events_keys_are_substrates(node):
    rt = node.query_runtime
    assert rt.pallets["System"].Account.key(ALICE_PUB).hex() == (
        "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"
        "de1e86a9a8c739864cf3cc5ec2bea59f" + ALICE_PUB.hex())
    assert rt.events_item.key().hex() == "26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"


# --- the signed transfer on the wire --------------------------------------------------------------------

def test_signed_transfer_bytes_have_the_shape_clients_send(node, tn):
    bob = dev_keypair("Bob").public
    raw = tn.transfer(node, "Alice", bob, 10**9, nonce=0)
    assert raw[:2] == bytes.fromhex("3902")                    # compact length 142
    body = raw[2:]
    assert len(body) == 142
    assert body[0] == 0x84                                     # signed, v4
    assert body[1:34] == b"\x00" + ALICE_PUB                   # MultiAddress::Id
    assert body[34] == 0x01                                    # MultiSignature::Sr25519
    assert body[99:103] == b"\x00\x00\x00\x00"                 # era, nonce, tip, metadata-hash mode
    assert body[103:105] == b"\x05\x03"                        # Balances.transfer_keep_alive
    assert body[105:138] == b"\x00" + bob
    assert body[138:] == bytes.fromhex("02286bee")             # Compact(1e9)


# --- overlay ------------------------------------------------------------------------------------------

class _Base:
    def __init__(self, data):
        self.data = dict(data)

    def get(self, key):
        return self.data.get(key)

    def iterate(self, prefix, start=None):
        for k in sorted(self.data):
            if k.startswith(prefix) and (start is None or k >= start):
                yield k, self.data[k]


def test_overlay_nests_deeper_than_255_and_rolls_back_only_the_failing_layer():
    ov = Overlay(_Base({b"k": b"base", b"gone": b"x"}))
    depth = 300
    for i in range(depth):
        ov.begin()
        ov.put(b"k", str(i).encode())
        ov.put(b"layer%03d" % i, b"1")
    assert ov.depth == depth
    ov.delete(b"gone")
    ov.rollback()                                   # the innermost (299) fails
    assert ov.get(b"k") == b"298" and ov.get(b"layer299") is None and ov.get(b"gone") == b"x"
    ov.commit()                                     # 298 succeeds into 297
    ov.rollback()                                   # 297 (now holding 298's writes) fails
    assert ov.get(b"k") == b"296" and ov.get(b"layer298") is None and ov.get(b"layer297") is None
    while ov.depth:
        ov.commit()
    changes = ov.changes()
    assert changes[b"k"] == b"296"
    assert sorted(k for k in changes if k.startswith(b"layer")) == [b"layer%03d" % i for i in range(297)]
    assert list(ov.iterate(b"layer"))[:2] == [(b"layer000", b"1"), (b"layer001", b"1")]


@given(st.lists(st.tuples(st.sampled_from(["begin", "put", "del", "commit", "rollback"]),
                          st.sampled_from([b"a", b"b", b"c"]), st.binary(max_size=2)), max_size=60))
def test_overlay_matches_a_model_of_snapshots(ops):
    base = {b"a": b"0"}
    ov = Overlay(_Base(base))
    stack = [dict(base)]
    for op, key, val in ops:
        if op == "begin":
            ov.begin()
            stack.append(dict(stack[-1]))
        elif op == "put":
            ov.put(key, val)
            stack[-1][key] = val
        elif op == "del":
            ov.delete(key)
            stack[-1].pop(key, None)
        elif op == "commit" and len(stack) > 1:
            ov.commit()
            top = stack.pop()
            stack[-1] = top
        elif op == "rollback" and len(stack) > 1:
            ov.rollback()
            stack.pop()
        for k in (b"a", b"b", b"c"):
            assert ov.get(k) == stack[-1].get(k)
