"""Benchmark: SubtensorModule's block step (``on_initialize``) with 128 subnets × 256 uids.

Each subnet has 64 validators (staked, permitted, dense weights over all 256 uids) and 192
miners; every subnet emits. Two runs: tempo 360 (the usual block: emission bookkeeping, an
epoch on roughly one block in three) and tempo 10 (every block is capped at MaxEpochsPerBlock = 2
epochs, the rest deferred). Prints average and worst block time, and as the baseline the Yuma
engine's own time for one of these epochs measured in the same run, with the ratios.

    .venv/bin/python scripts/bench_block_step.py [--subnets 128] [--blocks N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tensornet.chain.genesis import build_genesis_state
from tensornet.chain.runtime_def import build_runtime
from tensornet.chain.spec import preset
from tensornet.consensus import yuma
from tensornet.primitives.hashing import blake2_256
from tensornet.runtime.runtime import RuntimeConfig
from tensornet.storage.backend import MemoryBackend
from tensornet.storage.overlay import Overlay

N, VALIDATORS, TAO = 256, 64, 10**9
START = 400  # the state is built as of this block (so every subnet's stagger fits)


def hk(netuid: int, uid: int) -> bytes:
    return blake2_256(b"hk" + netuid.to_bytes(2, "little") + uid.to_bytes(2, "little"))


def cold(netuid: int, uid: int) -> bytes:
    return blake2_256(b"ck" + netuid.to_bytes(2, "little") + uid.to_bytes(2, "little"))


def build_state(runtime, subnets: int, tempo: int) -> MemoryBackend:
    backend = MemoryBackend()
    backend.write(build_genesis_state(runtime, preset("mainnet")))
    state = Overlay(backend)
    with runtime.at(state, START):
        sm = runtime.pallets["SubtensorModule"]
        bal = runtime.pallets["Balances"]
        sm.SubnetLimit.set(subnets + 1)
        for netuid in range(1, subnets + 1):
            sm.NetworksAdded.set(netuid, True)
            sm.SubnetMechanism.set(netuid, 1)
            sm.Tempo.set(netuid, tempo)
            sm.LastEpochBlock.set(netuid, START - (netuid % tempo))
            sm.SubnetTAO.set(netuid, 1_000 * TAO)
            sm.SubnetAlphaIn.set(netuid, 2_000 * TAO)
            sm.SubnetMovingPrice.set(netuid, (1 << 32) // 2)
            sm.FirstEmissionBlockNumber.set(netuid, 1)
            sm.SubtokenEnabled.set(netuid, True)
            sm.SubnetEmissionEnabled.set(netuid, True)
            sm.CommitRevealWeightsEnabled.set(netuid, False)
            sm.Yuma3On.set(netuid, True)
            sm.MaxAllowedValidators.set(netuid, VALIDATORS)
            sm.SubnetOwner.set(netuid, cold(netuid, 0))
            sm.SubnetOwnerHotkey.set(netuid, hk(netuid, 0))
            bal.deposit(sm.get_subnet_account_id(netuid), 1_000 * TAO, event=False)
            for uid in range(N):
                h = hk(netuid, uid)
                sm.append_neuron(netuid, h, START)
                sm.Owner.set(h, cold(netuid, uid))
            sm.ValidatorPermit.set(netuid, [uid < VALIDATORS for uid in range(N)])
            sm.LastUpdate.set(netuid, [START] * N)
            dense = [(j, 1 + (j * 7919 + netuid) % 65535) for j in range(N)]
            alpha_out = 0
            for uid in range(VALIDATORS):
                stake = (10_000 + uid * 100) * TAO
                sm.increase_stake_for_hotkey_and_coldkey_on_subnet(hk(netuid, uid), cold(netuid, uid), netuid, stake)
                alpha_out += stake
                sm.Weights.set(netuid, uid, dense)
            sm.SubnetAlphaOut.set(netuid, alpha_out)
        sm.TotalNetworks.set(subnets + 1)
    backend.write({k: v for k, v in state.changes().items() if v is not None})
    return backend


def run_blocks(runtime, backend: MemoryBackend, first: int, blocks: int) -> tuple[list[float], list[int]]:
    """Per block: the block step's CPU time (process time: robust on a shared machine) and the
    number of epochs it ran."""
    times, epochs = [], []
    sm = runtime.pallets["SubtensorModule"]
    for b in range(first, first + blocks):
        state = Overlay(backend)
        with runtime.at(state, b):
            t = time.process_time()
            sm.on_initialize(b)
            times.append(time.process_time() - t)
            epochs.append(sum(1 for (n,), last in sm.LastEpochBlock.iter() if last == b and n))
            runtime.env.reset_events()
        changes = state.changes()
        backend.write({k: v for k, v in changes.items() if v is not None}, [k for k, v in changes.items() if v is None])
    return times, epochs


def yuma_baseline(runtime, backend: MemoryBackend, block: int, repeats: int = 5) -> float:
    """The engine's own time for one epoch of these subnets (inputs read once, outside the timing)."""
    state = Overlay(backend)
    with runtime.at(state, block):
        inp, _ = runtime.pallets["SubtensorModule"].epoch_inputs(1, 0, 10 * TAO)
    yuma.epoch(inp)
    best = []
    for _ in range(repeats):
        t = time.process_time()
        yuma.epoch(inp)
        best.append(time.process_time() - t)
    return statistics.median(best)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subnets", type=int, default=128)
    ap.add_argument("--blocks", type=int, default=None,
                    help="blocks to time per run (default: a whole tempo at 360, 40 at tempo 10)")
    args = ap.parse_args()
    yuma.warm_up()
    runtime = build_runtime(RuntimeConfig(fast=False))
    for tempo in (360, 10):
        t0 = time.perf_counter()
        backend = build_state(runtime, args.subnets, tempo)
        setup = time.perf_counter() - t0
        run_blocks(runtime, backend, START + 1, 3)  # warm caches (numba, decay factors)
        blocks = args.blocks or (360 if tempo == 360 else 40)
        times, epochs = run_blocks(runtime, backend, START + 4, blocks)
        base = yuma_baseline(runtime, backend, START + 4 + blocks)
        avg, worst = statistics.mean(times), max(times)
        worst_epochs = epochs[times.index(worst)]
        with_epochs = [t for t, e in zip(times, epochs) if e]
        without = [t for t, e in zip(times, epochs) if not e]
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus; times are CPU (process) time")
        print(f"tempo {tempo}: {args.subnets} subnets x {N} uids ({VALIDATORS} validators, dense weights), "
              f"{blocks} blocks (state built in {setup:.1f} s)")
        print(f"  block step avg {avg * 1e3:.1f} ms, worst {worst * 1e3:.1f} ms ({worst_epochs} epochs in it); "
              f"blocks without epochs avg {statistics.mean(without) * 1e3 if without else 0:.1f} ms, "
              f"with epochs avg {statistics.mean(with_epochs) * 1e3 if with_epochs else 0:.1f} ms "
              f"({sum(epochs)} epochs)")
        print(f"  baseline: Yuma engine alone, one {N}-uid epoch {base * 1e3:.2f} ms; "
              f"ratio worst block / engine epoch = {worst / base:.1f}, avg block / engine epoch = {avg / base:.1f}")
        goal = "avg <= 20 ms" if tempo == 360 else "worst (2 epochs) <= 60 ms"
        print(f"  goal {goal}: {'met' if (avg if tempo == 360 else worst) * 1e3 <= (20 if tempo == 360 else 60) else 'NOT met'}")


if __name__ == "__main__":
    main()
