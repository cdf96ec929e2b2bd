"""Devnet boot time and idle memory.

Launches ``tnet devnet`` (in-memory, fast preset, 250 ms blocks) on a free port and measures the wall
time until block #1 is served over RPC (``chain_getHeader``), then the resident memory of the idle
devnet after half a minute (past the genesis subnet's first epoch, block 100 at 250 ms). Goals: boot ≤ 1.5 s, idle RSS ≤ 150 MB. The baseline, measured in the
same run, is a bare interpreter importing the node and RPC packages (the floor no boot can beat);
the ratio is boot ÷ baseline.

    .venv/bin/python scripts/bench_boot.py [--runs 3] [--idle 30]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PYTHON = os.path.join(REPO, ".venv", "bin", "python")
if not os.path.exists(PYTHON):
    PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def head_number(port: int) -> int | None:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "chain_getHeader", "params": []}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}", body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=2) as resp:
            return int(json.loads(resp.read())["result"]["number"], 16)
    except (OSError, KeyError, ValueError):
        return None


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def baseline() -> float:
    start = time.perf_counter()
    subprocess.run([PYTHON, "-c", "import tensornet.node.node, tensornet.rpc.api, tensornet.cli.main"], check=True,
                   cwd=REPO)
    return time.perf_counter() - start


def boot_once(idle: float) -> tuple[float, float]:
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-m", "tensornet.cli.main", "devnet", "--rpc-port", str(port)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            n = head_number(port)
            if n is not None and n >= 1:
                boot = time.perf_counter() - start
                break
            if proc.poll() is not None:
                raise RuntimeError(f"tnet devnet exited with {proc.returncode}")
            if time.perf_counter() - start > 60:
                raise TimeoutError("no block served within 60 s")
            time.sleep(0.01)
        time.sleep(idle)
        rss = rss_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    return boot, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=float, default=30.0,
                    help="seconds the last devnet idles before its RSS is read")
    args = ap.parse_args()
    base = statistics.median(baseline() for _ in range(args.runs))
    results = [boot_once(args.idle if run == args.runs - 1 else 0.0) for run in range(args.runs)]
    boots = [b for b, _ in results]
    rss = results[-1][1]
    boot = statistics.median(boots)
    print(f"baseline (interpreter + import node/rpc/cli): {base:.2f} s")
    print(f"tnet devnet launch → block #1 served over RPC: median {boot:.2f} s "
          f"(runs: {', '.join(f'{b:.2f}' for b in boots)}; goal ≤ 1.5 s)")
    print(f"ratio boot ÷ baseline: {boot / base:.2f}")
    print(f"idle devnet RSS after {args.idle:.0f} s: {rss:.0f} MB (goal ≤ 150 MB)")


if __name__ == "__main__":
    main()
