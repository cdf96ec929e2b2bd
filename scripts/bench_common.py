"""What the in-process benchmarks share: the raw sr25519 baseline and the submit-and-seal loop."""
from __future__ import annotations

import os
import time

from tensornet.chain.txpool import PoolError


def verify_rate(samples: int = 1000, repeats: int = 5) -> float:
    """Raw sr25519 verifications per second on one core (the baseline): the best of a few rounds, so
    a neighbour's burst of load does not flatter the ratio."""
    return max(_verify_round(samples) for _ in range(repeats))


def _verify_round(samples: int) -> float:
    from tensornet.primitives.keys import dev_keypair, verify

    kp = dev_keypair("Alice")
    msgs = [os.urandom(150) for _ in range(200)]
    sigs = [kp.sign(m) for m in msgs]
    start = time.perf_counter()
    for i in range(samples):
        j = i % len(msgs)
        verify(kp.public, msgs[j], sigs[j])
    return samples / (time.perf_counter() - start)


def submit_and_seal(node, txs: list[bytes], chunk: int) -> tuple[float, int, list]:
    """Submit in chunks that fit the pool and seal as a node would, until every transaction is in a
    block; returns (seconds, blocks, apply outcomes)."""
    outcomes: list = []
    blocks = 0
    start = time.perf_counter()
    pending = list(txs)
    while pending or len(node.pool):
        room = max(0, min(chunk, node.pool.max_ready - len(node.pool)))  # never overfill the pool
        batch, pending = pending[:room], pending[room:]
        if batch:
            refused = []
            for raw, err in zip(batch, node.submit_many(batch)):
                if err is None:
                    continue
                if not isinstance(err, PoolError):
                    raise err
                refused.append(raw)  # pool full: a real client resubmits after the next block
            pending = refused + pending
        built = node.seal_block()
        blocks += 1
        outcomes.extend(outcome for _, outcome in built.applied)
        if not built.applied and not batch:
            raise RuntimeError(f"no progress: {len(node.pool)} transactions stuck in the pool")
    return time.perf_counter() - start, blocks, outcomes
