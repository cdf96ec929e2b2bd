"""MemoryBackend's key order, kept up to date by the keys each write adds or deletes."""
from __future__ import annotations

import random

from tensornet.storage.backend import MemoryBackend


def _keys(rng: random.Random) -> bytes:
    return bytes(rng.randrange(4) for _ in range(rng.randrange(1, 4)))


def test_order_matches_a_full_sort_after_random_writes() -> None:
    rng = random.Random(7)
    db, ref = MemoryBackend(), {}
    for step in range(3000):
        puts = {_keys(rng): bytes([step % 256]) for _ in range(rng.randrange(0, 4))}
        deletes = [_keys(rng) for _ in range(rng.randrange(0, 3))]
        if rng.random() < 0.02:  # an occasional bulk write takes the rebuild path
            puts.update({bytes([rng.randrange(256), rng.randrange(256)]): b"x" for _ in range(60)})
        db.write(puts, deletes)
        for k in deletes:
            ref.pop(k, None)
        ref.update(puts)
        if rng.random() < 0.3:
            prefix = bytes(rng.randrange(4) for _ in range(rng.randrange(0, 2)))
            got = list(db.iterate(prefix))
            assert got == sorted((k, v) for k, v in ref.items() if k.startswith(prefix))
    assert list(db.iterate(b"")) == sorted(ref.items())


def test_iteration_in_progress_keeps_its_order_across_writes() -> None:
    db = MemoryBackend()
    db.write({bytes([i]): b"v" for i in range(0, 100, 2)})
    it = db.iterate(b"")
    first = [next(it) for _ in range(10)]
    db.write({bytes([1]): b"n", bytes([51]): b"n"}, [bytes([60])])
    list(db.iterate(b""))  # re-sorts while ``it`` is paused
    rest = list(it)
    seen = [k for k, _ in first + rest]
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert bytes([60]) not in seen  # deleted keys are skipped
