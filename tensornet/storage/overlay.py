"""The state overlay: uncommitted writes over a read-only base, with nested transactional layers.

Reads are O(1) whatever the nesting depth: all writes live in one dict and each open layer keeps an
undo journal (the value each key had before the layer first touched it), as py-evm's Journal does.
``rollback`` replays the journal; ``commit`` folds it into the parent layer. A failed dispatch thus
undoes exactly its own writes, while the fee withdrawn before it (outside its layer) stays.
"""
from __future__ import annotations

import heapq
from contextlib import contextmanager
from itertools import islice
from typing import Iterator, Protocol

MAX_DEPTH = 1024
_MISSING = object()
#: twox128(pallet) ‖ twox128(item): the leading bytes shared by every key of one storage item
_ITEM_PREFIX_LEN = 32


class StateReader(Protocol):
    def get(self, key: bytes) -> bytes | None: ...

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]: ...


class TransactionDepthExceeded(RuntimeError):
    """More nested storage layers than ``MAX_DEPTH`` (Substrate limits this to 255)."""


class Overlay:
    """Uncommitted state changes over ``base``; ``None`` as a value means deleted."""

    def __init__(self, base: StateReader) -> None:
        self.base = base
        self._writes: dict[bytes, bytes | None] = {}
        self._journal: list[dict[bytes, object]] = []
        # written keys grouped by storage item, so that an iteration (or delete_prefix) of one
        # item's entries looks at that item's writes, not at every write of the block. Built on
        # the first prefix iteration; later ones add the keys written since (a dict keeps insertion
        # order, and only a rollback removes keys: it drops the index). put/delete pay nothing.
        self._by_item: dict[bytes, list[bytes]] | None = None
        self._indexed = 0  # leading entries of _writes (insertion order) already in _by_item
        #: storage items (32-byte prefixes) known to have no entry in ``base``, which never changes
        self._base_empty: dict[bytes, bool] = {}

    # reads ------------------------------------------------------------------------------------
    def get(self, key: bytes) -> bytes | None:
        w = self._writes
        if key in w:
            return w[key]
        return self.base.get(key)

    def contains(self, key: bytes) -> bool:
        return self.get(key) is not None

    def item_is_empty(self, item_prefix: bytes) -> bool:
        """No entry of the storage item with this 32-byte prefix exists: an O(1) answer (after the
        first question per item) for items that are usually empty, such as stake locks. The base
        is asked once per overlay; the writes since are looked up in the per-item index."""
        writes = self._writes
        if any(writes[k] is not None for k in self._item_writes(item_prefix)):
            return False
        empty = self._base_empty.get(item_prefix)
        if empty is None:
            empty = self._base_empty[item_prefix] = next(iter(self.base.iterate(item_prefix)), None) is None
        if empty:
            return True
        return next(self.iterate(item_prefix), None) is None  # the base's entries may all be deleted

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        """Ascending (key, value) of the merged view for keys with ``prefix`` and ``>= start``."""
        lo = prefix if start is None or start < prefix else start
        writes = self._writes
        if len(prefix) >= _ITEM_PREFIX_LEN:
            group = self._item_writes(prefix[:_ITEM_PREFIX_LEN])
            mine = sorted((k, writes[k]) for k in group if k.startswith(prefix) and k >= lo)
        else:
            mine = sorted((k, v) for k, v in writes.items() if k.startswith(prefix) and k >= lo)
        if not mine:  # nothing written in the range: no merge (the filter stays: callers may write)
            for k, v in self.base.iterate(prefix, start):
                if k not in writes and v is not None:
                    yield k, v
            return
        base = ((k, v) for k, v in self.base.iterate(prefix, start) if k not in writes)
        for k, v in heapq.merge(mine, base, key=lambda kv: kv[0]):
            if v is not None:
                yield k, v

    # writes -----------------------------------------------------------------------------------
    def put(self, key: bytes, value: bytes) -> None:
        if self._journal:
            j = self._journal[-1]
            if key not in j:
                j[key] = self._writes.get(key, _MISSING) if key in self._writes else _MISSING
        self._writes[key] = value

    def delete(self, key: bytes) -> None:
        if self._journal:
            j = self._journal[-1]
            if key not in j:
                j[key] = self._writes[key] if key in self._writes else _MISSING
        self._writes[key] = None

    def _item_writes(self, item_prefix: bytes) -> list[bytes] | tuple:
        """The written keys starting with ``item_prefix`` (an item's 32-byte prefix)."""
        groups, writes = self._by_item, self._writes
        if groups is None:
            groups, self._indexed = {}, 0
            self._by_item = groups
        if self._indexed < len(writes):
            for k in islice(writes, self._indexed, None):
                group = groups.get(k[:_ITEM_PREFIX_LEN])
                if group is None:
                    groups[k[:_ITEM_PREFIX_LEN]] = [k]
                else:
                    group.append(k)
            self._indexed = len(writes)
        return groups.get(item_prefix, ())

    def delete_prefix(self, prefix: bytes) -> int:
        keys = [k for k, _ in self.iterate(prefix)]
        for k in keys:
            self.delete(k)
        return len(keys)

    # layers -----------------------------------------------------------------------------------
    @property
    def depth(self) -> int:
        return len(self._journal)

    def begin(self) -> None:
        if len(self._journal) >= MAX_DEPTH:
            raise TransactionDepthExceeded(f"more than {MAX_DEPTH} nested storage layers")
        self._journal.append({})

    def commit(self) -> None:
        j = self._journal.pop()
        if self._journal:
            parent = self._journal[-1]
            for k, prev in j.items():
                if k not in parent:
                    parent[k] = prev

    def rollback(self) -> None:
        j = self._journal.pop()
        w = self._writes
        for k, prev in j.items():
            if prev is _MISSING:
                w.pop(k, None)
                self._by_item = None  # keys left _writes: the index is rebuilt when next needed
            else:
                w[k] = prev  # type: ignore[assignment]

    def layer_keys(self) -> list[bytes]:
        """The keys written in the innermost open layer (what a recorded edit changed)."""
        return list(self._journal[-1]) if self._journal else []

    @contextmanager
    def layer(self) -> Iterator["Overlay"]:
        """Run a block of code in its own layer: committed on success, rolled back on exception."""
        self.begin()
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            self.commit()

    # results ----------------------------------------------------------------------------------
    def changes(self) -> dict[bytes, bytes | None]:
        """All pending writes (only meaningful with no open layer)."""
        if self._journal:
            raise RuntimeError("changes() called with open storage layers")
        return dict(self._writes)

    def clear(self) -> None:
        self._writes.clear()
        self._journal.clear()
        self._by_item = None
