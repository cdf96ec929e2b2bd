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
    """A sorted in-memory store with the same semantics as the LevelDB backend."""

    def __init__(self) -> None:
        self._data: dict[bytes, bytes] = {}
        self._keys: list[bytes] = []  # sorted; rebuilt lazily after writes
        self._dirty = False
        self._lock = threading.Lock()

    def get(self, key: bytes) -> bytes | None:
        return self._data.get(key)

    def _sorted(self) -> list[bytes]:
        with self._lock:
            if self._dirty:
                self._keys = sorted(self._data)
                self._dirty = False
            return self._keys

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        keys = self._sorted()
        lo = max(prefix, start) if start is not None else prefix
        i = bisect.bisect_left(keys, lo)
        data = self._data
        while i < len(keys):
            k = keys[i]
            if not k.startswith(prefix):
                break
            v = data.get(k)
            if v is not None:
                yield k, v
            i += 1

    def write(self, puts: Mapping[bytes, bytes], deletes: Iterable[bytes] = (), sync: bool = True) -> None:
        with self._lock:
            data = self._data
            new_keys = False
            for k in deletes:
                if data.pop(k, None) is not None:
                    new_keys = True
            for k, v in puts.items():
                if k not in data:
                    new_keys = True
                data[k] = v
            if new_keys:
                self._dirty = True

    def close(self) -> None:
        pass

    def __len__(self) -> int:
        return len(self._data)


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
