"""Ports of subtensor's math.rs tests that pin the fixed-point semantics the epoch relies on."""
from __future__ import annotations

import numpy as np
import pytest

from tensornet.consensus import fixed as fx
from tensornet.consensus import kernels as nb
from tensornet.consensus import reference


def fixed(x: float) -> int:
    """``I32F32::saturating_from_num(x as f32)`` (math.rs's ``fixed``)."""
    return round(float(np.float32(x)) * (1 << 32))


def test_bonds_moving_average_alpha() -> None:
    """test_math_fixed_overflow: 1 − 900_000/10^6 is exactly I32F32::from_num(0.1)."""
    assert fx.bonds_moving_average_alpha(900_000) == round(0.1 * 2**32)
    assert fx.bonds_moving_average_alpha(1_000_000) == 0


def test_u64_normalization() -> None:
    """test_math_u64_normalization: tiny stakes floor to 0 or the I32F32 ulp, halves are exact."""
    total = 21_000_000_000_000_000
    assert fx.normalize_stake([1, total - 1], None, 0, None)[0] == 0
    assert fx.normalize_stake([4_889_444, total - 4_889_444], None, 0, None)[0] == 1
    assert fx.normalize_stake([total // 2, total // 2], None, 0, None) == [fx.HALF, fx.HALF]
    assert fx.normalize_stake([total, 0], None, 0, None) == [fx.ONE, 0]


def test_exp_safe_clamps() -> None:
    """test_math_exp_safe: inputs beyond ±20 give exp(±20); the kernels agree."""
    one = fx.ONE
    lo, hi = fx.from_int(-20), fx.from_int(20)
    assert fx.exp_safe(0) == one
    assert fx.exp_safe(one) == fx.exp(one) == fx.E_I32F32
    for x, target in ((lo - one, fx.exp(lo)), (fx.I64_MIN, fx.exp(lo)),
                      (hi + one, fx.exp(hi)), (fx.I64_MAX, fx.exp(hi))):
        assert fx.exp_safe(x) == target
        assert nb.exp_safe(np.int64(x)) == target


@pytest.mark.parametrize("values,k,topk", [
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0, [False] * 10),
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5, [False] * 5 + [True] * 5),
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10, [True] * 10),
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 100, [True] * 10),
    ([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], 5, [True] * 5 + [False] * 5),
    ([9, 0, 8, 1, 7, 2, 6, 3, 5, 4], 5, [True, False] * 5),
    ([0, 1, 2, 3, 4, 5, 5, 5, 5, 6], 5, [False] * 5 + [True] * 5),
])
def test_is_topk_nonzero(values, k, topk) -> None:
    """test_math_is_topk, with the epoch's extra rule that a zero stake never gets a permit."""
    raw = [fx.from_int(v) for v in values]
    want = [t and v != 0 for t, v in zip(topk, values)]
    assert reference.is_topk_nonzero(raw, k) == want
    assert nb.is_topk_nonzero(np.array(raw, np.int64), np.int64(k)).tolist() == want


MEDIAN_CASES = [
    ([], [], 0.0),
    ([0.51], [1.0], 1.0),
    ([0.49, 0.51], [0.5, 1.0], 1.0),
    ([0.51, 0.49], [0.5, 1.0], 0.5),
    ([0.49, 0.0, 0.51], [0.5, 0.7, 1.0], 1.0),
    ([0.49, 0.01, 0.5], [0.5, 0.7, 1.0], 0.7),
    ([0.49, 0.51, 0.0], [0.5, 0.7, 1.0], 0.7),
    ([0.0, 0.49, 0.51], [0.5, 0.7, 1.0], 1.0),
    ([0.0, 0.49, 0.0, 0.51], [0.5, 0.5, 1.0, 1.0], 1.0),
    ([0.0, 0.49, 0.0, 0.51, 0.0], [0.5, 0.5, 1.0, 1.0, 0.5], 1.0),
    ([0.2] * 5, [0.8, 0.2, 1.0, 0.6, 0.4], 0.6),
    ([0.1] * 10, [0.8, 0.8, 0.2, 0.2, 1.0, 1.0, 0.6, 0.6, 0.4, 0.4], 0.6),
]


@pytest.mark.parametrize("stake,score,expected", MEDIAN_CASES)
def test_weighted_median(stake, score, expected) -> None:
    """test_math_weighted_median: the chain's cases, on the pivot search and on the kernel."""
    if len(stake) == 1:
        stake_raw = reference.normalize([fixed(s) for s in stake])
    else:
        stake_raw = [fixed(s) for s in stake]
    score_raw = [fixed(s) for s in score]
    minority = fx.ONE - fixed(0.51)
    total = sum(stake_raw)
    assert reference.weighted_median(stake_raw, score_raw, minority, total) == fixed(expected)
    m = len(score_raw)
    bv = np.zeros((3, max(m, 1)), np.int64)
    bs = np.zeros((3, max(m, 1)), np.int64)
    bv[0, :m] = score_raw
    bs[0, :m] = stake_raw
    got = nb._weighted_select(bv, bs, m, np.int64(minority))
    assert got == fixed(expected)


def test_proportion_to_u16() -> None:
    assert fx.proportion_to_u16(0) == 0
    assert fx.proportion_to_u16(fx.from_int(65535)) == 65535  # saturates
    assert fx.proportion_to_u16(fx.ONE) == 65535
    assert fx.proportion_to_u16(-fx.ONE) == 0
    assert fx.u16_proportion(0) == 0 and fx.u16_proportion(65535) == fx.ONE


@pytest.mark.parametrize("new,old,alpha,expected", [
    ([[(0, 1.0)]], [[(0, 2.0)]], [[0.5]], [[(0, 1.0)]]),
    ([[(0, 1.0), (1, 2.0)], [(0, 3.0), (1, 4.0)]], [[(0, 5.0), (1, 6.0)], [(0, 7.0), (1, 8.0)]],
     [[0.1, 0.2]] * 2, [[(0, 1.0), (1, 1.0)], [(0, 1.0), (1, 1.0)]]),
    ([[(0, 1.0)]], [[(0, 2.0)]], [[0.1, 0.0]], [[(0, 1.0)]]),
    ([[(0, 1.0)]], [[(0, 2.0)]], [[1.0, 0.0]], [[(0, 1.0)]]),
])
def test_mat_ema_alpha_sparse(new, old, alpha, expected) -> None:
    """test_mat_ema_alpha_sparse_*: results are clamped to 1 and follow the new rows."""
    conv = lambda m: [[(j, round(v * 2**32)) for j, v in r] for r in m]  # noqa: E731
    alphas = [[round(a * 2**32) for a in r] for r in alpha]
    assert reference.ema_alpha_sparse(conv(new), conv(old), alphas) == conv(expected)
