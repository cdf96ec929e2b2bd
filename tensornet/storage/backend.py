"""Key-value backends: LevelDB (plyvel) for real nodes, an in-memory one for tests and ``--tmp``.

Both expose the same small protocol: point reads, ordered prefix iteration and an atomic write batch.
Everything the node persists (state, trie nodes, blocks, indexes, head) goes through one batch per
block, so a crash leaves either the whole block or none of it.
"""
from __future__ import annotations

import bisect
import threading
from typing import Iterable, Iterator, Mapping, Protocol


class KVBackend(Protocol):
    def get(self, key: bytes) -> bytes | None: ...

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        """Ascending (key, value) pairs whose key starts with ``prefix`` and is ``>= start``."""
        ...

    def write(self, puts: Mapping[bytes, bytes], deletes: Iterable[bytes] = (), sync: bool = True) -> None: ...

    def close(self) -> None: ...


class MemoryBackend:
    """A sorted in-memory store with the same semantics as the LevelDB backend.

    The key order is two sorted lists: ``_keys`` (may still list deleted keys, which iteration
    skips) and ``_recent``, the keys added since ``_keys`` was last rebuilt.  A block adds a
    few hundred keys to a store of hundreds of thousands; re-sorting every key after each block
    grew with the chain (≈70 ms a block at 200k keys), while folding ``_recent`` in is a linear
    merge done once per ``_keys``/16 new keys.  Both lists are replaced, never changed in place,
    so an iteration in progress keeps walking the order it started with.
    """

    def __init__(self) -> None:
        self._data: dict[bytes, bytes] = {}
        self._keys: list[bytes] = []
        self._recent: list[bytes] = []
        self._stale = 0  # deleted keys still listed
        self._lock = threading.Lock()

    def get(self, key: bytes) -> bytes | None:
        return self._data.get(key)

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        with self._lock:
            keys, recent = self._keys, self._recent
        lo = max(prefix, start) if start is not None else prefix
        i, j = bisect.bisect_left(keys, lo), bisect.bisect_left(recent, lo)
        n_keys, n_recent = len(keys), len(recent)
        data = self._data
        while i < n_keys or j < n_recent:
            if j >= n_recent or (i < n_keys and keys[i] < recent[j]):
                k = keys[i]
                i += 1
            else:
                k = recent[j]
                j += 1
            if not k.startswith(prefix):
                break
            v = data.get(k)
            if v is not None:
                yield k, v

    def write(self, puts: Mapping[bytes, bytes], deletes: Iterable[bytes] = (), sync: bool = True) -> None:
        with self._lock:
            data = self._data
            for k in deletes:
                if data.pop(k, None) is not None:
                    self._stale += 1
            new = [k for k in puts if k not in data]
            data.update(puts)
            if new:
                self._list_new_keys(new)

    def _list_new_keys(self, new: list[bytes]) -> None:
        keys, recent = self._keys, self._recent
        fresh = [k for k in new if not _listed(keys, k) and not _listed(recent, k)]
        if not fresh:
            return
        recent = sorted(recent + fresh)  # Timsort: a sorted run and a short one
        if len(recent) > max(1024, len(keys) // 16) or self._stale > len(keys) // 4:
            merged = keys + recent
            merged.sort()  # two sorted runs: one linear merge
            data = self._data
            self._keys = [k for k in merged if k in data] if self._stale else merged
            self._recent = []
            self._stale = 0
        else:
            self._recent = recent

    def close(self) -> None:
        pass

    def __len__(self) -> int:
        return len(self._data)


def _listed(keys: list[bytes], key: bytes) -> bool:
    i = bisect.bisect_left(keys, key)
    return i < len(keys) and keys[i] == key


class LevelDBBackend:
    """LevelDB through plyvel. ``write`` is one atomic WriteBatch (``sync=True`` fsyncs the log)."""

    def __init__(self, path: str, create: bool = True) -> None:
        import plyvel

        self.path = path
        self._db = plyvel.DB(path, create_if_missing=create, write_buffer_size=64 * 2**20,
                             lru_cache_size=64 * 2**20, bloom_filter_bits=10)
        # point reads go straight to plyvel (same result, one Python frame fewer per state read)
        self.get = self._db.get  # type: ignore[method-assign]

    def get(self, key: bytes) -> bytes | None:
        return self._db.get(key)

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        if start is None or start <= prefix:
            return self._db.iterator(prefix=prefix)
        return self._db.iterator(start=start, stop=_prefix_end(prefix)) if _prefix_end(prefix) else \
            self._db.iterator(start=start)

    def write(self, puts: Mapping[bytes, bytes], deletes: Iterable[bytes] = (), sync: bool = True) -> None:
        with self._db.write_batch(sync=sync) as batch:
            for k in deletes:
                batch.delete(k)
            for k, v in puts.items():
                batch.put(k, v)

    def close(self) -> None:
        if not self._db.closed:
            self._db.close()


def _prefix_end(prefix: bytes) -> bytes | None:
    """The smallest key greater than every key starting with ``prefix`` (None if there is none)."""
    b = bytearray(prefix)
    while b:
        if b[-1] < 0xFF:
            b[-1] += 1
            return bytes(b)
        b.pop()
    return None


class PrefixedBackend:
    """A view of a backend under a key prefix (one 'column' of the database)."""

    def __init__(self, inner: KVBackend, prefix: bytes) -> None:
        self.inner = inner
        self.prefix = prefix
        self._n = len(prefix)

    def get(self, key: bytes) -> bytes | None:
        return self.inner.get(self.prefix + key)

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        n = self._n
        for k, v in self.inner.iterate(self.prefix + prefix, None if start is None else self.prefix + start):
            yield k[n:], v
