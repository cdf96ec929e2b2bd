"""Coldkey swaps through signed extrinsics: announce (paying KeySwapCost), wait, swap; the guard that
freezes an announcing coldkey; disputes, resets, clears; root's immediate swap."""
from __future__ import annotations

import pytest
from stake_net import SM, TAO, acc, key, subnet_net

from tensornet.primitives.hashing import blake2_256

KEY_SWAP_COST = TAO // 10


@pytest.fixture
def net():
    with subnet_net(fund={"Swapper": 100 * TAO}) as n:
        yield n


def _announce(net, who: str, new: str):
    return net.sm(who, "announce_coldkey_swap", new_coldkey_hash=blake2_256(acc(new)))


def test_an_announced_swap_moves_stake_ownership_identity_and_tao(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Swapper", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    net.sm("Swapper", "try_associate_hotkey", hotkey=acc("swapper_hk"))
    staked = net.stake(hot, "Swapper", netuid)
    issuance = net.get("TotalIssuance", pallet="Balances")
    out = _announce(net, "Swapper", "NewKey")
    assert out.success
    # the swap cost is recycled: it leaves both issuances
    assert net.get("TotalIssuance", pallet="Balances") == issuance - KEY_SWAP_COST
    when, announced = net.get("ColdkeySwapAnnouncements", acc("Swapper"))
    assert announced == blake2_256(acc("NewKey")) and when == net.block + net.get("ColdkeySwapAnnouncementDelay")
    assert net.sm_events("ColdkeySwapAnnounced") == [{"who": acc("Swapper"), "new_coldkey_hash": announced}]
    # meanwhile the coldkey can do nothing else: the pool refuses its calls (batches included), and a
    # call dispatched as the coldkey by another origin fails in the dispatch guard
    stake = {"hotkey": hot, "netuid": netuid, "amount_staked": TAO}
    assert net.refused("Swapper", SM, "add_stake", stake) == "Custom(0) ColdkeyInSwapSchedule"
    assert net.refused("Swapper", "Balances", "transfer_keep_alive", {"dest": {"Id": acc("Bob")}, "value": TAO}) \
        == "Custom(0) ColdkeyInSwapSchedule"
    assert net.refused("Swapper", "Utility", "batch", {"calls": []}) == "Custom(0) ColdkeyInSwapSchedule"
    net.ok("Alice", "Sudo", "sudo_as", {"who": {"Id": acc("Swapper")}, "call": {SM: {"add_stake": stake}}})
    done = [e["fields"] for e in net.events() if e["name"] == "SudoAsDone"]
    assert done == [{"sudo_result": {"Err": net.node.runtime.pallets[SM].error("ColdkeySwapAnnounced").value}}]
    assert net.stake(hot, "Swapper", netuid) == staked
    assert net.sm("Swapper", "swap_coldkey_announced", new_coldkey=acc("NewKey")).error == "ColdkeySwapTooEarly"
    net.seal(max(when - net.block - 1, 0))
    assert net.sm("Swapper", "swap_coldkey_announced", new_coldkey=acc("Bob")).error == \
        "AnnouncedColdkeyHashDoesNotMatch"
    free = net.free("Swapper")
    out = net.sm("Swapper", "swap_coldkey_announced", new_coldkey=acc("NewKey"))
    assert out.success
    assert net.sm_events("ColdkeySwapped") == [{"old_coldkey": acc("Swapper"), "new_coldkey": acc("NewKey")}]
    assert net.stake(hot, "NewKey", netuid) in (staked, staked - 1) and net.stake(hot, "Swapper", netuid) == 0
    assert hot in net.get("StakingHotkeys", acc("NewKey")) and net.get("StakingHotkeys", acc("Swapper")) == []
    assert net.get("Owner", acc("swapper_hk")) == acc("NewKey")
    assert net.get("OwnedHotkeys", acc("NewKey")) == [acc("swapper_hk")]
    assert net.free("NewKey") == free - out.fee and net.free("Swapper") == 0  # everything, the old key reaped
    assert net.get("ColdkeySwapAnnouncements", acc("Swapper")) is None
    assert net.get("LastRateLimitedBlock", {"LastTxBlock": acc("NewKey")}) == net.block


def test_a_disputed_swap_freezes_the_coldkey_until_root_resets_it(net):
    assert _announce(net, "Swapper", "NewKey").success
    assert net.sm("Swapper", "dispute_coldkey_swap").success
    assert net.sm_events("ColdkeySwapDisputed") == [{"coldkey": acc("Swapper")}]
    for call, args in (("dispute_coldkey_swap", {}), ("clear_coldkey_swap_announcement", {}),
                       ("swap_coldkey_announced", {"new_coldkey": acc("NewKey")})):
        assert net.refused("Swapper", SM, call, args) == "Custom(21) ColdkeySwapDisputed"
    net.sudo(SM, "reset_coldkey_swap", {"coldkey": acc("Swapper")})
    assert net.get("ColdkeySwapAnnouncements", acc("Swapper")) is None
    assert net.get("ColdkeySwapDisputes", acc("Swapper")) is None
    assert net.sm("Swapper", "try_associate_hotkey", hotkey=acc("after_reset_hk")).success


def test_reannouncing_and_clearing_wait_for_the_reannouncement_delay(net):
    assert _announce(net, "Swapper", "NewKey").success
    free = net.free("Swapper")
    out = _announce(net, "Swapper", "OtherKey")
    assert out.error == "ColdkeySwapReannouncedTooEarly"
    assert net.sm("Swapper", "clear_coldkey_swap_announcement").error == "ColdkeySwapClearTooEarly"
    when = net.get("ColdkeySwapAnnouncements", acc("Swapper"))[0]
    net.seal(max(when + net.get("ColdkeySwapReannouncementDelay") - net.block - 1, 0))
    free = net.free("Swapper")
    out = _announce(net, "Swapper", "OtherKey")  # a reannouncement is free of the swap cost
    assert out.success and net.free("Swapper") == free - out.fee
    when = net.get("ColdkeySwapAnnouncements", acc("Swapper"))[0]
    net.seal(max(when + net.get("ColdkeySwapReannouncementDelay") - net.block - 1, 0))
    assert net.sm("Swapper", "clear_coldkey_swap_announcement").success
    assert net.get("ColdkeySwapAnnouncements", acc("Swapper")) is None
    assert net.sm_events("ColdkeySwapCleared") == [{"who": acc("Swapper")}]


def test_root_swaps_at_once_and_refuses_a_new_key_that_is_taken(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Swapper", "add_stake", hotkey=hot, netuid=netuid, amount_staked=TAO)
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=TAO)
    args = {"old_coldkey": acc("Swapper"), "new_coldkey": acc("Bob"), "swap_cost": 0}
    net.ok("Alice", "Sudo", "sudo", {"call": {SM: {"swap_coldkey": args}}})
    assert "Err" in [e for e in net.events() if e["pallet"] == "Sudo"][-1]["fields"]["sudo_result"]  # Bob stakes
    net.sudo(SM, "swap_coldkey", {**args, "new_coldkey": acc("Fresh"), "swap_cost": KEY_SWAP_COST})
    assert net.stake(hot, "Fresh", netuid) > 0 and net.get("SubnetOwner", netuid) == acc("Alice")
    assert net.free("Swapper") == 0


def test_the_subnet_owner_swaps_its_subnet_too(net):
    netuid = net.netuid
    assert net.get("SubnetOwner", netuid) == acc("Alice")
    net.sudo(SM, "swap_coldkey", {"old_coldkey": acc("Alice"), "new_coldkey": acc("AliceNew"), "swap_cost": 0})
    assert net.get("SubnetOwner", netuid) == acc("AliceNew")
    assert key("owner_hk").public in net.get("OwnedHotkeys", acc("AliceNew"))
