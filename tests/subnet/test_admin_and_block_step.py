"""AdminUtils origin rules, owner rate limit and freeze window; tempo control; the block step's
minting, epoch scheduling with MaxEpochsPerBlock deferral; childkeys; root claims."""
from __future__ import annotations

import pytest
from incentive_net import TAO, Net, key

from tensornet.subnet import coinbase_math as cm


@pytest.fixture(scope="module")
def net():
    n = Net(fund={"alice_hk": TAO, "bob_hk": TAO, "kid_hk": TAO})
    n.netuid = n.subnet()
    yield n
    n.close()


def test_owner_sets_with_rate_limit_root_bypasses(net):
    netuid = net.netuid
    net.ok("Alice", "AdminUtils", "sudo_set_rho", {"netuid": netuid, "rho": 12})
    assert net.sm("Rho", netuid) == 12
    out = net.call("Alice", "AdminUtils", "sudo_set_rho", {"netuid": netuid, "rho": 13})
    assert out.error == "TxRateLimitExceeded" and net.sm("Rho", netuid) == 12
    net.sudo("AdminUtils", "sudo_set_rho", {"netuid": netuid, "rho": 14})
    assert net.sm("Rho", netuid) == 14
    assert net.call("Bob", "AdminUtils", "sudo_set_rho", {"netuid": netuid, "rho": 1}).error == "BadOrigin" or \
        not net.call("Bob", "AdminUtils", "sudo_set_rho", {"netuid": netuid, "rho": 1}).success
    # a root-only setter refuses the owner
    assert not net.call("Alice", "AdminUtils", "sudo_set_kappa", {"netuid": netuid, "kappa": 1}).success
    assert net.call("Alice", "AdminUtils", "sudo_set_max_burn", {"netuid": netuid, "max_burn": 1}).error == \
        "ValueNotInBounds"
    # unknown subnet
    out = net.call("Alice", "Sudo", "sudo", {"call": {"AdminUtils": {"sudo_set_kappa": {"netuid": 99, "kappa": 1}}}})
    assert out.success


def test_freeze_window_blocks_owner_changes(net):
    netuid = net.netuid
    net.sudo("AdminUtils", "sudo_set_admin_freeze_window", {"window": 10})
    # tempo 10 and window 10: every block but the epoch block is inside the window
    out = net.call("Alice", "AdminUtils", "sudo_set_immunity_period", {"netuid": netuid, "immunity_period": 7})
    assert out.error == "AdminActionProhibitedDuringWeightsWindow"
    net.sudo("AdminUtils", "sudo_set_admin_freeze_window", {"window": 0})
    net.ok("Alice", "AdminUtils", "sudo_set_immunity_period", {"netuid": netuid, "immunity_period": 7})
    assert net.sm("ImmunityPeriod", netuid) == 7


def test_block_emission_mints_by_the_halving_schedule(net):
    issuance = net.sm("TotalIssuance")
    net.seal(1)
    expected = cm.block_emission_for_issuance(issuance)
    assert net.sm("BlockEmission") == expected
    # every minted rao went somewhere (subnet accounts) or was recycled out of TotalIssuance again
    minted = net.sm("TotalIssuance") - issuance
    assert 0 <= minted <= expected


def test_epochs_run_every_tempo_and_defer_over_the_cap():
    net = Net(fund={"alice_hk": TAO, "a2_hk": TAO, "a3_hk": TAO})
    try:
        subnets = [net.subnet(owner_hotkey=h) for h in ("alice_hk", "a2_hk", "a3_hk")]
        net.sudo("AdminUtils", "sudo_set_max_epochs_per_block", {"max_epochs_per_block": 1})
        # align them all on one block: one root batch resets their cycles together
        net.sudo("Utility", "batch_all", {"calls": [
            {"AdminUtils": {"sudo_set_tempo": {"netuid": n, "tempo": 20}}} for n in subnets]})
        seen = {}
        for _ in range(45):
            net.seal(1)
            for e in net.events():
                if e["name"] == "EpochDeferred":
                    seen.setdefault("deferred", []).append(e["fields"]["netuid"])
            for netuid in subnets:
                if net.sm("LastEpochBlock", netuid) == net.block:
                    seen.setdefault(netuid, []).append(net.block)
        # one epoch per block: the aligned subnets fire on consecutive blocks
        firsts = sorted(seen[n][0] for n in subnets)
        assert firsts[1] == firsts[0] + 1 and firsts[2] == firsts[1] + 1
        assert "deferred" in seen
        assert net.sm("PendingEpochAt", subnets[0]) == 0
    finally:
        net.close()


