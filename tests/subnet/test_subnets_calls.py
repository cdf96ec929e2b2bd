"""Subnet life cycle through signed extrinsics: genesis, register_network(_with_identity), lock cost,
start_call, set_subnet_identity, dissolve_network / root_dissolve_network, pruning at SubnetLimit."""
from __future__ import annotations

import pytest
from stake_net import SM, TAO, StakeNet, acc

from tensornet.subnet.symbols import SYMBOLS

MIN_LOCK = 1_000 * TAO
IDENTITY = {"subnet_name": b"sn", "github_repo": b"gh", "subnet_contact": b"c", "subnet_url": b"u",
            "discord": b"d", "description": b"desc", "logo_url": b"l", "additional": b"a"}


@pytest.fixture
def net():
    n = StakeNet()
    yield n
    n.close()


def test_genesis_root_and_netuid_one(net):
    assert net.get("TotalNetworks") == 2
    assert net.get("NetworksAdded", 0) and net.get("NetworksAdded", 1)
    assert net.get("SubnetMechanism", 0) == 0 and net.get("SubnetMechanism", 1) == 1
    assert net.get("SubnetTAO", 1) == net.get("SubnetAlphaIn", 1) == 10 * TAO
    assert net.get("SubnetAlphaOut", 1) == TAO
    assert net.get("SubnetworkN", 1) == 1 and net.get("Keys", 1, 0) == bytes(32)
    assert net.stake(bytes(32), bytes(32), 1) == TAO
    assert net.get("TokenSymbol", 0) == SYMBOLS[0] and net.get("TokenSymbol", 1) == SYMBOLS[1]
    assert net.get("SubtokenEnabled", 0) and not net.get("SubtokenEnabled", 1)
    assert net.free(net.subnet_account(1)) == 10 * TAO  # the pool's TAO is held by the subnet account
    assert net.get("Tempo", 0) == net.get("Tempo", 1) == 100
    # fast runtime: root is owned by Alice with //Alice_hk
    assert net.get("SubnetOwner", 0) == acc("Alice") and net.get("SubnetOwnerHotkey", 0) == acc("Alice_hk")


def test_register_network_by_hand(net):
    alice0 = net.free("Alice")
    cost = int.from_bytes(net.node.call_api("SubnetRegistrationRuntimeApi_get_network_registration_cost", b""),
                          "little")
    assert cost == MIN_LOCK  # no subnet registered yet: 1 × last lock, floored at the minimum
    out = net.sm("Alice", "register_network", hotkey=acc("owner_hk"))
    assert out.success
    netuid = 2  # lowest free netuid ≥ 1
    assert net.sm_events("NetworkAdded")[-1] == (netuid, 1)
    assert net.free("Alice") == alice0 - MIN_LOCK  # Alice also authors the block: her fee comes back
    account = net.subnet_account(netuid)
    assert net.free(account) == MIN_LOCK == net.get("SubnetTAO", netuid) == net.get("SubnetLocked", netuid)
    # alpha seeded at the median price of the existing subnets (netuid 1: 10 TAO / 10 alpha = 1.0)
    assert net.get("SubnetAlphaIn", netuid) == MIN_LOCK
    assert net.get("SubnetOwner", netuid) == acc("Alice")
    assert net.get("SubnetOwnerHotkey", netuid) == acc("owner_hk")
    assert net.get("Owner", acc("owner_hk")) == acc("Alice")
    assert acc("owner_hk") in net.get("OwnedHotkeys", acc("Alice"))
    assert net.get("Keys", netuid, 0) == acc("owner_hk") and net.get("SubnetworkN", netuid) == 1
    assert net.get("TokenSymbol", netuid) == SYMBOLS[2]
    # init_new_network values, not the pallet defaults
    assert (net.get("ImmunityPeriod", netuid), net.get("MinAllowedWeights", netuid),
            net.get("MaxAllowedValidators", netuid), net.get("Burn", netuid), net.get("Yuma3On", netuid)) == \
        (5000, 1, 64, TAO, True)
    assert net.get("SubnetEmissionEnabled", netuid) is False
    assert not net.get("SubtokenEnabled", netuid)
    assert net.get("NetworkLastLockCost") == MIN_LOCK
    assert net.get("TotalNetworks") == 3
    assert net.get("TotalStake") == MIN_LOCK


