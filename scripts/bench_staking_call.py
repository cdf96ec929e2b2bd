"""Cost of the staking call itself: µs per add_stake / remove_stake inside ``Runtime.dispatch``.

Runs the bench_staking workload (signed extrinsics through the whole engine) with
``Runtime.dispatch`` wrapped by a timer, so only the call's own work (its storage layer, the
pallet code, its events) is counted, per call name: the median dispatch (robust to a neighbour's
bursts of load on a shared machine) and the mean (what throughput sees: slow outliers such as a
pool off half weight count), each the best of ``--repeat`` runs.

    .venv/bin/python scripts/bench_staking_call.py [--tx 4000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from bench_common import submit_and_seal
from bench_staking import build, setup

from tensornet.runtime.runtime import Runtime


def timed_run(n_tx: int, accounts: int) -> dict[str, tuple[float, float]]:
    """(median, mean) µs per dispatch, per call name, over one bench_staking workload."""
    times: dict[str, list[float]] = defaultdict(list)
    plain = Runtime.dispatch

    def dispatch(self, call_value, origin, resolved=None):
        start = time.perf_counter()
        try:
            return plain(self, call_value, origin, resolved)
        finally:
            (_, inner), = call_value.items()
            times[inner if isinstance(inner, str) else next(iter(inner))].append(time.perf_counter() - start)

    with tempfile.TemporaryDirectory(prefix="tnet-bench-call-") as d:
        node, keys, netuid, hotkey = setup(accounts, os.path.join(d, "db"), 1)
        txs = build(node, keys, netuid, hotkey, n_tx)
        Runtime.dispatch = dispatch
        try:
            submit_and_seal(node, txs, 2_000)
        finally:
            Runtime.dispatch = plain
            node.close_workers()
            node.store.close()
    return {name: (statistics.median(secs) * 1e6, statistics.fmean(secs) * 1e6)
            for name, secs in times.items() if len(secs) >= 100}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tx", type=int, default=4_000)
    ap.add_argument("--accounts", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    best: dict[str, tuple[float, float]] = {}
    for _ in range(args.repeat):
        for name, (median, mean) in timed_run(args.tx, args.accounts).items():
            low = best.get(name, (median, mean))
            best[name] = (min(median, low[0]), min(mean, low[1]))
    for name, (median, mean) in sorted(best.items()):
        print(f"{name}: median {median:.1f} µs, mean {mean:.1f} µs per dispatch (best of {args.repeat})")


if __name__ == "__main__":
    main()
