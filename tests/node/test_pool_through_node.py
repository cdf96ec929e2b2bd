"""The transaction pool as the node drives it: ready/future per sender, priority by dispatch class,
replacement, pool-aware next nonce, revalidation after a block, and the block builder's limits.

Subtensor's ChargeTransactionPaymentWrapper sets a signed transaction's priority from its dispatch
class alone (Normal 1, Operational 10^10): unlike a plain FRAME chain, a tip neither reorders the pool
nor replaces a transaction of the same (sender, nonce).
"""
from __future__ import annotations

import pytest

from tensornet.chain.txpool import PoolError
from tensornet.primitives.keys import dev_keypair

ALICE, BOB, CHARLIE = (dev_keypair(n).public for n in ("Alice", "Bob", "Charlie"))


def test_future_nonces_wait_and_next_nonce_counts_the_pool(node, tn):
    assert node.account_nonce(ALICE) == 0
    node.submit(tn.transfer(node, "Alice", BOB, 10**9, nonce=1))
    node.submit(tn.transfer(node, "Alice", BOB, 10**9, nonce=2))
    assert node.account_nonce(ALICE) == 0          # nonce 0 is still missing
    assert node.seal_block().applied == []
    node.submit(tn.transfer(node, "Alice", BOB, 10**9, nonce=0))
    assert node.account_nonce(ALICE) == 3
    built = node.seal_block()
    assert len(built.applied) == 3 and len(node.pool) == 0
    assert tn.account(node, ALICE)["nonce"] == 3


def test_a_tip_buys_no_priority_an_operational_call_does(node, tn):
    first = tn.transfer(node, "Bob", ALICE, 10**9, tip=0)
    tipped = tn.transfer(node, "Charlie", ALICE, 10**9, tip=10**6)
    operational = _operational(node, tn)
    for raw in (first, tipped, operational):
        node.submit(raw)
    exts = node.seal_block().block.extrinsics
    assert exts[2:] == (operational, first, tipped)  # after the timestamp and shield-key inherents


def test_a_higher_tip_does_not_replace_an_operational_call_does(node, tn):
    first = tn.transfer(node, "Alice", BOB, 10**9, nonce=0, tip=100)
    node.submit(first)
    with pytest.raises(PoolError) as info:
        node.submit(tn.transfer(node, "Alice", BOB, 2 * 10**9, nonce=0, tip=10**9))
    assert info.value.rpc_error()["code"] == 1014          # Priority is too low: (1 vs 1)
    assert "(1 vs 1)" in info.value.rpc_error()["message"]
    better = _operational(node, tn, nonce=0)
    node.submit(better)
    exts = node.seal_block().block.extrinsics
    assert exts[2:] == (better,) and first not in exts


def _operational(node, tn, nonce: int | None = None) -> bytes:
    """Sudo(System.set_storage with nothing to set) by Alice: an Operational call."""
    call = {"System": {"set_storage": {"items": []}}}
    return tn.signed(node, "Sudo", "sudo", {"call": call}, "Alice", nonce=nonce)


def test_revalidation_drops_transactions_a_block_made_stale(node, tn):
    # two different transactions with the same nonce from Alice, one via the pool, one replaced in place:
    a = tn.transfer(node, "Alice", BOB, 10**9, nonce=0, tip=5)
    node.submit(a)
    node.seal_block()
    # a transaction that was valid when submitted but whose nonce was used meanwhile is refused/pruned
    stale = tn.transfer(node, "Alice", CHARLIE, 10**9, nonce=0)
    with pytest.raises(Exception):
        node.submit(stale)
    assert len(node.pool) == 0


