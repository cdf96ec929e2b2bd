"""Benchmark the transaction pool: submit, iterate best-first and prune 20,000 txs from 1,000 senders.

Prints tx/s for each phase and for the whole cycle, plus the ratio to a baseline measured in the same
run: inserting the same 20,000 hashes into a plain dict. Run:

    .venv/bin/python scripts/bench_txpool.py [--txs 20000] [--senders 1000] [--block 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time

from tensornet.chain.txpool import TxPool, ValidTransaction


def tag(who: bytes, nonce: int) -> bytes:
    return who + nonce.to_bytes(4, "little")


def make_txs(count: int, senders: int, seed: int) -> list[tuple[bytes, bytes, ValidTransaction]]:
    """Signed-transfer-shaped inputs, arriving interleaved; every 10th sender sends its pairs swapped."""
    rng = random.Random(seed)
    per_sender = count // senders
    accounts = [hashlib.blake2b(i.to_bytes(4, "little"), digest_size=32).digest() for i in range(senders)]
    arrivals: list[tuple[bytes, int]] = []
    for nonce in range(per_sender):
        for index, who in enumerate(accounts):
            swapped = index % 10 == 0 and (nonce ^ 1) < per_sender  # arrives as 1, 0, 3, 2, ...
            arrivals.append((who, nonce ^ 1 if swapped else nonce))
    txs = []
    for who, nonce in arrivals:
        tip = rng.randrange(0, 4) * 1_000
        xt = who + nonce.to_bytes(4, "little") + tip.to_bytes(8, "little") + bytes(90)
        requires = (tag(who, nonce - 1),) if nonce else ()
        validity = ValidTransaction(tip, requires, (tag(who, nonce),), 2**64 - 1)
        txs.append((hashlib.blake2b(xt, digest_size=32).digest(), xt, validity))
    return txs


def run_pool(txs: list[tuple[bytes, bytes, ValidTransaction]], block: int) -> dict[str, float]:
    pool = TxPool(max_ready=len(txs), max_future=len(txs), max_bytes=2**30)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    futures = 0
    for xt_hash, xt, validity in txs:
        futures += pool.submit(xt_hash, xt, validity, 0) == "future"
    timings["submit"] = time.perf_counter() - start
    assert len(pool) == len(txs), "every transaction must be pooled"

    start = time.perf_counter()
    walked = sum(1 for _ in pool.ready())
    timings["iterate"] = time.perf_counter() - start
    assert walked == len(txs)

    start = time.perf_counter()
    blocks = 0
    while len(pool):
        included = []
        for tx in pool.ready():
            included.append(tx.hash)
            if len(included) == block:
                break
        pool.prune(included, ())
        blocks += 1
    timings["blocks"] = time.perf_counter() - start
    timings["block_count"] = blocks
    timings["futures_at_submit"] = futures
    return timings


def run_revalidate(txs: list[tuple[bytes, bytes, ValidTransaction]], block: int) -> float:
    """Revalidate a full pool after one block, with an instant validator: the pool's own overhead.

    The validator answers as the runtime would against the new state: each sender's next nonce
    no longer requires anything, so those transactions change in place.
    """
    pool = TxPool(max_ready=len(txs), max_future=len(txs), max_bytes=2**30)
    for xt_hash, xt, v in txs:
        pool.submit(xt_hash, xt, v, 0)
    included = [tx for _, tx in zip(range(block), pool.ready())]
    pool.prune([tx.hash for tx in included], ())
    state: dict[bytes, int] = {}
    for tx in included:
        state[tx.data[:32]] = max(state.get(tx.data[:32], 0), int.from_bytes(tx.data[32:36], "little") + 1)

    def validate(xt: bytes) -> ValidTransaction:
        who, nonce = xt[:32], int.from_bytes(xt[32:36], "little")
        tip = int.from_bytes(xt[36:44], "little")
        requires = (tag(who, nonce - 1),) if nonce > state.get(who, 0) else ()
        return ValidTransaction(tip, requires, (tag(who, nonce),), 2**64 - 1)

    start = time.perf_counter()
    dropped = pool.revalidate(validate, 1)
    elapsed = time.perf_counter() - start
    assert dropped == []
    return elapsed / len(pool) * len(txs)  # per pooled tx, scaled to the run's size


def run_dict(txs: list[tuple[bytes, bytes, ValidTransaction]]) -> float:
    start = time.perf_counter()
    table: dict[bytes, bytes] = {}
    for xt_hash, xt, _ in txs:
        table[xt_hash] = xt
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txs", type=int, default=20_000)
    parser.add_argument("--senders", type=int, default=1_000)
    parser.add_argument("--block", type=int, default=2_000, help="transactions per pruned block")
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs")
    args = parser.parse_args()

    txs = make_txs(args.txs, args.senders, seed=1)
    n = len(txs)
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        timings = run_pool(txs, args.block)
        for key, value in timings.items():
            best[key] = min(best.get(key, value), value)
    dict_time = min(run_dict(txs) for _ in range(args.repeat))
    revalidate_time = min(run_revalidate(txs, args.block) for _ in range(args.repeat))
    cycle = best["submit"] + best["iterate"] + best["blocks"]

    print(f"txpool: {n:,} txs from {args.senders:,} senders, blocks of {args.block:,} "
          f"({int(best['block_count'])} blocks), {int(best['futures_at_submit']):,} arrived as future")
    print(f"  submit             {n / best['submit']:>12,.0f} tx/s")
    print(f"  iterate best-first {n / best['iterate']:>12,.0f} tx/s")
    print(f"  build+prune blocks {n / best['blocks']:>12,.0f} tx/s")
    print(f"  revalidate         {n / revalidate_time:>12,.0f} tx/s (instant validator)")
    print(f"  whole cycle        {n / cycle:>12,.0f} tx/s")
    print(f"baseline: dict insert of the same hashes {n / dict_time:,.0f} tx/s")
    print(f"ratio (whole cycle / dict insert): {dict_time / cycle:.4f}")
    print(f"ratio (submit / dict insert):      {dict_time / best['submit']:.4f}")
    print(f"headroom over the 2,000 tx/s hot path: {n / cycle / 2_000:.0f}x")


if __name__ == "__main__":
    main()
