"""Reading a stored trie at any root: point lookups, ordered iteration, read proofs.

Every historical root stays readable as long as its nodes are kept, which is what lets the node
answer ``state_getStorage``/``state_getKeysPaged``/``state_getReadProof`` at old blocks.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from tensornet.storage.trie_codec import (
    EMPTY_ROOT,
    HASH_LEN,
    HEX,
    NIBBLE,
    ValueHash,
    blake2_256,
)
from tensornet.storage.trie_store import (
    NODE_CACHE,
    MemoryNodes,
    MissingNodeError,
    NodeReader,
    load_node,
    load_value,
)


class IncompleteProofError(ValueError):
    """The proof lacks a node needed to decide the key: it proves neither presence nor absence."""


def _lookup(root: bytes, key: str, nodes: NodeReader, cache, visit=None):
    """Walk to ``key``; return its raw node value (bytes, ValueHash) or None. ``visit(ref)`` sees
    every hash reference loaded on the way."""
    if root == EMPTY_ROOT:
        return None
    ref, pos, end = root, 0, len(key)
    while True:
        if visit is not None and len(ref) == HASH_LEN:
            visit(ref)
        partial, value, children = load_node(ref, nodes, cache)
        if not key.startswith(partial, pos):
            return None
        pos += len(partial)
        if pos == end:
            return value
        if children is None:
            return None
        ref = children[NIBBLE[key[pos]]]
        if ref is None:
            return None
        pos += 1


def get(root: bytes, key: bytes, nodes: NodeReader) -> bytes | None:
    """The value stored under ``key`` in the trie with this root, or None."""
    return load_value(_lookup(root, key.hex(), nodes, NODE_CACHE), nodes)


def _walk(root: bytes, prefix: bytes, start_after: bytes | None, nodes: NodeReader
          ) -> Iterator[tuple[str, bytes]]:
    """Yield ``(key_hex, raw_value)`` in ascending key order. Subtrees outside the prefix or wholly
    before ``start_after`` are pruned from their path alone, before their node is ever loaded."""
    if root == EMPTY_ROOT:
        return
    want = prefix.hex()
    after = start_after.hex() if start_after is not None else None

    def wanted(path: str) -> bool:
        if not (path.startswith(want) or want.startswith(path)):
            return False
        # below ``path`` every key sorts before ``after`` unless ``after`` continues ``path``
        return after is None or path >= after or after.startswith(path)

    stack: list[tuple[str, bytes]] = [("", root)]
    while stack:
        path, ref = stack.pop()
        partial, value, children = load_node(ref, nodes, NODE_CACHE)
        full = path + partial
        if not wanted(full):
            continue
        if value is not None and full.startswith(want) and (after is None or full > after):
            yield full, value
        if children is not None:
            for nib in range(15, -1, -1):
                child = children[nib]
                if child is not None:
                    child_path = full + HEX[nib]
                    if wanted(child_path):
                        stack.append((child_path, child))


def iter_keys(root: bytes, prefix: bytes, start_after: bytes | None, nodes: NodeReader,
              limit: int | None = None) -> Iterator[bytes]:
    """Keys under ``prefix`` strictly after ``start_after``, ascending (``state_getKeysPaged``)."""
    if limit is not None and limit <= 0:
        return
    for count, (key, _) in enumerate(_walk(root, prefix, start_after, nodes), 1):
        yield bytes.fromhex(key)
        if count == limit:
            return


def iter_items(root: bytes, prefix: bytes, nodes: NodeReader,
               start_after: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
    """``(key, value)`` pairs under ``prefix`` (strictly after ``start_after``), ascending; one
    walk, so cheaper than ``iter_keys`` followed by a ``get`` per key."""
    for key, value in _walk(root, prefix, start_after, nodes):
        yield bytes.fromhex(key), load_value(value, nodes)


def read_proof(root: bytes, keys: Sequence[bytes], nodes: NodeReader) -> list[bytes]:
    """The encoded nodes (and hashed values) on the paths to ``keys``, deduplicated and sorted as
    Substrate's ``StorageProof`` iterates them; proves presence or absence of each key."""
    found: dict[bytes, bytes] = {}

    def visit(ref: bytes) -> None:
        if ref not in found:
            encoded = nodes.get_node(ref)
            if encoded is None:
                raise MissingNodeError(ref.hex())
            found[ref] = encoded

    for key in keys:
        value = _lookup(root, key.hex(), nodes, NODE_CACHE, visit)
        if type(value) is ValueHash:
            found[value] = load_value(value, nodes)
    return sorted(set(found.values()))


def verify_proof(root: bytes, proof: Sequence[bytes], key: bytes) -> bytes | None:
    """The value of ``key`` under ``root`` according to ``proof``; None if the proof shows it absent.

    Raises :class:`IncompleteProofError` when the proof cannot decide.
    """
    store = MemoryNodes({blake2_256(node): node for node in proof})
    try:
        return load_value(_lookup(root, key.hex(), store, None), store)
    except MissingNodeError as exc:
        raise IncompleteProofError(f"proof lacks node {exc.args[0]}") from None
