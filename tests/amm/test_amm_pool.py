"""Swap pallet behaviour: ports of `pallets/swap/src/pallet/tests.rs` and hand-computed swaps.

The swap pallet's mock uses MinimumReserve = 1 (the runtime uses 1_000_000), so the ported cases
pass minimum_reserve=1.
"""

from __future__ import annotations

import pytest

from tensornet.amm import errors
from tensornet.amm.balancer import HALF_WEIGHT
from tensornet.amm.fixed import U64_MAX, U64F64, perquintill_from_rational
from tensornet.amm.pool import (
    MAX_FEE_RATE,
    MAX_PRICE_RAO,
    MIN_PRICE_RAO,
    Order,
    PoolState,
    _convert,
    check_fee_rate,
    fee_amount,
    initialize,
    inject_liquidity,
    limit_price_from_rao,
    spot_price,
    spot_price_rao,
    swap,
)

MOCK_MIN_RESERVE = 1
MIN_PRICE = U64F64.from_int(MIN_PRICE_RAO).safe_div(U64F64.from_int(10**9))
MAX_PRICE = U64F64.from_int(MAX_PRICE_RAO).safe_div(U64F64.from_int(10**9))
ONE = 1 << 64


# ---------------------------------------------------------------- hand-computed exact cases


def test_fee_is_floor_of_truncated_rate() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    rate_bits = (33 << 64) // 65_535  # U64F64(33) / U64F64(65535), truncated
    for amount in (0, 1, 1_985, 1_986, 10**9, 21 * 10**15):
        assert fee_amount(pool, amount) == (amount * rate_bits) >> 64
    assert fee_amount(pool, 10**9) == 503_547  # 10^9 · 33/65535 = 503547.7…
    # the rate is truncated to 64 fractional bits first, so exact multiples of 65535 lose a rao
    # against the spec's floor(amount · 33/65535): the chain charges 32 on 65535, not 33
    assert fee_amount(pool, 65_535) == 32
    assert fee_amount(pool, 65_535_000) == 32_999
    assert (fee_amount(pool, 1_985), fee_amount(pool, 1_986)) == (0, 1)
    assert fee_amount(pool, 10**9, drop_fees=True) == 0
    assert fee_amount(PoolState(10**9, 10**9, mechanism=0), 10**9) == 0


def test_buy_hand_computed() -> None:
    """1 TAO into y = 1 TAO, x = 4 alpha (price 0.25): Uniswap-v2 with the chain's truncations."""
    pool = PoolState(10**9, 4 * 10**9)
    result = swap(pool, Order.BUY, 10**9, MAX_PRICE)
    fee = 503_547
    net = 10**9 - fee  # 999_496_453
    ratio = (10**9 * 10**18) // (10**9 + net)  # (y/(y+Δy)) · 10^18, floored
    factor = (ratio << 64) // 10**18  # as U64F64
    alpha_out = (4 * 10**9 * (ONE - factor)) >> 64
    assert alpha_out == 1_999_496_326  # real value 1_999_496_326.188…, floored
    assert result.amount_paid_in == net
    assert result.amount_paid_out == alpha_out
    assert result.fee_paid == result.fee_to_block_author == fee
    assert result.pool.tao_reserve == 10**9 + net == 1_999_496_453
    assert result.pool.alpha_reserve == 4 * 10**9 - alpha_out == 2_000_503_674
    assert result.pool.initialized and not result.partial


def test_sell_hand_computed() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    result = swap(pool, Order.SELL, 10**9, MIN_PRICE)
    net = 10**9 - 503_547
    ratio = (4 * 10**9 * 10**18) // (4 * 10**9 + net)
    factor = (ratio << 64) // 10**18
    tao_out = (10**9 * (ONE - factor)) >> 64
    assert tao_out == 199_919_424  # real value 199_919_424.67…, floored
    assert result.amount_paid_out == tao_out
    assert result.pool.tao_reserve == 10**9 - tao_out
    assert result.pool.alpha_reserve == 4 * 10**9 + net


