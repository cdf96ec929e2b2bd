"""``System.Account``'s hot path: a fixed-layout codec for ``AccountInfo`` and a cached storage key.

Every signed transaction reads and writes several accounts (nonce, fee, transfer, author), so this is
the most-touched entry of the chain. ``AccountInfo<u32, AccountData<u64>>`` has a fixed 56-byte
layout, which ``struct`` packs and unpacks directly; the metadata shape stays the declared struct.
The storage key (``prefix ‖ blake2_128(id) ‖ id``) is memoised per account, bounded.
"""
from __future__ import annotations

import struct
from typing import Any

from tensornet.primitives.scale import AccountId, Custom, ScaleError
from tensornet.runtime.types import ACCOUNT_INFO
from tensornet.storage.items import BoundItem, StorageItem

_HEAD = struct.Struct("<IIIIQQQ")
SIZE = _HEAD.size + 16
U128_MAX = 2**128 - 1


def _encode(value: Any) -> bytes:
    try:
        d = value["data"]
        flags = d["flags"]
        if type(flags) is not int or not 0 <= flags <= U128_MAX:
            raise ScaleError(f"AccountData.flags out of range: {flags!r}")
        return _HEAD.pack(value["nonce"], value["consumers"], value["providers"], value["sufficients"],
                          d["free"], d["reserved"], d["frozen"]) + flags.to_bytes(16, "little")
    except (struct.error, KeyError, TypeError, OverflowError) as exc:
        raise ScaleError(f"AccountInfo: cannot encode {value!r:.120}: {exc}") from None


#: the whole layout at once for decoding, the u128 flags as two u64 halves (one unpack, no slice)
_FULL = struct.Struct("<IIIIQQQQQ")


def _decode(data: bytes, offset: int = 0) -> tuple[dict, int]:
    end = offset + SIZE
    if end > len(data):
        raise ScaleError("unexpected end of input reading AccountInfo")
    nonce, consumers, providers, sufficients, free, reserved, frozen, flags_lo, flags_hi = \
        _FULL.unpack_from(data, offset)
    return {"nonce": nonce, "consumers": consumers, "providers": providers, "sufficients": sufficients,
            "data": {"free": free, "reserved": reserved, "frozen": frozen,
                     "flags": flags_lo | (flags_hi << 64)}}, end


FAST_ACCOUNT_INFO = Custom(ACCOUNT_INFO, _encode, _decode, ACCOUNT_INFO.default())


class AccountMap(StorageItem):
    """``StorageMap<Blake2_128Concat, AccountId, AccountInfo>`` with memoised keys and fresh defaults
    (callers mutate what they read, so a missing account must never hand out a shared dict)."""

    CACHE = 1 << 16

    def __init__(self, docs: str = "") -> None:
        super().__init__(FAST_ACCOUNT_INFO, keys=[("Blake2_128Concat", AccountId)], docs=docs)
        self._keys: dict[bytes, bytes] = {}

    def key(self, *keys: Any) -> bytes:
        if len(keys) == 1:
            return self.account_key(keys[0])
        return super().key(*keys)

    def account_key(self, who: Any) -> bytes:
        k = self._keys.get(who)
        if k is not None:
            return k
        k = super().key(who)
        if len(self._keys) >= self.CACHE:
            self._keys.clear()
        self._keys[who] = k
        return k

    def bound(self, env) -> "BoundAccountMap":
        return BoundAccountMap(self, env)

    def get(self, state, *keys: Any) -> Any:
        raw = state.get(self.key(*keys))
        if raw is None:
            return _decode(self._default_bytes)[0]
        return _decode(raw)[0]

    def try_get(self, state, *keys: Any) -> Any:
        raw = state.get(self.key(*keys))
        return None if raw is None else _decode(raw)[0]

    def set(self, state, *keys_and_value: Any) -> None:
        # not optional: every value is written, never deleted (as StorageItem.set does)
        state.put(self.key(*keys_and_value[:-1]), _encode(keys_and_value[-1]))


class BoundAccountMap(BoundItem):
    """``System.Account`` as pallets see it. A transfer reads and writes four accounts; the generic
    bound item's variable keys cost more than the read or write itself, so these take one key."""

    __slots__ = ()

    def get(self, who: Any) -> Any:
        raw = self.env.state.get(self.item.account_key(who))
        return _decode(self.item._default_bytes if raw is None else raw)[0]

    def try_get(self, who: Any) -> Any:
        raw = self.env.state.get(self.item.account_key(who))
        return None if raw is None else _decode(raw)[0]

    def set(self, who: Any, value: Any) -> None:
        self.env.state.put(self.item.account_key(who), _encode(value))

    insert = set
