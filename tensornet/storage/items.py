"""Storage item declarations: one declaration gives keys, typed access and metadata.

``StorageItem`` covers FRAME's StorageValue, StorageMap, StorageDoubleMap and StorageNMap. The key of
an entry is ``twox128(pallet) ‖ twox128(item) ‖ hasher1(SCALE(k1)) ‖ …`` exactly as Substrate builds
it, so real clients computing keys from our metadata read our state. Every access takes the state
explicitly (anything with ``get``/``put``/``delete``/``iterate``, normally an ``Overlay``); pallets get
bound views (``BoundItem``) that fetch the current state from the runtime for them.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

from tensornet.primitives.hashing import HASHER_PREFIX_LEN, STORAGE_HASHERS, twox128
from tensornet.primitives.scale import ScaleError, ScaleType

_NO_DEFAULT = object()
#: key types whose equal values always encode alike (no bool/int or int/float aliasing)
_CACHEABLE = frozenset((int, bytes, str))
#: storage keys remembered per item before its cache starts afresh
KEY_CACHE_SIZE = 8192
#: hashed key parts remembered per (hasher, key type) before that memo starts afresh
PART_MEMO_SIZE = 1 << 17
_PART_MEMOS: dict[tuple[str, int], tuple[ScaleType, dict]] = {}


def _part_builder(hasher: str, key_type: ScaleType) -> Callable[[Any], bytes]:
    """``hasher(SCALE(k))`` for one key part, remembered for plain values and shared by every item
    keyed by the same (hasher, type): an epoch builds keys of a dozen items (TotalHotkeyAlpha,
    Alpha, Owner, …) for each of its hotkeys, far more distinct full keys than the per-item caches
    hold but few distinct parts. A pure function of the value: nothing in it can go stale."""
    h, enc = STORAGE_HASHERS[hasher], key_type.encode
    # the type is kept alongside so that its id is never reused while the memo lives
    memo = _PART_MEMOS.setdefault((hasher, id(key_type)), (key_type, {}))[1]

    def part(k: Any) -> bytes:
        if type(k) not in _CACHEABLE:  # a bool or numpy int equal to a cached int: encode it
            return h(enc(k))
        out = memo.get(k)
        if out is None:
            out = h(enc(k))
            if len(memo) >= PART_MEMO_SIZE:
                memo.clear()
            memo[k] = out
        return out

    return part


def _mutable(value: Any) -> bool:
    if isinstance(value, tuple):
        return any(_mutable(v) for v in value)
    return isinstance(value, (dict, list))


class StorageItem:
    """A storage declaration. ``keys`` is a list of (hasher name, key type); empty for a value."""

    def __init__(self, value: ScaleType, *, keys: Sequence[tuple[str, ScaleType]] = (),
                 default: Any = _NO_DEFAULT, optional: bool = False, docs: str = "",
                 name: str | None = None) -> None:
        for h, _ in keys:
            if h not in STORAGE_HASHERS:
                raise ValueError(f"unknown storage hasher {h!r}")
        self.value_type = value
        self.keys = tuple(keys)
        self.optional = optional
        self.docs = docs
        self.name = name or ""
        self.pallet = ""
        self.prefix = b""
        if optional:
            self._default = None
        elif default is _NO_DEFAULT:
            self._default = value.default()
        else:
            self._default = default
        self._default_bytes = b"\x00" if optional else value.encode(self._default)
        # a mutable default (dict/list, or a tuple holding one) is decoded afresh on every read so
        # callers may change it
        self._default_is_mutable = _mutable(self._default)
        self._parts = tuple(_part_builder(h, t) for h, t in keys)
        self._key_cache: dict[tuple, bytes] = {}
        self._enc = value.encode
        self._dec = value.decode

    # declaration -------------------------------------------------------------------------------
    def __set_name__(self, owner: type, name: str) -> None:
        if not self.name:
            self.name = name

    def bind(self, pallet_prefix: str) -> None:
        """Fix the pallet this item lives in (called once by the Pallet class machinery)."""
        self.pallet = pallet_prefix
        self.prefix = twox128(pallet_prefix.encode()) + twox128(self.name.encode())
        self._key_cache.clear()

    @property
    def default(self) -> Any:
        return self._default

    @property
    def default_bytes(self) -> bytes:
        """The metadata ``default``: SCALE of the default value (``0x00`` = None when optional)."""
        return self._default_bytes

    # keys --------------------------------------------------------------------------------------
    def key(self, *keys: Any) -> bytes:
        return self._key(keys)

    def _key(self, keys: tuple) -> bytes:
        """``key`` on the argument tuple (the accessors hand theirs on without re-packing it)."""
        # hashing and SCALE-encoding every key on every access dominates small reads: remember the
        # keys built from plain ints/bytes/strs (a bool or numpy int equal to a cached int must still
        # reach its encoder, which may refuse it, so a hit counts only for exact types)
        n = len(keys)
        if n == 1:
            cacheable = type(keys[0]) in _CACHEABLE
        elif n == 2:
            cacheable = type(keys[0]) in _CACHEABLE and type(keys[1]) in _CACHEABLE
        elif n == 0:
            cacheable = True  # a StorageValue (or a map called without keys: _build_key refuses)
        elif n == 3:
            cacheable = type(keys[0]) in _CACHEABLE and type(keys[1]) in _CACHEABLE and type(keys[2]) in _CACHEABLE
        else:
            cacheable = all(type(k) in _CACHEABLE for k in keys)
        if not cacheable:  # (may not even be hashable: dict/list keys)
            return self._build_key(keys)
        cache = self._key_cache
        out = cache.get(keys)
        if out is None:
            out = self.prefix if n == 0 and not self._parts else self._build_key(keys)
            if len(cache) >= KEY_CACHE_SIZE:
                cache.clear()
            cache[keys] = out
        return out

    def _build_key(self, keys: tuple) -> bytes:
        parts = self._parts
        if len(keys) != len(parts):
            raise TypeError(f"{self.pallet}.{self.name} takes {len(parts)} key(s), got {len(keys)}")
        if len(parts) == 1:
            return self.prefix + parts[0](keys[0])
        if len(parts) == 2:
            return self.prefix + parts[0](keys[0]) + parts[1](keys[1])
        if len(parts) == 3:
            return self.prefix + parts[0](keys[0]) + parts[1](keys[1]) + parts[2](keys[2])
        return self.prefix + b"".join([p(k) for p, k in zip(parts, keys)])

    def prefix_key(self, *keys: Any) -> bytes:
        """The key prefix shared by all entries whose first ``len(keys)`` keys are given."""
        return self.prefix + b"".join([p(k) for p, k in zip(self._parts, keys)])

    def decode_key(self, raw: bytes, skip: int = 0) -> tuple:
        """Recover the keys of an entry (only possible with Concat/Identity hashers)."""
        offset = len(self.prefix)
        out = []
        for i, (hname, ktype) in enumerate(self.keys):
            n = HASHER_PREFIX_LEN[hname]
            if n is None:
                raise ScaleError(f"{self.pallet}.{self.name}: keys hashed with {hname} cannot be decoded")
            offset += n
            k, offset = ktype.decode(raw, offset)
            if i >= skip:
                out.append(k)
        return tuple(out)

    # access ------------------------------------------------------------------------------------
    def get(self, state, *keys: Any) -> Any:
        raw = state.get(self._key(keys))
        if raw is None:
            if self._default_is_mutable:
                return self._dec(self._default_bytes, 0)[0]
            return self._default
        return self._dec(raw, 0)[0]

    def try_get(self, state, *keys: Any) -> Any:
        """The stored value or None when absent (whatever the query kind)."""
        raw = state.get(self._key(keys))
        return None if raw is None else self._dec(raw, 0)[0]

    def contains(self, state, *keys: Any) -> bool:
        return state.get(self.key(*keys)) is not None

    def set(self, state, *keys_and_value: Any) -> None:
        k = self._key(keys_and_value[:-1])
        value = keys_and_value[-1]
        if value is None and self.optional:
            state.delete(k)
        else:
            state.put(k, self._enc(value))

    def insert(self, state, *keys_and_value: Any) -> None:
        self.set(state, *keys_and_value)

    def remove(self, state, *keys: Any) -> None:
        state.delete(self.key(*keys))

    def take(self, state, *keys: Any) -> Any:
        value = self.get(state, *keys)
        self.remove(state, *keys)
        return value

    def mutate(self, state, *keys_and_fn: Any) -> Any:
        """Apply ``fn(old) -> new`` and store the result; returns it."""
        *keys, fn = keys_and_fn
        new = fn(self.get(state, *keys))
        self.set(state, *keys, new)
        return new

    def iter(self, state, *partial: Any) -> Iterator[tuple[tuple, Any]]:
        """(remaining keys, value) for every entry under the given leading keys, in key order."""
        prefix = self.prefix_key(*partial)
        dec = self._dec
        skip = len(partial)
        for raw_key, raw in state.iterate(prefix):
            yield self.decode_key(raw_key, skip), dec(raw, 0)[0]

    def iter_values(self, state, *partial: Any) -> Iterator[Any]:
        dec = self._dec
        for _, raw in state.iterate(self.prefix_key(*partial)):
            yield dec(raw, 0)[0]

    def clear_prefix(self, state, *partial: Any) -> int:
        return state.delete_prefix(self.prefix_key(*partial))

    def __repr__(self) -> str:
        return f"<storage {self.pallet}.{self.name}>"

    # pallets get bound views --------------------------------------------------------------------
    def bound(self, env) -> "BoundItem":
        """This item bound to a runtime environment (an item may bind to a faster view of itself)."""
        return BoundItem(self, env)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return self.bound(instance.env)


def StorageValue(value: ScaleType, **kw) -> StorageItem:
    return StorageItem(value, **kw)


def StorageMap(hasher: str, key: ScaleType, value: ScaleType, **kw) -> StorageItem:
    return StorageItem(value, keys=[(hasher, key)], **kw)


def StorageDoubleMap(h1: str, k1: ScaleType, h2: str, k2: ScaleType, value: ScaleType, **kw) -> StorageItem:
    return StorageItem(value, keys=[(h1, k1), (h2, k2)], **kw)


def StorageNMap(keys: Sequence[tuple[str, ScaleType]], value: ScaleType, **kw) -> StorageItem:
    return StorageItem(value, keys=keys, **kw)


class BoundItem:
    """A storage item bound to a runtime environment: ``pallet.Account.get(who)``.

    ``get``/``try_get``/``set`` are what pallets call most (dozens of times per subnet per block):
    for an item whose class keeps StorageItem's own versions they do the same work inline, since
    handing the arguments on to the item costs a third of a read. Items that override them (e.g.
    AccountMap, Mirrored) are always called."""

    __slots__ = ("_own_get", "_own_set", "_own_try_get", "env", "item")

    def __init__(self, item: StorageItem, env) -> None:
        self.item = item
        self.env = env
        cls = type(item)
        own_key = cls._key is StorageItem._key
        self._own_get = own_key and cls.get is StorageItem.get
        self._own_try_get = own_key and cls.try_get is StorageItem.try_get
        self._own_set = own_key and cls.set is StorageItem.set

    def get(self, *keys):
        item = self.item
        if not self._own_get:
            return item.get(self.env.state, *keys)
        raw = self.env.state.get(item._key(keys))  # StorageItem.get
        if raw is None:
            if item._default_is_mutable:
                return item._dec(item._default_bytes, 0)[0]
            return item._default
        return item._dec(raw, 0)[0]

    def try_get(self, *keys):
        item = self.item
        if not self._own_try_get:
            return item.try_get(self.env.state, *keys)
        raw = self.env.state.get(item._key(keys))  # StorageItem.try_get
        return None if raw is None else item._dec(raw, 0)[0]

    def contains(self, *keys) -> bool:
        return self.item.contains(self.env.state, *keys)

    def set(self, *keys_and_value) -> None:
        item = self.item
        if not self._own_set:
            item.set(self.env.state, *keys_and_value)
            return
        k = item._key(keys_and_value[:-1])  # StorageItem.set
        value = keys_and_value[-1]
        if value is None and item.optional:
            self.env.state.delete(k)
        else:
            self.env.state.put(k, item._enc(value))

    insert = set

    def remove(self, *keys) -> None:
        self.item.remove(self.env.state, *keys)

    def take(self, *keys):
        return self.item.take(self.env.state, *keys)

    def mutate(self, *keys_and_fn: Callable):
        return self.item.mutate(self.env.state, *keys_and_fn)

    def iter(self, *partial):
        return self.item.iter(self.env.state, *partial)

    def iter_values(self, *partial):
        return self.item.iter_values(self.env.state, *partial)

    def clear_prefix(self, *partial) -> int:
        return self.item.clear_prefix(self.env.state, *partial)

    def key(self, *keys) -> bytes:
        return self.item.key(*keys)
