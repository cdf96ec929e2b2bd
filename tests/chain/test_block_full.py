"""A full block: the builder stops after a few transactions that do not fit, the rest wait for the next."""
from __future__ import annotations

from tensornet.chain.builder import MAX_SKIPPED_WHEN_FULL
from tensornet.primitives.keys import dev_keypair, keypair_from_uri
from tensornet.runtime.executive import MAX_NORMAL_WEIGHT

BOB = dev_keypair("Bob").public
TAO = 10**9


def test_transactions_beyond_the_block_weight_wait_for_the_next_block(node, tn):
    senders = [keypair_from_uri(f"//full{i}") for i in range(40)]
    node.submit_many([tn.transfer(node, "Alice", kp.public, 100 * TAO, nonce=i) for i, kp in enumerate(senders)])
    node.seal_block()
    txs = [tn.transfer(node, kp, BOB, TAO, nonce=n) for n in range(120) for kp in senders]  # 4,800 transfers
    assert all(err is None for err in node.submit_many(txs))
    first = node.seal_block()
    assert 0 < len(first.applied) < len(txs)
    used = sum(out.info.total_weight.ref_time for _, out in first.applied)
    assert used <= MAX_NORMAL_WEIGHT
    assert first.deferred >= MAX_SKIPPED_WHEN_FULL and not first.rejected
    rest = node.seal_block()
    assert len(first.applied) + len(rest.applied) == len(txs) and len(node.pool) == 0
