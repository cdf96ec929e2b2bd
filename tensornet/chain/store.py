"""The block store: blocks, indexes, head state and history in one key-value backend.

Each block is committed with a single atomic batch (``sync=True`` on LevelDB): header, body, the
number index, the flat head-state changes, the new trie nodes, an undo journal of the flat state,
extrinsic locations and the new head. A crash therefore leaves the previous head intact or the new
block complete, never half of one. Reads of the head's state go to the flat column (fast); reads at
older blocks walk the trie from that block's state root.
"""
from __future__ import annotations

import os
import threading
from typing import Iterator, Mapping

from tensornet.primitives.scale import Bytes, Option, ScaleError, Tuple, U32, Vec, decode_compact, encode_compact
from tensornet.storage import schema
from tensornet.storage.backend import KVBackend, LevelDBBackend, MemoryBackend, PrefixedBackend
from tensornet.storage.trie import apply_changes, get as trie_get, iter_items as trie_iter_items

from .block import Block, Header, decode_body

_UNDO = Vec(Tuple(Bytes, Option(Bytes)))


def encode_undo(undo: list[tuple[bytes, bytes | None]]) -> bytes:
    """``_UNDO.encode(undo)`` written out for its one shape (a block's journal has an entry per
    changed key, and the generic codec walks its types for each)."""
    parts = [encode_compact(len(undo))]
    append = parts.append
    for key, old in undo:
        append(encode_compact(len(key)))
        append(key)
        if old is None:
            append(b"\x00")
        else:
            append(b"\x01")
            append(encode_compact(len(old)))
            append(old)
    return b"".join(parts)


class DatabaseError(RuntimeError):
    """The database directory cannot be used (foreign, corrupt, or another chain's)."""


class _Nodes:
    """Adapter: the trie column as the trie module's NodeReader."""

    def __init__(self, backend: KVBackend) -> None:
        self.backend = backend

    def get_node(self, node_hash: bytes) -> bytes | None:
        return self.backend.get(schema.TRIE + node_hash)


class FlatState:
    """The head's state, read from the flat column through a read cache.

    Every signed transaction reads its sender's account when it is submitted, revalidated and
    applied; a dict hit costs a tenth of a LevelDB read. The cache holds values exactly as the
    flat column does: the store writes each committed block's changes through it and clears it
    when it rewinds, and it is dropped whole when it reaches ``capacity`` entries."""

    def __init__(self, backend: KVBackend, capacity: int = 1 << 17) -> None:
        self._view = PrefixedBackend(backend, schema.STATE)
        self._backend_get = backend.get
        self._prefix = schema.STATE
        self._cache: dict[bytes, bytes | None] = {}
        self.capacity = capacity

    def get(self, key: bytes) -> bytes | None:
        cache = self._cache
        try:
            return cache[key]
        except KeyError:
            pass
        value = self._backend_get(self._prefix + key)
        if len(cache) >= self.capacity:
            cache.clear()
        cache[key] = value
        return value

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        return self._view.iterate(prefix, start)

    def committed(self, changes: Mapping[bytes, bytes | None]) -> None:
        """The flat column now holds ``changes``: keep the cached keys in step."""
        cache = self._cache
        for key, value in changes.items():
            if key in cache:
                cache[key] = value

    def forget(self) -> None:
        """The flat column was rewritten wholesale (a rewind): drop every cached value."""
        self._cache.clear()


