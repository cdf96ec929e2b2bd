"""Voting power (129–131): the EMA of validators' stake a subnet tracks once its owner enables it,
updated after every epoch, through signed extrinsics and whole epochs."""
from __future__ import annotations

import pytest
from incentive_net import TAO, Net, key

from tensornet.subnet.voting_power import (
    VOTING_POWER_DISABLE_GRACE_PERIOD_BLOCKS,
    voting_power_ema,
)

HALF = 5 * 10**17  # α = 0.5


def test_the_ema_is_the_chains_integer_formula():
    assert voting_power_ema(1_000, 0, HALF) == 500
    assert voting_power_ema(1_000, 500, HALF) == 750
    assert voting_power_ema(7, 3, 10**18) == 7 and voting_power_ema(7, 3, 0) == 3
    assert voting_power_ema(2**64 - 1, 2**64 - 1, HALF) == 2**64 - 1  # (u128 intermediate, no overflow)


@pytest.fixture
def net():
    n = Net(fund={"bob_hk": TAO, "m1_hk": TAO, "alice_hk": TAO})
    n.netuid = n.staked_subnet(("Bob", "bob_hk"), [("Dave", "m1_hk")], 100 * TAO)
    yield n
    n.close()


def _next_epoch(net: Net) -> dict[str, int]:
    """Seal up to and including the next epoch; the stake each hotkey had when it ran."""
    netuid = net.netuid
    net.seal(max(net.sm("LastEpochBlock", netuid) + net.sm("Tempo", netuid) - net.block - 1, 0))
    stake = {hk: net.sm("TotalHotkeyAlpha", key(hk).public, netuid) for hk in ("alice_hk", "bob_hk", "m1_hk")}
    epoch = net.sm("SubnetEpochIndex", netuid)
    net.seal(1)
    assert net.sm("SubnetEpochIndex", netuid) == epoch + 1
    return stake


def _power(net: Net, hotkey: str) -> int | None:
    with net.state() as rt:
        vp = rt.pallets["SubtensorModule"].VotingPower
        return vp.get(net.netuid, key(hotkey).public) if vp.contains(net.netuid, key(hotkey).public) else None


def test_tracking_follows_the_validators_stake_epoch_by_epoch(net):
    netuid = net.netuid
    _next_epoch(net)
    assert _power(net, "bob_hk") is None  # not tracked yet
    assert "BadOrigin" in net.call("Bob", "SubtensorModule", "enable_voting_power_tracking", {"netuid": netuid}).error
    net.ok("Alice", "SubtensorModule", "enable_voting_power_tracking", {"netuid": netuid})
    assert net.sm("VotingPowerTrackingEnabled", netuid)
    net.sudo("SubtensorModule", "sudo_set_voting_power_ema_alpha", {"netuid": netuid, "alpha": HALF})
    assert net.sm("VotingPowerEmaAlpha", netuid) == HALF
    previous = 0
    for _ in range(2):
        stake = _next_epoch(net)
        permits = net.sm("ValidatorPermit", netuid)
        assert permits[net.sm("Uids", netuid, key("bob_hk").public)]
        expected = voting_power_ema(stake["bob_hk"], previous, HALF)
        assert _power(net, "bob_hk") == expected > 0
        previous = expected
        if not permits[net.sm("Uids", netuid, key("m1_hk").public)]:
            assert _power(net, "m1_hk") is None  # a miner has no voting power


