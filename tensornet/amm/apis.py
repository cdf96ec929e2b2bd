"""SwapRuntimeApi (``pallets/swap/runtime-api``): prices and swap simulations for clients.

btcli and the SDK quote stakes with these before signing: ``current_alpha_price`` is the spot
price in rao per alpha (floor(price × 10^9)), the ``sim_swap_*`` methods return subtensor's
``SimSwapResult`` (all zeros when the swap would fail), read at the requested block.
"""
from __future__ import annotations

from tensornet.amm.pool import spot_price_rao
from tensornet.amm.staking import sim_swap_alpha_for_tao, sim_swap_tao_for_alpha
from tensornet.primitives.scale import U64, Struct, Vec
from tensornet.runtime.apis import ApiMethod, RuntimeApi
from tensornet.subnet.types import AlphaBalance, NetUid, TaoBalance

SimSwapResult = Struct("subtensor_swap_runtime_api::SimSwapResult", [
    ("tao_amount", TaoBalance, "TaoBalance"), ("alpha_amount", AlphaBalance, "AlphaBalance"),
    ("tao_fee", TaoBalance, "TaoBalance"), ("alpha_fee", AlphaBalance, "AlphaBalance"),
    ("tao_slippage", TaoBalance, "TaoBalance"), ("alpha_slippage", AlphaBalance, "AlphaBalance")])
SubnetPrice = Struct("subtensor_swap_runtime_api::SubnetPrice", [("netuid", NetUid, "NetUid"), ("price", U64, "u64")])


def _pool(ctx, netuid: int):
    return ctx.runtime.pallets["Swap"].pool_state(netuid)


def current_alpha_price(ctx, netuid: int) -> int:
    return spot_price_rao(_pool(ctx, netuid))


def current_alpha_price_all(ctx) -> list[dict]:
    sm = ctx.runtime.pallets["SubtensorModule"]
    return [{"netuid": n, "price": current_alpha_price(ctx, n)} for n in sm.get_all_subnet_netuids()]


def _sim_value(result) -> dict:
    return {name: getattr(result, name) for name in
            ("tao_amount", "alpha_amount", "tao_fee", "alpha_fee", "tao_slippage", "alpha_slippage")}


def _exists(ctx, netuid: int) -> bool:
    return ctx.runtime.pallets["SubtensorModule"].NetworksAdded.get(netuid)


def sim_tao_for_alpha(ctx, netuid: int, tao: int) -> dict:
    """A stable-mechanism netuid that does not exist trades nothing (all slippage), as on chain."""
    pool = _pool(ctx, netuid)
    if not pool.is_dynamic and not _exists(ctx, netuid):
        return {**_sim_value(sim_swap_tao_for_alpha(pool, 0)), "alpha_slippage": tao}
    return _sim_value(sim_swap_tao_for_alpha(pool, tao))


def sim_alpha_for_tao(ctx, netuid: int, alpha: int) -> dict:
    pool = _pool(ctx, netuid)
    if not pool.is_dynamic and not _exists(ctx, netuid):
        return {**_sim_value(sim_swap_alpha_for_tao(pool, 0)), "tao_slippage": alpha}
    return _sim_value(sim_swap_alpha_for_tao(pool, alpha))


def swap_api() -> RuntimeApi:
    return RuntimeApi("SwapRuntimeApi", 1, [
        ApiMethod("current_alpha_price", [("netuid", NetUid)], U64, current_alpha_price),
        ApiMethod("current_alpha_price_all", [], Vec(SubnetPrice), current_alpha_price_all),
        ApiMethod("sim_swap_tao_for_alpha", [("netuid", NetUid), ("tao", TaoBalance)], SimSwapResult,
                  sim_tao_for_alpha),
        ApiMethod("sim_swap_alpha_for_tao", [("netuid", NetUid), ("alpha", AlphaBalance)], SimSwapResult,
                  sim_alpha_for_tao),
    ])
