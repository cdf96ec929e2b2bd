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


def test_recip_2_64_float_estimate_range() -> None:
    """Below 2^62 the quotient comes from a corrected double estimate: check it where the
    estimate is most often off (exact divisors, neighbours of powers of two, the range boundary,
    the sigmoid's domain 2^32..2^40)."""
    rng = np.random.default_rng(6)
    bs = [(1 << k) + d for k in range(32, 63) for d in (-1, 0, 1) if (1 << 32) <= (1 << k) + d]
    bs += [(1 << 64) // q for q in range(1, 5000)] + [(1 << 64) // q + 1 for q in range(4, 5000)]
    bs += rng.integers(1 << 32, 1 << 41, size=20000, dtype=np.uint64).tolist()
    bs += rng.integers(1 << 32, 1 << 62, size=20000, dtype=np.uint64).tolist()
    for b in bs:
        if (1 << 32) <= b < (1 << 63):
            assert nb.recip_2_64(np.uint64(b)) == (1 << 64) // b, b


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


def test_proportion_to_u16_fast_path_equals_fixed_math() -> None:
    """Below 2^46 the kernel multiplies by 65535 directly; the crate's saturating I32F32 rules
    elsewhere.  Both sides of the boundary and the saturation points against ``fixed``."""
    rng = np.random.default_rng(11)
    xs = [0, 1, fx.ONE - 1, fx.ONE, fx.ONE + 1, (1 << 46) - 1, 1 << 46, (1 << 46) + 1,
          65535 << 32, (65536 << 32) - 1, (1 << 63) - 1, -1, -(1 << 63)]
    xs += rng.integers(0, fx.ONE + 1, size=5000).tolist()
    xs += rng.integers(-(1 << 63), (1 << 63) - 1, size=5000, dtype=np.int64).tolist()
    for x in xs:
        assert nb.proportion_to_u16(np.int64(x)) == fx.proportion_to_u16(x), x


def _first_problems_py(ip, ix, vs, n):
    bad_uid = bad_value = dup = -1
    for i in range(len(ip) - 1):
        seen = set()
        for e in range(ip[i], ip[i + 1]):
            if not 0 <= vs[e] <= 65535 and bad_value < 0:
                bad_value = e
            if not 0 <= ix[e] < n:
                bad_uid = e if bad_uid < 0 else bad_uid
            elif ix[e] in seen:
                dup = e if dup < 0 else dup
            else:
                seen.add(ix[e])
    return bad_uid, bad_value, dup


@pytest.mark.parametrize("seed", range(40))
def test_csr_check_clean_fast_path_agrees_with_search(seed: int) -> None:
    """Clean sorted input takes the reduction path; unsorted rows, repeats, wide values and uids
    outside [0, n) fall back to the search — the answers must be the search's either way."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    rows = [np.sort(rng.choice(n, size=int(rng.integers(0, n + 1)), replace=False))
            for _ in range(n)]
    ip = np.concatenate([[0], np.cumsum([r.size for r in rows])]).astype(np.int64)
    ix = np.concatenate(rows + [np.zeros(0)]).astype(np.int64)
    vs = rng.integers(0, 65536, size=ix.size).astype(np.int64)
    if ix.size and seed % 5 == 1:
        ix[rng.integers(ix.size)] = rng.choice([n, n + 7, -1])
    if ix.size and seed % 5 == 2:
        vs[rng.integers(ix.size)] = rng.choice([65536, -1, 1 << 40])
    if ix.size > 1 and seed % 5 == 3:
        e = int(rng.integers(1, ix.size))
        ix[e] = ix[e - 1]
    if seed % 5 == 4:
        for i in range(n):
            rng.shuffle(ix[ip[i]:ip[i + 1]])
    got = nb.csr_first_problems(ip, ix, vs, np.int64(n))
    assert tuple(int(v) for v in got) == _first_problems_py(ip.tolist(), ix.tolist(),
                                                            vs.tolist(), n)


@pytest.mark.parametrize("yuma3,liquid", [(True, True), (False, False)])
def test_epoch_split_over_threads_equals_one_thread_and_reference(yuma3, liquid) -> None:
    """Large enough for the threaded steps (consensus selections, the exp series): any number
    of parts gives the single-thread kernel's outputs, which are the reference's."""
    from tensornet.consensus import yuma
    from tensornet.consensus.types import Csr, EpochInputs
    from tensornet.consensus.validate import check_inputs

    rng = np.random.default_rng(21)
    n, vals = 150, 70
    w = [[(j, int(rng.integers(0, 65536))) for j in range(n) if j != i and rng.random() < .9]
         if i < vals else [] for i in range(n)]
    b = [[(j, int(rng.integers(0, 65536))) for j in range(n) if rng.random() < .8]
         if i < vals else [] for i in range(n)]
    inp = check_inputs(EpochInputs(
        n=n, stake=rng.integers(10**9, 10**15, size=n).astype(np.uint64),
        weights=Csr.from_rows(w), bonds=Csr.from_rows(b),
        last_update=np.full(n, 1000, np.uint64), block_at_registration=np.zeros(n, np.uint64),
        current_block=1000, validator_permit=np.arange(n) < vals, max_allowed_validators=vals,
        yuma3_enabled=yuma3, liquid_alpha_enabled=liquid))
    assert inp.weights.values.size >= nb._PARALLEL_MIN_CELLS
    want = yuma.outputs_to_json(yuma._run_kernel(inp, 1))
    for parts in (2, 3):
        assert yuma.outputs_to_json(yuma._run_kernel(inp, parts)) == want
    assert yuma.outputs_to_json(yuma.epoch(inp, engine="reference")) == want


def _clean_py(ip: list, ix: list, vs: list, n: int) -> bool:
    rows_sorted = all(ix[e] > ix[e - 1] for i in range(len(ip) - 1)
                      for e in range(ip[i] + 1, ip[i + 1]))
    return rows_sorted and all(0 <= v <= 65535 for v in vs) and all(0 <= j < n for j in ix)


@pytest.mark.parametrize("seed", range(60))
def test_csr_clean_equals_its_definition(seed: int) -> None:
    """The reduction path's verdict itself (a wrong "not clean" would only cost time, so the
    search-agreement test above cannot see it): empty rows, rows starting below the previous
    row's end, a repeat or descent inside a row (also right after empty rows), n = 1."""
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.choice([1, 2, rng.integers(3, 30)]))
    rows = [np.sort(rng.choice(n, size=int(rng.choice([0, 0, 1, rng.integers(0, n + 1)])),
                               replace=False)) for _ in range(n)]
    ip = np.concatenate([[0], np.cumsum([r.size for r in rows])]).astype(np.int64)
    ix = np.concatenate(rows + [np.zeros(0)]).astype(np.int64)
    vs = rng.integers(0, 65536, size=ix.size).astype(np.int64)
    if seed % 3 == 1 and ix.size > 1:
        inner = [e for i in range(n) for e in range(ip[i] + 1, ip[i + 1])]
        if inner:
            e = int(rng.choice(inner))
            ix[e] = ix[e - 1] - int(rng.integers(0, 2))
    if seed % 3 == 2 and ix.size:
        e = int(rng.integers(ix.size))
        if rng.random() < 0.5:
            vs[e] = rng.choice([65536, -1])
        else:
            ix[e] = rng.choice([n, -1])
    want = _clean_py(ip.tolist(), ix.tolist(), vs.tolist(), n)
    assert bool(nb._csr_clean(ip, ix, vs, np.int64(n))) == want
