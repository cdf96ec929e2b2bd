"""The integer-only swap path gives the U64F64-object path's results to the bit.

``reference_swap`` is the swap maths as first written with ``U64F64`` objects. The hot path
(``pool.swap`` and the staking helpers) works on raw ints; these tests compare the two on many
pools, weights, amounts, limits and fee settings, results and raised errors alike.
"""

from __future__ import annotations

import reference_swap as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornet.amm.balancer import ACCURACY, Balancer
from tensornet.amm.errors import AmmError
from tensornet.amm.fixed import U64F64, fx_div, fx_from_int, fx_mul, fx_to_u64
from tensornet.amm.pool import (
    MAX_PRICE_RAO,
    MIN_PRICE_RAO,
    Order,
    PoolState,
    fee_amount,
    limit_price_from_rao,
    spot_price,
    swap,
)
from tensornet.amm.staking import swap_alpha_for_tao, swap_tao_for_alpha

reserves = st.one_of(st.integers(0, 10**7), st.integers(10**6, 10**13), st.integers(10**6, 2**64 - 1))
weights = st.one_of(st.just(ACCURACY // 2), st.integers(ACCURACY // 100, 99 * ACCURACY // 100),
                    st.sampled_from([ACCURACY // 100, 99 * ACCURACY // 100, 6 * ACCURACY // 10]))
amounts = st.one_of(st.integers(0, 10**6), st.integers(0, 10**15), st.integers(0, 2**65))
limits_rao = st.one_of(st.sampled_from([0, 1, MIN_PRICE_RAO, 10**9, MAX_PRICE_RAO, 2**64 - 1]),
                       st.integers(0, 10**12))


@st.composite
def pools(draw: st.DrawFn) -> PoolState:
    return PoolState(draw(reserves), draw(reserves), quote_weight=draw(weights),
                     fee_rate=draw(st.sampled_from([0, 33, 10_000, 65_535])), initialized=draw(st.booleans()))


def _outcome(fn, *args):
    try:
        return fn(*args)
    except AmmError as exc:
        return type(exc)


@settings(max_examples=1500, deadline=None)
@given(pools(), st.sampled_from(list(Order)), amounts, limits_rao, st.booleans(), st.booleans())
def test_swap_matches_the_object_path(pool: PoolState, order: Order, amount: int, limit_rao: int, drop: bool,
                                      simulate: bool) -> None:
    limit = limit_price_from_rao(limit_rao)
    expected = _outcome(ref.swap, pool, order, amount, limit, drop, simulate)
    assert _outcome(swap, pool, order, amount, limit, drop, simulate) == expected
    staking_fn = swap_tao_for_alpha if order is Order.BUY else swap_alpha_for_tao
    assert _outcome(staking_fn, pool, amount, limit_rao, drop, simulate) == expected


@settings(max_examples=800, deadline=None)
@given(pools(), st.sampled_from(list(Order)), amounts, st.integers(0, 2**128 - 1), st.booleans())
def test_swap_matches_with_any_raw_limit(pool: PoolState, order: Order, amount: int, limit_bits: int,
                                         drop: bool) -> None:
    limit = U64F64(limit_bits)
    assert _outcome(swap, pool, order, amount, limit, drop) == _outcome(ref.swap, pool, order, amount, limit, drop)


@settings(max_examples=800, deadline=None)
@given(pools(), amounts, st.booleans())
def test_price_and_fee_match(pool: PoolState, amount: int, drop: bool) -> None:
    assert spot_price(pool) == ref.spot_price(pool)
    assert fee_amount(pool, amount, drop) == ref.fee_amount(pool, amount, drop)
    balancer = Balancer(pool.quote_weight)
    assert balancer.calculate_price(pool.alpha_reserve, pool.tao_reserve) == \
        ref.calculate_price(pool.quote_weight, pool.alpha_reserve, pool.tao_reserve)
    for base_quote in (True, False):
        for delta in (amount, -amount):
            assert balancer.exp_scaled(pool.tao_reserve, delta, base_quote) == \
                ref.exp_scaled(pool.quote_weight, pool.tao_reserve, delta, base_quote)


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 2**128 - 1), st.integers(0, 2**128 - 1), weights, reserves)
def test_delta_to_price_matches(current: int, target: int, quote_weight: int, reserve: int) -> None:
    balancer = Balancer(quote_weight)
    cur, tgt = U64F64(current), U64F64(target)
    assert balancer.calculate_quote_delta_in(cur, tgt, reserve) == \
        ref.delta_in(tgt, cur, balancer.base_weight, reserve)
    assert balancer.calculate_base_delta_in(cur, tgt, reserve) == ref.delta_in(cur, tgt, quote_weight, reserve)


bits = st.one_of(st.integers(0, 2**128 - 1), st.integers(0, 2**70), st.sampled_from([0, 1, 2**64, 2**128 - 1]))


@settings(max_examples=1000, deadline=None)
@given(bits, bits, st.integers(-(2**70), 2**130))
def test_raw_bit_operations_match_the_class(a: int, b: int, n: int) -> None:
    assert fx_from_int(n) == U64F64.from_int(n).bits
    assert fx_mul(a, b) == U64F64(a).saturating_mul(U64F64(b)).bits
    assert fx_div(a, b) == U64F64(a).safe_div(U64F64(b)).bits
    assert fx_to_u64(a) == U64F64(a).to_u64()



@settings(max_examples=600, deadline=None)
@given(pools(), st.sampled_from(list(Order)), amounts, limits_rao, st.booleans(), st.booleans(),
       st.sampled_from([0, 1, 1_000, 10**6]), st.one_of(st.none(), pools()))
def test_remembered_step_gives_each_call_its_own_answer(pool: PoolState, order: Order, amount: int, limit_rao: int,
                                                        drop: bool, simulate_first: bool, minimum_reserve: int,
                                                        other: PoolState | None) -> None:
    """The last swap step is remembered; a repeat with the other ``simulate`` (validation, then the
    trade), or after a different swap, must still answer as a fresh computation would — the
    liquidity check included, which only the non-simulated call makes."""
    limit = limit_price_from_rao(limit_rao)
    for simulate in (simulate_first, not simulate_first, simulate_first):
        if other is not None:
            _outcome(swap, other, order, amount, limit, drop, simulate, minimum_reserve)
        expected = _outcome(ref.swap, pool, order, amount, limit, drop, simulate, minimum_reserve)
        assert _outcome(swap, pool, order, amount, limit, drop, simulate, minimum_reserve) == expected