class TrieState:
    """The state at any kept block, read through its state root."""

    def __init__(self, root: bytes, nodes: _Nodes) -> None:
        self.root = root
        self.nodes = nodes

    def get(self, key: bytes) -> bytes | None:
        return trie_get(self.root, key, self.nodes)

    def iterate(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        """Ascending (key, value) with ``prefix`` and key ``>= start``, in one trie walk."""
        after = None
        if start is not None and start > prefix:
            first = trie_get(self.root, start, self.nodes)
            if first is not None:
                yield start, first
            after = start
        yield from trie_iter_items(self.root, prefix, self.nodes, after)


class ChainStore:
    def __init__(self, backend: KVBackend) -> None:
        self.backend = backend
        self.nodes = _Nodes(backend)
        self._lock = threading.RLock()
        self.genesis_hash: bytes | None = backend.get(schema.META_GENESIS)
        self.head_hash: bytes | None = backend.get(schema.META_HEAD)
        self.finalized_hash: bytes | None = backend.get(schema.META_FINALIZED)
        self._header_cache: dict[bytes, Header] = {}
        self._flat = FlatState(backend)

    # --- opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | None) -> "ChainStore":
        """Open (or create) a store; ``None`` is an in-memory store. Foreign directories are refused."""
        if path is None:
            return cls(MemoryBackend())
        if os.path.exists(path):
            if not os.path.isdir(path):
                raise DatabaseError(f"{path} exists and is not a directory")
            entries = os.listdir(path)
            if entries and "CURRENT" not in entries:
                raise DatabaseError(f"{path} is not empty and is not a tensornet database; refusing to touch it "
                                    "(choose another --base-path or empty this one)")
        try:
            backend = LevelDBBackend(path)
        except Exception as exc:  # plyvel raises IOError/CorruptionError subclasses
            raise DatabaseError(f"cannot open the database at {path}: {exc}") from None
        fmt = backend.get(schema.META_FORMAT)
        has_any = next(iter(backend.iterate(b"")), None) is not None
        if has_any and fmt != schema.DB_FORMAT:
            backend.close()
            raise DatabaseError(f"{path} holds a LevelDB database that is not tensornet's (format "
                                f"{fmt!r}); refusing to use it")
        return cls(backend)

    def stored_spec(self) -> bytes | None:
        """The canonical chain-spec JSON the database was created from."""
        return self.backend.get(schema.META_SPEC)

    @property
    def is_empty(self) -> bool:
        return self.genesis_hash is None

    def close(self) -> None:
        self.backend.close()

    # --- reads -------------------------------------------------------------------------------------
    def header(self, block_hash: bytes) -> Header | None:
        h = self._header_cache.get(block_hash)
        if h is not None:
            return h
        raw = self.backend.get(schema.HEADER + block_hash)
        if raw is None:
            return None
        h = Header.decode(raw)
        if len(self._header_cache) > 4096:
            self._header_cache.clear()
        self._header_cache[block_hash] = h
        return h

    def body(self, block_hash: bytes) -> tuple[bytes, ...] | None:
        raw = self.backend.get(schema.BODY + block_hash)
        return None if raw is None else decode_body(raw)

    def block(self, block_hash: bytes) -> Block | None:
        header = self.header(block_hash)
        if header is None:
            return None
        return Block(header, self.body(block_hash) or ())

    def hash_of(self, number: int) -> bytes | None:
        if number < 0 or number > 0xFFFFFFFF:
            return None
        return self.backend.get(schema.number_key(number))

    @property
    def head(self) -> Header:
        assert self.head_hash is not None, "the chain has no genesis yet"
        return self.header(self.head_hash)  # type: ignore[return-value]

    def tx_location(self, xt_hash: bytes) -> tuple[bytes, int] | None:
        raw = self.backend.get(schema.TX_INDEX + xt_hash)
        if raw is None:
            return None
        return raw[:32], int.from_bytes(raw[32:36], "little")

    def state_at(self, block_hash: bytes | None = None):
        """A read-only state for ``block_hash`` (the head when None); None for unknown blocks."""
        if block_hash is None:
            return self._flat  # always the head's: no lock needed to choose it
        with self._lock:
            if block_hash is None or block_hash == self.head_hash:
                return self._flat
        header = self.header(block_hash)
        if header is None:
            return None
        return TrieState(header.state_root, self.nodes)

    # --- writes ------------------------------------------------------------------------------------
    def compute_root(self, parent_root: bytes, changes: Mapping[bytes, bytes | None]) -> tuple[bytes, dict]:
        return apply_changes(parent_root, changes, self.nodes)

    def commit_genesis(self, header: Header, changes: Mapping[bytes, bytes | None], trie_nodes: dict,
                       spec_json: bytes) -> None:
        if not self.is_empty:
            raise DatabaseError("the database already holds a chain")
        puts = {schema.META_FORMAT: schema.DB_FORMAT, schema.META_GENESIS: header.hash,
                schema.META_SPEC: spec_json}
        self._commit(Block(header), changes, trie_nodes, puts)
        self.genesis_hash = header.hash

    def commit_block(self, block: Block, changes: Mapping[bytes, bytes | None], trie_nodes: dict,
                     tx_hashes: Mapping[int, bytes] | None = None) -> None:
        """``tx_hashes``: position -> hash of the block's signed extrinsics when the caller knows them
        (the builder does); otherwise they are found and hashed here."""
        self._commit(block, changes, trie_nodes, {}, tx_hashes)

    def _commit(self, block: Block, changes: Mapping[bytes, bytes | None], trie_nodes: dict,
                extra: dict[bytes, bytes], tx_hashes: Mapping[int, bytes] | None = None) -> None:
        h = block.hash
        backend = self.backend
        puts = dict(extra)
        deletes = []
        undo = []
        flat = self._flat
        for key, value in changes.items():
            old = flat.get(key)
            if old == value:
                continue
            undo.append((key, old))
            if value is None:
                deletes.append(schema.STATE + key)
            else:
                puts[schema.STATE + key] = value
        for node_hash, node in trie_nodes.items():
            puts[schema.TRIE + node_hash] = node
        puts[schema.HEADER + h] = block.header.encode()
        puts[schema.BODY + h] = block.encode_body()
        puts[schema.number_key(block.header.number)] = h
        puts[schema.UNDO + h] = encode_undo(undo)
        from tensornet.primitives.hashing import blake2_256

        if tx_hashes is None:  # inherents repeat byte for byte (the shield key), so only transactions
            tx_hashes = {i: blake2_256(xt) for i, xt in enumerate(block.extrinsics) if _is_signed(xt)}
        for i, xt_hash in tx_hashes.items():
            puts[schema.TX_INDEX + xt_hash] = h + U32.encode(i)
        puts[schema.META_HEAD] = h
        puts[schema.META_FINALIZED] = h  # single-authority instant finality
        with self._lock:
            backend.write(puts, deletes, sync=True)
            flat.committed(changes)
            self.head_hash = h
            self.finalized_hash = h
            self._header_cache[h] = block.header

    def revert_to(self, number: int) -> int:
        """Make block ``number`` the head again, undoing the flat state; returns blocks removed."""
        with self._lock:
            head = self.head
            if number >= head.number:
                return 0
            if number < 0:
                raise ValueError("cannot revert below genesis")
            removed = 0
            current = head
            while current.number > number:
                h = current.hash
                raw = self.backend.get(schema.UNDO + h)
                undo = _UNDO.decode_all(raw) if raw else []
                puts: dict[bytes, bytes] = {}
                deletes = [schema.HEADER + h, schema.BODY + h, schema.UNDO + h, schema.number_key(current.number)]
                for key, old in undo:
                    if old is None:
                        deletes.append(schema.STATE + key)
                    else:
                        puts[schema.STATE + key] = old
                from tensornet.primitives.hashing import blake2_256

                for xt in self.body(h) or ():
                    if _is_signed(xt):
                        deletes.append(schema.TX_INDEX + blake2_256(xt))
                parent = current.parent_hash
                puts[schema.META_HEAD] = parent
                puts[schema.META_FINALIZED] = parent
                self.backend.write(puts, deletes, sync=True)
                self._flat.forget()
                self._header_cache.pop(h, None)
                self.head_hash = self.finalized_hash = parent
                current = self.header(parent)  # type: ignore[assignment]
                removed += 1
            return removed


def _is_signed(raw: bytes) -> bool:
    """Whether an encoded extrinsic is a signed transaction (version byte 0x84), not an inherent."""
    try:
        _, offset = decode_compact(raw, 0)
        return bool(raw[offset] & 0x80)
    except (ScaleError, IndexError):
        return False
