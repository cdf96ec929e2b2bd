"""What SubtensorModule's staking code does to a pool, as pure functions.

`buy`/`sell` are the pool side of stake_into_subnet / unstake_from_subnet (with the add/remove
limit logic of `do_add_stake_limit` / `do_remove_stake_limit`), `max_amount_*` are
`get_max_amount_add/remove/move`, and `sim_swap_*` are the SwapRuntimeApi results. Stable pools
(mechanism 0, e.g. root) trade 1:1 with no fee, exactly as stake_utils short-circuits them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tensornet.amm import staking_errors
from tensornet.amm.errors import AmmError
from tensornet.amm.fixed import U64_MAX, U64F64, sat_u64
from tensornet.amm.pool import (
    MAX_PRICE_RAO,
    MAX_SWAP_INPUT_RESERVE_MULTIPLIER,
    MIN_PRICE_RAO,
    MINIMUM_RESERVE,
    RAO_PER_TAO,
    PoolState,
    SwapResult,
    apply_trade,
    fee_amount,
    limit_price_bits,
    spot_price,
    swap_bits,
)


def _one_to_one(pool: PoolState, amount: int, buying: bool) -> SwapResult:
    """Stable mechanism: paid in = paid out = amount, no fee (stake_utils, not the Swap pallet)."""
    amount = sat_u64(amount)
    return SwapResult(amount, amount, 0, 0, amount, apply_trade(pool, buying, amount, amount))


def swap_tao_for_alpha(
    pool: PoolState,
    tao: int,
    limit_price_rao: int = MAX_PRICE_RAO,
    drop_fees: bool = False,
    simulate: bool = False,
    minimum_reserve: int = MINIMUM_RESERVE,
) -> SwapResult:
    """`SubtensorModule::swap_tao_for_alpha`: one buy, limit given in rao per alpha."""
    if not pool.is_dynamic:
        return _one_to_one(pool, tao, True)
    return swap_bits(pool, True, tao, limit_price_bits(limit_price_rao), drop_fees, simulate, minimum_reserve)


def swap_alpha_for_tao(
    pool: PoolState,
    alpha: int,
    limit_price_rao: int = MIN_PRICE_RAO,
    drop_fees: bool = False,
    simulate: bool = False,
    minimum_reserve: int = MINIMUM_RESERVE,
) -> SwapResult:
    """`SubtensorModule::swap_alpha_for_tao`: one sell, limit given in rao per alpha."""
    if not pool.is_dynamic:
        return _one_to_one(pool, alpha, False)
    return swap_bits(pool, False, alpha, limit_price_bits(limit_price_rao), drop_fees, simulate, minimum_reserve)


def ensure_input_within_swap_limit(pool: PoolState, amount: int, buying: bool) -> None:
    """SubtensorModule's pre-check: input ≤ 1000 × input reserve, else its InsufficientLiquidity."""
    if not pool.is_dynamic:
        return
    reserve = pool.tao_reserve if buying else pool.alpha_reserve
    if amount > sat_u64(reserve * MAX_SWAP_INPUT_RESERVE_MULTIPLIER):
        raise staking_errors.InsufficientLiquidity()


