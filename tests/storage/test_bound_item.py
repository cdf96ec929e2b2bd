"""BoundItem does StorageItem's get/try_get/set inline for items that keep StorageItem's own
versions. These tests check it reads and writes exactly what the item's methods do (defaults,
mutable defaults, optional items deleted by None), and that items overriding those methods
(AccountMap, Mirrored) still go through their overrides."""
from __future__ import annotations

import os
from types import SimpleNamespace

from tensornet.pallets.system_account import AccountMap
from tensornet.primitives.scale import U16, U64, AccountId, Vec
from tensornet.storage.backend import MemoryBackend
from tensornet.storage.items import (
    BoundItem,
    StorageDoubleMap,
    StorageMap,
    StorageValue,
)
from tensornet.storage.overlay import Overlay
from tensornet.subnet.storage import Mirrored


def _bound(item, state) -> BoundItem:
    return BoundItem(item, SimpleNamespace(state=state))


def test_inline_accessors_equal_the_item_methods() -> None:
    items = [StorageValue(U64, default=7, name="V"), StorageMap("Identity", U16, Vec(U16), name="M"),
             StorageDoubleMap("Blake2_128Concat", AccountId, "Identity", U16, U64, name="D"),
             StorageMap("Identity", U16, U64, optional=True, name="O")]
    for item in items:
        item.bind("P")
    a = os.urandom(32)
    args = {"V": (), "M": (3,), "D": (a, 4), "O": (5,)}
    values = {"V": [9, 0], "M": [[1, 2], []], "D": [2**64 - 1, 1], "O": [11, None]}
    inline, plain = Overlay(MemoryBackend()), Overlay(MemoryBackend())
    for item in items:
        b = _bound(item, inline)
        assert b._own_get and b._own_try_get and b._own_set
        keys = args[item.name]
        assert b.get(*keys) == item.get(plain, *keys) and b.try_get(*keys) == item.try_get(plain, *keys)
        if item.name == "M":
            b.get(*keys).append(99)  # a mutable default is a fresh value on every read
            assert b.get(*keys) == []
        for v in values[item.name]:
            b.set(*keys, v)
            item.set(plain, *keys, v)
            assert inline._writes == plain._writes
            assert b.get(*keys) == item.get(plain, *keys) and b.try_get(*keys) == item.try_get(plain, *keys)


def test_overriding_items_are_called() -> None:
    twin = StorageMap("Identity", U16, U64, name="Twin")
    mirrored = Mirrored(U64, keys=[("Identity", U16)], mirror=twin, name="Real")
    twin.bind("P")
    mirrored.bind("P")
    state = Overlay(MemoryBackend())
    b = _bound(mirrored, state)
    assert not b._own_set
    b.set(1, 5)
    assert twin.get(state, 1) == 5 and b.get(1) == 5
    accounts = AccountMap()
    accounts.name = "Account"
    accounts.bind("System")
    b = _bound(accounts, state)
    assert not (b._own_get or b._own_try_get or b._own_set)
    who = os.urandom(32)
    first = b.get(who)
    first["data"]["free"] = 123  # AccountMap hands out a fresh default each time
    assert b.get(who)["data"]["free"] == 0 and b.try_get(who) is None


def test_the_bound_account_map_reads_and_writes_what_the_account_map_does() -> None:
    from tensornet.pallets.system_account import BoundAccountMap

    accounts = AccountMap()
    accounts.name = "Account"
    accounts.bind("System")
    fast, plain = Overlay(MemoryBackend()), Overlay(MemoryBackend())
    b = accounts.bound(SimpleNamespace(state=fast))
    assert isinstance(b, BoundAccountMap)
    who = os.urandom(32)
    assert b.get(who) == accounts.get(plain, who) and b.try_get(who) is None is accounts.try_get(plain, who)
    info = b.get(who)
    info["data"]["free"], info["nonce"], info["providers"] = 10**12, 3, 1
    b.set(who, info)
    accounts.set(plain, who, info)
    assert fast._writes == plain._writes
    assert b.get(who) == accounts.get(plain, who) == b.try_get(who) == info
    assert b.get(who) is not b.get(who)  # callers mutate what they read
