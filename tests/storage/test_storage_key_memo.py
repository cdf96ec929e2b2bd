"""Storage keys come from two memos (the per-item key cache and the hashed key parts shared by
items with the same hasher and key type). These tests compare every key with one built from the
hashers and encoders directly: first builds, remembered ones, after the memos start afresh, and
for key values that must bypass the memos (bools next to equal ints, unhashable dict keys)."""
from __future__ import annotations

import os
import random

import pytest

from tensornet.primitives.hashing import STORAGE_HASHERS
from tensornet.primitives.scale import U16, U64, AccountId, Bool, Tuple
from tensornet.storage import items
from tensornet.storage.items import (
    StorageDoubleMap,
    StorageMap,
    StorageNMap,
    StorageValue,
)


def _plain_key(item, *keys) -> bytes:
    return item.prefix + b"".join(STORAGE_HASHERS[h](t.encode(k)) for (h, t), k in zip(item.keys, keys))


@pytest.mark.parametrize("sizes", [(8192, 1 << 17), (3, 2)])
def test_keys_equal_directly_built_keys(monkeypatch, sizes) -> None:
    monkeypatch.setattr(items, "KEY_CACHE_SIZE", sizes[0])
    monkeypatch.setattr(items, "PART_MEMO_SIZE", sizes[1])
    monkeypatch.setattr(items, "_PART_MEMOS", {})
    value = StorageValue(U16, name="V")
    single = StorageMap("Twox64Concat", U16, U16, name="S")
    double = StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", U16, U16, name="D")
    triple = StorageNMap([("Blake2_128Concat", AccountId), ("Blake2_128Concat", AccountId),
                          ("Identity", U16)], U64, name="N")
    quad = StorageNMap([("Identity", U16), ("Twox64Concat", U16), ("Identity", U16),
                        ("Blake2_128Concat", AccountId)], U64, name="Q")
    for i, item in enumerate((value, single, double, triple, quad)):
        item.bind(f"P{i}")
    rng = random.Random(1)
    accounts = [os.urandom(32) for _ in range(6)]
    for _ in range(3):  # first builds, remembered keys, keys after the memos were reset
        assert value.key() == value.prefix
        for _ in range(40):
            a, b, n = rng.choice(accounts), rng.choice(accounts), rng.randrange(70_000) % 65536
            assert single.key(n) == _plain_key(single, n)
            assert double.key(a, n) == _plain_key(double, a, n)
            assert triple.key(a, b, n) == _plain_key(triple, a, b, n)
            assert quad.key(n, n, 1, a) == _plain_key(quad, n, n, 1, a)
            assert double.prefix_key(a) == _plain_key(double, a)
            assert len(items._PART_MEMOS) <= 6
            assert all(len(memo) <= sizes[1] for _, memo in items._PART_MEMOS.values())


def test_values_that_bypass_the_memos() -> None:
    flag = StorageMap("Twox64Concat", Bool, U16, name="F")
    num = StorageMap("Twox64Concat", U16, U16, name="G")
    flag.bind("P")
    num.bind("P")
    assert num.key(1) == _plain_key(num, 1)
    assert flag.key(True) == _plain_key(flag, True) != flag.key(False)
    pair = StorageMap("Identity", Tuple(U16, U16), U16, name="T")
    pair.bind("P")
    assert pair.key((1, 2)) == _plain_key(pair, (1, 2))
    from tensornet.subnet.types import RateLimitKey

    limited = StorageMap("Identity", RateLimitKey, U64, name="L")  # enum keys are dicts: unhashable
    limited.bind("P")
    key = {"OwnerHyperparamUpdate": (2, "Rho")}
    assert limited.key(key) == limited.key(dict(key)) == _plain_key(limited, key)
    with pytest.raises(TypeError):
        num.key(1, 2)