def test_many_transactions_from_many_senders_in_one_block(node, tn):
    from tensornet.primitives.keys import keypair_from_uri

    keys = [keypair_from_uri(f"//Sender{i}") for i in range(20)]
    fund = [{"Balances": {"transfer_keep_alive": {"dest": {"Id": k.public}, "value": 10 * 10**9}}} for k in keys]
    node.submit(tn.signed(node, "Utility", "batch_all", {"calls": fund}, "Alice"))
    node.seal_block()
    for k in keys:
        for n in range(3):
            node.submit(tn.transfer(node, k, BOB, 10**9, nonce=n))
    built = node.seal_block()
    assert len(built.applied) == 60 and all(o.success for _, o in built.applied)
    # per sender, nonces appear in order
    with tn.read_state(node) as rt:
        assert all(rt.pallets["System"].Account.get(k.public)["nonce"] == 3 for k in keys)


def _sudo_weight(node, tn, call: dict, block_weight: int) -> dict:
    """The weight argument of ``sudo_unchecked_weight(call)`` that makes the extrinsic take
    ``block_weight`` of the block (its declared weight, its extensions' and the base)."""
    from tensornet.runtime.dispatch import EXTRINSIC_BASE_WEIGHT, transaction_extension_weight

    outer = {"Sudo": {"sudo_unchecked_weight": {"call": call, "weight": {"ref_time": 0, "proof_size": 0}}}}
    ext = transaction_extension_weight(outer).ref_time
    return {"ref_time": block_weight - ext - EXTRINSIC_BASE_WEIGHT, "proof_size": 0}


def test_a_full_block_defers_the_rest_to_the_next(node, tn):
    from tensornet.runtime.block_limits import PER_CLASS

    call = {"System": {"remark": {"remark": b"x"}}}
    heavy = _sudo_weight(node, tn, call, PER_CLASS["normal"].max_total.ref_time // 2 + 1)
    raws = [tn.signed(node, "Sudo", "sudo_unchecked_weight", {"call": call, "weight": heavy}, "Alice", nonce=i)
            for i in range(2)]
    for raw in raws:
        node.submit(raw)
    first = node.seal_block()
    assert len(first.applied) == 1 and first.deferred >= 1
    second = node.seal_block()
    assert len(second.applied) == 1 and len(node.pool) == 0


def test_revalidation_after_a_block_drops_what_the_block_invalidated_and_keeps_the_rest(node, tn):
    from tensornet.runtime.block_limits import PER_CLASS

    eve = dev_keypair("Eve").public
    futures = [tn.transfer(node, "Ferdie", BOB, 10**9, nonce=n) for n in range(1, 301)]  # a large pool
    for raw in futures:
        node.submit(raw)
    doomed = tn.transfer(node, "Eve", BOB, 10**9)
    node.submit(doomed)
    drain = {"Balances": {"force_set_balance": {"who": {"Id": eve}, "new_free": 600}}}  # alive, cannot pay
    # the drain as heavy as one extrinsic may be, then a filler that leaves less room than a transfer
    largest = PER_CLASS["normal"].max_extrinsic.ref_time
    filler_call = {"System": {"remark": {"remark": b"fill"}}}
    filler = PER_CLASS["normal"].max_total.ref_time - largest - 10**6
    node.submit(tn.signed(node, "Sudo", "sudo_unchecked_weight",
                          {"call": drain, "weight": _sudo_weight(node, tn, drain, largest)}, "Alice", tip=10**6))
    node.submit(tn.signed(node, "Sudo", "sudo_unchecked_weight",
                          {"call": filler_call, "weight": _sudo_weight(node, tn, filler_call, filler)}, "Alice",
                          tip=10**6))
    built = node.seal_block()
    assert len(built.applied) == 2 and built.deferred >= 1     # the block was full after the sudo calls
    assert tn.free(node, eve) == 600
    pending = set(node.pool.pending()) if hasattr(node.pool, "pending") else set()
    from tensornet.primitives.hashing import blake2_256

    assert node.pool.get(blake2_256(doomed)) is None            # Eve can no longer pay: dropped
    assert all(node.pool.get(blake2_256(raw)) is not None for raw in futures)
    assert len(pending) >= 300
