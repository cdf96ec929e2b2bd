"""Hypothesis properties of the pool maths.

Two facts about the chain shape what is asserted (both hold on subtensor HEAD, not just here):
- The curve factor (y/(y+Δy))·10^18 is floored *before* 1 − e is taken, so a payout can exceed the
  real-valued curve output by a fraction of a rao (measured ≤ 0.1). Payouts are therefore
  checked against "exact curve + 1 rao", and trader-level value creation against whole rao.
- MinimumReserve is checked on the output reserve *before* a swap, so a large trade may leave it
  below 1,000,000 rao; what is guaranteed is that no swap starts below it and none drains a pool.
"""

from __future__ import annotations

import os
from dataclasses import replace
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tensornet.amm import errors, staking_errors
from tensornet.amm.balancer import ACCURACY
from tensornet.amm.errors import AmmError
from tensornet.amm.pool import (
    MAX_PRICE_RAO,
    MIN_PRICE_RAO,
    MINIMUM_RESERVE,
    Order,
    PoolState,
    inject_liquidity,
    limit_price_from_rao,
    spot_price,
    swap,
)
from tensornet.amm.staking import buy, max_amount_add, max_amount_remove, sell, sim_swap

_SCALE = int(os.environ.get("TNET_AMM_PROPERTY_SCALE", "1"))  # raise for a longer soak
SUPPLY = 21 * 10**15
MIN_STAKE = 2_000_000

