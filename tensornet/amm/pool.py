"""One subnet's pool and the Swap pallet's swap, as pure functions (`impls.rs`, `swap_step.rs`).

`swap()` is `Pallet::do_swap`: guards, lazy balancer initialisation, the single swap step with its
limit-price handling and fee, and the output check. It returns the chain's `SwapResult` plus the
pool as the staking code leaves it afterwards (SubtensorModule, not the Swap pallet, moves the
reserves; see `tensornet.amm` for who writes what).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from tensornet.amm import errors
from tensornet.amm.balancer import (
    ACCURACY,
    HALF_WEIGHT,
    Balancer,
    delta_in_bits,
    exp_scaled_bits,
    price_bits,
    weights_are_valid,
)
from tensornet.amm.fixed import (
    I64_MAX,
    U64_MAX,
    U64F64,
    U64F64_ONE,
    fx_div,
    fx_from_int,
    fx_mul,
    fx_to_u64,
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


class PoolState(NamedTuple):
    """Everything the maths needs about one subnet's pool.

    tao_reserve = SubnetTAO, alpha_reserve = SubnetAlphaIn, quote_weight = SwapBalancer
    (Perquintill parts), fee_rate = FeeRate (u16 over 65535), initialized = PalSwapInitialized,
    mechanism = SubnetMechanism (0 = stable/root: 1:1, no fee).

    Immutable and compared by value; a NamedTuple rather than a frozen dataclass because every
    trade builds a few (the dataclass's per-field ``object.__setattr__`` cost as much as a curve
    step). ``_replace`` is ``dataclasses.replace``.
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


