"""The kernels' fast exact paths (grouped exp series, 2^64/b reciprocal, branch-free slope
product) against the plain kernels and the Python fixed-point semantics."""
from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from tensornet.consensus import fixed as fx
from tensornet.consensus import kernels as nb

LIM = 20 << 32


@njit(cache=False)
def _exp_scalar(x: np.ndarray, out: np.ndarray) -> None:
    for t in range(x.shape[0]):
        out[t] = nb.exp_safe(x[t])


def _random_exponents(rng: np.random.Generator, m: int) -> np.ndarray:
    """Uniform on [−20, 20], uniform on [−5, 5], log-uniform magnitudes and near-integers."""
    parts = [
        rng.integers(-LIM, LIM + 1, size=m),
        rng.integers(-(5 << 32), (5 << 32) + 1, size=m),
        np.exp2(rng.uniform(0, 36.3, size=m)).astype(np.int64) * rng.choice([-1, 1], size=m),
        (rng.integers(-20, 21, size=m) << 32) + rng.integers(-1000, 1000, size=m),
    ]
    edges = [0, 1, -1, fx.ONE, -fx.ONE, fx.ONE - 1, fx.ONE + 1, -fx.ONE - 1, LIM, -LIM,
             LIM - 1, -LIM + 1, 1 << 29, (1 << 29) - 1, -(1 << 29)]
    return np.clip(np.concatenate(parts + [np.array(edges)]), -LIM, LIM).astype(np.int64)


def _check_exp_batch(seed: int, m: int) -> None:
    x = _random_exponents(np.random.default_rng(seed), m)
    got = np.empty(x.size, np.int64)
    want = np.empty(x.size, np.int64)
    nb.exp_batch(x, got, x.size)
    _exp_scalar(x, want)
    bad = np.flatnonzero(got != want)
    assert bad.size == 0, (x[bad[:3]], got[bad[:3]], want[bad[:3]])


def test_exp_batch_equals_scalar_exp() -> None:
    _check_exp_batch(0, 50_000)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 5))
def test_exp_batch_equals_scalar_exp_millions(seed: int) -> None:
    _check_exp_batch(seed, 1_000_000)


def test_exp_batch_equals_python_semantics() -> None:
    rng = np.random.default_rng(11)
    xs = _random_exponents(rng, 400)
    out = np.empty(xs.size, np.int64)
    nb.exp_batch(xs, out, xs.size)
    assert out.tolist() == [fx.exp_safe(int(v)) for v in xs]


def test_exp_batch_small_and_empty_batches() -> None:
    for xs in ([], [0], [fx.ONE], [-fx.ONE], [5, -5]):
        x = np.array(xs, np.int64)
        out = np.empty(x.size, np.int64)
        nb.exp_batch(x, out, x.size)
        assert out.tolist() == [fx.exp_safe(v) for v in xs]


def test_recip_2_64() -> None:
    rng = np.random.default_rng(5)
    bs = [1 << 32, (1 << 32) + 1, (1 << 33), (1 << 62), (1 << 63) - 1, 3 << 40]
    bs += rng.integers(1 << 32, 1 << 63, size=2000, dtype=np.uint64).tolist()
    for b in bs:
        assert nb.recip_2_64(np.uint64(b)) == (1 << 64) // b


def test_liquid_alpha_matches_python_sigmoid_at_extreme_steepness() -> None:
    """The branch-free slope product and the reciprocal sigmoid, through the EMA kernel."""
    rng = np.random.default_rng(9)
    n = 40
    for steep in (1000, -1000, 32767, -32768, 1, 0, 200, 2000, 12345):
        wv = rng.integers(0, fx.ONE + 1, size=n * n)
        ov = rng.integers(0, fx.ONE + 1, size=n * n)
        ptr = np.arange(n + 1, dtype=np.int64) * n
        idx = np.tile(np.arange(n, dtype=np.int64), n)
        cons = rng.integers(0, fx.ONE + 1, size=n).astype(np.int64)
        lo_u16, hi_u16 = 45875, 58982
        ep, ei, ev = nb.liquid_alpha_ema(np.int64(n), ptr, idx, wv.astype(np.int64), ptr, idx,
                                         ov.astype(np.int64), cons, np.int64(lo_u16),
                                         np.int64(hi_u16), np.int64(steep))
        lo, hi = fx.u16_proportion(lo_u16), fx.u16_proportion(hi_u16)
        steep_fx = fx.from_int(steep)
        want_rows = []
        for i in range(n):
            row = []
            for j in range(n):
                w, b = int(wv[i * n + j]), int(ov[i * n + j])
                a = fx.alpha_sigmoid(int(cons[j]), w, b, lo, hi, steep_fx)
                v = min(fx.add(fx.mul(fx.sub(fx.ONE, a), b), max(fx.mul(a, w), 0)), fx.ONE)
                if v > 0:
                    row.append((j, v))
            want_rows.append(row)
        got_rows = [list(zip(ei[ep[i]:ep[i + 1]].tolist(), ev[ep[i]:ep[i + 1]].tolist()))
                    for i in range(n)]
        assert got_rows == want_rows, steep


