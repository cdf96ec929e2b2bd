"""A full block, as frame_system's CheckWeight fills it under subtensor's BlockWeights: each transaction
takes its total weight plus ExtrinsicBaseWeight out of the Normal class's 3 s, the builder stops after
a few that do not fit, the rest wait for the next block, and ``System.BlockWeight`` records what the
block consumed."""
from __future__ import annotations

from tensornet.chain.builder import BLOCK_SIZE_LIMIT, MAX_SKIPPED_WHEN_FULL
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


def test_a_transaction_refused_while_the_block_is_built_leaves_no_trace(node, tn):
    """The builder keeps no storage layer per extrinsic: a refusal (here: the fee cannot be paid any
    more once the sender's first transfer is in) must come before any write."""
    poor = keypair_from_uri("//refused_in_block")
    node.submit(tn.transfer(node, "Alice", poor.public, 10 * TAO))
    node.seal_block()
    drain = tn.signed(node, "Balances", "transfer_all", {"dest": {"Id": BOB}, "keep_alive": True}, poor, nonce=0)
    late = tn.transfer(node, poor, BOB, 1, nonce=1)
    node.submit(drain)
    node.submit(late)  # valid against the head: the pool cannot know what the block will do first
    built = node.seal_block()
    assert [h for h, _ in built.applied] == [built.tx_hashes[i] for i in sorted(built.tx_hashes)]
    assert len(built.applied) == 1 and len(built.rejected) == 1
    assert tn.account(node, poor.public)["nonce"] == 1  # bumped once, not twice
    assert tn.free(node, poor.public) == 500  # the existential deposit: no second fee came out
    phases = {e["phase"]["ApplyExtrinsic"] for e in tn.events(node) if isinstance(e["phase"], dict)}
    assert phases == {0, 1, 2}  # the two inherents and the one transfer: nothing from the refused one


def test_a_block_stops_at_the_proposers_size_limit(node, tn):
    """Three 1.5 MiB remarks fit the runtime's Normal BlockLength (7.5 MiB) but not the proposer's 4 MiB
    + 512: two go in, the third waits for the next block."""
    remarks = [tn.signed(node, "System", "remark", {"remark": bytes([i]) * (3 << 19)}, nonce=i) for i in range(3)]
    assert all(err is None for err in node.submit_many(remarks))
    first = node.seal_block()
    assert len(first.applied) == 2 and first.deferred == 1
    assert sum(map(len, first.block.extrinsics)) <= BLOCK_SIZE_LIMIT < sum(map(len, remarks))
    second = node.seal_block()
    assert len(second.applied) == 1 and len(node.pool) == 0
