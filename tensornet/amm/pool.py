"""One subnet's pool and the Swap pallet's swap, as pure functions (`impls.rs`, `swap_step.rs`).

`swap()` is `Pallet::do_swap`: guards, lazy balancer initialisation, the single swap step with its
limit-price handling and fee, and the output check. It returns the chain's `SwapResult` plus the
pool as the staking code leaves it afterwards (SubtensorModule, not the Swap pallet, moves the
reserves; see `tensornet.amm` for who writes what).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache

from tensornet.amm import errors
from tensornet.amm.balancer import HALF_WEIGHT, Balancer, weights_are_valid
from tensornet.amm.fixed import (
    I64_MAX,
    U64F64,
    U64F64_ONE,
    U64F64_ZERO,
    perquintill_from_rational,
    sat_u64,
)

DEFAULT_FEE_RATE = 33
MAX_FEE_RATE = 10_000
FEE_RATE_DENOMINATOR = 65_535
MINIMUM_RESERVE = 1_000_000
MAX_SWAP_INPUT_RESERVE_MULTIPLIER = 1_000
RAO_PER_TAO = 1_000_000_000
MIN_PRICE_RAO = 1_000
MAX_PRICE_RAO = 1_000_000_000_000_000
MECHANISM_STABLE = 0
MECHANISM_DYNAMIC = 1


class Order(Enum):
    """GetAlphaForTao (buy: TAO in, alpha out) or GetTaoForAlpha (sell: alpha in, TAO out)."""

    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True)
class PoolState:
    """Everything the maths needs about one subnet's pool.

    tao_reserve = SubnetTAO, alpha_reserve = SubnetAlphaIn, quote_weight = SwapBalancer
    (Perquintill parts), fee_rate = FeeRate (u16 over 65535), initialized = PalSwapInitialized,
    mechanism = SubnetMechanism (0 = stable/root: 1:1, no fee).
    """

    tao_reserve: int
    alpha_reserve: int
    quote_weight: int = HALF_WEIGHT
    fee_rate: int = DEFAULT_FEE_RATE
    initialized: bool = False
    mechanism: int = MECHANISM_DYNAMIC

    @property
    def balancer(self) -> Balancer:
        return Balancer(self.quote_weight)

    @property
    def is_dynamic(self) -> bool:
        return self.mechanism == MECHANISM_DYNAMIC


@dataclass(frozen=True)
class SwapResult:
    """The chain's SwapResult plus the pool after the trade.

    amount_paid_in: input that entered the curve (net of fee); amount_paid_out: output paid;
    fee_paid: fee charged in the input token; fee_to_block_author: the part of it owed to the
    author (the whole fee once anything executed); amount_in: the gross amount offered.
    """

    amount_paid_in: int
    amount_paid_out: int
    fee_paid: int
    fee_to_block_author: int
    amount_in: int
    pool: PoolState

    @property
    def unexecuted(self) -> int:
        """Input neither swapped nor charged: refunded (sells) or left with the trader (buys)."""
        return max(self.amount_in - self.amount_paid_in - self.fee_paid, 0)

    @property
    def partial(self) -> bool:
        return self.unexecuted > 0

    @property
    def tao_reserve(self) -> int:
        return self.pool.tao_reserve

    @property
    def alpha_reserve(self) -> int:
        return self.pool.alpha_reserve


def spot_price(pool: PoolState) -> U64F64:
    """`Pallet::current_price`: balancer price for dynamic pools, 0 with no alpha, 1 for stable."""
    if not pool.is_dynamic:
        return U64F64_ONE
    if pool.alpha_reserve == 0:
        return U64F64_ZERO
    return pool.balancer.calculate_price(pool.alpha_reserve, pool.tao_reserve)


def spot_price_rao(pool: PoolState) -> int:
    """`SwapRuntimeApi::current_alpha_price`: floor(price × 10^9) rao of TAO per alpha."""
    return spot_price(pool).saturating_mul(U64F64.from_int(RAO_PER_TAO)).to_u64()


@lru_cache(maxsize=256)  # a U64F64 is immutable; most swaps pass MIN/MAX_PRICE_RAO
def limit_price_from_rao(limit_price_rao: int) -> U64F64:
    """A TaoBalance limit (rao per alpha) as the U64F64 price `SwapEngine::swap` compares with."""
    return U64F64.from_int(limit_price_rao).safe_div(U64F64.from_int(RAO_PER_TAO))


def fee_amount(pool: PoolState, amount: int, drop_fees: bool = False) -> int:
    """`calculate_fee_amount`: floor(amount × (FeeRate/65535)), the quotient truncated first."""
    if drop_fees or not pool.is_dynamic:
        return 0
    rate = U64F64.from_int(pool.fee_rate).safe_div(U64F64.from_int(FEE_RATE_DENOMINATOR))
    return U64F64.from_int(amount).saturating_mul(rate).to_u64()


def check_fee_rate(rate: int) -> int:
    """`set_fee_rate`'s bound: at most MaxFeeRate (10_000 / 65535 ≈ 15.26 %), else FeeRateTooHigh."""
    if rate > MAX_FEE_RATE:
        raise errors.FeeRateTooHigh()
    return rate


