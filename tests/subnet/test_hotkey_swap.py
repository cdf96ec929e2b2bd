"""Hotkey swaps through signed extrinsics: on one subnet (swap_hotkey_v2 with a netuid) and on every
subnet (swap_hotkey), with what moves, what each costs, the weight the call reports (its fee is
recomputed from it) and the chain's refusals."""
from __future__ import annotations

import pytest
from stake_net import SM, TAO, acc, subnet_net

from tensornet.primitives.hashing import blake2_256
from tensornet.runtime.dispatch import DB_READ, DB_WRITE, compute_fee_raw, transaction_extension_weight

U64_MAX = 2**64 - 1
KEY_SWAP_COST = TAO // 10
KEY_SWAP_ON_SUBNET_COST = 1_000_000


@pytest.fixture
def net():
    """Subnet ``net.netuid``; Bob's bob_hk registered on it serves an axon and Charlie stakes 10 TAO on it."""
    with subnet_net(fund={"Bob": 100 * TAO, "Charlie": 100 * TAO}, subtensor={"TxRateLimit": 0}) as n:
        netuid = n.netuid
        n.ok("Bob", SM, "burned_register", {"netuid": netuid, "hotkey": acc("bob_hk")})
        n.ok("bob_hk", SM, "serve_axon", {"netuid": netuid, "version": 1, "ip": 0x0A000001, "port": 8091,
                                          "ip_type": 4, "protocol": 4, "placeholder1": 0, "placeholder2": 0})
        n.ok("Charlie", SM, "add_stake", {"hotkey": acc("bob_hk"), "netuid": netuid, "amount_staked": 10 * TAO})
        yield n


def _applied(net, signer: str, call: str, args: dict):
    """Submit one SubtensorModule call, seal; (outcome, the extrinsic's length, its call value)."""
    xt = net.ext(signer, SM, call, args)
    net.node.submit(xt)
    built = net.node.seal_block()
    outcome = next(o for applied, o in built.applied if applied in (xt, blake2_256(xt)))
    return outcome, len(xt), {SM: {call: args}}


def _fee(length: int, call_value: dict, reads: int, writes: int) -> int:
    """The fee of a call that reported ``reads`` / ``writes`` DbWeight (plus the extensions' weight)."""
    ref_time = reads * DB_READ + writes * DB_WRITE + transaction_extension_weight(call_value).ref_time
    return compute_fee_raw(length, ref_time, 0, "Yes")


def test_a_swap_on_one_subnet_moves_the_neuron_and_its_stakers(net):
    netuid, old, new = net.netuid, acc("bob_hk"), acc("bob_new")
    uid = net.get("Uids", netuid, old)
    charlie = net.stake("bob_hk", "Charlie", netuid)
    # what the swap finds, which decides the weight it reports
    assert net.get("LoadedEmission", netuid) is None and list(net.get("PendingChildKeys", netuid, old)[0]) == []
    assert net.get("SubnetOwnerHotkey", netuid) == acc("owner_hk")
    free, issuance = net.free("Bob"), net.get("TotalIssuance")
    outcome, length, call_value = _applied(net, "Bob", "swap_hotkey_v2", {
        "hotkey": old, "new_hotkey": new, "netuid": netuid, "keep_stake": False})
    assert outcome.success, outcome.error
    assert net.get("Uids", netuid, new) == uid and net.get("Uids", netuid, old) is None
    assert net.get("Keys", netuid, uid) == new
    assert net.get("IsNetworkMember", new, netuid) and not net.get("IsNetworkMember", old, netuid)
    assert net.get("Axons", netuid, new)["port"] == 8091 and net.get("Axons", netuid, old) is None
    assert net.stake("bob_new", "Charlie", netuid) == charlie and net.stake("bob_hk", "Charlie", netuid) == 0
    assert new in net.get("StakingHotkeys", acc("Charlie"))
    # on one subnet the old hotkey stays Bob's
    assert net.get("Owner", new) == acc("Bob") and net.get("Owner", old) == acc("Bob")
    assert net.get("OwnedHotkeys", acc("Bob")) == [old, new]
    assert net.get("LastHotkeySwapOnNetuid", netuid, acc("Bob")) == net.block
    assert net.sm_events("HotkeySwappedOnSubnet") == [
        {"coldkey": acc("Bob"), "old_hotkey": old, "new_hotkey": new, "netuid": netuid}]
    # KeySwapOnSubnetCost is recycled; the fee follows the reported weight, counted by hand from
    # swap_hotkey.rs: the checks 7 reads, 3 writes; the subnet path 8 reads, 3 writes; the membership,
    # uid, key and axon 3 reads, 7 writes; the parent/child relations 3 reads, 3 writes; the owner
    # hotkey 1 read; the dividend books 6 reads, 6 writes; one AlphaV2 entry 1 read, 1 write and its
    # staker 3 reads, 2 writes; the cooldown and last-tx blocks 2 writes; the stake locks on the subnet
    # (swap_hotkey_locks_on_subnet: none to move) 5 reads
    assert outcome.fee == _fee(length, call_value, 37, 27)
    assert net.free("Bob") == free - outcome.fee - KEY_SWAP_ON_SUBNET_COST
    assert net.get("TotalIssuance") == issuance - KEY_SWAP_ON_SUBNET_COST