reserves = st.one_of(
    st.integers(MINIMUM_RESERVE, 10**12), st.integers(MINIMUM_RESERVE, SUPPLY)
)
weights = st.one_of(
    st.just(ACCURACY // 2), st.integers(ACCURACY // 10, 9 * ACCURACY // 10)
)


@st.composite
def pools(draw: st.DrawFn, weighted: bool = True) -> PoolState:
    quote = draw(weights) if weighted else ACCURACY // 2
    return PoolState(draw(reserves), draw(reserves), quote_weight=quote, initialized=True)


def _market(order: Order):
    return limit_price_from_rao(MAX_PRICE_RAO if order is Order.BUY else MIN_PRICE_RAO)


@settings(max_examples=300 * _SCALE, deadline=None)
@given(pools(weighted=False), st.integers(0, 10**15), st.sampled_from(list(Order)), st.booleans())
def test_payout_never_exceeds_curve_by_a_rao(pool: PoolState, amount: int, order: Order, drop: bool) -> None:
    try:
        result = swap(pool, order, amount, _market(order), drop)
    except AmmError:
        return
    buying = order is Order.BUY
    reserve_in = pool.tao_reserve if buying else pool.alpha_reserve
    reserve_out = pool.alpha_reserve if buying else pool.tao_reserve
    exact = Fraction(reserve_out * result.amount_paid_in, reserve_in + result.amount_paid_in)
    assert result.amount_paid_out < exact + 1
    assert result.amount_paid_in + result.fee_paid + result.unexecuted == amount
    if drop:
        assert result.fee_paid == 0
    # x·y may shrink only by the sub-rao overshoot above: less than one rao of output
    new_k = result.pool.tao_reserve * result.pool.alpha_reserve
    assert new_k + (reserve_in + result.amount_paid_in) > pool.tao_reserve * pool.alpha_reserve


@settings(max_examples=200 * _SCALE, deadline=None)
@given(pools(), st.integers(MIN_STAKE, 10**14))
def test_buy_then_sell_never_profits(pool: PoolState, tao: int) -> None:
    try:
        bought = buy(pool, tao)
        sold = sell(bought.pool, bought.swap.amount_paid_out)
    except AmmError:
        return
    assert sold.swap.amount_paid_out <= tao
    assert sold.swap.amount_paid_out + sold.author_tao + bought.author_tao <= tao + 1


@settings(max_examples=200 * _SCALE, deadline=None)
@given(pools(), st.integers(MIN_STAKE, 10**14))
def test_sell_then_buy_never_profits(pool: PoolState, alpha: int) -> None:
    try:
        sold = sell(pool, alpha)
        bought = buy(sold.pool, sold.swap.amount_paid_out)
    except AmmError:
        return
    assert bought.swap.amount_paid_out <= alpha


trades = st.lists(
    st.tuples(st.booleans(), st.integers(1, 1_000), st.integers(MIN_STAKE, 10**13)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150 * _SCALE, deadline=None)
@given(pools(), trades)
def test_no_sequence_of_trades_creates_value(pool: PoolState, ops) -> None:
    """A trader who ends flat in alpha never holds more TAO than at the start."""
    start_tao = tao = 10**15
    alpha = 0
    for is_buy, per_mille, size in ops:
        try:
            if is_buy:
                amount = min(size, tao)
                result = buy(pool, amount)
                tao -= result.swap.amount_in
                alpha += result.swap.amount_paid_out
            else:
                amount = alpha * per_mille // 1_000
                if amount == 0:
                    continue
                result = sell(pool, amount)
                alpha -= result.swap.amount_paid_in + result.swap.fee_paid
                tao += result.swap.amount_paid_out
        except AmmError:
            continue
        pool = result.pool
        if pool.quote_weight == ACCURACY // 2:  # skewed weights can be emptied (chain behaviour)
            assert pool.tao_reserve > 0 and pool.alpha_reserve > 0
    if alpha:
        try:
            tao += sell(pool, alpha).swap.amount_paid_out
        except AmmError:
            pass  # the alpha is worth nothing to the trader; that only lowers the total
    assert tao <= start_tao


@settings(max_examples=300 * _SCALE, deadline=None)
@given(pools(weighted=False), st.integers(0, SUPPLY), st.sampled_from(list(Order)))
def test_no_swap_starts_below_minimum_reserve_or_drains_a_pool(pool: PoolState, amount: int, order: Order) -> None:
    """Weights 0.5 only: with skewed weights the chain's factor floors to 0 and a huge trade
    can empty the output reserve (see test_skewed_weights_can_drain_like_the_chain)."""
    buying = order is Order.BUY
    low = pool._replace(alpha_reserve=MINIMUM_RESERVE - 1) if buying else pool._replace(
        tao_reserve=MINIMUM_RESERVE - 1
    )
    try:
        swap(low, order, amount, _market(order))
        raise AssertionError("a swap started below MinimumReserve")
    except (errors.ReservesTooLow, errors.SwapInputTooLarge, errors.PriceLimitExceeded):
        pass
    try:
        result = swap(pool, order, amount, _market(order))
    except AmmError:
        return
    reserve_out = pool.alpha_reserve if buying else pool.tao_reserve
    left = result.pool.alpha_reserve if buying else result.pool.tao_reserve
    assert left > 0 and left >= reserve_out // 1_002


@settings(max_examples=200 * _SCALE, deadline=None)
@given(pools(), st.integers(1, 10**15), st.integers(1, 40), st.sampled_from(list(Order)))
def test_limit_fills_stop_at_the_limit(pool: PoolState, amount: int, percent: int, order: Order) -> None:
    buying = order is Order.BUY
    price = spot_price(pool)
    bits = price.bits * (100 + percent) // 100 if buying else price.bits * (100 - percent) // 100
    limit = replace(price, bits=bits)
    try:
        result = swap(pool, order, amount, limit)
    except AmmError:
        return
    after = spot_price(result.pool)
    tolerance = Fraction(1, 10**9)
    if buying:
        assert after.to_fraction() <= limit.to_fraction() * (1 + tolerance)
    else:
        assert after.to_fraction() >= limit.to_fraction() * (1 - tolerance)
    if result.partial:  # a partial fill lands on the limit, up to rao rounding of the reserves
        smallest = min(result.pool.tao_reserve, result.pool.alpha_reserve)
        slack = Fraction(100, smallest) + Fraction(1, 10**9)  # w1/w2 ≤ 9 amplifies one rao
        assert abs(after.to_fraction() / limit.to_fraction() - 1) <= slack


@settings(max_examples=150 * _SCALE, deadline=None)
@given(pools(), st.integers(1, 10**14), st.booleans())
def test_simulation_matches_execution(pool: PoolState, amount: int, buying: bool) -> None:
    order = Order.BUY if buying else Order.SELL
    try:
        executed = swap(pool, order, amount, _market(order))
    except AmmError as error:
        try:
            sim_swap(pool, buying, amount)
        except AmmError as sim_error:
            assert type(sim_error) is type(error)
            return
        raise AssertionError("simulation succeeded where execution failed") from error
    assert sim_swap(pool, buying, amount) == executed


@settings(max_examples=150 * _SCALE, deadline=None)
@given(pools(), st.integers(0, 10**14), st.integers(0, 10**14))
def test_injection_keeps_the_price(pool: PoolState, tao: int, alpha: int) -> None:
    before = spot_price(pool).to_fraction()
    injected = inject_liquidity(pool, tao, alpha)
    after = spot_price(injected.pool).to_fraction()
    refused = (tao or alpha) and not (injected.tao_added or injected.alpha_added)
    if refused:  # weights would leave [0.01, 0.99]: nothing changes
        assert injected.pool == pool
    else:  # even a (0, 0) injection re-rounds the weights, as adjust_protocol_liquidity does
        # the price is a U64F64: besides 1e-9 relative, allow a few units of its last place
        # (tiny prices such as 5e-11 have only ~1e-9 relative resolution)
        resolution = Fraction(4, 2**64) / before
        assert abs(after / before - 1) <= Fraction(1, 10**9) + resolution


@settings(max_examples=100 * _SCALE, deadline=None)
@given(pools(), st.integers(101, 400), st.booleans())
def test_max_amount_executes_up_to_the_limit(pool: PoolState, percent: int, buying: bool) -> None:
    price = spot_price(pool)
    bits = price.bits * percent // 100 if buying else price.bits * 10_000 // (percent * 100)
    limit_rao = (bits * 10**9) >> 64
    assume(limit_rao > 0)
    try:
        if buying:
            cap = max_amount_add(pool, limit_rao)
            result = buy(pool, cap, limit_price=limit_rao, allow_partial=False)
        else:
            cap = max_amount_remove(pool, limit_rao)
            result = sell(pool, cap, limit_price=limit_rao, allow_partial=False)
    except (errors.PriceLimitExceeded, staking_errors.InsufficientLiquidity, errors.ReservesTooLow):
        return
    # taking exactly the cap is never refused as slippage and leaves at most rounding dust
    assert result.swap.amount_in == cap
    assert result.not_executed <= 2


def test_skewed_weights_can_drain_like_the_chain() -> None:
    """Quote weight 0.1: (x/(x+Δx))^9 floors to 0 at 10^18 scale, so the whole TAO reserve pays out."""
    pool = PoolState(10**9, 10**9, quote_weight=ACCURACY // 10, initialized=True)
    result = swap(pool, Order.SELL, 999 * 10**9, limit_price_from_rao(0))
    assert result.amount_paid_out == 10**9 and result.pool.tao_reserve == 0


@settings(max_examples=100 * _SCALE, deadline=None)
@given(pools(), trades, st.booleans())
def test_tao_and_alpha_are_conserved(pool: PoolState, ops, author_present: bool) -> None:
    """staking.rs test_swap_fees_tao_correctness, generalised: trader + SubnetTAO + author (+ limit
    dust left in the subnet account) is constant to the rao, and so is alpha (+ burned fees)."""
    tao, alpha, author, dust, burned = 10**15, 0, 0, 0, 0
    total_tao = tao + pool.tao_reserve
    total_alpha = pool.alpha_reserve
    for is_buy, per_mille, size in ops:
        try:
            if is_buy:
                result = buy(pool, min(size, tao), author_present=author_present)
                tao -= result.swap.amount_in
                alpha += result.swap.amount_paid_out
                dust += result.swap.unexecuted
                author += result.author_tao
                burned_tao = result.swap.fee_to_block_author - result.author_tao
                dust += burned_tao  # burned from the subnet account: count it as gone
            else:
                amount = alpha * per_mille // 1_000
                if amount == 0:
                    continue
                result = sell(pool, amount, author_present=author_present)
                alpha -= result.swap.amount_paid_in + result.swap.fee_paid
                tao += result.swap.amount_paid_out
                author += result.author_tao
                if not author_present:
                    burned += result.swap.fee_to_block_author
        except AmmError:
            continue
        pool = result.pool
        assert tao + pool.tao_reserve + author + dust == total_tao
        assert alpha + pool.alpha_reserve + burned == total_alpha
