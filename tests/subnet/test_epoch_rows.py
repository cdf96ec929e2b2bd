"""The epoch runner reads Weights/Bonds rows as CSR in one batch (all rows' pairs decoded, filtered
and counted as one array). These tests compare it with the plain row-by-row decoding it replaced,
on random rows (uids and columns beyond n, empty rows, uids ≥ 256 whose key bytes sort out of
numeric order, rows written in the overlay over rows in the base store)."""
from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest

from tensornet.consensus.types import Csr
from tensornet.primitives.scale import decode_compact, encode_compact
from tensornet.storage.backend import MemoryBackend
from tensornet.storage.overlay import Overlay
from tensornet.subnet.epoch_runner import EpochPart

PREFIX = b"\x07" * 32


def _plain_rows(state, n: int, filter_cols: bool) -> Csr:
    """The row-by-row decoding (one numpy array per row) the batch replaced."""
    rows: dict[int, np.ndarray] = {}
    for raw_key, raw in state.iterate(PREFIX + b"\x01\x00"):
        uid = int.from_bytes(raw_key[-2:], "little")
        if uid >= n:
            continue
        count, offset = decode_compact(raw, 0)
        pairs = np.frombuffer(raw, dtype="<u2", count=2 * count, offset=offset).reshape(-1, 2)
        if filter_cols and count:
            pairs = pairs[pairs[:, 0] < n]
        rows[uid] = pairs
    lengths = np.zeros(n + 1, np.int64)
    for uid, pairs in rows.items():
        lengths[uid + 1] = len(pairs)
    indptr = np.cumsum(lengths)
    flat = np.concatenate([rows[u] for u in sorted(rows)]).astype(np.int64) if rows else np.zeros((0, 2), np.int64)
    return Csr(indptr, flat[:, 0].copy(), flat[:, 1].copy())


def _row(rng: random.Random, n: int) -> bytes:
    cols = rng.sample(range(n + 20), rng.randrange(0, min(n + 20, 40)))
    return encode_compact(len(cols)) + b"".join(c.to_bytes(2, "little") + rng.randrange(65536).to_bytes(2, "little")
                                                for c in cols)


@pytest.mark.parametrize("seed", range(30))
def test_batched_rows_equal_the_plain_decoding(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice([0, 1, 5, 64, 300])
    backend = MemoryBackend()
    key = lambda uid: PREFIX + b"\x01\x00" + uid.to_bytes(2, "little")
    backend.write({key(u): _row(rng, n) for u in rng.sample(range(n + 10), rng.randrange(0, n + 10))})
    state = Overlay(backend)
    for u in rng.sample(range(n + 10), rng.randrange(0, 5)):
        if rng.random() < 0.3:
            state.delete(key(u))
        else:
            state.put(key(u), _row(rng, n))
    item = SimpleNamespace(item=SimpleNamespace(prefix_key=lambda idx: PREFIX + idx.to_bytes(2, "little")))
    runner = SimpleNamespace(env=SimpleNamespace(state=state))
    for filter_cols in (True, False):
        raws: dict[int, bytes] = {}
        got = EpochPart._rows(runner, item, 1, n, filter_cols, raws)
        want = _plain_rows(state, n, filter_cols)
        for attr in ("indptr", "indices", "values"):
            g, w = getattr(got, attr), getattr(want, attr)
            assert g.dtype == w.dtype == np.int64 and g.tolist() == w.tolist(), attr
        assert raws == {int.from_bytes(k[-2:], "little"): v for k, v in state.iterate(PREFIX + b"\x01\x00")
                        if int.from_bytes(k[-2:], "little") < n}


def _zero_terms(count: int) -> dict[str, list]:
    from tensornet.subnet.epoch_runner import _AGG_KEYS

    agg: dict[str, list] = {key: [0] * count for key, _, _ in _AGG_KEYS}
    agg.update(server=[0] * count, validator=[0] * count, active=[False] * count, permit=[False] * count)
    return agg


@pytest.mark.parametrize("seed", range(10))
def test_first_mechanism_terms_equal_the_summed_terms(seed: int) -> None:
    """The first mechanism at full weight takes its outputs as the terms: the same lists (values
    and types) as adding them to zero terms and capping."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 300))
    u16 = lambda: rng.integers(0, 65536, n).astype(np.uint16)
    big = lambda: rng.integers(0, 2**63, n, dtype=np.uint64) * rng.integers(1, 3, n, dtype=np.uint64)
    out = SimpleNamespace(server_emission=big(), validator_emission=big(), dividends=u16(), incentive=u16(),
                          stake_weight=u16(), emission=big(), consensus=u16(), validator_trust=u16(),
                          active=rng.integers(0, 2, n).astype(bool),
                          new_validator_permit=rng.integers(0, 2, n).astype(bool))
    uids = sorted(rng.choice(n, int(rng.integers(0, n + 1)), replace=False).tolist()) if n else []
    fast: dict[str, list] = {}
    EpochPart._accumulate(fast, out, uids, 1 << 64)
    plain = _zero_terms(len(uids))
    EpochPart._accumulate(plain, out, uids, 1 << 64)
    assert fast.keys() == plain.keys()
    for key, terms in fast.items():
        assert terms == plain[key] and [type(v) for v in terms] == [type(v) for v in plain[key]], key
