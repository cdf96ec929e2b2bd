"""Where trie nodes come from: the node-store protocol and a cache of decoded nodes.

Nodes are content-addressed (key = blake2_256 of the encoding), so a decoded node cached under its
hash is valid for every store and every root that references it: one process-wide cache serves all
historical roots without invalidation.
"""
from __future__ import annotations

from itertools import islice
from typing import Protocol

from tensornet.storage.trie_codec import HASH_LEN, ValueHash, decode_node


class NodeReader(Protocol):
    def get_node(self, node_hash: bytes) -> bytes | None: ...


class MissingNodeError(KeyError):
    """A node (or hashed value) the trie refers to is not in the store: pruned state or a bad proof."""


class NodeCache:
    """Bounded map hash -> decoded node; evicts the oldest insertions first (cheap, and upper trie
    nodes are re-inserted every block because they change every block). Safe to share between
    threads: ``get`` and ``put`` are single dict operations."""

    def __init__(self, max_entries: int = 250_000) -> None:
        self.max_entries = max_entries
        self._nodes: dict[bytes, tuple] = {}

    def get(self, node_hash: bytes) -> tuple | None:
        return self._nodes.get(node_hash)

    def put(self, node_hash: bytes, node: tuple) -> None:
        nodes = self._nodes
        nodes[node_hash] = node
        if len(nodes) > self.max_entries:
            self._evict()

    def put_many(self, decoded: dict[bytes, tuple]) -> None:
        nodes = self._nodes
        nodes.update(decoded)
        if len(nodes) > self.max_entries:
            self._evict()

    def _evict(self) -> None:
        """Drop the oldest tenth. ``list(islice(dict))`` runs in C under the GIL, so a reader or
        writer in another thread cannot change the dict mid-iteration."""
        nodes = self._nodes
        excess = len(nodes) - self.max_entries + self.max_entries // 10
        if excess > 0:
            for key in list(islice(nodes, excess)):
                nodes.pop(key, None)

    def clear(self) -> None:
        self._nodes.clear()

    def __len__(self) -> int:
        return len(self._nodes)


#: Shared by all tries in the process (safe: content-addressed).
NODE_CACHE = NodeCache()


def load_node(ref: bytes, nodes: NodeReader, cache: NodeCache | None = NODE_CACHE,
              remember: bool = True) -> tuple:
    """Decode the node behind a child reference (a hash, or an inline encoding).

    ``remember=False`` consults the cache but does not fill it: for nodes about to be replaced by
    a block, whose old version would only push current nodes out of the cache."""
    if len(ref) != HASH_LEN:
        return decode_node(ref)
    if cache is not None:
        node = cache._nodes.get(ref)
        if node is not None:
            return node
    encoded = nodes.get_node(ref)
    if encoded is None:
        raise MissingNodeError(ref.hex())
    node = decode_node(encoded)
    if cache is not None and remember:
        cache.put(ref, node)
    return node


def load_value(value: bytes | None, nodes: NodeReader) -> bytes | None:
    """The stored bytes of a node's value, fetching a V1 hashed value from the store."""
    if type(value) is not ValueHash:
        return value
    data = nodes.get_node(value)
    if data is None:
        raise MissingNodeError(value.hex())
    return data


class MemoryNodes(dict):
    """A dict-backed :class:`NodeReader` (tests, proofs, benchmarks): ``hash -> encoded node``."""

    def get_node(self, node_hash: bytes) -> bytes | None:
        return self.get(node_hash)