@pytest.mark.parametrize("bad", [True, False, 1.0, 0.0, 2.5, "1", None, 1 << 64, -1, 70000])
@pytest.mark.parametrize("where", ["uid", "value"])
def test_json_matrix_refuses_wrong_types_among_many_good_pairs(bad, where) -> None:
    """The C-level conversion of sparse rows lets no bad entry through (booleans hide as 0/1)."""
    from tensornet.consensus.errors import ScenarioError
    from tensornet.consensus.validate import inputs_from_json
    n = 40
    rows = [[[j, (i * 7 + j) % 3] for j in range(n)] for i in range(n)]
    rows[17][5] = [bad, 3] if where == "uid" else [5, bad]
    doc = {"n": n, "stake": [1] * n, "weights": rows}
    with pytest.raises(ScenarioError) as e:
        inputs_from_json(doc)
    assert e.value.key.startswith("weights[17]")


def test_json_matrix_refuses_bad_pair_shapes() -> None:
    from tensornet.consensus.errors import ScenarioError
    from tensornet.consensus.validate import inputs_from_json
    for row in ([[1, 2, 3], [4]], [[1]], [1, 2], [{"a": 1, "b": 2}], ["ab"]):
        doc = {"n": 5, "stake": [1] * 5, "weights": [[[0, 1]], row, [], [], []]}
        with pytest.raises(ScenarioError) as e:
            inputs_from_json(doc)
        assert e.value.key.startswith("weights[1]"), row


def test_frac_div_equals_integer_floor() -> None:
    rng = np.random.default_rng(13)
    cases = [(0, 1), (1, 1), (fx.ONE - 1, fx.ONE - 1), (fx.ONE - 1, (1 << 62) - 1), (1, 3),
             (65535, 65535 * 65535), (65534, 65535), (12345, 12345 * 7)]
    for bits in (16, 24, 32, 40, 48, 62):
        b = rng.integers(1, 1 << bits, size=3000, dtype=np.int64)
        a = (rng.random(3000) * np.minimum(b + 1, 1 << 32)).astype(np.int64)
        a = np.minimum(a, np.minimum(b, fx.ONE - 1))
        cases += list(zip(a.tolist(), b.tolist()))
        # exact multiples and neighbours, where a double estimate lands on or next to an integer
        q = rng.integers(1, 1 << 16, size=500, dtype=np.int64)
        d = rng.integers(1, 1 << 16, size=500, dtype=np.int64)
        for qq, dd in zip(q.tolist(), d.tolist()):
            bb = dd << 16
            for aa in ((qq * dd) % bb, (qq * dd) % bb + 1):
                if aa <= bb and aa < fx.ONE:
                    cases.append((aa, bb))
    for a, b in cases:
        assert nb.frac_div(np.int64(a), np.int64(b), 1.0 / b) == (a << 32) // b, (a, b)


def test_u16_proportion_identity_is_exhaustively_exact() -> None:
    """stored_bonds reads u16 bonds as b·65537 + [b = 65535] instead of dividing."""
    b = np.arange(65536, dtype=np.int64)
    ptr = np.array([0, b.size], np.int64)
    _, _, ov = nb.stored_bonds(np.int64(1), ptr, b % 1, b, np.full(1, -1, np.int64),
                               np.int64(0), True)
    assert ov.tolist() == [fx.u16_proportion(int(v)) for v in b]
