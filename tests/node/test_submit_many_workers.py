"""``submit_many`` with signature-verifying worker processes admits and refuses exactly what the
in-process path does, in the same order, and the blocks that follow are identical."""
from __future__ import annotations

from tensornet.chain.spec import preset
from tensornet.node.node import Node, NodeConfig
from tensornet.primitives.keys import dev_keypair, keypair_from_uri

BOB = dev_keypair("Bob").public
TAO = 10**9


def _node(workers: int) -> Node:
    return Node(NodeConfig(preset("test"), sealing="manual", rpc_port=0, verify_workers=workers))


def _batch(node: Node, tn, senders) -> list[bytes]:
    """Valid transfers with a bad signature, a malformed one, a stale and a duplicate one among them,
    spread over several worker chunks."""
    txs = [tn.transfer(node, kp, BOB, TAO + n, nonce=n) for n in range(8) for kp in senders]
    bad = bytearray(txs[70])
    bad[40] ^= 0xFF  # inside the signature
    txs[70] = bytes(bad)
    txs.insert(300, txs[301][:-1])               # truncated: malformed
    txs.insert(5, txs[3])                        # the same bytes twice: the pool refuses the second
    txs.append(tn.transfer(node, "Alice", BOB, TAO, nonce=0))  # stale once the funding block is in
    return txs


def _run(workers: int, fund: list[bytes], batch: list[bytes]) -> tuple[list, list]:
    node = _node(workers)
    try:
        assert all(err is None for err in node.submit_many(fund))
        node.next_timestamp_ms = 1_700_000_000_000  # pinned: the two runs' state roots must match
        node.seal_block()
        node.PREPARE_CHUNK = 64  # several chunks in flight
        errors = [None if e is None else (type(e).__name__, str(e)) for e in node.submit_many(batch)]
        blocks = []
        for n in range(2):
            node.next_timestamp_ms = 1_700_000_012_000 + 12_000 * n
            blocks.append(node.seal_block())
        return errors, [(b.block.header.state_root, [h for h, _ in b.applied]) for b in blocks]
    finally:
        node.close_workers()
        node.store.close()


def test_workers_admit_exactly_what_the_node_admits_alone(tn):
    signer = _node(0)  # signatures are randomised: both nodes get the very same bytes
    senders = [keypair_from_uri(f"//w{i}") for i in range(40)]
    fund = [tn.transfer(signer, "Alice", kp.public, 100 * TAO, nonce=i) for i, kp in enumerate(senders)]
    batch = _batch(signer, tn, senders)
    signer.store.close()
    alone = _run(0, fund, batch)
    errors, blocks = alone
    refused = [e for e in errors if e is not None]
    assert errors.count(None) == 8 * 40 - 1    # all but the one with the bad signature …
    assert [name for name, _ in refused] == ["PoolError", "InvalidTransaction", "MalformedExtrinsic",
                                             "InvalidTransaction"]  # … and the three added ones
    assert sum(len(applied) for _, applied in blocks) == 8 * 40 - 1 - 6  # its sender's later nonces wait
    assert _run(2, fund, batch) == alone


def test_workers_check_mortal_eras_and_leave_older_births_to_the_node(tn):
    from tensornet.primitives.era import Era

    node = _node(1)
    try:
        senders = [keypair_from_uri(f"//m{i}") for i in range(70)]
        fund = [tn.transfer(node, "Alice", kp.public, 100 * TAO, nonce=i) for i, kp in enumerate(senders)]
        assert all(err is None for err in node.submit_many(fund))
        node.seal_blocks(6)
        node.WORKER_BIRTH_WINDOW = 3  # births 3+ blocks back are outside what the workers are told
        head = node.head.number
        batch, expected = [], []
        for i, kp in enumerate(senders):
            signed_at = head - (i % 6)                    # born 0..5 blocks ago: inside and outside the window
            era = Era.mortal(64, signed_at)
            birth_hash = node.store.hash_of(era.birth(signed_at))
            if i % 10 == 9:
                birth_hash = node.store.hash_of(era.birth(signed_at) - 1)  # a wrong birth hash
            batch.append(tn.transfer(node, kp, BOB, TAO, nonce=0, era=era, birth_hash=birth_hash))
            expected.append("InvalidTransaction" if i % 10 == 9 else None)
        errors = [None if e is None else type(e).__name__ for e in node.submit_many(batch)]
        assert errors == expected
        built = node.seal_block()
        assert len(built.applied) == expected.count(None)
    finally:
        node.close_workers()
        node.store.close()


def test_a_dead_worker_costs_speed_not_transactions(tn):
    import os
    import signal

    node = _node(1)
    try:
        senders = [keypair_from_uri(f"//d{i}") for i in range(100)]
        fund = [tn.transfer(node, "Alice", kp.public, 100 * TAO, nonce=i) for i, kp in enumerate(senders)]
        assert all(err is None for err in node.submit_many(fund))
        node.seal_block()
        for pid in list(node._preparer._pool._processes):
            os.kill(pid, signal.SIGKILL)
        batch = [tn.transfer(node, kp, BOB, TAO, nonce=0) for kp in senders]
        assert all(err is None for err in node.submit_many(batch))   # checked by the node itself
        node.seal_blocks(2)
        assert len(node.pool) == 0
        assert all(err is None for err in node.submit_many([tn.transfer(node, kp, BOB, TAO, nonce=1)
                                                            for kp in senders]))  # new workers
        assert node._preparer is not None
    finally:
        node.close_workers()
        node.store.close()