def test_a_swap_on_every_subnet_moves_ownership_take_and_staking_hotkeys(net):
    netuid, old, new = net.netuid, acc("bob_hk"), acc("bob_new")
    net.ok("Bob", SM, "decrease_take", {"hotkey": old, "take": 1_000})
    charlie = net.stake("bob_hk", "Charlie", netuid)
    issuance = net.get("TotalIssuance")
    out = net.sm("Bob", "swap_hotkey", hotkey=old, new_hotkey=new, netuid=None)
    assert out.success, out.error
    assert net.get("Owner", new) == acc("Bob") and net.get("Owner", old) == bytes(32)  # (removed: the default)
    assert net.get("OwnedHotkeys", acc("Bob")) == [new]
    assert net.get("Delegates", new) == 1_000 and net.get("Delegates", old) == 11_796  # (the default: removed)
    assert net.get("StakingHotkeys", acc("Charlie")) == [new]
    assert net.stake("bob_new", "Charlie", netuid) == charlie
    assert net.get("Uids", netuid, new) is not None
    assert net.get("LastHotkeySwapOnNetuid", netuid, acc("Bob")) == net.block
    assert net.get("LastRateLimitedBlock", {"LastTxBlock": acc("Bob")}) == net.block
    assert net.get("TotalIssuance") == issuance - KEY_SWAP_COST
    assert net.sm_events("HotkeySwapped") == [{"coldkey": acc("Bob"), "old_hotkey": old, "new_hotkey": new}]


