"""JSON-RPC throughput of a running ``tnet node`` (a subprocess, in-memory, instant sealing).

1. ``state_getStorage`` over WebSocket from 8 concurrent client *processes*, each pipelining a window
   of requests on its own connection: requests/s, p50/p99 latency (goal ≥ 8,000 req/s).
2. Signed transfers submitted over RPC (``author_submitExtrinsic``, 8 client processes) and included:
   transfers/s from the first submission to the last inclusion, with the ratio to the raw sr25519
   verify rate measured in the same run (goal ≥ 0.25).

    .venv/bin/python scripts/bench_rpc.py [--clients 8] [--requests 5000] [--window 32] [--transfers 12000]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from http.client import HTTPConnection

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, REPO)
PYTHON = os.path.join(REPO, ".venv", "bin", "python")
if not os.path.exists(PYTHON):
    PYTHON = sys.executable

from bench_common import verify_rate  # noqa: E402  (scripts/ is on sys.path when run as a script)

TAO = 10**9


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port: int, method: str, params=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        out = json.loads(resp.read())
    if "error" in out:
        raise RuntimeError(out["error"])
    return out["result"]


class KeepAlive:
    """JSON-RPC over one persistent HTTP connection: the inclusion monitor polls the node every 10 ms,
    and a new TCP connection per poll (urllib) is load on the node under test that no client makes."""

    def __init__(self, port: int) -> None:
        self._conn = HTTPConnection("127.0.0.1", port, timeout=30)

    def __call__(self, method: str, params=None):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
        self._conn.request("POST", "/", body, {"Content-Type": "application/json"})
        out = json.loads(self._conn.getresponse().read())
        if "error" in out:
            raise RuntimeError(out["error"])
        return out["result"]

    def close(self) -> None:
        self._conn.close()


def start_node(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([PYTHON, "-m", "tensornet.cli.main", "node", "--tmp", "--preset", "test",
                             "--sealing", "instant", "--rpc-port", str(port), "--rpc-max-connections", "1000", "--tx-workers", str(os.cpu_count() or 1)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            http(port, "chain_getHead")
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise TimeoutError("node did not start")


# --- 1. storage reads ----------------------------------------------------------------------------------

def _reader(port: int, key: str, n: int, window: int, start_at: float, out) -> None:
    import websocket

    ws = websocket.create_connection(f"ws://127.0.0.1:{port}", timeout=60)
    latencies: list[float] = []
    sent_at: dict[int, float] = {}
    while time.time() < start_at:
        time.sleep(0.001)
    t0 = time.perf_counter()
    next_id = done = 0
    while done < n:
        while next_id < n and next_id - done < window:
            sent_at[next_id] = time.perf_counter()
            ws.send(f'{{"jsonrpc":"2.0","id":{next_id},"method":"state_getStorage","params":["{key}"]}}')
            next_id += 1
        msg = json.loads(ws.recv())
        latencies.append(time.perf_counter() - sent_at.pop(msg["id"]))
        assert msg["result"] is not None
        done += 1
    out.put((time.perf_counter() - t0, latencies))
    ws.close()


def bench_reads(port: int, clients: int, requests: int, window: int) -> tuple[float, float, float]:
    from tensornet.primitives.hashing import blake2_128, twox128
    from tensornet.primitives.keys import dev_keypair

    alice = dev_keypair("Alice").public
    key = "0x" + (twox128(b"System") + twox128(b"Account") + blake2_128(alice) + alice).hex()
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    start_at = time.time() + 1.0
    procs = [ctx.Process(target=_reader, args=(port, key, requests, window, start_at, q)) for _ in range(clients)]
    for p in procs:
        p.start()
    results = [q.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    wall = max(t for t, _ in results)
    lat = sorted(x for _, ls in results for x in ls)
    return clients * requests / wall, lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000


# --- 2. transfers over RPC ------------------------------------------------------------------------------

def _submitter(port: int, txs: list[str], window: int, start_at: float, out) -> None:
    import websocket

    ws = websocket.create_connection(f"ws://127.0.0.1:{port}", timeout=120)
    while time.time() < start_at:
        time.sleep(0.001)
    errors = 0
    next_i = done = 0
    while done < len(txs):
        while next_i < len(txs) and next_i - done < window:
            ws.send(f'{{"jsonrpc":"2.0","id":{next_i},"method":"author_submitExtrinsic","params":["{txs[next_i]}"]}}')
            next_i += 1
        msg = json.loads(ws.recv())
        errors += "error" in msg
        done += 1
    out.put(errors)
    ws.close()


def bench_transfers(port: int, clients: int, n: int, window: int) -> tuple[float, int, float]:
    from tensornet.chain.runtime_def import build_runtime
    from tensornet.primitives.keys import dev_keypair, keypair_from_seed
    from tensornet.runtime.signer import sign_extrinsic

    rt = build_runtime()
    genesis = bytes.fromhex(http(port, "chain_getBlockHash", [0])[2:])
    senders = [keypair_from_seed(i.to_bytes(4, "little") * 8) for i in range(clients * 25)]
    # fund the senders in one batch from Alice
    alice = dev_keypair("Alice")
    fund = [{"Balances": {"transfer_keep_alive": {"dest": {"Id": k.public}, "value": 100 * TAO}}} for k in senders]
    raw = sign_extrinsic(rt, rt.encode_call("Utility", "batch_all", {"calls": fund}), alice,
                         http(port, "account_nextIndex", [alice.ss58]), genesis)
    http(port, "author_submitExtrinsic", ["0x" + raw.hex()])
    while http(port, "account_nextIndex", [senders[-1].ss58]) is None or \
            int(http(port, "state_getStorage", [_account_key(senders[-1].public)]) or "0x00", 16) == 0:
        time.sleep(0.05)
    per_sender = -(-n // len(senders))
    bob = dev_keypair("Bob").public
    call = rt.encode_call("Balances", "transfer_keep_alive", {"dest": {"Id": bob}, "value": TAO // 1000})
    per_client: list[list[str]] = [[] for _ in range(clients)]
    count = 0
    for i, k in enumerate(senders):
        for nonce in range(per_sender):
            if count == n:
                break
            per_client[i % clients].append("0x" + sign_extrinsic(rt, call, k, nonce, genesis).hex())
            count += 1
    start_number = int(http(port, "chain_getHeader")["number"], 16)
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    start_at = time.time() + 1.0
    procs = [ctx.Process(target=_submitter, args=(port, txs, window, start_at, q)) for txs in per_client]
    for p in procs:
        p.start()
    while time.time() < start_at:
        time.sleep(0.001)
    rpc = KeepAlive(port)
    t0 = time.perf_counter()
    included = 0
    checked = start_number
    while included < count and time.perf_counter() - t0 < 300:
        head = int(rpc("chain_getHeader")["number"], 16)
        for number in range(checked + 1, head + 1):
            block = rpc("chain_getBlock", [rpc("chain_getBlockHash", [number])])
            included += sum(map(_is_signed_hex, block["block"]["extrinsics"]))  # not the inherents
        checked = head
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    rpc.close()
    errors = sum(q.get(timeout=60) for _ in procs)
    for p in procs:
        p.join()
    return included / wall, errors, wall


def _is_signed_hex(xt: str) -> bool:
    """Whether a hex extrinsic from chain_getBlock is a signed transaction (version byte 0x84)."""
    from tensornet.primitives.scale import decode_compact

    raw = bytes.fromhex(xt[2:])
    _, offset = decode_compact(raw, 0)
    return bool(raw[offset] & 0x80)


def _account_key(pub: bytes) -> str:
    from tensornet.primitives.hashing import blake2_128, twox128

    return "0x" + (twox128(b"System") + twox128(b"Account") + blake2_128(pub) + pub).hex()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=5000, help="state_getStorage requests per client")
    ap.add_argument("--window", type=int, default=32, help="pipelined requests in flight per client")
    ap.add_argument("--transfers", type=int, default=12_000)
    args = ap.parse_args()
    baseline = verify_rate()
    port = free_port()
    node = start_node(port)
    try:
        rps, p50, p99 = bench_reads(port, args.clients, args.requests, args.window)
        print(f"state_getStorage over WebSocket, {args.clients} client processes, window {args.window}: "
              f"{rps:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms (goal ≥ 8,000 req/s)")
        tps, errors, wall = bench_transfers(port, args.clients, args.transfers, args.window)
        print(f"sr25519 verify (1 core, baseline): {baseline:,.0f} /s")
        print(f"transfers over RPC: {args.transfers} submitted, included at {tps:,.0f} tx/s in {wall:.1f} s "
              f"({errors} submit errors)")
        print(f"ratio included tx/s ÷ verify/s: {tps / baseline:.2f} (goal ≥ 0.25)")
    finally:
        node.send_signal(signal.SIGTERM)
        try:
            node.wait(15)
        except subprocess.TimeoutExpired:
            node.kill()


if __name__ == "__main__":
    main()