def initialize(pool: PoolState, price: U64F64 | None = None) -> PoolState:
    """`maybe_initialize_palswap`: weights 0.5, or chosen so that `price` holds (migration path)."""
    if pool.initialized:
        return pool
    if price is None:
        return replace(pool, quote_weight=HALF_WEIGHT, initialized=True)
    px_high = price.to_u64() * pool.alpha_reserve
    px_low = U64F64.from_int(pool.alpha_reserve).saturating_mul(price.frac()).to_u128()
    px_plus_y = px_high + px_low + pool.tao_reserve
    if px_plus_y == 0:
        raise errors.ReservesOutOfBalance()
    weight = perquintill_from_rational(pool.tao_reserve, px_plus_y)
    if not weights_are_valid(weight):
        raise errors.ReservesOutOfBalance()
    return replace(pool, quote_weight=weight, initialized=True)


def swap(
    pool: PoolState,
    order: Order,
    amount: int,
    limit_price: U64F64,
    drop_fees: bool = False,
    simulate: bool = False,
    minimum_reserve: int = MINIMUM_RESERVE,
) -> SwapResult:
    """`Pallet::do_swap` for a dynamic pool, followed by the reserve update of stake_utils.

    Raises SwapInputTooLarge, ReservesTooLow, PriceLimitExceeded or (not simulating)
    InsufficientLiquidity, in the chain's order. A simulated swap returns the same numbers; its
    `pool` shows the would-be state (on chain nothing is written). Stable pools never get here:
    stake_utils trades them 1:1 itself (`tensornet.amm.staking`).

    Note the guard semantics: MinimumReserve is checked on the output reserve *before* the swap,
    so a large trade may leave less behind; and the curve factor is floored before 1 − factor is
    taken, so a payout can exceed the real-valued curve by a fraction of a rao. Both are the
    chain's behaviour and are kept.
    """
    amount = sat_u64(amount)
    buying = order is Order.BUY
    reserve_in = pool.tao_reserve if buying else pool.alpha_reserve
    reserve_out = pool.alpha_reserve if buying else pool.tao_reserve
    net_amount = amount - fee_amount(pool, amount, drop_fees)
    if net_amount > sat_u64(reserve_in * MAX_SWAP_INPUT_RESERVE_MULTIPLIER):
        raise errors.SwapInputTooLarge()
    if reserve_out < minimum_reserve:
        raise errors.ReservesTooLow()
    pool = initialize(pool)
    price = spot_price(pool)
    beyond = price < limit_price if buying else price > limit_price
    if not beyond:
        raise errors.PriceLimitExceeded()

    fee = fee_amount(pool, amount, drop_fees)
    requested = max(amount - fee, 0)
    requested_out = _convert(pool, buying, requested)
    target = _price_after(pool, buying, requested, requested_out)
    reached_target_first = target <= limit_price if buying else target >= limit_price
    if reached_target_first:
        delta_in, delta_out = requested, requested_out  # the conversion the target came from
    else:
        delta_in = _delta_to_price(pool, buying, price, limit_price)
        fee = _fee_on_executed(pool, delta_in, drop_fees)
        delta_out = _convert(pool, buying, delta_in)
    fee_to_author = 0
    if delta_in != 0:
        if delta_out == 0:
            raise errors.ReservesTooLow()
        fee_to_author = fee
    if not simulate and reserve_out < delta_out:
        raise errors.InsufficientLiquidity()
    return SwapResult(
        amount_paid_in=delta_in,
        amount_paid_out=delta_out,
        fee_paid=fee,
        fee_to_block_author=fee_to_author,
        amount_in=amount,
        pool=apply_trade(pool, buying, delta_in, delta_out),
    )


