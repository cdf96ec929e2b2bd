"""SubtensorModule's use of the pool: limits, buy/sell flows, runtime-API simulations.

Tables are ported from `pallets/subtensor/src/tests/staking.rs` (mock MinimumReserve = 100) with
the chain's own tolerances; the small-pool rows are exact there and here.
"""

from __future__ import annotations

import pytest

from tensornet.amm import errors, staking_errors
from tensornet.amm.errors import AmmError
from tensornet.amm.fixed import U64_MAX
from tensornet.amm.pool import PoolState, spot_price, spot_price_rao
from tensornet.amm.staking import (
    SimSwapResult,
    alpha_for_tao,
    approx_fee_amount,
    buy,
    max_amount_add,
    max_amount_for_limit_price,
    max_amount_move,
    max_amount_remove,
    sell,
    sim_swap_alpha_for_tao,
    sim_swap_tao_for_alpha,
    swap_tao_for_alpha,
)

MOCK_MIN = 100
STABLE = PoolState(0, 0, mechanism=0)


def _outcome(fn, *args):
    try:
        return fn(*args, minimum_reserve=MOCK_MIN)
    except AmmError as error:
        return error.name


ADD_CASES = [
    (1_000_000_000, 1_000_000_000, 0, "PriceLimitExceeded"),
    (100, 100, 1_100_000_000, 4),
    (1_000, 1_000, 1_100_000_000, 48),
    (10_000, 10_000, 1_100_000_000, 488),
    (1_000_000, 1_000_000, 4_000_000_000, 1_000_500),
    (1_000_000, 1_000_000, 9_000_000_000, 2_001_000),
    (1_000_000, 1_000_000, 16_000_000_000, 3_001_500),
    (10**12, 10**12, 16_000_000_000, 3_001_500_000_000),
    (150 * 10**9, 10**11, 0, "PriceLimitExceeded"),
    (150 * 10**9, 10**11, 100_000_000, "PriceLimitExceeded"),
    (150 * 10**9, 10**11, 500_000_000, "PriceLimitExceeded"),
    (150 * 10**9, 10**11, 1_499_999_999, "PriceLimitExceeded"),
    (150 * 10**9, 10**11, 1_500_000_000, "PriceLimitExceeded"),
    (150 * 10**9, 10**11, 1_500_000_001, 49),
    (150 * 10**9, 10**11, 6_000_000_000, 150_075_000_000),
    (U64_MAX // 2, U64_MAX, U64_MAX, U64_MAX),
]


@pytest.mark.parametrize(("tao", "alpha", "limit", "expected"), ADD_CASES)
def test_max_amount_add_dynamic(tao: int, alpha: int, limit: int, expected) -> None:
    actual = _outcome(max_amount_add, PoolState(tao, alpha), limit)
    if isinstance(expected, str):
        assert actual == expected
    else:
        assert abs(actual - expected) <= expected // 10_000


REMOVE_CASES = [
    (0, 10**9, 100, "ReservesTooLow"),
    (10**9, 0, 100, "PriceLimitExceeded"),
    (10**10, 10**10, 0, 10**13),
    (1_000, 1_000, 0, 1_000_000),
    (1_001, 1_001, 0, 1_001_000),
    (1_001, 1_001, 1, 1_001_000),
    (1_001, 1_001, 2, 1_001_000),
    (1_001, 1_001, 1_001, 1_001_000),
    (1_001, 1_001, 10_000, 17_472),
    (1_001, 1_001, 100_000, 17_472),
    (1_001, 1_001, 1_000_000, 17_472),
    (1_001, 1_001, 10_000_000, 9_013),
    (1_001, 1_001, 100_000_000, 2_165),
    (10**6, 10**6, 250_000_000, 1_010_000),
    (10**6, 10**6, 62_500_000, 3_030_000),
    (10**12, 10**12, 62_500_000, 3_030_000_000_000),
    (2 * 10**11, 10**11, 0, 10**14),
    (2 * 10**11, 10**11, 500_000_000, 101_000_000_000),
    (2 * 10**11, 10**11, 125_000_000, 303_000_000_000),
    (2 * 10**11, 10**11, 2_000_000_000, "PriceLimitExceeded"),
    (2 * 10**11, 10**11, 2_000_000_001, "PriceLimitExceeded"),
    (2 * 10**11, 10**11, 1_999_999_999, 24),
    (2 * 10**11, 10**11, 1_999_999_990, 250),
    (21 * 10**15, 10**6, 21 * 10**15, 17_455_533),
    (21 * 10**15, 10**6, U64_MAX, 67_000),
    (21 * 10**15, 10**18, U64_MAX, "PriceLimitExceeded"),
    (21 * 10**15, 10**18, 20_000_000, 24_700_000_000_000_000),
    (21 * 10**15, 21 * 10**15, 999_999_999, 10_605_000),
    (21 * 10**15, 21 * 10**15, 0, U64_MAX),
]


@pytest.mark.parametrize(("tao", "alpha", "limit", "expected"), REMOVE_CASES)
def test_max_amount_remove_dynamic(tao: int, alpha: int, limit: int, expected) -> None:
    actual = _outcome(max_amount_remove, PoolState(tao, alpha), limit)
    if isinstance(expected, str):
        assert actual == expected
    else:
        assert abs(actual - expected) <= expected // 100


def test_small_pool_limits_are_exact() -> None:
    """Rows the chain's tolerance makes exact: these pin the rounding end to end."""
    assert max_amount_add(PoolState(100, 100), 1_100_000_000, MOCK_MIN) == 4
    assert max_amount_add(PoolState(150 * 10**9, 10**11), 1_500_000_001, MOCK_MIN) == 49
    assert max_amount_remove(PoolState(1_001, 1_001), 10_000, MOCK_MIN) == 17_472
    assert max_amount_remove(PoolState(2 * 10**11, 10**11), 1_999_999_990, MOCK_MIN) == 250
    assert max_amount_remove(PoolState(21 * 10**15, 10**6), 21 * 10**15, MOCK_MIN) == 17_455_533


@pytest.mark.parametrize(
    ("limit", "add", "remove"),
    [
        (0, 0, U64_MAX),
        (500_000_000, 0, U64_MAX),
        (999_999_999, 0, U64_MAX),
        (1_000_000_000, U64_MAX, U64_MAX),
        (1_000_000_001, U64_MAX, 0),
        (2_000_000_000, U64_MAX, 0),
    ],
)
def test_max_amounts_root_and_stable(limit: int, add: int, remove: int) -> None:
    assert max_amount_add(STABLE, limit) == add
    assert max_amount_remove(STABLE, limit) == remove
    assert max_amount_for_limit_price(STABLE, True, limit) == add
    # both legs stable: like remove (0 above 1.0, unlimited otherwise)
    assert max_amount_move(STABLE, STABLE, limit) == remove


MOVE_CASES = [
    (0, 10**9, 10**9, 10**9, 100, 0, 1),
    (10**9, 0, 10**9, 10**9, 100, 0, 1),
    (10**9, 10**9, 0, 10**9, 100, 0, 1),
    (10**9, 10**9, 10**9, 0, 100, 0, 1),
    (1, 1, 1, 1, 0, U64_MAX, 1),
    (1, 1, 1, 1, 1, 500_000_000, 1),
    (1, 1, 1, 1, 2, 250_000_000, 1),
    (1, 1, 1, 1, 3, 166_666_666, 1),
    (1, 1, 1, 1, 4, 125_000_000, 1),
    (1, 1, 1, 1, 1_000, 500_000, 1),
    (1_000, 1_000, 1_000, 1_000, 500_000_000, 500, 1),
    (1_000, 1_000, 1_000, 1_000, 100_000_000, 4_500, 1),
    (150 * 10**9, 10**11, 10**11, 10**11, 100_000_000, 560 * 10**9, 10**6),
    (150 * 10**9, 10**11, 10**11, 10**11, 500_000_000, 80 * 10**9, 10**6),
    (150 * 10**9, 10**11, 10**11, 10**11, 750_000_000, 40 * 10**9, 10**6),
    (150 * 10**9, 10**11, 10**11, 10**11, 10**9, 20 * 10**9, 1_000),
    (150 * 10**9, 10**11, 10**11, 10**11, 1_250_000_000, 8 * 10**9, 1_000),
    (150 * 10**9, 10**11, 10**11, 10**11, 1_499_999_999, 27, 1),
    (150 * 10**9, 10**11, 10**11, 10**11, 1_500_000_000, 0, 1),
    (150 * 10**9, 10**11, 10**11, 10**11, 1_500_000_001, 0, 1),
    (150 * 10**9, 10**11, 10**11, 10**11, 1_500_001_000, 0, 1),
    (150 * 10**9, 10**11, 10**11, 10**11, 2_000_000_000, 0, 1),
    (150 * 10**9, 10**11, 10**11, 10**11, U64_MAX, 0, 1),
    (10**11, 2 * 10**11, 3 * 10**11, 4 * 10**11, 500_000_000, 50 * 10**9, 1_000),
    (10**9, 10**9, 10**9, 10**9, 1, 499_999_999_500_000_000, 10**8),
    (10**6, 10**6, 21 * 10**15, 10**18, 1, 48 * 10**15, 10**15),
    (10**6, 10**6, 21 * 10**15, 10**18, U64_MAX, 0, 1),
]


@pytest.mark.parametrize(("t1", "a1", "t2", "a2", "limit", "expected", "precision"), MOVE_CASES)
def test_max_amount_move_dynamic_dynamic(t1, a1, t2, a2, limit, expected, precision) -> None:
    actual = max_amount_move(PoolState(t1, a1), PoolState(t2, a2), limit, MOCK_MIN)
    assert abs(actual - expected) <= precision


def test_max_amount_move_stable_dynamic() -> None:
    dynamic = PoolState(50 * 10**9, 100 * 10**9)  # price 0.5
    assert max_amount_move(STABLE, dynamic, 0) == U64_MAX
    for limit in (2_000_000_000, 3_000_000_000, U64_MAX, U64_MAX - 1, U64_MAX // 2):
        with pytest.raises(errors.PriceLimitExceeded):
            max_amount_move(STABLE, dynamic, limit, MOCK_MIN)
    expected = 50 * 10**9 + int(50 * 10**9 * 0.003)
    assert abs(max_amount_move(STABLE, dynamic, 500_000_000, MOCK_MIN) - expected) <= 5 * 10**8
    assert max_amount_move(STABLE, dynamic, 1_999_999_000, MOCK_MIN) > 0


def test_max_amount_move_dynamic_stable() -> None:
    dynamic = PoolState(150 * 10**9, 100 * 10**9)  # price 1.5
    assert max_amount_move(dynamic, STABLE, 0, MOCK_MIN) == 100 * 10**9 * 1_000
    for limit in (1, 2, 3, 1_499_999_999):
        assert max_amount_move(dynamic, STABLE, limit, MOCK_MIN) > 0
    with pytest.raises(errors.PriceLimitExceeded):
        max_amount_move(dynamic, STABLE, 1_500_000_001, MOCK_MIN)
    alpha = 100 * 10**9
    one_x = max_amount_move(dynamic, STABLE, 375_000_000, MOCK_MIN)
    assert abs(one_x - (alpha + alpha // 2_000)) <= alpha // 10_000
    for limit in (U64_MAX, U64_MAX - 1, U64_MAX // 2):  # unwrap_or(0) < 21e15 on chain
        outcome = _outcome(max_amount_move, dynamic, STABLE, limit)
        assert outcome == "PriceLimitExceeded" or outcome < 21 * 10**15


# ---------------------------------------------------------------- buy / sell flows


def test_add_stake_limit_partial_fill() -> None:
    """staking.rs test_add_stake_limit_ok: price 1.5, limit 24 → exactly 450 TAO execute, 75 alpha."""
    pool = PoolState(150 * 10**9, 100 * 10**9)
    fee = 226_710_634  # 450e9 · 33/65502, the fee re-grossed on the executed part
    assert max_amount_add(pool, 24 * 10**9) == 450 * 10**9 + fee
    result = buy(pool, 900 * 10**9, limit_price=24 * 10**9, allow_partial=True)
    assert result.requested == 900 * 10**9
    assert result.swap.amount_in == 450 * 10**9 + fee  # what leaves the coldkey
    assert result.swap.amount_paid_in == 450 * 10**9  # what SubnetTAO gains
    assert result.swap.amount_paid_out == 75 * 10**9
    assert result.swap.fee_paid == result.author_tao == fee
    assert result.swap.unexecuted == 0
    assert result.partial and result.not_executed == 900 * 10**9 - 450 * 10**9 - fee
    assert (result.pool.tao_reserve, result.pool.alpha_reserve) == (600 * 10**9, 25 * 10**9)
    assert spot_price_rao(result.pool) == 24 * 10**9


def test_add_stake_limit_fill_or_kill() -> None:
    pool = PoolState(150 * 10**9, 100 * 10**9)
    with pytest.raises(staking_errors.SlippageTooHigh):
        buy(pool, 900 * 10**9, limit_price=24 * 10**9, allow_partial=False)
    ok = buy(pool, 450 * 10**9, limit_price=24 * 10**9, allow_partial=False)
    assert not ok.partial and ok.swap.amount_in == 450 * 10**9


def test_remove_stake_limit_partial_fill() -> None:
    """staking.rs test_remove_stake_limit_ok: stake 300 TAO into 100/100, sell half at 99 % price."""
    staked = buy(PoolState(100 * 10**9, 100 * 10**9), 300 * 10**9)
    pool = staked.pool
    alpha = staked.swap.amount_paid_out
    limit = int(float(spot_price(pool)) * 990_000_000)
    result = sell(pool, alpha // 2, limit_price=limit, allow_partial=True)
    taken = result.swap.amount_in
    expected = int(0.00138 * 100 * 10**9)
    expected += int(expected * 0.003)
    assert abs(taken - expected) <= int(0.00138 * 100 * 10**9) // 10
    assert result.not_executed == alpha // 2 - taken
    assert result.swap.amount_paid_in + result.swap.fee_paid == taken
    with pytest.raises(staking_errors.SlippageTooHigh):
        sell(pool, alpha // 2, limit_price=limit, allow_partial=False)


def test_sell_fee_goes_to_author_through_a_second_swap() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    with_author = sell(pool, 10**9)
    first = with_author.swap
    assert first.fee_paid == 503_547 and first.amount_paid_out == 199_919_424
    fee_swap = with_author.fee_swap
    assert fee_swap is not None and fee_swap.fee_paid == 0
    assert fee_swap.amount_in == fee_swap.amount_paid_in == 503_547
    assert with_author.author_tao == fee_swap.amount_paid_out == 80_575
    assert with_author.pool.alpha_reserve == 4 * 10**9 + 10**9  # all alpha ends in the pool
    assert with_author.pool.tao_reserve == 10**9 - 199_919_424 - 80_575
    without = sell(pool, 10**9, author_present=False)
    assert without.fee_swap is None and without.author_tao == 0
    assert without.pool == first.pool  # fee alpha burned outside the pool


def test_buy_fee_never_enters_the_pool() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    result = buy(pool, 10**9)
    assert result.pool.tao_reserve == 10**9 + 10**9 - 503_547
    assert result.author_tao == 503_547
    assert buy(pool, 10**9, author_present=False).author_tao == 0


def test_buy_and_sell_guards() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    with pytest.raises(staking_errors.InsufficientLiquidity):
        buy(pool, 1_000 * 10**9 + 1)
    with pytest.raises(errors.SwapInputTooLarge):  # moves skip the staking pre-check
        buy(pool, 1_001 * 10**9, check_input_cap=False)
    with pytest.raises(staking_errors.InsufficientLiquidity):
        sell(pool, 4_000 * 10**9 + 1)
    with pytest.raises(staking_errors.AmountTooLow):
        buy(pool, 0)
    with pytest.raises(errors.PriceLimitExceeded):  # limit below the current price
        buy(pool, 10**9, limit_price=200_000_000)
    with pytest.raises(errors.PriceLimitExceeded):
        sell(pool, 10**9, limit_price=300_000_000)


def test_root_is_one_to_one_without_fee() -> None:
    root = PoolState(5 * 10**9, 5 * 10**9, mechanism=0)
    staked = buy(root, 10**9, limit_price=10**9)
    assert staked.swap.amount_paid_out == staked.swap.amount_paid_in == 10**9
    assert staked.swap.fee_paid == staked.author_tao == 0
    assert (staked.pool.tao_reserve, staked.pool.alpha_reserve) == (6 * 10**9, 4 * 10**9)
    unstaked = sell(root, 10**9)
    assert unstaked.swap.amount_paid_out == 10**9 and unstaked.author_tao == 0
    assert spot_price_rao(root) == 10**9
    assert alpha_for_tao(root, 123) == 123
    assert sim_swap_tao_for_alpha(root, 7) == SimSwapResult(7, 7, 0, 0, 0, 0)


# ---------------------------------------------------------------- runtime API simulations


def test_sim_swap_tao_for_alpha_hand_computed() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    assert sim_swap_tao_for_alpha(pool, 10**9) == SimSwapResult(
        tao_amount=999_496_453,
        alpha_amount=1_999_496_326,
        tao_fee=503_547,
        alpha_fee=0,
        tao_slippage=0,
        alpha_slippage=4 * 10**9 - 1_999_496_326,  # no-slippage alpha = 1 TAO / 0.25
    )


def test_sim_swap_alpha_for_tao_hand_computed() -> None:
    pool = PoolState(10**9, 4 * 10**9)
    assert sim_swap_alpha_for_tao(pool, 10**9) == SimSwapResult(
        tao_amount=199_919_424,
        alpha_amount=999_496_453,
        tao_fee=0,
        alpha_fee=503_547,
        tao_slippage=250_000_000 - 199_919_424,
        alpha_slippage=0,
    )


def test_sim_swap_errors_give_zeros() -> None:
    empty = PoolState(10**9, 10)
    assert sim_swap_tao_for_alpha(empty, 10**9) == SimSwapResult(0, 0, 0, 0, 0, 0)
    assert sim_swap_alpha_for_tao(PoolState(10, 10**9), 10**6) == SimSwapResult(0, 0, 0, 0, 0, 0)


def test_alpha_for_tao_and_fee() -> None:
    pool = PoolState(10**9, 3 * 10**9)
    # price bits = floor(2^64/3) = (2^64 − 1)/3, so 1 TAO / price is a hair above 3 alpha
    assert alpha_for_tao(pool, 10**9) == 3 * 10**9
    assert alpha_for_tao(PoolState(3 * 10**9, 10**9), 10**9) == 333_333_333
    assert approx_fee_amount(pool, 10**9) == 503_547


def test_add_stake_limit_rejects_input_over_swap_reserve_cap() -> None:
    pool = PoolState(1_000, 1_000_000_000)
    with pytest.raises(staking_errors.InsufficientLiquidity):
        buy(pool, 1_000 * 1_000 + 1, limit_price=10**15, minimum_reserve=MOCK_MIN)


def test_add_stake_limit_mainnet_case_price_limit_exceeded() -> None:
    """staking.rs: finney extrinsic 5338471-0009; the limit sits below the spot price."""
    pool = PoolState(5_032_494_439_940, 186_268_425_402_874)
    assert spot_price_rao(pool) > 26_953_618
    with pytest.raises(errors.PriceLimitExceeded):
        buy(pool, 19_980_000_000, limit_price=26_953_618, allow_partial=True)


def test_prohibitive_limits() -> None:
    pool = PoolState(100 * 10**9, 1_000 * 10**9)  # price 0.1
    probe = swap_tao_for_alpha(pool, 0, U64_MAX, simulate=True)  # "initialize" swap of 0
    assert probe.amount_paid_out == 0 and probe.fee_to_block_author == 0
    with pytest.raises(errors.PriceLimitExceeded):
        buy(pool, 100_000_000, limit_price=0)
    staked = buy(pool, 100_000_000, limit_price=U64_MAX)
    with pytest.raises(errors.PriceLimitExceeded):
        sell(staked.pool, staked.swap.amount_paid_out, limit_price=U64_MAX)