class SwapResult(NamedTuple):
    """The chain's SwapResult plus the pool after the trade (a NamedTuple, as ``PoolState``).

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


_ONE = U64F64_ONE.bits
_FEE_DENOMINATOR_BITS = fx_from_int(FEE_RATE_DENOMINATOR)
#: fee rate -> bits of U64F64 rate/65535, and of rate/(65535 − rate) (pure; FeeRate is a u16)
_FEE_FACTORS: dict[int, tuple[int, int]] = {}


def _fee_factors(fee_rate: int) -> tuple[int, int]:
    factors = _FEE_FACTORS.get(fee_rate)
    if factors is None:
        rate = fx_from_int(fee_rate)
        factors = (fx_div(rate, _FEE_DENOMINATOR_BITS), fx_div(rate, max(_FEE_DENOMINATOR_BITS - rate, 0)))
        if len(_FEE_FACTORS) >= 4096:
            _FEE_FACTORS.clear()
        _FEE_FACTORS[fee_rate] = factors
    return factors


def spot_price_bits(pool: PoolState) -> int:
    """Bits of `spot_price` (the hot paths compare prices without building U64F64s)."""
    if pool.mechanism != MECHANISM_DYNAMIC:
        return _ONE
    if pool.alpha_reserve == 0:
        return 0
    return price_bits(pool.quote_weight, pool.alpha_reserve, pool.tao_reserve)


def spot_price(pool: PoolState) -> U64F64:
    """`Pallet::current_price`: balancer price for dynamic pools, 0 with no alpha, 1 for stable."""
    return U64F64(spot_price_bits(pool))


def spot_price_rao(pool: PoolState) -> int:
    """`SwapRuntimeApi::current_alpha_price`: floor(price × 10^9) rao of TAO per alpha."""
    return fx_to_u64(fx_mul(spot_price_bits(pool), _RAO_PER_TAO_BITS))


def limit_price_bits(limit_price_rao: int) -> int:
    """Bits of `limit_price_from_rao`."""
    return fx_div(fx_from_int(limit_price_rao), _RAO_PER_TAO_BITS)


@lru_cache(maxsize=256)  # a U64F64 is immutable; most swaps pass MIN/MAX_PRICE_RAO
def limit_price_from_rao(limit_price_rao: int) -> U64F64:
    """A TaoBalance limit (rao per alpha) as the U64F64 price `SwapEngine::swap` compares with."""
    return U64F64(limit_price_bits(limit_price_rao))


def fee_amount(pool: PoolState, amount: int, drop_fees: bool = False) -> int:
    """`calculate_fee_amount`: floor(amount × (FeeRate/65535)), the quotient truncated first."""
    if drop_fees or pool.mechanism != MECHANISM_DYNAMIC:
        return 0
    rate = _fee_factors(pool.fee_rate)[0]
    if 0 <= amount <= U64_MAX and rate <= _ONE:  # (amount·2^64 · rate) >> 64 is amount·rate: no clamp
        return (amount * rate) >> 64
    return fx_to_u64(fx_mul(fx_from_int(amount), rate))


_RAO_PER_TAO_BITS = fx_from_int(RAO_PER_TAO)


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
        return pool._replace(quote_weight=HALF_WEIGHT, initialized=True)
    px_high = price.to_u64() * pool.alpha_reserve
    px_low = U64F64.from_int(pool.alpha_reserve).saturating_mul(price.frac()).to_u128()
    px_plus_y = px_high + px_low + pool.tao_reserve
    if px_plus_y == 0:
        raise errors.ReservesOutOfBalance()
    weight = perquintill_from_rational(pool.tao_reserve, px_plus_y)
    if not weights_are_valid(weight):
        raise errors.ReservesOutOfBalance()
    return pool._replace(quote_weight=weight, initialized=True)


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
    return swap_bits(pool, order is Order.BUY, amount, limit_price.bits, drop_fees, simulate, minimum_reserve)


#: (arguments, result) of the last completed swap step: a staking call simulates its swap while
#: validating and then makes the same swap; the step is a pure function of these arguments (and
#: its results are immutable), so remembering one can never go stale
_last_step: tuple | None = None


def swap_bits(
    pool: PoolState,
    buying: bool,
    amount: int,
    limit: int,
    drop_fees: bool = False,
    simulate: bool = False,
    minimum_reserve: int = MINIMUM_RESERVE,
) -> SwapResult:
    """`swap` with the limit price as U64F64 bits: every intermediate is a plain int (the staking
    calls' hot path); the fixed-point steps are those of `U64F64`, in the chain's order."""
    global _last_step
    arguments = (pool, buying, amount, limit, drop_fees, minimum_reserve)
    last = _last_step
    if last is not None and last[0] == arguments:
        result = last[1]
    else:
        result = _swap_step(pool, buying, amount, limit, drop_fees, minimum_reserve)
        _last_step = (arguments, result)
    if not simulate and (pool.alpha_reserve if buying else pool.tao_reserve) < result.amount_paid_out:
        raise errors.InsufficientLiquidity()
    return result


def _swap_step(pool: PoolState, buying: bool, amount: int, limit: int, drop_fees: bool,
               minimum_reserve: int) -> SwapResult:
    """`swap_bits` up to its last check (the output against the reserve, skipped when simulating)."""
    amount = sat_u64(amount)
    reserve_in = pool.tao_reserve if buying else pool.alpha_reserve
    reserve_out = pool.alpha_reserve if buying else pool.tao_reserve
    fee = fee_amount(pool, amount, drop_fees)  # initialisation changes neither fee rate nor mechanism
    if amount - fee > sat_u64(reserve_in * MAX_SWAP_INPUT_RESERVE_MULTIPLIER):
        raise errors.SwapInputTooLarge()
    if reserve_out < minimum_reserve:
        raise errors.ReservesTooLow()
    pool = initialize(pool)
    price = spot_price_bits(pool)
    beyond = price < limit if buying else price > limit
    if not beyond:
        raise errors.PriceLimitExceeded()

    requested = max(amount - fee, 0)
    delta_out = _convert(pool, buying, requested)
    target = _price_after(pool, buying, requested, delta_out)
    reached_target_first = target <= limit if buying else target >= limit
    if reached_target_first:
        delta_in = requested
    else:
        delta_in = _delta_to_price(pool, buying, price, limit)
        fee = _fee_on_executed(pool, delta_in, drop_fees)
        delta_out = _convert(pool, buying, delta_in)
    fee_to_author = 0
    if delta_in != 0:
        if delta_out == 0:
            raise errors.ReservesTooLow()
        fee_to_author = fee
    # (amount_paid_in, amount_paid_out, fee_paid, fee_to_block_author, amount_in, pool)
    return _tuple_new(SwapResult, (delta_in, delta_out, fee, fee_to_author, amount,
                                   apply_trade(pool, buying, delta_in, delta_out)))


def _convert(pool: PoolState, buying: bool, delta_in: int) -> int:
    """`convert_deltas`: output for a net input, floored (never in the trader's favour)."""
    if buying:
        factor = exp_scaled_bits(pool.quote_weight, pool.tao_reserve, delta_in, False)
        reserve = pool.alpha_reserve
    else:
        factor = exp_scaled_bits(pool.quote_weight, pool.alpha_reserve, delta_in, True)
        reserve = pool.tao_reserve
    kept = _ONE - factor if factor < _ONE else 0
    if 0 <= reserve <= U64_MAX:  # (reserve·2^64 · kept) >> 64 is reserve·kept ≤ reserve: no clamp
        return (reserve * kept) >> 64
    return fx_to_u64(fx_mul(fx_from_int(reserve), kept))


def _price_after(pool: PoolState, buying: bool, delta_in: int, delta_out: int) -> int:
    """`price_target` (bits): the price once the whole net input has executed for ``delta_out``
    (= ``_convert(pool, buying, delta_in)``)."""
    if buying:
        alpha = max(pool.alpha_reserve - delta_out, 0)
        tao = sat_u64(pool.tao_reserve + delta_in)
    else:
        alpha = sat_u64(pool.alpha_reserve + delta_in)
        tao = max(pool.tao_reserve - delta_out, 0)
    return price_bits(pool.quote_weight, alpha, tao)


def _delta_to_price(pool: PoolState, buying: bool, price: int, limit: int) -> int:
    """`delta_in`: net input that moves the price (bits) exactly to the limit (bits)."""
    if buying:
        return delta_in_bits(limit, price, max(ACCURACY - pool.quote_weight, 0), pool.tao_reserve)
    return delta_in_bits(price, limit, pool.quote_weight, pool.alpha_reserve)


def _fee_on_executed(pool: PoolState, delta_in: int, drop_fees: bool) -> int:
    """Fee for a limit-truncated step: Δ·rate/(65535 − rate), grossing the net amount back up."""
    factor = 0 if drop_fees else _fee_factors(pool.fee_rate)[1]
    return fx_to_u64(fx_mul(fx_from_int(delta_in), factor))


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
    """``pool._replace(tao_reserve=…, alpha_reserve=…)`` without ``_replace``'s keyword handling
    (every trade and every subnet's block emission re-reserves a pool)."""
    return _tuple_new(PoolState, (tao_reserve, alpha_reserve) + pool[2:])


_tuple_new = tuple.__new__  # a NamedTuple from its fields' tuple, without argument handling


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
