"""Balancer curve: ports of subtensor's `balancer.rs` tests plus exact hand checks."""

from __future__ import annotations

import pytest

from tensornet.amm.balancer import (
    ACCURACY,
    HALF_WEIGHT,
    MIN_WEIGHT,
    Balancer,
    _mul_perquintill_round,
    weights_are_valid,
)
from tensornet.amm.errors import ReservesOutOfBalance
from tensornet.amm.fixed import U64_MAX, U64F64, U64F64_ONE, perquintill_from_rational

U128_MAX = (1 << 128) - 1


def weight(num: int, den: int) -> Balancer:
    return Balancer(perquintill_from_rational(num, den))


def test_weight_bounds_follow_code_constant_not_header_comment() -> None:
    for bad in (0, 1, MIN_WEIGHT - 1, ACCURACY - MIN_WEIGHT + 1, ACCURACY):
        assert not weights_are_valid(bad)
    for good in (MIN_WEIGHT, HALF_WEIGHT, ACCURACY - MIN_WEIGHT, ACCURACY // 20):
        assert weights_are_valid(good)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (1023, 512), (1025, 513)],
)
def test_mul_perquintill_round_half(value: int, expected: int) -> None:
    assert _mul_perquintill_round(HALF_WEIGHT, value) == expected


def test_mul_perquintill_round_third_and_extremes() -> None:
    third = perquintill_from_rational(1, 3)
    assert [_mul_perquintill_round(third, v) for v in (3, 4, 5, 6)] == [1, 1, 2, 2]
    assert _mul_perquintill_round(0, 1_000_000) == 0
    assert _mul_perquintill_round(ACCURACY, 1_000_000) == 1_000_000
    assert _mul_perquintill_round(ACCURACY, U128_MAX) == U128_MAX
    v = 10**18
    assert _mul_perquintill_round(perquintill_from_rational(7, 10), v) == (v * 7 + 5) // 10


