"""A full block, as frame_system's CheckWeight fills it under subtensor's BlockWeights: each transaction
takes its total weight plus ExtrinsicBaseWeight out of the Normal class's 3 s, the builder stops after
a few that do not fit, the rest wait for the next block, and ``System.BlockWeight`` records what the
block consumed."""
from __future__ import annotations

from tensornet.chain.builder import MAX_SKIPPED_WHEN_FULL
from tensornet.primitives.keys import dev_keypair, keypair_from_uri
from tensornet.runtime.block_limits import BASE_BLOCK, PER_CLASS
from tensornet.runtime.dispatch import EXTRINSIC_BASE_WEIGHT

BOB = dev_keypair("Bob").public
TAO = 10**9
NORMAL_MAX = PER_CLASS["normal"].max_total.ref_time  # 3 s


def test_transactions_beyond_the_block_weight_wait_for_the_next_block(node, tn):
    senders = [keypair_from_uri(f"//full{i}") for i in range(40)]
    node.submit_many([tn.transfer(node, "Alice", kp.public, 100 * TAO, nonce=i) for i, kp in enumerate(senders)])
    node.seal_block()
    txs = [tn.transfer(node, kp, BOB, TAO, nonce=n) for n in range(120) for kp in senders]  # 4,800 transfers
    assert all(err is None for err in node.submit_many(txs))
    first = node.seal_block()
    infos = [out.info for _, out in first.applied]
    per_tx = {info.total_weight.ref_time + EXTRINSIC_BASE_WEIGHT for info in infos}
    assert len(per_tx) == 1  # every transfer weighs the same
    (per_tx,) = per_tx
    normal = per_tx * len(infos)
    assert normal <= NORMAL_MAX < normal + per_tx  # exactly as many as fit
    assert first.deferred >= MAX_SKIPPED_WHEN_FULL and not first.rejected
    with tn.read_state(node, first.hash) as rt:
        consumed = rt.pallets["System"].BlockWeight.get()
    assert consumed["normal"] == {"ref_time": normal, "proof_size": sum(
        info.total_weight.proof_size for info in infos) + sum(len(raw) for raw in first.block.extrinsics[2:])}
    assert consumed["operational"] == {"ref_time": 0, "proof_size": 0}
    assert consumed["mandatory"]["ref_time"] > BASE_BLOCK.ref_time  # + the hooks and the inherents
    rest = node.seal_block()
    assert len(first.applied) + len(rest.applied) == len(txs) and len(node.pool) == 0
