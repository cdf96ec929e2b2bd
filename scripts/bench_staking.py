"""Throughput of signed add_stake / remove_stake extrinsics through the whole in-process engine.

A subnet is registered and started with signed extrinsics, then N pre-signed staking extrinsics from
many coldkeys (each alternating ``add_stake`` 1 TAO and ``remove_stake`` of everything, i.e. a buy and
a sell through the alpha pool with fees to the author) go through pool validation → block builder →
executive → atomic LevelDB commit. The baseline, measured in the same run, is the raw single-core
sr25519 verify rate; the ratio is ``extrinsics/s ÷ verify/s`` (goal ≥ 0.3).

    .venv/bin/python scripts/bench_staking.py [--tx 4000] [--accounts 500] [--workers N]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bench_common import one_block, submit_and_seal, verify_rate
from tensornet.chain.spec import GenesisConfig, preset
from tensornet.node.heap import settle_startup_heap
from tensornet.node.node import Node, NodeConfig
from tensornet.primitives.keys import dev_keypair, keypair_from_seed, keypair_from_uri
from tensornet.runtime.signer import sign_extrinsic

TAO = 10**9
U64_MAX = 2**64 - 1


def signed(node: Node, kp, pallet: str, call: str, args: dict, nonce: int) -> bytes:
    rt = node.runtime
    return sign_extrinsic(rt, rt.encode_call(pallet, call, args), kp, nonce, node.genesis_hash)


def setup(n_accounts: int, base_path: str, workers: int) -> tuple[Node, list, int, bytes]:
    """A node with funded coldkeys and one started subnet (netuid, owner hotkey)."""
    keys = [keypair_from_seed(i.to_bytes(4, "little") * 8) for i in range(n_accounts)]
    spec = preset("fast")
    spec.id = "tensornet_bench_staking"
    spec.genesis = GenesisConfig(balances=[(k.ss58, 1_000 * TAO) for k in keys] + spec.genesis.balances,
                                 sudo=spec.genesis.sudo, authority=spec.genesis.authority)
    node = Node(NodeConfig(spec, base_path=base_path, sealing="manual", verify_workers=workers))
    alice, hotkey = dev_keypair("Alice"), keypair_from_uri("//bench_hk").public
    node.submit(signed(node, alice, "SubtensorModule", "register_network", {"hotkey": hotkey}, 0))
    node.seal_block()
    netuid = max(n for n in range(1, 64) if _exists(node, n))
    node.submit(signed(node, alice, "SubtensorModule", "start_call", {"netuid": netuid}, 1))
    node.seal_block()
    return node, keys, netuid, hotkey


def _exists(node: Node, netuid: int) -> bool:
    with node.query_runtime.at(node.store.state_at(None), node.head.number) as rt:
        return rt.pallets["SubtensorModule"].NetworksAdded.get(netuid)


def build(node: Node, keys: list, netuid: int, hotkey: bytes, n_tx: int) -> list[bytes]:
    """Nonce-major: every coldkey's nonce n before anyone's n + 1; even nonces stake, odd unstake."""
    txs = []
    for nonce in range(-(-n_tx // len(keys))):
        for kp in keys:
            if len(txs) == n_tx:
                return txs
            if nonce % 2 == 0:
                txs.append(signed(node, kp, "SubtensorModule", "add_stake",
                                  {"hotkey": hotkey, "netuid": netuid, "amount_staked": TAO}, nonce))
            else:
                txs.append(signed(node, kp, "SubtensorModule", "remove_stake",
                                  {"hotkey": hotkey, "netuid": netuid, "amount_unstaked": U64_MAX}, nonce))
    return txs


def one_block_of_staking(node: Node, netuid: int, hotkey: bytes) -> int:
    """A block of the workload: as many as fit when half are add_stake and half remove_stake."""
    add = one_block(node, {"SubtensorModule": {"add_stake": {"hotkey": hotkey, "netuid": netuid,
                                                               "amount_staked": TAO}}})
    remove = one_block(node, {"SubtensorModule": {"remove_stake": {"hotkey": hotkey, "netuid": netuid,
                                                                     "amount_unstaked": U64_MAX}}})
    return 2 * add * remove // (add + remove)  # harmonic mean: the weights alternate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tx", type=int, default=4_000)
    ap.add_argument("--accounts", type=int, default=500)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--chunk", type=int, default=None,
                    help="extrinsics submitted between two blocks (default: one block of them)")
    args = ap.parse_args()

    baseline = verify_rate()
    print(f"sr25519 verify (1 core, baseline): {baseline:,.0f} /s")
    with tempfile.TemporaryDirectory(prefix="tnet-bench-staking-") as d:
        t0 = time.perf_counter()
        node, keys, netuid, hotkey = setup(args.accounts, os.path.join(d, "db"), args.workers)
        txs = build(node, keys, netuid, hotkey, args.tx)
        settle_startup_heap()  # as `tnet node` does once its node is built
        chunk = args.chunk or one_block_of_staking(node, netuid, hotkey)
        print(f"setup: subnet {netuid}, {len(keys)} coldkeys, {len(txs)} signed add/remove_stake "
              f"in {time.perf_counter() - t0:.1f} s; {chunk} submitted between blocks")
        try:
            secs, blocks, outcomes = submit_and_seal(node, txs, chunk)
            included, succeeded = len(outcomes), sum(1 for o in outcomes if o.success)
        finally:
            node.close_workers()
            node.store.close()
    assert included == len(txs), f"only {included} of {len(txs)} extrinsics were included"
    assert succeeded == included, f"{included - succeeded} staking calls failed"
    tps = included / secs
    print(f"staking extrinsics: {included} in {blocks} blocks, {secs:.2f} s "
          f"(pool → builder → executive → LevelDB commit), verify workers: {args.workers}")
    print(f"throughput: {tps:,.0f} extrinsics/s")
    print(f"ratio extrinsics/s ÷ verify/s: {tps / baseline:.2f}  (goal ≥ 0.3)")


if __name__ == "__main__":
    main()
