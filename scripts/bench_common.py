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


def one_block(node, call_value: dict) -> int:
    """How many signed extrinsics carrying ``call_value`` fill a block's Normal class (CheckWeight:
    call weight + extension weight + ExtrinsicBaseWeight each, out of 75 % of the block): the
    chunk a bench submits between two blocks."""
    from dataclasses import replace

    from tensornet.runtime.block_limits import PER_CLASS, ConsumedWeight
    from tensornet.runtime.dispatch import transaction_extension_weight

    info = replace(node.runtime.call_info(call_value), extension_weight=transaction_extension_weight(call_value))
    _, per_tx, _ = ConsumedWeight().fit(info, 0)  # what CheckWeight takes for one of them
    return PER_CLASS["normal"].max_total.ref_time // per_tx


def submit_and_seal(node, txs: list[bytes], chunk: int) -> tuple[float, int, list]:
    """Submit in chunks that fit the pool and seal as a node would, until every transaction is in a
    block; returns (seconds, blocks, apply outcomes).

    A chunk's stateless checks start in the node's workers one step ahead: while the node admits
    the chunk before it and seals a block, as a node keeps verifying incoming transactions while it
    admits and authors. The first chunk is a quarter chunk, so that this pipeline fills quickly.
    A chunk is sized for the room the block is expected to leave in the pool (the last block's
    size); what the pool still refuses is submitted again after the next block."""
    outcomes: list = []
    blocks = 0
    start = time.perf_counter()
    pending = list(txs)
    first = min(max(chunk // 4, 1), node.pool.max_ready)
    batch, pending = pending[:first], pending[first:]
    prepared = node.prepare(batch)
    last_block = 0
    while batch or pending or len(node.pool):
        room = max(0, min(chunk, node.pool.max_ready - len(node.pool) - len(batch) + last_block))
        next_batch, pending = pending[:room], pending[room:]
        next_prepared = node.prepare(next_batch)  # queued behind ``batch``'s chunks in the workers
        refused = []
        for raw, err in zip(batch, node.submit_many(batch, prepared)):
            if err is None:
                continue
            if not isinstance(err, PoolError):
                raise err
            refused.append(raw)  # pool full: a real client resubmits after the next block
        pending = refused + pending
        built = node.seal_block()
        blocks += 1
        last_block = len(built.applied)
        outcomes.extend(outcome for _, outcome in built.applied)
        if not built.applied and not batch and not next_batch:
            raise RuntimeError(f"no progress: {len(node.pool)} transactions stuck in the pool")
        batch, prepared = next_batch, next_prepared
    return time.perf_counter() - start, blocks, outcomes
