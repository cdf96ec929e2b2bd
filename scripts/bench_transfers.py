"""Throughput of signed transfers through the whole in-process engine.

20,000 pre-signed ``Balances.transfer_keep_alive`` from 1,000 accounts go through pool validation →
block builder → executive → atomic LevelDB commit (a fresh ``--base-path``). The baseline, measured in
the same run on the same machine, is the raw single-core sr25519 verify rate; the ratio is
``tx/s ÷ verify/s`` (goal ≥ 0.5; stretch ≥ 1.0 with verification spread over a process pool).

    .venv/bin/python scripts/bench_transfers.py [--tx 20000] [--accounts 1000] [--workers N]

``--workers 0`` checks everything in the node's process; ``--workers N`` (default: the core count)
lets the node run each submitted batch's stateless checks (decoding, signature, fee) in N processes
before validating it.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bench_common import one_block, submit_and_seal, verify_rate  # noqa: E402
from tensornet.chain.spec import GenesisConfig, preset  # noqa: E402
from tensornet.node.heap import settle_startup_heap  # noqa: E402
from tensornet.node.node import Node, NodeConfig  # noqa: E402
from tensornet.primitives.keys import dev_keypair, keypair_from_seed  # noqa: E402
from tensornet.runtime.signer import sign_extrinsic  # noqa: E402

TAO = 10**9
#: the call every transfer carries, as the block limits weigh it (its arguments do not change its weight)
TRANSFER = {"Balances": {"transfer_keep_alive": {"dest": {"Id": bytes(32)}, "value": TAO}}}


def build(n_tx: int, n_accounts: int, base_path: str, workers: int):
    keys = [keypair_from_seed(i.to_bytes(4, "little") * 8) for i in range(n_accounts)]
    spec = preset("fast")
    spec.id = "tensornet_bench"
    spec.genesis = GenesisConfig(balances=[(k.ss58, 1_000 * TAO) for k in keys] + spec.genesis.balances,
                                 sudo=spec.genesis.sudo, authority=spec.genesis.authority)
    node = Node(NodeConfig(spec, base_path=base_path, sealing="manual", verify_workers=workers))
    dest = dev_keypair("Bob").public
    rt = node.runtime
    per_account = -(-n_tx // n_accounts)
    txs = []
    for nonce in range(per_account):          # nonce-major: every account's nonce n before anyone's n+1
        call = rt.encode_call("Balances", "transfer_keep_alive", {"dest": {"Id": dest}, "value": TAO + nonce})
        for k in keys:
            if len(txs) == n_tx:
                break
            txs.append(sign_extrinsic(rt, call, k, nonce, node.genesis_hash))
    return node, txs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tx", type=int, default=20_000)
    ap.add_argument("--accounts", type=int, default=1_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--chunk", type=int, default=None,
                    help="transactions submitted between two blocks (default: one block of transfers)")
    args = ap.parse_args()

    baseline = verify_rate()
    print(f"sr25519 verify (1 core, baseline): {baseline:,.0f} /s")
    with tempfile.TemporaryDirectory(prefix="tnet-bench-") as d:
        t0 = time.perf_counter()
        node, txs = build(args.tx, args.accounts, os.path.join(d, "db"), args.workers)
        settle_startup_heap()  # as `tnet node` does once its node is built
        chunk = args.chunk or one_block(node, TRANSFER)
        print(f"setup: {args.accounts} funded accounts, {len(txs)} signed transfers in {time.perf_counter() - t0:.1f} s; "
              f"{chunk} submitted between blocks")
        try:
            secs, blocks, outcomes = submit_and_seal(node, txs, chunk)
            included = len(outcomes)
        finally:
            node.close_workers()
            node.store.close()
    assert included == len(txs), f"only {included} of {len(txs)} transfers were included"
    tps = included / secs
    print(f"transfers: {included} in {blocks} blocks, {secs:.2f} s (pool → builder → executive → LevelDB commit), "
          f"verify workers: {args.workers}")
    print(f"throughput: {tps:,.0f} tx/s")
    print(f"ratio tx/s ÷ verify/s: {tps / baseline:.2f}  (goal ≥ 0.5, stretch ≥ 1.0)")


if __name__ == "__main__":
    main()
