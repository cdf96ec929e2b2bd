"""Build a trie from scratch out of sorted entries: the reference root, and bulk loading.

Independent of the incremental updater on purpose (it walks sorted key ranges instead of
mutating nodes), so each one checks the other in the tests. Iterative, so key length never meets
Python's recursion limit.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from tensornet.primitives.scale import encode_compact
from tensornet.storage.trie_codec import (
    EMPTY_ROOT,
    MAX_INLINE_VALUE,
    NIBBLE,
    blake2_256,
    child_reference,
    encode_node,
    prepare_value,
)


def common_prefix_length(a: str, b: str, start: int) -> int:
    """Length of the common prefix of ``a`` and ``b``, known to agree before ``start``."""
    n = min(len(a), len(b))
    if start >= n or a[start] != b[start]:
        return start
    if a[start:n] == b[start:n]:
        return n
    lo, hi = start + 1, n  # a[:lo] == b[:lo]; a[:hi] != b[:hi]
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def build_sorted(keys: Sequence[str], values: Sequence[bytes], sink: dict[bytes, bytes],
                 max_inline: int | None = MAX_INLINE_VALUE) -> bytes:
    """Root hash of the trie holding hex ``keys`` (sorted, distinct) -> ``values``.

    Every node with a hash reference, the root, and every hashed value is written to ``sink``.
    ``max_inline`` is the hashed-value threshold (None: state version 0, values always inline).
    """
    if not keys:
        return EMPTY_ROOT
    top = _open(keys, values, 0, len(keys), 0, sink, max_inline)
    if type(top) is bytes:  # a single leaf
        encoded = top
    else:
        stack = [top]
        encoded = b""
        while stack:
            frame = stack[-1]
            lo, hi, depth, cut, value, refs, cursor, slot = frame
            if cursor < hi:
                nib = keys[cursor][cut]
                end = cursor + 1
                while end < hi and keys[end][cut] == nib:
                    end += 1
                frame[6] = end
                child = _open(keys, values, cursor, end, cut + 1, sink, max_inline)
                if type(child) is bytes:
                    refs[NIBBLE[nib]] = child_reference(child, sink)
                else:
                    child[7] = NIBBLE[nib]
                    stack.append(child)
                continue
            stack.pop()
            node = encode_node(keys[lo][depth:cut], value, refs)
            if stack:
                stack[-1][5][slot] = child_reference(node, sink)
            else:
                encoded = node
    root = blake2_256(encoded)
    sink[root] = encoded
    return root


def _open(keys, values, lo: int, hi: int, depth: int, sink: dict[bytes, bytes], max_inline: int | None):
    """A leaf's encoding for a single key, else a branch frame to be filled in by the caller."""
    first = keys[lo]
    if hi - lo == 1:
        return encode_node(first[depth:], prepare_value(values[lo], sink, max_inline), None)
    cut = common_prefix_length(first, keys[hi - 1], depth)
    value = None
    start = lo
    if len(first) == cut:
        value = prepare_value(values[lo], sink, max_inline)
        start += 1
    return [lo, hi, depth, cut, value, [None] * 16, start, 0]


def trie_root(items: Mapping[bytes, bytes], state_version: int = 1) -> bytes:
    """Substrate trie root of ``items``, computed from scratch; no node store involved.

    ``state_version=1`` (the default) is the state root of tensornet and subtensor
    (``system_version: 1``); ``0`` never hashes values.
    """
    ordered = sorted(items.items())
    return build_sorted([k.hex() for k, _ in ordered], [v for _, v in ordered], {},
                        _max_inline(state_version))


def ordered_trie_root(values: Sequence[bytes], state_version: int = 0) -> bytes:
    """Root of a list keyed by SCALE ``Compact(index)`` (``sp_trie::ordered_trie_root``).

    This is a block's extrinsics root. Substrate derives it with state version 0 unless the
    runtime's ``system_version`` is 2 or more; subtensor's is 1, hence the default.
    """
    return trie_root({encode_compact(i): v for i, v in enumerate(values)}, state_version)


def _max_inline(state_version: int) -> int | None:
    if state_version == 1:
        return MAX_INLINE_VALUE
    if state_version == 0:
        return None
    raise ValueError(f"unknown trie state version {state_version}")
