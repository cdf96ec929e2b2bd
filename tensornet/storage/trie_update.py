"""Incremental root update: apply one block's changes to a stored trie.

Only the nodes on the paths of changed keys are loaded, copied into mutable lists, edited, and
re-encoded bottom-up at the end; everything else stays a reference (hash) into the store. The cost
is therefore proportional to (changed keys x trie depth), not to the state size. All walks are
loops with explicit stacks: no recursion, whatever the key length.

Mutable node: ``[partial, value, children]`` like a decoded node (see ``trie_codec``), with
``children`` a 16-list whose slots hold a reference (bytes), a mutable node (list) or ``None``.
The commit step replaces each mutable node by its new reference in its parent's slot.
"""
from __future__ import annotations

import gc
from collections.abc import Mapping

from tensornet.storage.trie_build import build_sorted, common_prefix_length
from tensornet.storage.trie_codec import (
    EMPTY_ROOT,
    HASH_LEN,
    HEX,
    MAX_INLINE_VALUE,
    NIBBLE,
    ValueHash,
    blake2_256,
    encode_node,
)
from tensornet.storage.trie_store import NODE_CACHE, NodeCache, NodeReader, load_node


def apply_changes(root: bytes, changes: Mapping[bytes, bytes | None], nodes: NodeReader,
                  cache: NodeCache | None = NODE_CACHE) -> tuple[bytes, dict[bytes, bytes]]:
    """Return ``(new_root, new_nodes)``: ``new_nodes`` maps hash -> encoded node or hashed value,
    everything the new root needs beyond what ``nodes`` already holds. ``None`` deletes a key.

    The cyclic garbage collector is paused meanwhile: the update allocates thousands of small
    lists and tuples but never a cycle, and collections triggered by them (which scan the whole
    node cache) cost up to half the update time.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _apply(root, changes, nodes, cache)
    finally:
        if collecting:
            gc.enable()


def _apply(root: bytes, changes: Mapping[bytes, bytes | None], nodes: NodeReader,
           cache: NodeCache | None) -> tuple[bytes, dict[bytes, bytes]]:
    new_nodes: dict[bytes, bytes] = {}
    if root == EMPTY_ROOT:  # genesis / bulk load: the sorted builder is twice as fast
        ordered = sorted((k, v) for k, v in changes.items() if v is not None)
        values = [v if type(v) is bytes else bytes(v) for _, v in ordered]
        return build_sorted([k.hex() for k, _ in ordered], values, new_nodes), new_nodes
    holder: list = [root]
    for key, value in changes.items():
        if value is None:
            _delete(holder, key.hex(), nodes, cache)
        else:
            _insert(holder, key.hex(), value if type(value) is bytes else bytes(value), nodes, cache)
    return _commit(holder[0], new_nodes, cache), new_nodes


def _mutable(slots: list, idx: int, nodes: NodeReader, cache) -> list:
    """The node in ``slots[idx]`` as a mutable list (loading and copying it on first touch)."""
    ref = slots[idx]
    if type(ref) is list:
        return ref
    partial, value, children = load_node(ref, nodes, cache, remember=False)
    node = [partial, value, list(children) if children is not None else None]
    slots[idx] = node
    return node


def _insert(holder: list, key: str, value: bytes, nodes: NodeReader, cache) -> None:
    slots, idx, pos = holder, 0, 0
    end = len(key)
    while True:
        node = slots[idx]
        if node is None:
            slots[idx] = [key[pos:], value, None]
            return
        if type(node) is not list:
            partial, old_value, children = load_node(node, nodes, cache, remember=False)
            node = [partial, old_value, list(children) if children is not None else None]
            slots[idx] = node
        partial = node[0]
        if key.startswith(partial, pos):
            pos += len(partial)
            if pos == end:
                node[1] = value
                return
            if node[2] is None:  # a leaf gains a child: it becomes a branch with value
                node[2] = [None] * 16
            slots, idx = node[2], NIBBLE[key[pos]]
            pos += 1
            continue
        # the key leaves this node's partial: split it under a new branch
        cut = common_prefix_length(partial, key[pos:pos + len(partial)], 0)
        children = [None] * 16
        branch = [partial[:cut], None, children]
        children[NIBBLE[partial[cut]]] = node
        node[0] = partial[cut + 1:]
        if pos + cut == end:
            branch[1] = value
        else:
            children[NIBBLE[key[pos + cut]]] = [key[pos + cut + 1:], value, None]
        slots[idx] = branch
        return


def _delete(holder: list, key: str, nodes: NodeReader, cache) -> None:
    # probe read-only first, so deleting an absent key touches nothing
    turns: list[int] = []
    ref, pos, end = holder[0], 0, len(key)
    while True:
        if ref is None:
            return
        partial, value, children = ref if type(ref) is list else load_node(ref, nodes, cache)
        if not key.startswith(partial, pos):
            return
        pos += len(partial)
        if pos == end:
            if value is None:
                return
            break
        if children is None:
            return
        nib = NIBBLE[key[pos]]
        pos += 1
        turns.append(nib)
        ref = children[nib]
    # found: make the path mutable, then remove and restore the trie's canonical shape
    path = []
    slots, idx = holder, 0
    for nib in turns:
        node = _mutable(slots, idx, nodes, cache)
        path.append((slots, idx, node))
        slots, idx = node[2], nib
    node = _mutable(slots, idx, nodes, cache)
    if node[2] is None:
        slots[idx] = None
        if path:
            _normalize(*path[-1], nodes, cache)
    else:
        node[1] = None
        _normalize(slots, idx, node, nodes, cache)


def _normalize(slots: list, idx: int, node: list, nodes: NodeReader, cache) -> None:
    """After a branch lost its value or a child: fold it into a leaf or into its only child."""
    children = node[2]
    count = 16 - children.count(None)
    if count == 0:
        if node[1] is None:
            slots[idx] = None
        else:
            node[2] = None
    elif count == 1 and node[1] is None:
        nib = next(i for i in range(16) if children[i] is not None)
        child = _mutable(children, nib, nodes, cache)
        child[0] = node[0] + HEX[nib] + child[0]
        slots[idx] = child


def _commit(root, new_nodes: dict[bytes, bytes], cache) -> bytes:
    """Encode every mutable node children-first, writing each new reference into its parent's
    slot; return the root hash (the root is hashed even when its encoding is short)."""
    if root is None:
        return EMPTY_ROOT
    if type(root) is not list:
        return root
    holder = [root]
    order = []
    stack = [(root, holder, 0)]
    while stack:
        entry = stack.pop()
        order.append(entry)
        children = entry[0][2]
        if children is not None:
            for nib, child in enumerate(children):
                if type(child) is list:
                    stack.append((child, children, nib))
    decoded = {}
    for node, slots, idx in reversed(order):
        partial, value, children = node
        refs = tuple(children) if children is not None else None
        if value is not None and type(value) is not ValueHash and len(value) >= MAX_INLINE_VALUE:
            digest = blake2_256(value)
            new_nodes[digest] = value
            value = ValueHash(digest)
        encoded = encode_node(partial, value, refs)
        if len(encoded) >= HASH_LEN or slots is holder:
            ref = blake2_256(encoded)
            new_nodes[ref] = encoded
            decoded[ref] = (partial, value, refs)
        else:
            ref = encoded
        slots[idx] = ref
    if cache is not None:
        cache.put_many(decoded)
    return holder[0]
