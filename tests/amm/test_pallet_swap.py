"""Swap pallet (index 28) through signed extrinsics: set_fee_rate (root), the deprecated LP calls,
and the fee rate taking effect in the next trade."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "subnet"))
from stake_net import SM, TAO, acc, subnet_net


@pytest.fixture
def net():
    with subnet_net() as n:
        yield n


def _sudo_result(out) -> dict:
    return [e for e in out.events if e["pallet"] == "Sudo"][-1]["fields"]["sudo_result"]


def test_set_fee_rate_is_root_only_and_bounded(net):
    netuid = net.netuid
    out = net.call("Bob", "Swap", "set_fee_rate", {"netuid": netuid, "rate": 100})
    assert (out.success, out.error) == (False, "BadOrigin")
    out = net.call("Alice", "Sudo", "sudo", {"call": {"Swap": {"set_fee_rate": {"netuid": netuid, "rate": 10_001}}}})
    assert _sudo_result(out)["Err"]["Module"]["index"] == 28  # FeeRateTooHigh
    out = net.call("Alice", "Sudo", "sudo", {"call": {"Swap": {"set_fee_rate": {"netuid": 77, "rate": 1}}}})
    assert "Err" in _sudo_result(out)  # MechanismDoesNotExist
    net.sudo("Swap", "set_fee_rate", {"netuid": netuid, "rate": 655})
    assert net.get("FeeRate", netuid, pallet="Swap") == 655
    assert [e["fields"] for e in net.events() if e["pallet"] == "Swap"] == [{"netuid": netuid, "rate": 655}]
    # the next buy pays ⌊amount × 655 / 65535⌋
    out = net.sm("Bob", "add_stake", hotkey=acc("owner_hk"), netuid=netuid, amount_staked=10 * TAO)
    assert out.success
    assert net.sm_events("StakeAdded")[-1][5] == 10 * TAO * 655 // 65_535


def test_first_swap_initialises_the_pool_lazily(net):
    netuid = net.netuid
    assert not net.get("PalSwapInitialized", netuid, pallet="Swap")
    net.sm("Bob", "add_stake", hotkey=acc("owner_hk"), netuid=netuid, amount_staked=TAO)
    assert net.get("PalSwapInitialized", netuid, pallet="Swap")
    assert net.get("SwapBalancer", netuid, pallet="Swap") == {"quote": 5 * 10**17}


@pytest.mark.parametrize("call, args", [
    ("add_liquidity", {"hotkey": None, "netuid": None, "tick_low": -10, "tick_high": 10, "liquidity": 10**9}),
    ("remove_liquidity", {"hotkey": None, "netuid": None, "position_id": 1}),
    ("modify_position", {"hotkey": None, "netuid": None, "position_id": 1, "liquidity_delta": -5}),
    ("toggle_user_liquidity", {"netuid": None, "enable": True}),
    ("disable_lp", {}),
])
def test_deprecated_lp_calls(net, call, args):
    args = {k: (acc("owner_hk") if k == "hotkey" else net.netuid) if v is None else v for k, v in args.items()}
    bob0 = net.free("Bob")
    out = net.call("Bob", "Swap", call, args)
    assert (out.success, out.error) == (False, "Deprecated")
    assert net.free("Bob") == bob0 - out.fee


def test_swap_pallet_storage_names():
    from tensornet.amm.pallet import Swap

    assert [i.name for i in Swap.storage_items] == [
        "FeeRate", "SwapBalancer", "PalSwapInitialized", "HasMigrationRun", "ScrapReservoirAlpha"]
    assert Swap.INDEX == 28 and [c.index for c in Swap.calls] == [0, 1, 2, 3, 4, 5]
    assert SM  # the driver is shared with the SubtensorModule tests
