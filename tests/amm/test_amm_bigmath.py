"""pow_ratio_scaled against safe-bigmath's own expected values and exact rational arithmetic."""

from __future__ import annotations

from decimal import Decimal, getcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornet.amm.bigmath import _nth_root_floor, _round_to_precision, pow_ratio_scaled

PERQUINTILL = 10**18


def test_crate_perquintill_power_exact_path() -> None:
    # safe-bigmath test_perquintill_power and subtensor balancer test_perquintill_power
    x, delta = 21_000_000_000_000_000, 7_000_000_000_000_000
    for precision in (256, 4096):
        result = pow_ratio_scaled(x, x + delta, 6 * 10**17, 4 * 10**17, precision, PERQUINTILL)
        assert result == 649_519_052_838_328_985


@pytest.mark.parametrize(
    ("w1", "w2"),
    [
        (500_000_000_000_000_000, 500_000_000_000_000_000),
        (499_999_999_999_500_000, 500_000_000_000_500_000),
        (500_000_000_000_250_000, 499_999_999_999_750_000),
    ],
)
def test_crate_large_weight_denominators(w1: int, w2: int) -> None:
    # the last two take the ln/exp fallback path; all three agree to the last digit on chain
    result = pow_ratio_scaled(
        21_000_000_000_000_000, 21_000_000_000_000_100, w1, w2, 256, PERQUINTILL
    )
    assert result == 999_999_999_999_995_238


def test_crate_boundary_weights_fallback() -> None:
    result = pow_ratio_scaled(
        21_000_000_000_000_000,
        21_000_000_000_000_001,
        499_999_999_500_000_000,
        500_000_000_500_000_000,
        256,
        PERQUINTILL,
    )
    assert result == 999_999_999_999_999_952


def test_crate_doc_example() -> None:
    assert pow_ratio_scaled(2, 3, 1, 2, 0, 1_000) == 816


def test_crate_precision_floor_from_scale() -> None:
    args = (123_456_789, 987_654_321, 987_654_321_123_456_789, 123_456_789_987_654_321)
    coarse = pow_ratio_scaled(*args, 0, PERQUINTILL)
    precise = pow_ratio_scaled(*args, 256, PERQUINTILL)
    assert coarse is not None and precise is not None
    assert abs(precise - coarse) <= 1


def test_crate_small_base_fractional_exponent() -> None:
    result = pow_ratio_scaled(1, 10, 500_000_000_001, 1_000_000_000_000, 128, PERQUINTILL)
    expected = int((0.1**0.500000000001) * 1e18)
    assert result is not None and abs(result - expected) <= 128


def test_crate_exact_path_high_exponent_and_gcd_crafted() -> None:
    assert pow_ratio_scaled(999_999_999, 1_000_000_001, 1023, 1, 64, 1_000_000)  # > 0
    assert (
        pow_ratio_scaled(
            2_100_000_000_000_000_000_000_000,
            210_000_000_000_000_000_000_000,
            499,
            1_538_820_023,
            256,
            PERQUINTILL,
        )
        is not None
    )


def test_guards() -> None:
    assert pow_ratio_scaled(1, 0, 1, 1, 256, 10) is None
    assert pow_ratio_scaled(1, 1, 1, 0, 256, 10) is None
    assert pow_ratio_scaled(0, 5, 1, 3, 256, 10) == 0
    assert pow_ratio_scaled(3, 5, 0, 3, 256, 10) == 10
    assert pow_ratio_scaled(3, 5, 1, 3, 256, -1) is None


def test_round_to_precision_is_half_away_from_zero() -> None:
    guard = 16
    assert _round_to_precision(7, guard) == 0
    assert _round_to_precision(8, guard) == 1
    assert _round_to_precision(-8, guard) == -1
    assert _round_to_precision(-7, guard) == 0
    assert _round_to_precision(-24, guard) == -2


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**40), st.integers(1, 12))
def test_nth_root_floor(value: int, degree: int) -> None:
    root = _nth_root_floor(value, degree)
    assert root**degree <= value < (root + 1) ** degree


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 2**64 - 1),
    st.integers(1, 2**64 - 1),
    st.integers(1, 1024),
    st.integers(1, 8),
)
def test_exact_path_is_exact_floor(num: int, den: int, exp_num: int, exp_den: int) -> None:
    exp_num = min(exp_num, 16)
    result = pow_ratio_scaled(num, den, exp_num, exp_den, 256, PERQUINTILL)
    target = Fraction(num, den) ** exp_num * Fraction(PERQUINTILL) ** exp_den
    assert result is not None
    assert Fraction(result) ** exp_den <= target < Fraction(result + 1) ** exp_den


@settings(max_examples=150, deadline=None)
@given(
    st.integers(10**6, 2**64 // 1_001),
    st.integers(0, 10**9),
    st.integers(10**17, 9 * 10**17),
)
def test_fallback_path_is_within_a_few_units(x: int, per_million: int, w1: int) -> None:
    """Accurate where the pool uses it: weights in [0.1, 0.9] and Δ ≤ 1000·reserve (|ln| ≤ 62)."""
    dx = x * per_million // 10**6
    w2 = PERQUINTILL - w1
    result = pow_ratio_scaled(x, x + dx, w1, w2, 256, PERQUINTILL)
    getcontext().prec = 80
    exact = (Decimal(x) / Decimal(x + dx)) ** (Decimal(w1) / Decimal(w2)) * PERQUINTILL
    assert result is not None
    assert abs(Decimal(result) - exact) <= 2


def test_fallback_series_does_not_converge_for_extreme_arguments() -> None:
    """Like the crate: exp's Taylor series is capped at internal_precision + 128 terms, so for
    ln-arguments beyond roughly −100 the result is meaningless (here ~10^69 instead of ~0). The
    balancer then sees a value that does not fit u64 and uses a factor of 0, paying out the whole
    reserve; only pools with weights far from 0.5 can reach this."""
    x, dx, w1 = 1_072_253_842_893_202_896, 17_374_490_230_816_348_719, 986_185_108_820_291_414
    result = pow_ratio_scaled(x, x + dx, w1, PERQUINTILL - w1, 256, PERQUINTILL)
    assert result is not None and result > 2**64