def _convert(pool: PoolState, buying: bool, delta_in: int) -> int:
    """`convert_deltas`: output for a net input, floored (never in the trader's favour)."""
    balancer = pool.balancer
    if buying:
        factor = balancer.exp_quote_base(pool.tao_reserve, delta_in)
        reserve = pool.alpha_reserve
    else:
        factor = balancer.exp_base_quote(pool.alpha_reserve, delta_in)
        reserve = pool.tao_reserve
    return U64F64.from_int(reserve).saturating_mul(U64F64_ONE.saturating_sub(factor)).to_u64()


def _price_after(pool: PoolState, buying: bool, delta_in: int, delta_out: int | None = None) -> U64F64:
    """`price_target`: the price once the whole net input has executed (``delta_out``: its
    conversion, when the caller already has it)."""
    if delta_out is None:
        delta_out = _convert(pool, buying, delta_in)
    if buying:
        alpha = max(pool.alpha_reserve - delta_out, 0)
        tao = sat_u64(pool.tao_reserve + delta_in)
    else:
        alpha = sat_u64(pool.alpha_reserve + delta_in)
        tao = max(pool.tao_reserve - delta_out, 0)
    return pool.balancer.calculate_price(alpha, tao)


def _delta_to_price(pool: PoolState, buying: bool, price: U64F64, limit: U64F64) -> int:
    """`delta_in`: net input that moves the price exactly to the limit."""
    if buying:
        return pool.balancer.calculate_quote_delta_in(price, limit, pool.tao_reserve)
    return pool.balancer.calculate_base_delta_in(price, limit, pool.alpha_reserve)


def _fee_on_executed(pool: PoolState, delta_in: int, drop_fees: bool) -> int:
    """Fee for a limit-truncated step: Δ·rate/(65535 − rate), grossing the net amount back up."""
    rate = U64F64_ZERO if drop_fees else U64F64.from_int(pool.fee_rate)
    factor = rate.safe_div(U64F64.from_int(FEE_RATE_DENOMINATOR).saturating_sub(rate))
    return U64F64.from_int(delta_in).saturating_mul(factor).to_u64()


def apply_trade(pool: PoolState, buying: bool, paid_in: int, paid_out: int) -> PoolState:
    """Reserve update of swap_tao_for_alpha / swap_alpha_for_tao (deltas clamped to i64 there).

    Public because stable pools (1:1, no Swap pallet call) move their reserves the same way.
    """
    reserve_in_delta = min(paid_in, I64_MAX)
    reserve_out_delta = min(paid_out, I64_MAX + 1)
    if buying:
        return with_reserves(
            pool, sat_u64(pool.tao_reserve + reserve_in_delta), max(pool.alpha_reserve - reserve_out_delta, 0)
        )
    return with_reserves(
        pool, max(pool.tao_reserve - reserve_out_delta, 0), sat_u64(pool.alpha_reserve + reserve_in_delta)
    )


def with_reserves(pool: PoolState, tao_reserve: int, alpha_reserve: int) -> PoolState:
    """``replace(pool, tao_reserve=…, alpha_reserve=…)`` without ``dataclasses.replace``'s field
    introspection (it costs as much as a swap's curve maths; every trade and every subnet's
    block emission re-reserves a pool)."""
    return PoolState(tao_reserve, alpha_reserve, pool.quote_weight, pool.fee_rate, pool.initialized, pool.mechanism)


@dataclass(frozen=True)
class Injection:
    """Result of adding protocol liquidity: the pool after it and what was actually added."""

    pool: PoolState
    tao_added: int
    alpha_added: int


def inject_liquidity(pool: PoolState, tao_delta: int, alpha_delta: int) -> Injection:
    """`adjust_protocol_liquidity` + the coinbase reserve increase: re-weight so the price holds.

    If the new weights would leave [0.01, 0.99] nothing is added (the chain logs and adds zero).
    """
    try:
        balancer = pool.balancer.with_added_liquidity(
            pool.tao_reserve, pool.alpha_reserve, tao_delta, alpha_delta
        )
    except errors.ReservesOutOfBalance:
        return Injection(pool, 0, 0)
    new_pool = PoolState(
        sat_u64(pool.tao_reserve + tao_delta),
        sat_u64(pool.alpha_reserve + alpha_delta),
        balancer.quote_weight,
        pool.fee_rate,
        pool.initialized,
        pool.mechanism,
    )  # (not dataclasses.replace: every subnet injects every block)
    return Injection(new_pool, tao_delta, alpha_delta)