def max_amount_add(pool: PoolState, limit_price_rao: int, minimum_reserve: int = MINIMUM_RESERVE) -> int:
    """`get_max_amount_add`: TAO (fee included) a buy can take before the price reaches the limit."""
    if not pool.is_dynamic:
        return U64_MAX if limit_price_rao >= RAO_PER_TAO else 0
    probe = sat_u64(pool.tao_reserve * MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
    result = swap_tao_for_alpha(pool, probe, limit_price_rao, False, True, minimum_reserve)
    return sat_u64(result.amount_paid_in + result.fee_paid)


def max_amount_remove(pool: PoolState, limit_price_rao: int, minimum_reserve: int = MINIMUM_RESERVE) -> int:
    """`get_max_amount_remove`: alpha (fee included) a sell can take before the price reaches the limit."""
    if not pool.is_dynamic:
        return U64_MAX if limit_price_rao <= RAO_PER_TAO else 0
    probe = sat_u64(pool.alpha_reserve * MAX_SWAP_INPUT_RESERVE_MULTIPLIER)
    result = swap_alpha_for_tao(pool, probe, limit_price_rao, False, True, minimum_reserve)
    return sat_u64(result.amount_paid_in + result.fee_paid)


def max_amount_for_limit_price(
    pool: PoolState, buying: bool, limit_price_rao: int, minimum_reserve: int = MINIMUM_RESERVE
) -> int:
    """max_amount_add for buys, max_amount_remove for sells."""
    if buying:
        return max_amount_add(pool, limit_price_rao, minimum_reserve)
    return max_amount_remove(pool, limit_price_rao, minimum_reserve)


def max_amount_move(
    origin: PoolState,
    destination: PoolState,
    limit_price_rao: int,
    minimum_reserve: int = MINIMUM_RESERVE,
) -> int:
    """`get_max_amount_move`: origin alpha movable before origin/destination price ≤ limit.

    limit_price_rao is the ratio origin_price/destination_price × 10^9. The main case is the
    chain's closed form for two constant-product pools (exact only for weights 0.5; the chain
    says so too). Root counts as stable (its SubnetMechanism is 0).
    """
    tao = U64F64.from_int(RAO_PER_TAO)
    if not origin.is_dynamic and not destination.is_dynamic:
        return 0 if limit_price_rao > RAO_PER_TAO else U64_MAX
    if not origin.is_dynamic:
        if limit_price_rao == 0:
            return U64_MAX
        destination_price = tao.safe_div(U64F64.from_int(limit_price_rao)).saturating_mul(tao).to_u64()
        return max_amount_add(destination, destination_price, minimum_reserve)
    if not destination.is_dynamic:
        return max_amount_remove(origin, limit_price_rao, minimum_reserve)

    if origin.tao_reserve == 0 or destination.tao_reserve == 0:
        return 0
    if origin.alpha_reserve == 0 or destination.alpha_reserve == 0:
        return 0
    limit = U64F64.from_int(limit_price_rao).safe_div(tao)
    current = spot_price(origin).safe_div(spot_price(destination))
    if limit > current:
        return 0
    if limit_price_rao == 0:
        return U64_MAX
    tao_1 = U64F64.from_int(origin.tao_reserve)
    tao_2 = U64F64.from_int(destination.tao_reserve)
    tao_sum = tao_2.saturating_add(tao_1)
    t1_over_sum = tao_1.safe_div(tao_sum)
    t2_over_sum = tao_2.safe_div(tao_sum)
    alpha_1 = U64F64.from_int(origin.alpha_reserve)
    alpha_2 = U64F64.from_int(destination.alpha_reserve)
    return (
        alpha_2.saturating_mul(t1_over_sum)
        .safe_div(limit)
        .saturating_sub(alpha_1.saturating_mul(t2_over_sum))
        .to_u64()
    )


@dataclass(frozen=True)
class StakeSwap:
    """A staking-side trade: the main swap and, for sells, the fee-less sale of the alpha fee.

    requested: the amount the caller asked for; swap.amount_in is what was offered to the pool
    (less when a limit capped it: the rest never leaves the coldkey / the stake).
    swap: the trader's swap (its pool is the state right after it).
    author_tao: TAO the block author receives out of the subnet account (0 without an author).
    fee_swap: sells with an author only: the fee alpha sold fee-less for author_tao.
    pool: the pool after everything (write its reserves back).
    """

    requested: int
    swap: SwapResult
    author_tao: int
    fee_swap: SwapResult | None
    pool: PoolState

    @property
    def not_executed(self) -> int:
        """Requested input that was neither swapped nor charged as fee."""
        return max(self.requested - self.swap.amount_paid_in - self.swap.fee_paid, 0)

    @property
    def partial(self) -> bool:
        return self.not_executed > 0


def _limited_amount(
    pool: PoolState, amount: int, buying: bool, limit_price_rao: int, allow_partial: bool,
    minimum_reserve: int,
) -> int:
    """do_*_stake_limit: min(amount, max executable); SlippageTooHigh if partial is not allowed."""
    max_amount = max_amount_for_limit_price(pool, buying, limit_price_rao, minimum_reserve)
    if not allow_partial and amount > max_amount:
        raise staking_errors.SlippageTooHigh()
    return min(amount, max_amount)


def buy(
    pool: PoolState,
    tao_in: int,
    limit_price: int | None = None,
    allow_partial: bool = True,
    drop_fees: bool = False,
    author_present: bool = True,
    check_input_cap: bool = True,
    minimum_reserve: int = MINIMUM_RESERVE,
) -> StakeSwap:
    """Stake tao_in (rao) into the pool: add_stake (limit_price None) or add_stake_limit.

    Only the pool-side checks are made here (1000× cap, slippage, the swap's own guards, zero
    output → AmountTooLow). The TAO fee goes to the author, or is burned without one. Balance,
    minimum-stake and hotkey checks belong to the staking call, which must run them first to
    keep the chain's error precedence. Moves (move/swap/transfer stake) skip the 1000× pre-check
    on chain: pass check_input_cap=False there.
    """
    if check_input_cap:
        ensure_input_within_swap_limit(pool, tao_in, True)
    amount = tao_in
    price = MAX_PRICE_RAO if limit_price is None else limit_price
    if limit_price is not None:
        amount = _limited_amount(pool, tao_in, True, limit_price, allow_partial, minimum_reserve)
    result = swap_tao_for_alpha(pool, amount, price, drop_fees, False, minimum_reserve)
    if result.amount_paid_out == 0:
        raise staking_errors.AmountTooLow()
    author_tao = result.fee_to_block_author if author_present else 0
    return StakeSwap(tao_in, result, author_tao, None, result.pool)


def sell(
    pool: PoolState,
    alpha_in: int,
    limit_price: int | None = None,
    allow_partial: bool = True,
    drop_fees: bool = False,
    author_present: bool = True,
    check_input_cap: bool = True,
    minimum_reserve: int = MINIMUM_RESERVE,
) -> StakeSwap:
    """Unstake alpha_in from the pool: remove_stake (limit_price None) or remove_stake_limit.

    With a block author the alpha fee is then sold fee-less at the minimum price and its TAO
    goes to the author (a second swap that moves the pool again); without one it is burned.
    Unexecuted alpha (`swap.unexecuted`) is refunded to the staker's shares by the caller.
    """
    if check_input_cap:
        ensure_input_within_swap_limit(pool, alpha_in, False)
    amount = alpha_in
    price = MIN_PRICE_RAO if limit_price is None else limit_price
    if limit_price is not None:
        amount = _limited_amount(pool, alpha_in, False, limit_price, allow_partial, minimum_reserve)
    result = swap_alpha_for_tao(pool, amount, price, drop_fees, False, minimum_reserve)
    if not author_present:
        return StakeSwap(alpha_in, result, 0, None, result.pool)
    fee_swap = swap_alpha_for_tao(
        result.pool, result.fee_to_block_author, MIN_PRICE_RAO, True, False, minimum_reserve
    )
    return StakeSwap(alpha_in, result, fee_swap.amount_paid_out, fee_swap, fee_swap.pool)


@dataclass(frozen=True)
class SimSwapResult:
    """`SimSwapResult` of SwapRuntimeApi, field order as on chain."""

    tao_amount: int
    alpha_amount: int
    tao_fee: int
    alpha_fee: int
    tao_slippage: int
    alpha_slippage: int


_ZERO_SIM = SimSwapResult(0, 0, 0, 0, 0, 0)


def sim_swap(pool: PoolState, order_buy: bool, amount: int, minimum_reserve: int = MINIMUM_RESERVE) -> SwapResult:
    """`SwapHandler::sim_swap`: market order with fees, nothing written.

    The limit is the order's default (buys: MAX_PRICE_RAO, sells: MIN_PRICE_RAO), chosen on
    chain through the `DefaultPriceLimit<PaidIn, PaidOut>` bound.
    """
    if not pool.is_dynamic:
        return _one_to_one(pool, amount, order_buy)
    if order_buy:
        return swap_tao_for_alpha(pool, amount, MAX_PRICE_RAO, False, True, minimum_reserve)
    return swap_alpha_for_tao(pool, amount, MIN_PRICE_RAO, False, True, minimum_reserve)


def sim_swap_tao_for_alpha(pool: PoolState, tao: int, minimum_reserve: int = MINIMUM_RESERVE) -> SimSwapResult:
    """SwapRuntimeApi.sim_swap_tao_for_alpha; any swap error gives all zeros, as on chain."""
    no_slippage_alpha = U64F64.from_int(tao).safe_div(spot_price(pool)).to_u64()
    try:
        result = sim_swap(pool, True, tao, minimum_reserve)
    except AmmError:
        return _ZERO_SIM
    return SimSwapResult(
        tao_amount=result.amount_paid_in,
        alpha_amount=result.amount_paid_out,
        tao_fee=result.fee_paid,
        alpha_fee=0,
        tao_slippage=0,
        alpha_slippage=max(no_slippage_alpha - result.amount_paid_out, 0),
    )


def sim_swap_alpha_for_tao(pool: PoolState, alpha: int, minimum_reserve: int = MINIMUM_RESERVE) -> SimSwapResult:
    """SwapRuntimeApi.sim_swap_alpha_for_tao; any swap error gives all zeros, as on chain."""
    no_slippage_tao = U64F64.from_int(alpha).saturating_mul(spot_price(pool)).to_u64()
    try:
        result = sim_swap(pool, False, alpha, minimum_reserve)
    except AmmError:
        return _ZERO_SIM
    return SimSwapResult(
        tao_amount=result.amount_paid_out,
        alpha_amount=result.amount_paid_in,
        tao_fee=0,
        alpha_fee=result.fee_paid,
        tao_slippage=max(no_slippage_tao - result.amount_paid_out, 0),
        alpha_slippage=0,
    )


def approx_fee_amount(pool: PoolState, amount: int) -> int:
    """`approx_fee_amount`: the fee a market order of `amount` would pay."""
    return fee_amount(pool, amount)


def alpha_for_tao(pool: PoolState, tao: int) -> int:
    """`get_alpha_amount_for_tao`: tao / spot price, floored (no slippage); 1:1 when stable."""
    if not pool.is_dynamic:
        return tao
    return U64F64.from_int(tao).safe_div(spot_price(pool)).to_u64()

