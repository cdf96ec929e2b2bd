"""Property tests: the incremental trie always agrees with the closed-form root and with a dict model."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornet.storage.trie import (
    EMPTY_ROOT,
    NODE_CACHE,
    IncompleteProofError,
    MemoryNodes,
    MissingNodeError,
    NodeCache,
    apply_changes,
    get,
    iter_items,
    iter_keys,
    read_proof,
    trie_root,
    verify_proof,
)

# few distinct bytes -> many shared prefixes, keys that are prefixes of others, the empty key
keys_st = st.lists(st.sampled_from([0x00, 0x01, 0x10, 0x11, 0xAB, 0xFF]), max_size=5).map(bytes)
values_st = st.one_of(
    st.binary(max_size=4),
    st.binary(min_size=30, max_size=40),  # both sides of the 33-byte hashed-value threshold
    st.sampled_from([b"", b"x" * 32, b"x" * 33]),
)
states_st = st.dictionaries(keys_st, values_st, max_size=30)
batches_st = st.lists(st.dictionaries(keys_st, st.one_of(st.none(), values_st), max_size=20),
                      min_size=1, max_size=4)

PROPS = settings(max_examples=150, deadline=None)


def _apply(model: dict, changes: dict) -> dict:
    out = dict(model)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def _load(items: dict) -> tuple[bytes, MemoryNodes]:
    store = MemoryNodes()
    root, new = apply_changes(EMPTY_ROOT, items, store)
    store.update(new)
    return root, store


@PROPS
@given(states_st, batches_st)
def test_incremental_root_matches_trie_root_and_history_stays_readable(initial, batches):
    root, store = _load(initial)
    model = dict(initial)
    assert root == trie_root(model)
    history = [(root, model)]
    for changes in batches:
        root, new = apply_changes(root, changes, store)
        store.update(new)
        model = _apply(model, changes)
        assert root == trie_root(model)
        history.append((root, model))
    for old_root, snapshot in history:
        assert list(iter_keys(old_root, b"", None, store)) == sorted(snapshot)
        assert list(iter_items(old_root, b"", store)) == sorted(snapshot.items())
        for key in list(snapshot) + [b"\x01\x01\x01", b"\xab\x00"]:
            assert get(old_root, key, store) == snapshot.get(key)


@PROPS
@given(states_st, keys_st, st.one_of(st.none(), keys_st), st.one_of(st.none(), st.integers(0, 10)))
def test_iter_keys_prefix_start_after_limit(items, prefix, start_after, limit):
    root, store = _load(items)
    expected = [k for k in sorted(items) if k.startswith(prefix) and (start_after is None or k > start_after)]
    if limit is not None:
        expected = expected[:limit]
    assert list(iter_keys(root, prefix, start_after, store, limit)) == expected
    items_after = [(k, items[k]) for k in sorted(items)
                   if k.startswith(prefix) and (start_after is None or k > start_after)]
    assert list(iter_items(root, prefix, store, start_after)) == items_after


@PROPS
@given(states_st, st.lists(keys_st, max_size=5))
def test_read_proofs_verify(items, extra):
    root, store = _load(items)
    keys = list(items)[:5] + extra
    proof = read_proof(root, keys, store)
    assert proof == sorted(set(proof))
    for key in keys:
        assert verify_proof(root, proof, key) == items.get(key)
    for key in keys:  # every node of a single-key proof is needed
        single = read_proof(root, [key], store)
        assert verify_proof(root, single, key) == items.get(key)
        for i in range(len(single)):
            with pytest.raises(IncompleteProofError):
                verify_proof(root, single[:i] + single[i + 1:], key)


@PROPS
@given(states_st, st.data())
def test_change_order_and_noops_do_not_matter(items, data):
    root, store = _load(items)
    order = data.draw(st.permutations(list(items)))
    root2, _ = apply_changes(EMPTY_ROOT, {k: items[k] for k in order}, MemoryNodes())
    assert root2 == root
    # the same trie grown by the incremental path (not the bulk builder used from the empty root)
    sentinel = b"\x77\x77"
    seeded, new = apply_changes(EMPTY_ROOT, {sentinel: b"s"}, store)
    store.update(new)
    root3, _ = apply_changes(seeded, {**{k: items[k] for k in order}, sentinel: None}, store)
    assert root3 == root
    absent = data.draw(keys_st.filter(lambda k: k not in items))
    assert apply_changes(root, {absent: None}, store) == (root, {})


def test_proof_against_another_root_is_incomplete():
    root, store = _load({b"a": b"1", b"b": b"2"})
    other, _ = _load({b"a": b"1", b"b": b"3"})
    with pytest.raises(IncompleteProofError):
        verify_proof(other, read_proof(root, [b"a"], store), b"a")


def test_hashed_values_are_persisted_and_proved():
    big = bytes(range(100))
    root, store = _load({b"code": big, b"small": b"s"})
    assert get(root, b"code", store) == big
    proof = read_proof(root, [b"code"], store)
    assert big in proof
    assert verify_proof(root, proof, b"code") == big


def test_node_cache_evicts_oldest_and_stays_bounded():
    cache = NodeCache(max_entries=100)
    for i in range(1000):
        cache.put(i.to_bytes(32, "big"), ("", b"", None))
    assert len(cache) <= 100
    assert cache.get((999).to_bytes(32, "big")) is not None and cache.get(bytes(32)) is None


def test_missing_nodes_raise():
    """A store lacking nodes raises (once they are out of the process-wide decoded-node cache)."""
    root, store = _load({bytes([i]): bytes([i]) * 40 for i in range(40)})
    NODE_CACHE.clear()
    with pytest.raises(MissingNodeError):
        apply_changes(root, {b"\x05": b"x"}, MemoryNodes())
    with pytest.raises(MissingNodeError):
        get(root, b"\x05", MemoryNodes({root: store[root]}))


def test_deep_trie_needs_no_recursion():
    """1,500 keys each a prefix of the next: a path of 1,500 branch nodes (> recursion limit)."""
    items = {b"\x00" * i: bytes([i % 256]) for i in range(1500)}
    root, store = _load(items)
    assert root == trie_root(items)
    assert get(root, b"\x00" * 1499, store) == bytes([1499 % 256])
    assert list(iter_keys(root, b"\x00" * 1490, None, store)) == [b"\x00" * i for i in range(1490, 1500)]
    proof = read_proof(root, [b"\x00" * 1499], store)
    assert verify_proof(root, proof, b"\x00" * 1499) == bytes([1499 % 256])
    root2, new = apply_changes(root, {b"\x00" * i: None for i in range(0, 1500, 2)}, store)
    store.update(new)
    assert root2 == trie_root({k: v for k, v in items.items() if len(k) % 2})
    root3, _ = apply_changes(root2, {k: v for k, v in items.items() if not len(k) % 2}, store)
    assert root3 == root


class _CountingStore(MemoryNodes):
    def __init__(self, *args):
        super().__init__(*args)
        self.reads = 0

    def get_node(self, node_hash):
        self.reads += 1
        return super().get_node(node_hash)


def test_paged_iteration_loads_only_the_nodes_it_needs():
    items = {i.to_bytes(4, "big") * 2: b"v" for i in range(0, 1 << 20, 997)}
    root, store = _load(items)
    counting = _CountingStore(store)
    NODE_CACHE.clear()
    ordered = sorted(items)
    page = list(iter_keys(root, b"", ordered[500], counting, limit=3))
    assert page == ordered[501:504]
    assert counting.reads < 20  # one path down plus the next siblings, not the 1,052-key trie
    counting.reads = 0
    NODE_CACHE.clear()
    assert list(iter_keys(root, ordered[7][:5], None, counting)) == [k for k in ordered if k[:5] == ordered[7][:5]]
    assert counting.reads < 10


@pytest.mark.slow
def test_many_blocks_on_a_large_state():
    """100k FRAME-like keys, 30 blocks of 1,000 mixed changes, each root checked from scratch."""
    import hashlib
    import random

    rng = random.Random(7)
    prefixes = [hashlib.blake2b(bytes([i]), digest_size=32).digest() for i in range(8)]

    def key() -> bytes:
        account = rng.randbytes(32)
        return rng.choice(prefixes) + hashlib.blake2b(account, digest_size=16).digest() + account

    def value() -> bytes:
        return rng.randbytes(rng.choice([0, 8, 16, 32, 33, 64]))

    model = {key(): value() for _ in range(100_000)}
    root, store = _load(model)
    for _ in range(30):
        keys = list(model)
        changes = {k: value() for k in rng.sample(keys, 700)}
        changes.update({k: None for k in rng.sample(keys, 100)})
        changes.update({key(): value() for _ in range(200)})
        root, new = apply_changes(root, changes, store)
        store.update(new)
        model = _apply(model, changes)
        assert root == trie_root(model)
    sample = rng.sample(list(model), 500)
    assert all(get(root, k, store) == model[k] for k in sample)