def test_disabling_waits_for_its_grace_period_then_clears_everything(net):
    netuid = net.netuid
    out = net.call("Alice", "SubtensorModule", "disable_voting_power_tracking", {"netuid": netuid})
    assert out.error == "VotingPowerTrackingNotEnabled"
    net.ok("Alice", "SubtensorModule", "enable_voting_power_tracking", {"netuid": netuid})
    _next_epoch(net)
    assert _power(net, "bob_hk")
    net.ok("Alice", "SubtensorModule", "disable_voting_power_tracking", {"netuid": netuid})
    at = net.sm("VotingPowerDisableAtBlock", netuid)
    assert at == net.block + VOTING_POWER_DISABLE_GRACE_PERIOD_BLOCKS
    assert [e["fields"] for e in net.events() if e["name"] == "VotingPowerTrackingDisableScheduled"] == [
        {"netuid": netuid, "disable_at_block": at}]
    _next_epoch(net)
    assert _power(net, "bob_hk")  # still tracked during the grace period
    # bring the end of the grace period forward (root writes storage), then the next epoch ends it
    with net.state() as rt:
        item = rt.pallets["SubtensorModule"].VotingPowerDisableAtBlock
        k, v = item.key(netuid), item.item.value_type.encode(net.block + 1)
    net.sudo("System", "set_storage", {"items": [(k, v)]})
    _next_epoch(net)
    assert not net.sm("VotingPowerTrackingEnabled", netuid) and _power(net, "bob_hk") is None
    assert net.sm("VotingPowerDisableAtBlock", netuid) == 0


def test_the_ema_alpha_is_root_only_and_at_most_one(net):
    netuid = net.netuid
    assert "BadOrigin" in net.call("Alice", "SubtensorModule", "sudo_set_voting_power_ema_alpha",
                                   {"netuid": netuid, "alpha": 1}).error
    net.ok("Alice", "Sudo", "sudo", {"call": {"SubtensorModule": {"sudo_set_voting_power_ema_alpha": {
        "netuid": netuid, "alpha": 10**18 + 1}}}})
    result = [e for e in net.events() if e["pallet"] == "Sudo"][-1]["fields"]["sudo_result"]
    assert "Err" in result and net.sm("VotingPowerEmaAlpha", netuid) != 10**18 + 1


def test_a_validator_that_falls_below_the_stake_threshold_loses_its_permit_and_its_power(net):
    """(The epoch filters stakes below StakeThreshold out of the permits, so a validator whose stake
    falls under it loses its permit, and with it its entry.)"""
    netuid = net.netuid
    net.ok("Alice", "SubtensorModule", "enable_voting_power_tracking", {"netuid": netuid})
    net.sudo("SubtensorModule", "sudo_set_voting_power_ema_alpha", {"netuid": netuid, "alpha": 10**18})  # α = 1
    net.sudo("AdminUtils", "sudo_set_stake_threshold", {"min_stake": 10 * TAO})
    stake = _next_epoch(net)
    assert _power(net, "bob_hk") == stake["bob_hk"] >= 10 * TAO
    staked = net.stake("bob_hk", "Bob", netuid)
    net.ok("Bob", "SubtensorModule", "remove_stake",
           {"hotkey": key("bob_hk").public, "netuid": netuid, "amount_unstaked": staked - TAO})
    stake = _next_epoch(net)
    assert stake["bob_hk"] < 10 * TAO and _power(net, "bob_hk") is None
    assert not net.sm("ValidatorPermit", netuid)[net.sm("Uids", netuid, key("bob_hk").public)]


@pytest.mark.parametrize("keep_stake", [False, True])
def test_a_swapped_hotkey_takes_its_power_along_or_leaves_it_to_be_dropped(net, keep_stake):
    """A hotkey swap moves the power with the stake; with ``keep_stake`` the old hotkey keeps its
    entry, and the next epoch drops it because that hotkey is no longer a member of the subnet."""
    netuid = net.netuid
    net.ok("Alice", "SubtensorModule", "enable_voting_power_tracking", {"netuid": netuid})
    net.sudo("SubtensorModule", "sudo_set_voting_power_ema_alpha", {"netuid": netuid, "alpha": 10**18})  # α = 1
    stake = _next_epoch(net)
    power = _power(net, "bob_hk")
    assert power == stake["bob_hk"] > 0
    net.ok("Bob", "SubtensorModule", "swap_hotkey_v2", {"hotkey": key("bob_hk").public, "netuid": netuid,
                                                          "new_hotkey": key("bob_new").public, "keep_stake": keep_stake})
    if keep_stake:
        assert _power(net, "bob_hk") == power and _power(net, "bob_new") is None
        _next_epoch(net)
        assert _power(net, "bob_hk") is None
    else:
        assert _power(net, "bob_new") == power and _power(net, "bob_hk") is None