def test_children_and_parents_follow_the_swapped_hotkey(net):
    old, new, child = acc("bob_hk"), acc("bob_new"), acc("child_hk")
    quiet = net.subnet(owner="Alice", hotkey="owner_hk", start=False)  # before start_call children apply at once
    net.ok("Bob", SM, "set_children", {"hotkey": old, "netuid": quiet, "children": [(U64_MAX // 2, child)]})
    net.ok("Alice", SM, "set_children", {"hotkey": acc("owner_hk"), "netuid": quiet, "children": [(7, old)]})
    assert net.get("ChildKeys", old, quiet) == [(U64_MAX // 2, child)]
    assert net.get("ParentKeys", old, quiet) == [(7, acc("owner_hk"))]
    net.ok("Bob", SM, "swap_hotkey_v2", {"hotkey": old, "new_hotkey": new, "netuid": None, "keep_stake": True})
    assert net.get("ChildKeys", new, quiet) == [(U64_MAX // 2, child)]
    assert net.get("ParentKeys", child, quiet) == [(U64_MAX // 2, new)]
    assert net.get("ParentKeys", new, quiet) == [(7, acc("owner_hk"))]
    assert net.get("ChildKeys", acc("owner_hk"), quiet) == [(7, new)]
    assert net.get("ChildKeys", old, quiet) == [] and net.get("ParentKeys", old, quiet) == []
    # a parent (not a member) on the quiet subnet: the swap starts its per-subnet cooldown there too
    assert net.get("LastHotkeySwapOnNetuid", quiet, acc("Bob")) == net.block
    # keep_stake: the stake stays where it was
    assert net.stake("bob_hk", "Charlie", net.netuid) > 0 and net.stake("bob_new", "Charlie", net.netuid) == 0


@pytest.mark.parametrize("signer, args, error", [
    ("Charlie", {"hotkey": "bob_hk", "new_hotkey": "x_hk"}, "NonAssociatedColdKey"),
    ("Bob", {"hotkey": "bob_hk", "new_hotkey": "bob_hk"}, "NewHotKeyIsSameWithOld"),
    ("Bob", {"hotkey": "bob_hk", "new_hotkey": "owner_hk"}, "NonAssociatedColdKey"),
])
def test_refusals_move_nothing(net, signer, args, error):
    before = net.get("Uids", net.netuid, acc("bob_hk"))
    out = net.sm(signer, "swap_hotkey", hotkey=acc(args["hotkey"]), new_hotkey=acc(args["new_hotkey"]),
                 netuid=net.netuid)
    assert (out.success, out.error) == (False, error)
    assert net.get("Uids", net.netuid, acc("bob_hk")) == before


def test_a_registered_new_hotkey_and_the_rate_limits_refuse_the_swap(net):
    netuid = net.netuid
    net.ok("Bob", SM, "burned_register", {"netuid": netuid, "hotkey": acc("bob_hk2")})
    out = net.sm("Bob", "swap_hotkey", hotkey=acc("bob_hk"), new_hotkey=acc("bob_hk2"), netuid=None)
    assert out.error == "HotKeyAlreadyRegisteredInSubNet"
    assert net.sm("Bob", "swap_hotkey", hotkey=acc("bob_hk"), new_hotkey=acc("n1"), netuid=netuid).success
    # the fast runtime's interval is one block: the next block is still too early on this subnet
    out = net.sm("Bob", "swap_hotkey", hotkey=acc("n1"), new_hotkey=acc("n2"), netuid=netuid)
    assert out.error == "HotKeySwapOnSubnetIntervalNotPassed"
    assert net.sm("Bob", "swap_hotkey", hotkey=acc("n1"), new_hotkey=acc("n2"), netuid=netuid).success


def test_the_coldkey_rate_limit_and_the_swap_cost():
    with subnet_net(fund={"Bob": 100 * TAO}) as net:  # TxRateLimit 1000 blocks
        net.ok("Bob", SM, "burned_register", {"netuid": net.netuid, "hotkey": acc("bob_hk")})
        assert net.sm("Bob", "swap_hotkey", hotkey=acc("bob_hk"), new_hotkey=acc("n1"), netuid=None).success
        out = net.sm("Bob", "swap_hotkey", hotkey=acc("n1"), new_hotkey=acc("n2"), netuid=None)
        assert out.error == "HotKeySetTxRateLimitExceeded"
    with subnet_net(fund={"Poor": TAO // 20}, subtensor={"TxRateLimit": 0}) as net:
        net.ok("Poor", SM, "try_associate_hotkey", {"hotkey": acc("poor_hk")})
        out = net.sm("Poor", "swap_hotkey", hotkey=acc("poor_hk"), new_hotkey=acc("n1"), netuid=None)
        assert out.error == "NotEnoughBalanceToPaySwapHotKey"


def test_a_root_swap_needs_a_clean_new_hotkey():
    with subnet_net(fund={"Bob": 100 * TAO}, subtensor={"TxRateLimit": 0}) as net:
        for hk in ("bob_hk", "bob_root"):
            net.ok("Bob", SM, "try_associate_hotkey", {"hotkey": acc(hk)})
        net.ok("Bob", SM, "add_stake", {"hotkey": acc("bob_root"), "netuid": 0, "amount_staked": TAO})
        out = net.sm("Bob", "swap_hotkey", hotkey=acc("bob_hk"), new_hotkey=acc("bob_root"), netuid=None)
        assert out.error == "NewHotKeyNotCleanForRootSwap"
        # a swap off root moves the root stake
        root_stake = net.stake("bob_root", "Bob", 0)
        assert net.sm("Bob", "swap_hotkey", hotkey=acc("bob_root"), new_hotkey=acc("bob_root2"), netuid=None).success
        assert net.stake("bob_root2", "Bob", 0) == root_stake and net.stake("bob_root", "Bob", 0) == 0
