"""The swap maths as first written with U64F64 objects: the plain path the integer path must match.

A frozen copy of ``pool.swap`` and the balancer formulas it uses (as of commit c4a88cb), kept only
so that tests can compare the integer-only hot path with it, case by case, to the bit.
"""

from __future__ import annotations

from tensornet.amm import errors
from tensornet.amm.bigmath import pow_ratio_scaled
from tensornet.amm.fixed import (
    I64_MAX,
    U64_MAX,
    U64F64,
    U64F64_ONE,
    U64F64_ZERO,
    sat_u64,
)
from tensornet.amm.pool import (
    FEE_RATE_DENOMINATOR,
    HALF_WEIGHT,
    MAX_SWAP_INPUT_RESERVE_MULTIPLIER,
    MINIMUM_RESERVE,
    Order,
    PoolState,
    SwapResult,
)

ACCURACY = 10**18
_ACCURACY_FIXED = U64F64.from_int(ACCURACY)


def weight_ratio(quote_weight: int) -> U64F64:
    return U64F64.from_int(max(ACCURACY - quote_weight, 0)).safe_div(U64F64.from_int(quote_weight))


def calculate_price(quote_weight: int, alpha_reserve: int, tao_reserve: int) -> U64F64:
    ratio = U64F64.from_int(tao_reserve).safe_div(U64F64.from_int(alpha_reserve))
    return weight_ratio(quote_weight).saturating_mul(ratio)


def exp_scaled(quote_weight: int, reserve: int, delta: int, base_quote: bool) -> U64F64:
    reserve_plus_delta = sat_u64(reserve + delta)
    if reserve_plus_delta == 0:
        return U64F64_ZERO
    w1, w2 = max(ACCURACY - quote_weight, 0), quote_weight
    exp_num, exp_den = (w1, w2) if base_quote else (w2, w1)
    result = pow_ratio_scaled(reserve, reserve_plus_delta, exp_num, exp_den, 256, ACCURACY)
    if result is None or not 0 <= result <= U64_MAX:
        return U64F64_ZERO
    value = U64F64.from_int(result).safe_div(_ACCURACY_FIXED)
    return value.min(U64F64_ONE) if delta >= 0 else value


def delta_in(numerator: U64F64, denominator: U64F64, weight: int, reserve: int) -> int:
    result = pow_ratio_scaled(numerator.bits, denominator.bits, weight, ACCURACY, 1024, ACCURACY)
    if result is None:
        return 0
    factor = U64F64.from_int(result) if result <= U64_MAX else U64F64.from_int(U64_MAX)
    growth = factor.safe_div(U64F64.from_int(ACCURACY)).saturating_sub(U64F64_ONE)
    return U64F64.from_int(reserve).saturating_mul(growth).to_u64()


def spot_price(pool: PoolState) -> U64F64:
    if not pool.is_dynamic:
        return U64F64_ONE
    if pool.alpha_reserve == 0:
        return U64F64_ZERO
    return calculate_price(pool.quote_weight, pool.alpha_reserve, pool.tao_reserve)


def fee_amount(pool: PoolState, amount: int, drop_fees: bool = False) -> int:
    if drop_fees or not pool.is_dynamic:
        return 0
    rate = U64F64.from_int(pool.fee_rate).safe_div(U64F64.from_int(FEE_RATE_DENOMINATOR))
    return U64F64.from_int(amount).saturating_mul(rate).to_u64()


def convert(pool: PoolState, buying: bool, amount_in: int) -> int:
    if buying:
        factor = exp_scaled(pool.quote_weight, pool.tao_reserve, amount_in, False)
        reserve = pool.alpha_reserve
    else:
        factor = exp_scaled(pool.quote_weight, pool.alpha_reserve, amount_in, True)
        reserve = pool.tao_reserve
    return U64F64.from_int(reserve).saturating_mul(U64F64_ONE.saturating_sub(factor)).to_u64()


def swap(pool: PoolState, order: Order, amount: int, limit_price: U64F64, drop_fees: bool = False,
         simulate: bool = False, minimum_reserve: int = MINIMUM_RESERVE) -> SwapResult:
    """The original ``pool.swap``."""
    amount = sat_u64(amount)
    buying = order is Order.BUY
    reserve_in = pool.tao_reserve if buying else pool.alpha_reserve
    reserve_out = pool.alpha_reserve if buying else pool.tao_reserve
    net_amount = amount - fee_amount(pool, amount, drop_fees)
    if net_amount > sat_u64(reserve_in * MAX_SWAP_INPUT_RESERVE_MULTIPLIER):
        raise errors.SwapInputTooLarge()
    if reserve_out < minimum_reserve:
        raise errors.ReservesTooLow()
    if not pool.initialized:
        pool = PoolState(pool.tao_reserve, pool.alpha_reserve, HALF_WEIGHT, pool.fee_rate, True, pool.mechanism)
    price = spot_price(pool)
    beyond = price < limit_price if buying else price > limit_price
    if not beyond:
        raise errors.PriceLimitExceeded()
    fee = fee_amount(pool, amount, drop_fees)
    requested = max(amount - fee, 0)
    out = convert(pool, buying, requested)
    if buying:
        target = calculate_price(pool.quote_weight, max(pool.alpha_reserve - out, 0),
                                 sat_u64(pool.tao_reserve + requested))
    else:
        target = calculate_price(pool.quote_weight, sat_u64(pool.alpha_reserve + requested),
                                 max(pool.tao_reserve - out, 0))
    if (target <= limit_price) if buying else (target >= limit_price):
        paid_in = requested
    else:
        if buying:
            paid_in = delta_in(limit_price, price, max(ACCURACY - pool.quote_weight, 0), pool.tao_reserve)
        else:
            paid_in = delta_in(price, limit_price, pool.quote_weight, pool.alpha_reserve)
        rate = U64F64_ZERO if drop_fees else U64F64.from_int(pool.fee_rate)
        factor = rate.safe_div(U64F64.from_int(FEE_RATE_DENOMINATOR).saturating_sub(rate))
        fee = U64F64.from_int(paid_in).saturating_mul(factor).to_u64()
    paid_out = convert(pool, buying, paid_in)
    fee_to_author = 0
    if paid_in != 0:
        if paid_out == 0:
            raise errors.ReservesTooLow()
        fee_to_author = fee
    if not simulate and reserve_out < paid_out:
        raise errors.InsufficientLiquidity()
    d_in, d_out = min(paid_in, I64_MAX), min(paid_out, I64_MAX + 1)
    if buying:
        after = PoolState(sat_u64(pool.tao_reserve + d_in), max(pool.alpha_reserve - d_out, 0),
                          pool.quote_weight, pool.fee_rate, pool.initialized, pool.mechanism)
    else:
        after = PoolState(max(pool.tao_reserve - d_out, 0), sat_u64(pool.alpha_reserve + d_in),
                          pool.quote_weight, pool.fee_rate, pool.initialized, pool.mechanism)
    return SwapResult(paid_in, paid_out, fee, fee_to_author, amount, after)
