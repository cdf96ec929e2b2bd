"""The memoised Blake2_128Concat hasher returns exactly blake2_128(data) ‖ data, on a first call, on
a remembered input, for inputs too long to remember, for non-bytes buffers and across a reset of
the memo when it is full."""
from __future__ import annotations

import hashlib
import os

from tensornet.primitives import hashing


def _plain(data: bytes) -> bytes:
    return hashlib.blake2b(bytes(data), digest_size=16).digest() + bytes(data)


def test_memoised_hasher_equals_the_plain_one(monkeypatch) -> None:
    h = hashing.STORAGE_HASHERS["Blake2_128Concat"]
    monkeypatch.setattr(hashing, "_B2C_MEMO_SIZE", 8)
    monkeypatch.setattr(hashing, "_B2C_MEMO", {})
    inputs = [os.urandom(32) for _ in range(20)] + [b"", b"\x01", os.urandom(200)]
    for _ in range(3):  # first calls, remembered calls, calls after the memo was reset
        for data in inputs:
            assert h(data) == _plain(data)
        assert len(hashing._B2C_MEMO) <= 8
    assert h(bytearray(b"abc")) == _plain(b"abc")
    assert all(len(k) <= hashing._B2C_MEMO_MAX_INPUT for k in hashing._B2C_MEMO)


def test_storage_keys_from_the_key_cache_equal_built_keys() -> None:
    """Cached keys (plain ints/bytes/strs, a StorageValue's ()) equal freshly built ones; keys of
    other types (bool, dicts: unhashable) are built every time and never come from the cache."""
    from tensornet.primitives.scale import U16, AccountId, Bool, Tuple
    from tensornet.storage.items import StorageDoubleMap, StorageMap, StorageValue

    value = StorageValue(U16, name="V")
    value.bind("P")
    assert value.key() == value.key() == value.prefix
    double = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", U16, U16, name="D")
    double.bind("P")
    who = os.urandom(32)
    assert double.key(who, 3) == double.key(who, 3) == double._build_key((who, 3))
    flag = StorageMap("Twox64Concat", Bool, U16, name="F")
    flag.bind("P")
    assert flag.key(True) == flag._build_key((True,)) != flag.key(False)
    pair = StorageMap("Identity", Tuple(U16, U16), U16, name="T")
    pair.bind("P")
    assert pair.key((1, 2)) == pair._build_key(((1, 2),))
