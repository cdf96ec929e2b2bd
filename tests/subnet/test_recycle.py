"""recycle_alpha, burn_alpha, add_stake_burn and update_symbol through signed extrinsics, worked out by hand.

Pools start at 1,000 TAO / 1,000 alpha, weights 0.5, fee 33/65535 (see test_staking_calls). Recycling
and burning take stake out without touching the pool; recycling also lowers SubnetAlphaOut.
"""
from __future__ import annotations

import pytest
from stake_net import SM, TAO, StakeNet, acc, subnet_net

from tensornet.subnet.symbols import SYMBOLS

FEE_RATE = 33


@pytest.fixture
def net():
    with subnet_net() as n:
        yield n


def snapshot(net: StakeNet, hot: bytes) -> dict:
    netuid = net.netuid
    return {"stake": net.stake(hot, "Bob", netuid), "out": net.get("SubnetAlphaOut", netuid),
            "tao": net.get("SubnetTAO", netuid), "alpha_in": net.get("SubnetAlphaIn", netuid),
            "hotkey_alpha": net.get("TotalHotkeyAlpha", hot, netuid), "bob": net.free("Bob")}


def test_recycle_alpha_takes_stake_out_and_lowers_the_outstanding_alpha(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    before = snapshot(net, hot)
    out = net.sm("Bob", "recycle_alpha", hotkey=hot, amount=3 * TAO, netuid=netuid)
    after = snapshot(net, hot)
    assert out.success
    assert net.sm_events("AlphaRecycled") == [(acc("Bob"), hot, 3 * TAO, netuid)]
    assert before["stake"] - 3 * TAO - 1 <= after["stake"] <= before["stake"] - 3 * TAO
    assert after["hotkey_alpha"] == before["hotkey_alpha"] - 3 * TAO
    # (alpha emission adds SubnetAlphaOutEmission per block to the outstanding alpha)
    assert after["out"] == before["out"] - 3 * TAO + net.get("SubnetAlphaOutEmission", netuid)
    assert (after["tao"], after["alpha_in"]) == (before["tao"], before["alpha_in"])  # the pool is untouched
    assert after["bob"] == before["bob"] - out.fee


def test_burn_alpha_takes_stake_out_and_leaves_the_outstanding_alpha(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    before = snapshot(net, hot)
    out = net.sm("Bob", "burn_alpha", hotkey=hot, amount=10**18, netuid=netuid)  # capped at the stake
    after = snapshot(net, hot)
    assert out.success
    assert net.sm_events("AlphaBurned") == [(acc("Bob"), hot, before["stake"], netuid)]
    assert after["stake"] == 0 and after["hotkey_alpha"] == before["hotkey_alpha"] - before["stake"]
    assert after["out"] == before["out"] + net.get("SubnetAlphaOutEmission", netuid)
    assert (after["tao"], after["alpha_in"]) == (before["tao"], before["alpha_in"])


@pytest.mark.parametrize("call", ["recycle_alpha", "burn_alpha"])
def test_recycle_and_burn_refuse_root_unknown_subnets_and_hotkeys(net, call):
    hot = acc("owner_hk")
    for netuid, hotkey, error in ((0, hot, "CannotBurnOrRecycleOnRootSubnet"), (77, hot, "SubnetNotExists"),
                                  (net.netuid, acc("nobody_hk"), "HotKeyAccountNotExists")):
        bob = net.free("Bob")
        out = net.sm("Bob", call, hotkey=hotkey, amount=TAO, netuid=netuid)
        assert (out.success, out.error) == (False, error)
        assert net.free("Bob") == bob - out.fee


def test_add_stake_burn_buys_and_burns_in_one_call(net):
    netuid, hot = net.netuid, acc("owner_hk")
    before = snapshot(net, hot)
    amount = 10 * TAO
    out = net.sm("Bob", "add_stake_burn", hotkey=hot, netuid=netuid, amount=amount, limit=None)
    after = snapshot(net, hot)
    assert out.success
    (added,) = net.sm_events("StakeAdded")
    alpha, fee = added[3], added[5]
    assert fee == amount * FEE_RATE // 65_535
    assert net.sm_events("AlphaBurned") == [(acc("Bob"), hot, alpha, netuid)]
    assert net.sm_events("AddStakeBurn") == [{"netuid": netuid, "hotkey": hot, "amount": amount, "alpha": alpha}]
    # a buy moved the pool and the outstanding alpha; the stake it bought is gone
    assert (after["tao"], after["alpha_in"]) == (before["tao"] + amount - fee, before["alpha_in"] - alpha)
    assert after["out"] == before["out"] + alpha + net.get("SubnetAlphaOutEmission", netuid)
    assert after["stake"] == 0 and after["hotkey_alpha"] == 0
    assert after["bob"] == before["bob"] - amount - out.fee


def test_add_stake_burn_with_a_limit_below_the_price_moves_nothing(net):
    netuid, hot = net.netuid, acc("owner_hk")
    before = snapshot(net, hot)
    out = net.sm("Bob", "add_stake_burn", hotkey=hot, netuid=netuid, amount=10 * TAO, limit=TAO // 2)
    assert (out.success, out.error) == (False, "PriceLimitExceeded")  # the Swap pallet's, as on chain
    after = snapshot(net, hot)
    emitted = net.get("SubnetAlphaOutEmission", netuid)
    assert after == {**before, "out": before["out"] + emitted, "bob": after["bob"]}
    assert after["bob"] == before["bob"] - out.fee


def test_update_symbol_owner_or_root_and_only_an_unused_symbol_from_the_table(net):
    netuid = net.netuid
    free = next(s for s in SYMBOLS[1:] if s not in {net.get("TokenSymbol", n) for n in range(netuid + 1)})
    assert net.sm("Bob", "update_symbol", netuid=netuid, symbol=free).error == "BadOrigin"
    assert net.sm("Alice", "update_symbol", netuid=netuid, symbol=b"XYZ").error == "SymbolDoesNotExist"
    assert net.sm("Alice", "update_symbol", netuid=netuid, symbol=SYMBOLS[0]).error == "SymbolDoesNotExist"
    taken = net.get("TokenSymbol", 1)
    assert net.sm("Alice", "update_symbol", netuid=netuid, symbol=taken).error == "SymbolAlreadyInUse"
    assert net.sm("Alice", "update_symbol", netuid=netuid, symbol=free).success
    assert net.get("TokenSymbol", netuid) == free
    assert net.sm_events("SymbolUpdated") == [{"netuid": netuid, "symbol": free}]
    net.sudo(SM, "update_symbol", {"netuid": 1, "symbol": next(
        s for s in SYMBOLS[1:] if s not in {net.get("TokenSymbol", n) for n in range(netuid + 1)})})
