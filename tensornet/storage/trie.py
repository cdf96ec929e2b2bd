"""tensornet's state root: Substrate's base-16 Patricia-Merkle trie (sp-trie ``LayoutV1``).

Byte-compatible with Substrate state version 1: blake2b-256, Substrate's node header encoding, no
extension nodes (branches carry partial keys), children under 32 bytes inlined, values of 33 bytes
or more stored as their hash. The root is updated incrementally from a content-addressed node
store, so a block costs in proportion to the keys it changes.

Decoded nodes are cached process-wide by hash (``NODE_CACHE``, bounded, thread-safe). Because
nodes are content-addressed the cache can never return wrong data, but it can answer for a node
that a store has already pruned: callers that must refuse pruned blocks check that themselves.

The public surface lives here; the pieces are ``trie_codec`` (node bytes), ``trie_store`` (node
reading and caching), ``trie_build`` (from-scratch reference root), ``trie_update`` (incremental
root) and ``trie_read`` (lookups, iteration, proofs).
"""
from __future__ import annotations

from tensornet.storage.trie_build import ordered_trie_root, trie_root
from tensornet.storage.trie_codec import EMPTY_ROOT, TrieCodecError
from tensornet.storage.trie_read import (
    IncompleteProofError,
    get,
    iter_items,
    iter_keys,
    read_proof,
    verify_proof,
)
from tensornet.storage.trie_store import (
    NODE_CACHE,
    MemoryNodes,
    MissingNodeError,
    NodeCache,
    NodeReader,
)
from tensornet.storage.trie_update import apply_changes

__all__ = [
    "EMPTY_ROOT",
    "NODE_CACHE",
    "IncompleteProofError",
    "MemoryNodes",
    "MissingNodeError",
    "NodeCache",
    "NodeReader",
    "TrieCodecError",
    "apply_changes",
    "get",
    "iter_items",
    "iter_keys",
    "ordered_trie_root",
    "read_proof",
    "trie_root",
    "verify_proof",
]
