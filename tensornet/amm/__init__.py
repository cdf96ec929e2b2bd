"""dTAO pool maths: subtensor's balancer pool, fees, limit prices — pure, integer, to the rao.

Layout
    fixed.py          U64F64 / Perquintill with the chain's truncation and saturation, and the
                      same steps on raw bits (`fx_*`) for the hot paths
    bigmath.py        pow_ratio_scaled (safe-bigmath 0.4.1): exact root path and ln/exp fallback
    balancer.py       the weighted curve: price, outputs, deltas to a price, re-weighting
                      (`*_bits` functions on raw U64F64 bits; `Balancer` wraps them)
    pool.py           PoolState, SwapResult, spot price, fee, `swap` (= Swap pallet do_swap;
                      `swap_bits` takes the limit as bits), `inject_liquidity`, `initialize`
    staking.py        what SubtensorModule does around a swap: `buy`/`sell`, `max_amount_add/
                      remove/move`, `sim_swap_tao_for_alpha/alpha_for_tao`, `alpha_for_tao`
    errors.py         Swap pallet (index 28) errors, with their enum indices
    staking_errors.py SubtensorModule (index 7) errors raised here: AmountTooLow,
                      InsufficientLiquidity, SlippageTooHigh

Nothing here reads or writes storage. A caller builds a `PoolState` from storage, calls one
function, and writes the result back. The mapping to storage:

    PoolState.tao_reserve    SubtensorModule.SubnetTAO[netuid]       (quote reserve, y)
    PoolState.alpha_reserve  SubtensorModule.SubnetAlphaIn[netuid]   (base reserve, x)
    PoolState.quote_weight   Swap.SwapBalancer[netuid] (Perquintill parts, default 0.5)
    PoolState.fee_rate       Swap.FeeRate[netuid] (default 33, i.e. 33/65535)
    PoolState.initialized    Swap.PalSwapInitialized[netuid]
    PoolState.mechanism      SubtensorModule.SubnetMechanism[netuid] (0 = root/stable: 1:1, no fee)

How a staking call uses it (HEAD `staking/stake_utils.rs`):

add_stake / add_stake_limit (`stake_into_subnet`)
    1. Run the staking validation first, in the chain's order (subnet exists, SubtokenEnabled,
       amount ≥ DefaultMinStake + `approx_fee_amount(pool, DefaultMinStake)`, SlippageTooHigh
       against `max_amount_add`, balance, hotkey exists, `sim_swap(pool, True, amount)` with any
       swap error reported as SubtensorModule.InsufficientLiquidity, paid_in ≥ min stake, …).
    2. `r = buy(pool, tao, limit_price, allow_partial)`; tao actually taken from the coldkey is
       r.swap.amount_in (the whole offered amount is transferred to the subnet account).
    3. Write back: SubnetTAO = r.pool.tao_reserve (+= amount_paid_in, the net of fee);
       SubnetAlphaIn = r.pool.alpha_reserve (−= amount_paid_out); SubnetAlphaOut += amount_paid_out;
       TotalStake += amount_in (gross); SubnetVolume += amount_in; PalSwapInitialized /
       SwapBalancer from r.pool. Credit amount_paid_out alpha to the (hotkey, coldkey) shares.
    4. The fee (r.author_tao = fee_to_block_author, TAO) is transferred from the subnet account to
       the block author; it never enters SubnetTAO. If there is no author it is burned from the
       subnet account. An unexecuted remainder (r.swap.unexecuted) would stay in the subnet
       account without a refund on chain; it is 0 in practice because add_stake_limit first caps
       the amount at `max_amount_add` and market buys stop only at 10^6 TAO per alpha.
    5. Event StakeAdded(coldkey, hotkey, amount_in, amount_paid_out, netuid, fee_paid).

remove_stake / remove_stake_limit (`unstake_from_subnet`)
    1. Validate, then `r = sell(pool, alpha, limit_price, allow_partial, author_present=...)`.
       Remove r.swap.amount_in alpha from the shares (a limit may cap it below `alpha`; the rest
       simply stays staked) and add r.swap.unexecuted back (the chain's refund).
    2. Write back: SubnetAlphaIn += amount_paid_in (net); SubnetAlphaOut −= amount_paid_in;
       SubnetTAO −= amount_paid_out; TotalStake −= amount_paid_out; SubnetVolume += amount_paid_out.
       With an author, r.fee_swap is a second, fee-less sell of the alpha fee: apply the same
       bookkeeping for it; its TAO (r.author_tao) goes from the subnet account to the author.
       r.pool already holds both swaps' reserves. Without an author the fee alpha is burned.
       If that fee sale fails (e.g. ReservesTooLow) the whole unstake fails, as on chain.
    3. Pay amount_paid_out TAO from the subnet account to the coldkey. Event
       StakeRemoved(coldkey, hotkey, amount_paid_out, amount_paid_in, netuid, fee_paid).

Moves (move_stake, transfer_stake and swap_stake across subnets) `sell` on the origin at the
market limit and, if the TAO is ≥ DefaultMinStake, `buy` on the destination at the market limit,
both with check_input_cap=False. Only one leg pays the fee: the origin leg, or the destination
leg when the origin is root (pass drop_fees accordingly). swap_stake_limit enforces its limit
only by capping the alpha at `max_amount_move(origin, destination, limit)`.

Emission (`inject_liquidity`) re-weights the pool so the price holds, then both reserves grow
by what was actually added (nothing if the weights would leave [0.01, 0.99]).
Swap.set_fee_rate uses `check_fee_rate`.
Runtime API: `spot_price_rao` is current_alpha_price; `sim_swap_tao_for_alpha` /
`sim_swap_alpha_for_tao` return SimSwapResult exactly as the chain fills it.
"""

