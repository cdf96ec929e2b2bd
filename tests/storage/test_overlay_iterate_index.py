"""Overlay.iterate / delete_prefix look only at the written keys of the iterated storage item (a
per-item index kept by put/delete). These tests drive random writes, deletes, nested layers,
rollbacks and commits and compare every iteration with a plain scan of the merged view."""
from __future__ import annotations

import random

import pytest

from tensornet.storage.backend import MemoryBackend
from tensornet.storage.overlay import Overlay

ITEMS = [bytes([i]) * 32 for i in (1, 2, 3)]  # three "storage items" (32-byte item prefixes)


def _merged(ov: Overlay, base: dict[bytes, bytes]) -> dict[bytes, bytes]:
    view = dict(base)
    for k, v in ov._writes.items():
        if v is None:
            view.pop(k, None)
        else:
            view[k] = v
    return view


def _expected(view: dict[bytes, bytes], prefix: bytes, start: bytes | None) -> list[tuple[bytes, bytes]]:
    lo = prefix if start is None or start < prefix else start
    return sorted((k, v) for k, v in view.items() if k.startswith(prefix) and k >= lo)


def _key(rng: random.Random) -> bytes:
    if rng.random() < 0.05:
        return bytes([rng.randrange(4)]) * rng.randrange(1, 31)  # shorter than an item prefix
    return rng.choice(ITEMS) + bytes([rng.randrange(4), rng.randrange(6)])


def _prefix(rng: random.Random) -> bytes:
    item = rng.choice(ITEMS)
    return rng.choice([item, item + bytes([rng.randrange(4)]), item[:rng.randrange(1, 32)], b""])


def _write_or_layer(ov: Overlay, rng: random.Random, op: float, key: bytes) -> None:
    """One random change for ``op`` in [0, 1): a put, a delete, or opening / undoing / folding a layer."""
    if op < 0.5:
        ov.put(key, bytes([rng.randrange(256)]))
    elif op < 0.71:
        ov.delete(key)
    elif op < 0.83:
        ov.begin()
    elif op < 0.91 and ov.depth:
        ov.rollback()
    elif ov.depth:
        ov.commit()


@pytest.mark.parametrize("seed", range(25))
def test_iterate_matches_a_full_scan(seed: int) -> None:
    rng = random.Random(seed)
    backend = MemoryBackend()
    base = {_key(rng): bytes([rng.randrange(256)]) for _ in range(30)}
    backend.write(base)
    ov = Overlay(backend)
    for step in range(400):
        op = rng.random()
        if op < 0.70:
            _write_or_layer(ov, rng, op / 0.70, _key(rng))
        elif op < 0.75:
            prefix = _prefix(rng)
            expected = len(_expected(_merged(ov, base), prefix, None))
            assert ov.delete_prefix(prefix) == expected
            assert _expected(_merged(ov, base), prefix, None) == []
        elif op < 0.77 and not ov.depth:
            ov.clear()
        else:
            prefix = _prefix(rng)
            start = rng.choice([None, _key(rng)])
            assert list(ov.iterate(prefix, start)) == _expected(_merged(ov, base), prefix, start), step


@pytest.mark.parametrize("seed", range(15))
def test_item_is_empty_matches_a_full_scan(seed: int) -> None:
    """``item_is_empty`` (the base asked once, the writes through the index) after random writes,
    deletes, layers and rollbacks, including a base whose entries the overlay deletes."""
    rng = random.Random(seed)
    backend = MemoryBackend()
    base = {rng.choice(ITEMS[1:]) + bytes([rng.randrange(4), rng.randrange(6)]): b"v" for _ in range(6)}
    backend.write(base)
    ov = Overlay(backend)
    for _ in range(300):
        _write_or_layer(ov, rng, rng.random(), rng.choice(ITEMS) + bytes([rng.randrange(4), rng.randrange(6)]))
        for item in ITEMS:
            assert ov.item_is_empty(item) == (_expected(_merged(ov, base), item, None) == [])