def test_buy_to_limit_hand_computed() -> None:
    """y = 150, x = 100 (price 1.5) with a limit of 24: exactly Δy = y·(√(24/1.5) − 1) = 450 TAO."""
    pool = PoolState(150 * 10**9, 100 * 10**9)
    result = swap(pool, Order.BUY, 900 * 10**9, limit_price_from_rao(24 * 10**9))
    assert result.amount_paid_in == 450 * 10**9
    assert result.amount_paid_out == 75 * 10**9  # 100 − 100·150/600
    # fee recomputed on the executed part: Δ·33/(65535 − 33), truncated twice
    assert result.fee_paid == (450 * 10**9 * ((33 << 64) // 65_502)) >> 64 == 226_710_634
    assert result.partial and result.unexecuted == 900 * 10**9 - 450 * 10**9 - 226_710_634
    assert spot_price(result.pool) == U64F64.from_int(24)


def test_sell_to_limit_moves_price_to_limit() -> None:
    pool = PoolState(100 * 10**9, 100 * 10**9)
    limit = limit_price_from_rao(990_000_000)
    result = swap(pool, Order.SELL, 50 * 10**9, limit)
    assert result.partial
    after = spot_price(result.pool)
    assert after >= limit  # never past the limit
    assert float(after) - 0.99 < 1e-9
    # Δx = x·(√(p/p') − 1): 100·(1/√0.99 − 1) alpha
    assert abs(result.amount_paid_in - 100 * 10**9 * (0.99**-0.5 - 1)) < 2


def test_spot_price_and_rao() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    assert spot_price(pool) == U64F64(ONE // 4)
    assert spot_price_rao(pool) == 250_000_000
    assert spot_price_rao(PoolState(10**9, 3 * 10**9)) == 333_333_333  # floored
    assert spot_price(PoolState(10**9, 0)) == U64F64(0)
    assert spot_price(PoolState(5, 7, mechanism=0)) == U64F64(ONE)
    # weights 0.25/0.75 (quote 0.75): price = (0.25/0.75)·y/x
    pool = PoolState(3 * 10**9, 10**9, quote_weight=perquintill_from_rational(3, 4))
    assert abs(float(spot_price(pool)) - 1.0) < 1e-15


def test_initialization_resets_weights_on_first_swap() -> None:
    """PalSwapInitialized false: the first swap installs weights 0.5 before pricing."""
    pool = PoolState(10**9, 10**9, quote_weight=perquintill_from_rational(6, 10))
    assert float(spot_price(pool)) == pytest.approx(2 / 3)
    result = swap(pool, Order.BUY, 10**6, MAX_PRICE)
    assert result.pool.quote_weight == HALF_WEIGHT and result.pool.initialized
    kept = swap(PoolState(10**9, 10**9, quote_weight=perquintill_from_rational(6, 10), initialized=True), Order.BUY, 10**6, MAX_PRICE)
    assert kept.pool.quote_weight == perquintill_from_rational(6, 10)


# ---------------------------------------------------------------- guards


def test_guard_order_and_errors() -> None:
    pool = PoolState(2_000_000, 999_999)
    with pytest.raises(errors.ReservesTooLow):  # alpha reserve below MinimumReserve
        swap(pool, Order.BUY, 10**6, MAX_PRICE)
    swap(pool, Order.SELL, 10**6, MIN_PRICE)  # TAO side is fine
    with pytest.raises(errors.SwapInputTooLarge):  # checked before ReservesTooLow
        swap(pool, Order.BUY, 3 * 10**9, MAX_PRICE)
    with pytest.raises(errors.PriceLimitExceeded):  # price must be strictly below a buy limit
        swap(PoolState(10**9, 10**9), Order.BUY, 10**6, U64F64(ONE))
    with pytest.raises(errors.PriceLimitExceeded):
        swap(PoolState(10**9, 10**9), Order.SELL, 10**6, U64F64(ONE))


def test_zero_output_for_nonzero_input_is_reserves_too_low() -> None:
    pool = PoolState(10**9, 10**6)  # price 1000: 1 rao of TAO buys nothing
    with pytest.raises(errors.ReservesTooLow):
        swap(pool, Order.BUY, 1, MAX_PRICE)
    zero = swap(pool, Order.BUY, 0, MAX_PRICE)
    assert zero.amount_paid_out == 0 and zero.fee_to_block_author == 0


@pytest.mark.parametrize("order", [Order.SELL, Order.BUY])
def test_swap_rejects_input_over_1000x_input_reserve(order: Order) -> None:
    pool = PoolState(1_000, 1_000)
    limit = MIN_PRICE if order is Order.SELL else MAX_PRICE
    with pytest.raises(errors.SwapInputTooLarge):
        swap(pool, order, 1_000_001, limit, drop_fees=True, minimum_reserve=MOCK_MIN_RESERVE)
    with pytest.raises(errors.SwapInputTooLarge):  # with fees: net 1_000_496 > 1_000_000
        swap(pool, order, 1_001_000, limit, simulate=True, minimum_reserve=MOCK_MIN_RESERVE)
    swap(pool, order, 1_000_000, limit, drop_fees=True, simulate=True, minimum_reserve=MOCK_MIN_RESERVE)


@pytest.mark.parametrize(("tao", "alpha", "amount"), [(1_000, 1_000, 999_500), (10**6, 10**6, 999_500_000)])
def test_swap_precision_edge_case(tao: int, alpha: int, amount: int) -> None:
    pool = PoolState(tao, alpha)
    result = swap(pool, Order.SELL, amount, MIN_PRICE, simulate=True, minimum_reserve=MOCK_MIN_RESERVE)
    assert result.amount_paid_out > 0


def test_simulation_equals_execution() -> None:
    """tests.rs test_rollback_works (mock default reserves 1e12 / 4e12)."""
    pool = PoolState(10**12, 4 * 10**12)
    limit = U64F64.from_int(U64_MAX)
    assert swap(pool, Order.BUY, 10**6, limit, simulate=True) == swap(pool, Order.BUY, 10**6, limit)


# ---------------------------------------------------------------- ports with float tolerances


@pytest.mark.parametrize(
    ("order", "amount"),
    [
        (Order.BUY, 1_000),
        (Order.BUY, 2_000),
        (Order.BUY, 123_456),
        (Order.SELL, 1_000),
        (Order.SELL, 2_000),
        (Order.SELL, 123_456),
        (Order.BUY, 1_000_000_000),
        (Order.BUY, 10_000_000_000),
    ],
)
def test_swap_basic(order: Order, amount: int) -> None:
    pool = PoolState(1_000_000_000, 4_000_000_000)
    buying = order is Order.BUY
    limit = U64F64.from_float(1000.0 if buying else 0.0001)
    expected_fee = int(amount * (33 / 65535))
    x, y = 4e9, 1e9
    net = amount - expected_fee
    expected_out = x * (1 - y / (y + net)) if buying else y * (1 - x / (x + net))
    result = swap(pool, order, amount, limit, minimum_reserve=MOCK_MIN_RESERVE)
    assert abs(result.amount_paid_out - int(expected_out)) <= 1
    assert abs(result.amount_paid_in - net) <= 1
    assert (spot_price(result.pool) >= spot_price(pool)) == buying


CONVERT_CASES = [
    (tao, alpha, w, d)
    for w in (0.5, 0.50000001, 0.49999999, 0.1, 0.9)
    for tao, alpha in ((1500, 1000), (1, 1_000_000), (1_000_000, 1))
    for d in (1, 10_000, 1_000_000, U64_MAX)
]


@pytest.mark.parametrize(("tao", "alpha", "w_quote", "delta"), CONVERT_CASES)
def test_convert_deltas(tao: int, alpha: int, w_quote: float, delta: int) -> None:
    quote = perquintill_from_rational(int(w_quote * 1e9), int(1e9))
    pool = PoolState(tao, alpha, quote_weight=quote, initialized=True)
    y, x, d = float(tao), float(alpha), float(delta)
    expected_sell = y * (1 - (x / (x + d)) ** ((1 - w_quote) / w_quote))
    expected_buy = x * (1 - (y / (y + d)) ** (w_quote / (1 - w_quote)))
    assert abs(_convert(pool, False, delta) - int(expected_sell)) <= 2
    assert abs(_convert(pool, True, delta) - int(expected_buy)) <= 2


INJECTIONS = [
    (0, 0), (0, 1), (1, 0), (1, 1), (0, 10), (10, 0), (10, 10), (0, 100), (100, 0), (100, 100),
    (0, 1_000), (1_000, 0), (1_000, 1_000), (10**6, 0), (0, 10**6), (10**6, 10**6),
    (10**9, 0), (0, 10**9), (10**9, 10**9), (10**12, 0), (0, 10**12), (10**12, 10**12),
    (1, 2), (2, 1), (10, 20), (20, 10), (100, 200), (200, 100), (1_000, 2_000), (2_000, 1_000),
    (10**6, 2 * 10**6), (2 * 10**6, 10**6), (10**9, 2 * 10**9), (2 * 10**9, 10**9),
    (10**12, 2 * 10**12), (2 * 10**12, 10**12), (1_234_567, 2_432_765), (1_234_567, 2_432_765_890),
]


@pytest.mark.parametrize(("tao_delta", "alpha_delta"), INJECTIONS)
def test_injection_keeps_price(tao_delta: int, alpha_delta: int) -> None:
    """tests.rs test_adjust_protocol_liquidity_happy."""
    pool = PoolState(10**12, 4 * 10**12, initialized=True)
    before = float(spot_price(pool))
    injected = inject_liquidity(pool, tao_delta, alpha_delta)
    assert (injected.tao_added, injected.alpha_added) == (tao_delta, alpha_delta)
    assert injected.pool.tao_reserve == 10**12 + tao_delta
    assert injected.pool.alpha_reserve == 4 * 10**12 + alpha_delta
    assert abs(float(spot_price(injected.pool)) - before) <= before / 1e12
    new_tao, new_alpha = float(10**12 + tao_delta), float(4 * 10**12 + alpha_delta)
    expected_weight = new_tao / (new_alpha * before + new_tao)
    actual = injected.pool.quote_weight / 10**18
    assert abs((expected_weight - 0.5) - (actual - 0.5)) <= expected_weight / 1e12


@pytest.mark.parametrize(("tao_delta", "alpha_delta"), INJECTIONS)
def test_injection_into_zero_alpha(tao_delta: int, alpha_delta: int) -> None:
    """tests.rs test_adjust_protocol_liquidity_zero_alpha: weights stay 0.5; price becomes y/x."""
    pool = PoolState(10**12, 0)
    assert spot_price(pool) == U64F64(0)
    injected = inject_liquidity(pool, tao_delta, alpha_delta)
    assert injected.pool.quote_weight == HALF_WEIGHT
    if alpha_delta == 0:
        assert injected.tao_added == tao_delta and spot_price(injected.pool) == U64F64(0)
    else:
        # re-weighting would need weight 0: the chain adds nothing and logs a warning
        assert (injected.tao_added, injected.alpha_added) == (0, 0)
        assert injected.pool == pool
        mock_reserves = PoolState(10**12 + tao_delta, alpha_delta)  # the pallet test's mock
        assert float(spot_price(mock_reserves)) == (10**12 + tao_delta) / alpha_delta


def test_initialize_with_price() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    assert initialize(pool).quote_weight == HALF_WEIGHT
    priced = initialize(pool, U64F64.from_int(1).safe_div(U64F64.from_int(5)))
    assert priced.initialized
    assert abs(float(spot_price(priced)) - 0.2) <= 1e-9
    sqrt_price = U64F64.from_float(1.23)
    migrated = initialize(pool, sqrt_price.saturating_mul(sqrt_price))
    assert abs(float(spot_price(migrated)) - 1.23 * 1.23) <= 0.1
    with pytest.raises(errors.ReservesOutOfBalance):  # weight would fall below 0.01
        initialize(PoolState(1, 10**12), U64F64.from_int(1))
    with pytest.raises(errors.ReservesOutOfBalance):
        initialize(PoolState(0, 0), U64F64.from_int(1))
    assert initialize(priced, U64F64.from_int(7)) is priced  # already initialised: no-op


def test_fee_rate_bound() -> None:
    assert check_fee_rate(MAX_FEE_RATE) == 10_000
    with pytest.raises(errors.FeeRateTooHigh):
        check_fee_rate(MAX_FEE_RATE + 1)
    pool = PoolState(10**9, 10**9, fee_rate=500)  # tests.rs test_set_fee_rate: 500 ≈ 0.76 %
    assert fee_amount(pool, 10**9) == 7_629_510