def test_price_equal_weights_is_exact_quotient() -> None:
    price = Balancer().calculate_price(2, 5)
    assert price == U64F64((5 << 64) // 2)
    assert Balancer().calculate_price(3, 7) == Balancer().calculate_price(30, 70)


def test_price_weight_ratio_two_to_one_and_general() -> None:
    assert abs(float(weight(1, 3).calculate_price(4, 10)) - 5.0) < 1e-10
    assert abs(float(weight(2, 5).calculate_price(9, 25)) - 1.5 * 25 / 9) < 1e-9
    big = weight(3, 10).calculate_price(21_000_000_000_000_000, 15_000_000_000_000_000)
    assert abs(float(big) - (7 / 3) * (15 / 21)) < 1e-9


def test_price_zero_cases() -> None:
    assert weight(3, 10).calculate_price(10, 0) == U64F64(0)
    assert Balancer().calculate_price(0, 10) == U64F64(0)  # safe_div by zero


@pytest.mark.parametrize(
    ("quote", "reserve", "delta", "base_quote", "expected"),
    [
        ((5, 10), 100_000, 100, True, 0.999000999000999),
        ((1, 4), 500_000, 5_000, True, 0.970590147927644),
        ((3, 4), 200_000, 2_000, False, 0.970590147927644),
        ((9, 10), 13_513_642, 1_673, False, 0.998886481979889),
        ((773, 1000), 7_000_000_000, 10_000, True, 0.999999580484586),
    ],
)
def test_exp_scaled_table(quote, reserve, delta, base_quote, expected) -> None:
    result = weight(*quote).exp_scaled(reserve, delta, base_quote)
    assert abs(float(result) - expected) <= 1e-9


W_QUOTES = [
    (500_000_000_000, 10**12),
    (500_000_000_001, 10**12),
    (499_999_999_999, 10**12),
    (500_000_000_100, 10**12),
    (500_000_010_000, 10**12),
    (501_000_000_000, 10**12),
    (510_000_000_000, 10**12),
    (100_000_000_000, 10**12),
    (100_000_000_001, 10**12),
    (300_000_000_000, 10**12),
    (600_000_000_000, 10**12),
    (899_999_999_999, 10**12),
    (900_000_000_000, 10**12),
    (102_337_248_363_782_924, 10**18),
]
YXD = [
    (1_000, 1_000, 0),
    (1_000, 1_000, 1),
    (1_500, 1_000, 1),
    (1_000_000_000_000, 100_000_000_000_000, 100_000_000),
    (100_000_000_000, 100_000_000_000_000, 1_000_000),
    (100_000_000_000, 100_000_000_000_000, 1_000_000_000_000),
    (1_000_000, 100_000_000_000_000, 1_000_000_000_000),
    (1_000, 100_000_000_000_000, 100_000_000_000_000),
    (10, 100_000_000_000_000, 100_000_000_000_000),
    (1_000_000_000, 4_000_000_000, 1_000_000_000_000),
    (1_000_000_000_000, 1_000, 1_000_000_000_000),
    (5_628_038_062_729_553, 400_775_553, 14_446_633_907_665_582),
]


@pytest.mark.parametrize("w_quote", W_QUOTES)
def test_exp_happy_path_against_floats(w_quote) -> None:
    """balancer.rs test_exp_base_quote_happy_path: y·(1 − e) within 0.001 rao (1 rao if huge)."""
    bal = weight(*w_quote)
    w1 = bal.base_weight / ACCURACY
    w2 = bal.quote_weight / ACCURACY
    for y, x, dx in YXD:
        e1 = bal.exp_base_quote(x, dx)
        e2 = bal.exp_quote_base(x, dx)
        dy1 = U64F64.from_int(y).saturating_mul(U64F64_ONE.saturating_sub(e1))
        dy2 = U64F64.from_int(y).saturating_mul(U64F64_ONE.saturating_sub(e2))
        if dx > x * 1_000:
            assert e1 <= U64F64_ONE and e2 <= U64F64_ONE
            continue
        exp1 = y * (1 - (x / (x + dx)) ** (w1 / w2))
        exp2 = y * (1 - (x / (x + dx)) ** (w2 / w1))
        eps1 = 1.0 if exp1 > 1e14 else 0.001
        eps2 = 1.0 if exp2 > 1e14 else 0.001
        assert abs(float(dy1) - exp1) <= eps1
        assert abs(float(dy2) - exp2) <= eps2


@pytest.mark.parametrize(
    ("x1", "dx1", "w1", "x2", "dx2", "w2"),
    [
        (21 * 10**15, 21 * 10**9, (10**12, 2 * 10**12), 21 * 10**15, 21 * 10**9, (10**12 + 1, 2 * 10**12)),
        (21 * 10**15, 21 * 10**9, (10**12, 2 * 10**12 + 1), 21 * 10**15, 21 * 10**9, (10**12, 2 * 10**12)),
        (21 * 10**15, 2, (10**12, 2 * 10**12), 21 * 10**15, 1, (10**12, 2 * 10**12)),
        (21 * 10**15, 1, (10**12, 2 * 10**12), 21 * 10**15, 1, (101 * 10**10, 2 * 10**12)),
        (21 * 10**15, 1, (10**12, 201 * 10**10), 21 * 10**15, 1, (10**12, 2 * 10**12)),
    ],
)
def test_exp_dy_precision_distinguishes_close_inputs(x1, dx1, w1, x2, dx2, w2) -> None:
    y = U64F64.from_int(1_000_000_000)
    dy1 = y.saturating_mul(U64F64_ONE.saturating_sub(weight(*w1).exp_base_quote(x1, dx1)))
    dy2 = y.saturating_mul(U64F64_ONE.saturating_sub(weight(*w2).exp_base_quote(x2, dx2)))
    assert dy1 > dy2 > U64F64(0)


def test_near_equal_weights_tiny_deltas_stay_in_unit_interval() -> None:
    reserve = 21_000_000_000_000_000
    for parts in (500_000_000_500_000_000, 499_999_999_500_000_000, 500_000_000_000_500_000):
        bal = Balancer(parts)
        for delta in (1, 100, 100_000):
            for e in (bal.exp_base_quote(reserve, delta), bal.exp_quote_base(reserve, delta)):
                assert U64F64(0) < e <= U64F64_ONE


def test_extreme_inputs_do_not_raise() -> None:
    for parts in (MIN_WEIGHT, HALF_WEIGHT, ACCURACY - MIN_WEIGHT):
        bal = Balancer(parts)
        for reserve, delta in [(0, 0), (0, 1), (1, 0), (1, 1), (1, U64_MAX), (U64_MAX, 0), (U64_MAX, U64_MAX)]:
            bal.exp_base_quote(reserve, delta)
            bal.exp_quote_base(reserve, delta)
            bal.exp_scaled(reserve, -delta, True)
            bal.get_base_needed_for_quote(reserve, reserve, delta)
        for price in (U64F64(0), U64F64_ONE, U64F64.from_int(U64_MAX)):
            for target in (U64F64(0), U64F64_ONE, U64F64.from_int(U64_MAX)):
                bal.calculate_quote_delta_in(price, target, U64_MAX)
                bal.calculate_base_delta_in(price, target, 1)


def test_calculate_quote_delta_in_exact() -> None:
    """balancer.rs: assert_eq!(dy, (1e9·((0.2/0.1)^0.75 − 1)) as u64) with w1 = 0.75."""
    bal = weight(250_000_000_000, 10**12)
    dy = bal.calculate_quote_delta_in(U64F64.from_float(0.1), U64F64.from_float(0.2), 10**9)
    assert dy == 681_792_830


def test_calculate_base_delta_in_exact() -> None:
    bal = weight(250_000_000_000, 10**12)
    dx = bal.calculate_base_delta_in(U64F64.from_float(0.2), U64F64.from_float(0.1), 10**9)
    assert dx == 189_207_115


def test_delta_in_impossible_direction_is_zero() -> None:
    bal = weight(250_000_000_000, 10**12)
    assert bal.calculate_quote_delta_in(U64F64.from_float(0.1), U64F64.from_float(0.05), 10**9) == 0
    assert bal.calculate_base_delta_in(U64F64.from_float(0.1), U64F64.from_float(0.2), 10**9) == 0


def test_delta_in_reaches_target_price() -> None:
    bal = Balancer()
    current, target = U64F64.from_float(0.1), U64F64.from_float(0.2)
    tao = 1_000_000_000
    alpha = 10_000_000_000
    dy = bal.calculate_quote_delta_in(current, target, tao)
    dx = int(alpha * (1 - tao / (tao + dy)))
    price = bal.calculate_price(alpha - dx, tao + dy)
    assert abs(float(price) - 0.2) <= 0.2 / 1e9


def test_base_needed_for_quote_exact() -> None:
    bal = weight(250_000_000_000, 10**12)
    assert bal.get_base_needed_for_quote(10**9, 10**9, 1_123_432) == 374_758


def test_added_liquidity_keeps_price_and_validates() -> None:
    bal = Balancer()
    moved = bal.with_added_liquidity(10**12, 4 * 10**12, 10**9, 0)
    assert moved.quote_weight > HALF_WEIGHT
    before = bal.calculate_price(4 * 10**12, 10**12)
    after = moved.calculate_price(4 * 10**12, 10**12 + 10**9)
    assert abs(float(after) - float(before)) <= float(before) / 1e12
    # proportional injection leaves the weights at exactly 0.5
    assert bal.with_added_liquidity(10**12, 4 * 10**12, 10**9, 4 * 10**9).quote_weight == HALF_WEIGHT
    with pytest.raises(ReservesOutOfBalance):
        bal.with_added_liquidity(1, 10**12, 10**15, 0)
    # zero reserves throughout: weights reset to 0.5
    assert Balancer(3 * 10**17).with_added_liquidity(0, 0, 0, 0).quote_weight == HALF_WEIGHT
