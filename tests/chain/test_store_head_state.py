"""The head state as the store keeps it: its read cache never answers differently from the flat
column under it (across committed blocks, deleted keys, a rewind, a full cache and a reopened
database), and the undo journal that makes a rewind possible encodes as its declared codec does."""
from __future__ import annotations

from tensornet.chain.store import ChainStore, FlatState
from tensornet.primitives.keys import dev_keypair
from tensornet.storage import schema

BOB = dev_keypair("Bob").public


def _column(store: ChainStore, key: bytes) -> bytes | None:
    return store.backend.get(schema.STATE + key)


def _check(store: ChainStore, keys) -> None:
    head = store.state_at(None)
    for key in keys:
        assert head.get(key) == _column(store, key)


def test_reads_follow_commits_and_rewinds(tmp_path, tn):
    node = tn.make_node(base_path=str(tmp_path / "db"))
    store = node.store
    account_key = node.runtime.pallets["System"].Account.item.key(BOB)
    keys = [account_key, node.runtime.events_item.key(), b"\x00" * 32]
    _check(store, keys)                          # fills the cache, absent keys included
    before = store.state_at(None).get(account_key)
    for value in (10**9, 2 * 10**9):
        node.submit(tn.transfer(node, "Alice", BOB, value))
        node.seal_block()
        _check(store, keys)
    assert store.state_at(None).get(account_key) != before
    store.revert_to(0)
    _check(store, keys)
    assert store.state_at(None).get(account_key) == before
    node.store.close()
    reopened = ChainStore.open(str(tmp_path / "db"))
    _check(reopened, keys)
    reopened.close()


def test_a_full_cache_starts_again_instead_of_growing():
    from tensornet.storage.backend import MemoryBackend

    backend = MemoryBackend()
    backend.write({schema.STATE + bytes([i]): bytes([i]) for i in range(10)})
    flat = FlatState(backend, capacity=4)
    assert [flat.get(bytes([i])) for i in range(10)] == [bytes([i]) for i in range(10)]
    assert len(flat._cache) <= 4
    flat.committed({bytes([9]): b"new", bytes([0]): None})
    backend.write({schema.STATE + bytes([9]): b"new"}, [schema.STATE + bytes([0])])
    assert flat.get(bytes([9])) == b"new" and flat.get(bytes([0])) is None


def test_the_undo_journal_encoding_equals_the_codecs():
    import os
    import random

    from tensornet.chain.store import _UNDO, encode_undo

    rng = random.Random(7)
    for n in (0, 1, 70, 300):
        undo = [(os.urandom(rng.choice((0, 1, 32, 80))), None if rng.random() < 0.3 else os.urandom(rng.choice((0, 5, 70, 20000))))
                for _ in range(n)]
        assert encode_undo(undo) == _UNDO.encode(undo)
        assert _UNDO.decode_all(encode_undo(undo)) == undo


def test_the_builders_transaction_hashes_are_the_ones_the_store_would_index(tn):
    from tensornet.chain.store import _is_signed
    from tensornet.primitives.hashing import blake2_256

    node = tn.make_node()
    for value in (1, 2, 3):
        node.submit(tn.transfer(node, "Alice", BOB, value * 10**9))
    built = node.seal_block()
    xts = built.block.extrinsics
    assert built.tx_hashes == {i: blake2_256(xt) for i, xt in enumerate(xts) if _is_signed(xt)}
    assert len(built.tx_hashes) == 3
    for i, h in built.tx_hashes.items():
        assert node.store.tx_location(h) == (built.hash, i)
    node.store.close()