def test_lock_cost_doubles_then_decays():
    # normal emission so the reduction interval is NetworkLockReductionInterval (1 TAO blocks)
    n = StakeNet(emission=True, subtensor={"NetworkLockReductionInterval": 100})
    n.subnet("Alice", "owner_hk", start=False)
    registered = n.block

    def cost() -> int:
        raw = n.node.call_api("SubnetRegistrationRuntimeApi_get_network_registration_cost", b"")
        return int.from_bytes(raw, "little")

    # L = 2·last − (last / R)·(now − last_block), R = 100 × (block emission / 1 TAO) = 100
    assert cost() == 2 * MIN_LOCK - (MIN_LOCK // 100) * (n.block - registered)
    n.seal(30)
    assert cost() == 2 * MIN_LOCK - (MIN_LOCK // 100) * (n.block - registered)
    bob0 = n.free("Bob")
    expected = 2 * MIN_LOCK - (MIN_LOCK // 100) * (n.block + 1 - registered)  # charged in the next block
    out = n.sm("Bob", "register_network", hotkey=acc("bob_hk"))
    assert out.success
    assert n.free("Bob") == bob0 - expected - out.fee
    assert n.get("NetworkLastLockCost") == expected
    n.seal(200)
    assert cost() == MIN_LOCK  # decayed to the floor
    n.close()


def test_register_network_with_identity_and_set_subnet_identity(net):
    out = net.sm("Alice", "register_network_with_identity", hotkey=acc("owner_hk"), identity=IDENTITY)
    assert out.success
    netuid = net.sm_events("NetworkAdded")[-1][0]
    assert net.get("SubnetIdentitiesV3", netuid) == IDENTITY
    assert net.sm_events("SubnetIdentitySet") == [netuid]
    new = {**IDENTITY, "subnet_name": b"renamed"}
    assert net.sm("Bob", "set_subnet_identity", netuid=netuid, **new).error == "NotSubnetOwner"
    assert net.sm("Alice", "set_subnet_identity", netuid=netuid, **{**new, "discord": b"x" * 257}).error == \
        "InvalidIdentity"
    assert net.sm("Alice", "set_subnet_identity", netuid=netuid, **new).success
    assert net.get("SubnetIdentitiesV3", netuid)["subnet_name"] == b"renamed"
    # registration with an invalid identity fails as a whole
    bad = {**IDENTITY, "subnet_name": b"n" * 300}
    assert net.sm("Bob", "register_network_with_identity", hotkey=acc("bob_hk"), identity=bad).error == \
        "InvalidIdentity"
    assert not net.get("NetworksAdded", netuid + 1)


def test_register_network_bad_input(net):
    net.sm("Alice", "register_network", hotkey=acc("owner_hk"))
    # a hotkey owned by another coldkey
    assert net.sm("Bob", "register_network", hotkey=acc("owner_hk")).error == "NonAssociatedColdKey"
    # a subnet account cannot be a hotkey
    assert net.sm("Bob", "register_network", hotkey=net.subnet_account(2)).error == "CannotUseSystemAccount"
    # Dave has 2,000 TAO; the lock now costs about 2,000 TAO
    dave0 = net.free("Dave")
    out = net.sm("Dave", "register_network", hotkey=acc("dave_hk"))
    assert out.error == "CannotAffordLockCost" and net.free("Dave") == dave0 - out.fee


def test_start_call(net):
    net.sm("Alice", "register_network", hotkey=acc("owner_hk"))
    netuid = 2
    assert net.sm("Bob", "start_call", netuid=netuid).error == "BadOrigin"
    assert net.sm("Alice", "start_call", netuid=9).error == "SubnetNotExists"
    out = net.sm("Alice", "start_call", netuid=netuid)
    assert out.success
    assert net.get("FirstEmissionBlockNumber", netuid) == net.block + 1
    assert net.sm_events("FirstEmissionBlockNumberSet") == [(netuid, net.block + 1)]
    assert net.get("SubtokenEnabled", netuid)
    assert net.sm("Alice", "start_call", netuid=netuid).error == "FirstEmissionBlockNumberAlreadySet"


def test_start_call_delay():
    n = StakeNet(subtensor={"StartCallDelay": 5})
    netuid = n.subnet(start=False)
    assert n.sm("Alice", "start_call", netuid=netuid).error == "NeedWaitingMoreBlocksToStarCall"
    n.seal(5)
    assert n.sm("Alice", "start_call", netuid=netuid).success
    n.close()


def test_dissolve_network_returns_the_pool_pro_rata(net):
    netuid = net.subnet()
    hot = acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=30 * TAO)
    net.sm("Charlie", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    b, c = net.stake(hot, "Bob", netuid), net.stake(hot, "Charlie", netuid)
    alpha_in, pot = net.get("SubnetAlphaIn", netuid), net.get("SubnetTAO", netuid)
    bob0, charlie0 = net.free("Bob"), net.free("Charlie")
    account = net.subnet_account(netuid)
    issuance0 = net.get("TotalIssuance", pallet="Balances")
    assert net.sm("Alice", "dissolve_network", _coldkey=acc("Alice"), netuid=netuid).error == "BadOrigin"
    net.sudo(SM, "dissolve_network", {"_coldkey": acc("Alice"), "netuid": netuid})
    # the pot is shared by alpha value: stakers and the protocol's alpha (SubnetAlphaIn) — largest remainder
    total = b + c + alpha_in
    bob_share, charlie_share = pot * b // total, pot * c // total
    assert net.free("Bob") - bob0 in (bob_share, bob_share + 1)
    assert net.free("Charlie") - charlie0 in (charlie_share, charlie_share + 1)
    assert net.sm_events("NetworkRemoved") == [netuid]
    assert not net.get("NetworksAdded", netuid)
    assert net.get("SubnetTAO", netuid) == 0 and net.get("TotalHotkeyAlpha", hot, netuid) == 0
    assert net.stake(hot, "Bob", netuid) == 0
    assert net.get("TokenSymbol", netuid) == b"\xf0\x9d\x9c\x8f"  # back to the default
    # the protocol's part is recycled: the subnet account keeps only the existential deposit
    assert net.free(account) == 500
    assert net.get("TotalIssuance", pallet="Balances") < issuance0
    assert net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=TAO).error == "SubnetNotExists"


def test_root_dissolve_network_and_unknown_netuid(net):
    netuid = net.subnet()
    out = net.call("Alice", "Sudo", "sudo", {"call": {SM: {"root_dissolve_network": {"netuid": 0}}}})
    assert out.success and "Err" in [e for e in out.events if e["pallet"] == "Sudo"][-1]["fields"]["sudo_result"]
    net.sudo(SM, "root_dissolve_network", {"netuid": netuid})
    assert not net.get("NetworksAdded", netuid)


def test_pruning_at_subnet_limit():
    n = StakeNet(subtensor={"SubnetLimit": 2, "NetworkImmunityPeriod": 3})
    first = n.subnet("Alice", "a_hk")  # netuids 1 (genesis) and 2: the limit is reached
    assert first == 2
    out = n.sm("Bob", "register_network", hotkey=acc("b_hk"))
    assert out.success
    # netuid 1 was registered at genesis (block 0, EMA price 0, oldest): pruned and reused
    assert n.sm_events("NetworkRemoved") == [1]
    assert n.sm_events("NetworkAdded")[-1] == (1, 1)
    assert n.get("SubnetOwner", 1) == acc("Bob")
    assert n.get("TotalNetworks") == 3
    n.close()


def test_subnet_limit_reached_when_all_immune():
    n = StakeNet(subtensor={"SubnetLimit": 1})
    out = n.sm("Alice", "register_network", hotkey=acc("a_hk"))
    assert (out.success, out.error) == (False, "SubnetLimitReached")
    n.close()


def test_root_validators_become_parents_of_a_new_owner_hotkey(net):
    assert net.sm("Bob", "root_register", hotkey=acc("bob_root")).success
    netuid = net.subnet(start=False)
    # the subnet is not trading yet, so the relation is applied at once
    assert net.get("ChildKeys", acc("bob_root"), netuid) == [(2**64 - 1, acc("owner_hk"))]
    assert (2**64 - 1, acc("bob_root")) in net.get("ParentKeys", acc("owner_hk"), netuid)


def test_a_root_validator_can_opt_out_of_parenting_new_owner_hotkeys(net):
    assert net.sm("Bob", "root_register", hotkey=acc("bob_root")).success
    args = {"hotkey": acc("bob_root"), "enabled": False}
    assert net.sm("Charlie", "set_auto_parent_delegation_enabled", **args).error == "NonAssociatedColdKey"
    net.sm("Bob", "try_associate_hotkey", hotkey=acc("bob_not_root"))
    assert net.sm("Bob", "set_auto_parent_delegation_enabled", hotkey=acc("bob_not_root"),
                  enabled=False).error == "HotKeyNotRegisteredInSubNet"
    assert net.sm("Bob", "set_auto_parent_delegation_enabled", **args).success
    assert net.get("AutoParentDelegationEnabled", acc("bob_root")) is False
    assert net.sm_events("AutoParentDelegationEnabledSet") == [args]
    netuid = net.subnet(start=False)
    assert net.get("ChildKeys", acc("bob_root"), netuid) == []



def test_network_rate_limit():
    n = StakeNet(subtensor={"NetworkRateLimit": 5})
    assert n.sm("Alice", "register_network", hotkey=acc("a_hk")).success
    # CheckRateLimits refuses register_network at the pool (Custom(6)); batched, it fails in the block.
    # register_network_with_identity is not among the guarded calls: its own check fails it
    assert n.refused("Bob", SM, "register_network", {"hotkey": acc("b_hk")}) == "Custom(6) RateLimitExceeded"
    out = n.nested("Bob", SM, "register_network", {"hotkey": acc("b_hk")})
    assert (out.success, out.error) == (False, "NetworkTxRateLimitExceeded")
    out = n.sm("Bob", "register_network_with_identity", hotkey=acc("b_hk"), identity=None)
    assert (out.success, out.error) == (False, "NetworkTxRateLimitExceeded")
    n.seal(2)
    assert n.sm("Bob", "register_network", hotkey=acc("b_hk")).success
    n.close()


def test_genesis_overrides_by_item_name():
    n = StakeNet(subtensor={"SubnetLimit": 7, "Tempo": {"1": 55}, "Delegates": {acc_ss58("Bob"): 100}})
    assert n.get("SubnetLimit") == 7 and n.get("Tempo", 1) == 55 and n.get("Delegates", acc("Bob")) == 100
    n.close()
    with pytest.raises(ValueError, match="no storage item"):
        StakeNet(subtensor={"NoSuchItem": 1})


def acc_ss58(name: str) -> str:
    from stake_net import key

    return key(name).ss58