from tensornet.amm.balancer import Balancer
from tensornet.amm.fixed import U64F64
from tensornet.amm.pool import (
    DEFAULT_FEE_RATE,
    MAX_FEE_RATE,
    MAX_PRICE_RAO,
    MIN_PRICE_RAO,
    MINIMUM_RESERVE,
    Injection,
    Order,
    PoolState,
    SwapResult,
    check_fee_rate,
    fee_amount,
    initialize,
    inject_liquidity,
    limit_price_from_rao,
    spot_price,
    spot_price_rao,
    swap,
)
from tensornet.amm.staking import (
    SimSwapResult,
    StakeSwap,
    alpha_for_tao,
    approx_fee_amount,
    buy,
    max_amount_add,
    max_amount_for_limit_price,
    max_amount_move,
    max_amount_remove,
    sell,
    sim_swap,
    sim_swap_alpha_for_tao,
    sim_swap_tao_for_alpha,
    swap_alpha_for_tao,
    swap_tao_for_alpha,
)

__all__ = [
    "DEFAULT_FEE_RATE",
    "MAX_FEE_RATE",
    "MAX_PRICE_RAO",
    "MIN_PRICE_RAO",
    "MINIMUM_RESERVE",
    "Balancer",
    "Injection",
    "Order",
    "PoolState",
    "SimSwapResult",
    "StakeSwap",
    "SwapResult",
    "U64F64",
    "alpha_for_tao",
    "approx_fee_amount",
    "buy",
    "check_fee_rate",
    "fee_amount",
    "initialize",
    "inject_liquidity",
    "limit_price_from_rao",
    "max_amount_add",
    "max_amount_for_limit_price",
    "max_amount_move",
    "max_amount_remove",
    "sell",
    "sim_swap",
    "sim_swap_alpha_for_tao",
    "sim_swap_tao_for_alpha",
    "spot_price",
    "spot_price_rao",
    "swap",
    "swap_alpha_for_tao",
    "swap_tao_for_alpha",
]