def test_trigger_epoch_and_set_tempo(net):
    netuid = net.netuid
    assert net.call("Alice", "SubtensorModule", "set_tempo", {"netuid": netuid, "tempo": 10}).error == "TempoOutOfBounds"
    net.ok("Alice", "SubtensorModule", "set_tempo", {"netuid": netuid, "tempo": 400})
    assert net.sm("Tempo", netuid) == 400 and net.sm("LastEpochBlock", netuid) == net.block
    assert not net.call("Bob", "SubtensorModule", "trigger_epoch", {"netuid": netuid}).success
    net.sudo("AdminUtils", "sudo_set_admin_freeze_window", {"window": 5})
    net.ok("Alice", "SubtensorModule", "trigger_epoch", {"netuid": netuid})
    fires = net.sm("PendingEpochAt", netuid)
    assert fires == net.block + net.sm("AdminFreezeWindow")
    with net.state() as rt:
        assert rt.pallets["SubtensorModule"].next_epoch_start_block(netuid) == fires
    net.seal(max(fires - net.block, 1))
    assert net.sm("LastEpochBlock", netuid) == fires and net.sm("PendingEpochAt", netuid) == 0
    net.sudo("AdminUtils", "sudo_set_admin_freeze_window", {"window": 0})
    net.sudo("AdminUtils", "sudo_set_tempo", {"netuid": netuid, "tempo": 10})


