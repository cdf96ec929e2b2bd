"""Benchmark: incremental state root of a block that changes 2,000 keys in a 200,000-key trie.

Keys look like FRAME storage keys (twox128(pallet) ++ twox128(item) ++ blake2_128_concat(32-byte
account)), values are a mix of small inline values and >= 33-byte hashed values. Baseline, measured
in the same run: hashing the same number of byte strings of the same sizes (the block's new nodes)
with hashlib.blake2b -- the floor any implementation pays.

Usage: .venv/bin/python scripts/bench_trie.py [--keys 200000] [--changes 2000] [--blocks 8] [--check]
"""
from __future__ import annotations

import argparse
import hashlib
import random
import time

from tensornet.storage.trie import (
    EMPTY_ROOT,
    NODE_CACHE,
    MemoryNodes,
    apply_changes,
    trie_root,
)
from tensornet.storage.trie_build import build_sorted


def _make_key(rng: random.Random, prefixes: list[bytes]) -> bytes:
    account = rng.randbytes(32)
    return rng.choice(prefixes) + hashlib.blake2b(account, digest_size=16).digest() + account


def _make_value(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.6:
        return rng.randbytes(8)
    if r < 0.9:
        return rng.randbytes(24)
    return rng.randbytes(80)


def _block(rng: random.Random, keys: list[bytes], prefixes: list[bytes], n: int) -> dict[bytes, bytes | None]:
    changes: dict[bytes, bytes | None] = {}
    for key in rng.sample(keys, int(n * 0.8)):
        changes[key] = _make_value(rng)
    for key in rng.sample(keys, int(n * 0.05)):
        changes[key] = None
    while len(changes) < n:
        changes[_make_key(rng, prefixes)] = _make_value(rng)
    return changes


def _baseline(blobs: list[bytes], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for blob in blobs:
            hashlib.blake2b(blob, digest_size=32).digest()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200_000)
    parser.add_argument("--changes", type=int, default=2_000)
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--check", action="store_true", help="also compare each root with trie_root")
    args = parser.parse_args()

    rng = random.Random(42)
    prefixes = [hashlib.blake2b(bytes([i]), digest_size=32).digest() for i in range(12)]
    state = {_make_key(rng, prefixes): _make_value(rng) for _ in range(args.keys)}
    t0 = time.perf_counter()
    ordered = sorted(state.items())
    store = MemoryNodes()
    root = build_sorted([k.hex() for k, _ in ordered], [v for _, v in ordered], store)
    build_s = time.perf_counter() - t0
    print(f"bulk build: {len(state):,} keys, {len(store):,} nodes in {build_s:.2f} s "
          f"({len(state) / build_s:,.0f} keys/s)")

    keys = list(state)
    NODE_CACHE.clear()
    rows = []
    for block in range(args.blocks):
        changes = _block(rng, keys, prefixes, args.changes)
        t0 = time.perf_counter()
        root, new_nodes = apply_changes(root, changes, store)
        elapsed = time.perf_counter() - t0
        base = _baseline(list(new_nodes.values()))  # right after, under the same machine load
        store.update(new_nodes)
        for key, value in changes.items():
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
        keys = list(state)
        rows.append((elapsed, base))
        label = "cold cache" if block == 0 else "upper nodes cached, leaves cold"
        print(f"block {block}: {len(changes):,} changes -> {len(new_nodes):,} new nodes, "
              f"{elapsed * 1e3:.1f} ms ({len(changes) / elapsed:,.0f} keys/s); "
              f"blake2b of the same {len(new_nodes):,} blobs {base * 1e3:.2f} ms; "
              f"ratio {elapsed / base:.1f}x  [{label}]")
        if args.check:
            assert root == trie_root(state), "incremental root differs from trie_root"
    warm = rows[1:] or rows
    times = sorted(r[0] for r in warm)
    ratios = sorted(r[0] / r[1] for r in warm)
    median_t = times[len(times) // 2]
    print(f"blocks 1..{len(rows) - 1}: median {median_t * 1e3:.1f} ms/block "
          f"({args.changes / median_t:,.0f} keys/s), best {times[0] * 1e3:.1f} ms; "
          f"median ratio to the blake2b baseline {ratios[len(ratios) // 2]:.1f}x")
    if args.check:
        print("roots checked against trie_root: ok")
    assert root != EMPTY_ROOT


if __name__ == "__main__":
    main()