def test_childkeys_schedule_then_apply(net):
    netuid = net.netuid
    net.register("Bob", "bob_hk", netuid)
    half = (2**64 - 1) // 2
    net.ok("Bob", "SubtensorModule", "set_children",
           {"hotkey": key("bob_hk").public, "netuid": netuid, "children": [(half, key("kid_hk").public)]})
    assert net.sm("PendingChildKeys", netuid, key("bob_hk").public)[0] == [(half, key("kid_hk").public)]
    assert net.call("Bob", "SubtensorModule", "set_children",
                    {"hotkey": key("bob_hk").public, "netuid": netuid,
                     "children": [(half, key("bob_hk").public)]}).error == "TxRateLimitExceeded"
    cooldown = net.sm("PendingChildKeyCooldown")
    net.seal(cooldown + 2 * net.sm("Tempo", netuid) + 1)
    assert net.sm("ChildKeys", key("bob_hk").public, netuid) == [(half, key("kid_hk").public)]
    assert net.sm("ParentKeys", key("kid_hk").public, netuid) == [(half, key("bob_hk").public)]
    net.ok("Alice", "Balances", "transfer_keep_alive", {"dest": {"Id": key("kid_hk").public}, "value": TAO})
    net.ok("Bob", "SubtensorModule", "try_associate_hotkey", {"hotkey": key("kid_hk").public}) \
        if "try_associate_hotkey" in net.node.runtime.pallets["SubtensorModule"].calls_by_name else None
    out = net.call("Charlie", "SubtensorModule", "set_childkey_take",
                   {"hotkey": key("kid_hk").public, "netuid": netuid, "take": 100})
    assert out.error == "NonAssociatedColdKey"
    # childkey inheritance: the parent lends half its alpha
    net.add_stake("Bob", "bob_hk", netuid, 10 * TAO)
    with net.state() as rt:
        sm = rt.pallets["SubtensorModule"]
        own = sm.TotalHotkeyAlpha.get(key("bob_hk").public, netuid)
        sw = sm.stake_weights_for_network(netuid, [key("bob_hk").public, key("kid_hk").public])
    # (the proportion is a U96F32: 32 fractional bits)
    assert abs(sw.alpha[0] - own // 2) <= 4 and abs(sw.alpha[1] - own // 2) <= 4


def test_claim_root_requires_subnets(net):
    assert net.call("Bob", "SubtensorModule", "claim_root", {"subnets": []}).error == "InvalidSubnetNumber"
    net.ok("Bob", "SubtensorModule", "set_root_claim_type", {"new_root_claim_type": "Keep"})
    assert net.sm("RootClaimType", key("Bob").public) == "Keep"
    net.ok("Bob", "SubtensorModule", "claim_root", {"subnets": [net.netuid]})


def test_claim_root_pays_for_the_weight_it_used_and_indexes_the_coldkey(net):
    """do_root_claim counts a read for the coldkey's hotkeys and three per hotkey (nothing is
    claimable here), not claim_root's declared 16 reads and 4 writes; duplicates in the BTreeSet
    count once; the coldkey joins the staking-coldkey index."""
    from tensornet.runtime.dispatch import (
        DB_READ,
        compute_fee_raw,
        transaction_extension_weight,
    )

    args = {"subnets": [net.netuid] * 6}  # six entries, one subnet: accepted
    hotkeys = net.sm("StakingHotkeys", key("Charlie").public)
    assert not any(net.sm("RootClaimable", h) for h in hotkeys)
    assert not _indexed(net, "Charlie")
    length = len(net.ext("Charlie", "SubtensorModule", "claim_root", args))
    out = net.ok("Charlie", "SubtensorModule", "claim_root", args)
    extensions = transaction_extension_weight({"SubtensorModule": {"claim_root": args}}).ref_time
    used = (1 + 3 * len(hotkeys)) * DB_READ + extensions
    assert out.fee == compute_fee_raw(length, used, 0, "Yes")
    assert _indexed(net, "Charlie")


def _indexed(net, who: str) -> bool:
    with net.state() as rt:
        return rt.pallets["SubtensorModule"].StakingColdkeys.contains(key(who).public)


def test_auto_stake_destination_and_childkey_root_settings(net):
    netuid = net.netuid
    assert net.call("Dave", "SubtensorModule", "set_coldkey_auto_stake_hotkey",
                    {"netuid": netuid, "hotkey": key("nope_hk").public}).error == "HotKeyNotRegisteredInSubNet"
    net.ok("Dave", "SubtensorModule", "set_coldkey_auto_stake_hotkey", {"netuid": netuid, "hotkey": key("alice_hk").public})
    assert net.sm("AutoStakeDestination", key("Dave").public, netuid) == key("alice_hk").public
    assert key("Dave").public in net.sm("AutoStakeDestinationColdkeys", key("alice_hk").public, netuid)
    assert net.call("Dave", "SubtensorModule", "set_coldkey_auto_stake_hotkey",
                    {"netuid": netuid, "hotkey": key("alice_hk").public}).error == "SameAutoStakeHotkeyAlreadySet"
    net.sudo("SubtensorModule", "sudo_set_min_childkey_take", {"take": 7})
    net.sudo("SubtensorModule", "set_pending_childkey_cooldown", {"cooldown": 3})
    assert net.sm("MinChildkeyTake") == 7 and net.sm("PendingChildKeyCooldown") == 3
    assert not net.call("Bob", "SubtensorModule", "sudo_set_min_childkey_take", {"take": 1}).success


def _sudo_error(net) -> str | None:
    """The module error name of the last Sudid's inner call (None when it succeeded)."""
    result = [e for e in net.events() if e["pallet"] == "Sudo"][-1]["fields"]["sudo_result"]
    if "Ok" in result:
        return None
    with net.state() as rt:
        from tensornet.runtime.runtime import module_error_info
        return module_error_info(rt, result["Err"])[1]


def test_root_claim_and_childkey_settings_with_their_bounds(net):
    netuid = net.netuid
    net.sudo("SubtensorModule", "sudo_set_num_root_claims", {"new_value": 7})
    assert net.sm("NumRootClaim") == 7
    too_many = {"SubtensorModule": {"sudo_set_num_root_claims": {"new_value": 51}}}
    net.ok("Alice", "Sudo", "sudo", {"call": too_many})
    assert _sudo_error(net) == "InvalidNumRootClaim" and net.sm("NumRootClaim") == 7
    assert "BadOrigin" in net.call("Bob", "SubtensorModule", "sudo_set_num_root_claims", {"new_value": 1}).error
    # the threshold: the subnet's owner (Alice) or root, stored as an I96F32
    net.ok("Alice", "SubtensorModule", "sudo_set_root_claim_threshold", {"netuid": netuid, "new_value": 1_000})
    assert net.sm("RootClaimableThreshold", netuid) == 1_000 << 32
    out = net.call("Alice", "SubtensorModule", "sudo_set_root_claim_threshold",
                   {"netuid": netuid, "new_value": 10**7 + 1})
    assert out.error == "InvalidRootClaimThreshold"
    assert "BadOrigin" in net.call("Bob", "SubtensorModule", "sudo_set_root_claim_threshold",
                                   {"netuid": netuid, "new_value": 1}).error
    net.sudo("SubtensorModule", "sudo_set_max_childkey_take", {"take": 12_000})
    assert net.sm("MaxChildkeyTake") == 12_000
    assert [e["fields"] for e in net.events() if e["name"] == "MaxChildKeyTakeSet"] == [12_000]


def test_try_associate_hotkey_claims_only_an_unowned_hotkey(net):
    fresh, owned = key("associate_me").public, key("alice_hk").public
    owner = net.sm("Owner", owned)
    net.ok("Dave", "SubtensorModule", "try_associate_hotkey", {"hotkey": fresh})
    assert net.sm("Owner", fresh) == key("Dave").public
    assert fresh in net.sm("OwnedHotkeys", key("Dave").public)
    assert fresh in net.sm("StakingHotkeys", key("Dave").public)
    net.ok("Dave", "SubtensorModule", "try_associate_hotkey", {"hotkey": owned})  # someone else's: nothing changes
    assert net.sm("Owner", owned) == owner and owned not in net.sm("OwnedHotkeys", key("Dave").public)
