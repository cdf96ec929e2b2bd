"""Registration through signed extrinsics: buy-and-burn, price bump and decay, uid vectors, the
prune candidate when full, root registration, and bad input (error, fee charged, nothing moved)."""
from __future__ import annotations

import pytest
from incentive_net import TAO, Net, key

from tensornet.subnet import coinbase_math as cm


@pytest.fixture(scope="module")
def net():
    n = Net(fund={"alice_hk": TAO})
    n.netuid = n.subnet()
    yield n
    n.close()


VECTORS = ("Active", "Emission", "Consensus", "Incentive", "Dividends", "ValidatorTrust", "ValidatorPermit", "LastUpdate")


def test_burned_register_buys_and_burns_and_bumps_the_price(net):
    netuid = 1  # the genesis subnet: no emission, so the pool moves only by the registration
    burn = cm.decayed_burn(net.sm("Burn", netuid), net.sm("BurnHalfLife", netuid), net.sm("MinBurn", netuid),
                           net.sm("MaxBurn", netuid), net.block + 1)  # the block decays the price first
    tao_before, alpha_in_before, out_before = (net.sm("SubnetTAO", netuid), net.sm("SubnetAlphaIn", netuid),
                                               net.sm("SubnetAlphaOut", netuid))
    bob_before = net.free("Bob")
    out = net.ok("Bob", "SubtensorModule", "burned_register", {"netuid": netuid, "hotkey": key("r1_hk").public})
    assert net.free("Bob") == bob_before - burn - out.fee
    fee = burn * 33 // 65_535
    assert net.sm("SubnetTAO", netuid) - tao_before == burn - fee  # the pool got the burn net of the swap fee
    bought = alpha_in_before - net.sm("SubnetAlphaIn", netuid)
    assert bought > 0 and net.sm("SubnetAlphaOut", netuid) == out_before  # bought alpha destroyed
    mult = net.sm("BurnIncreaseMult", netuid)
    assert net.sm("Burn", netuid) == cm.bumped_burn(burn, mult, net.sm("MinBurn", netuid), net.sm("MaxBurn", netuid))
    uid = net.sm("Uids", netuid, key("r1_hk").public)
    n = net.sm("SubnetworkN", netuid)
    assert uid == n - 1 and net.sm("Keys", netuid, uid) == key("r1_hk").public
    assert net.sm("BlockAtRegistration", netuid, uid) == net.block
    assert net.sm("IsNetworkMember", key("r1_hk").public, netuid)
    for item in VECTORS:
        assert len(net.sm(item, netuid)) == n, item
    assert net.sm("Owner", key("r1_hk").public) == key("Bob").public
    assert any(e["name"] == "NeuronRegistered" for e in net.events())


def test_price_decays_with_half_life(net):
    netuid = net.netuid
    burn = net.sm("Burn", netuid)
    net.seal(1)
    assert net.sm("Burn", netuid) == cm.decayed_burn(burn, net.sm("BurnHalfLife", netuid), net.sm("MinBurn", netuid),
                                                      net.sm("MaxBurn", netuid), net.block)


@pytest.mark.parametrize("signer,hotkey,netuid,error", [
    ("Bob", "r1_hk", 1, "HotKeyAlreadyRegisteredInSubNet"),
    ("Charlie", "bob_owned_hk", 1, "NonAssociatedColdKey"),
    ("Bob", "x_hk", 0, "RegistrationNotPermittedOnRootSubnet"),
    ("Bob", "x_hk", 77, "SubnetNotExists"),
    ("poor", "poor_hk", None, "NotEnoughBalanceToStake"),
])
def test_bad_registrations_pay_the_fee_and_change_nothing(net, signer, hotkey, netuid, error):
    if hotkey == "bob_owned_hk" and net.sm("Owner", key(hotkey).public) != key("Bob").public:
        net.ok("Bob", "SubtensorModule", "burned_register", {"netuid": net.netuid, "hotkey": key(hotkey).public})
        net.seal(1)
    if signer == "poor":
        net.ok("Alice", "Balances", "transfer_keep_alive", {"dest": {"Id": key("poor").public}, "value": 100_000_000})
    netuid = net.netuid if netuid is None else netuid
    n_before, burn_before = net.sm("SubnetworkN", net.netuid), net.sm("Burn", net.netuid)
    free_before = net.free(signer)
    out = net.call(signer, "SubtensorModule", "burned_register", {"netuid": netuid, "hotkey": key(hotkey).public})
    assert not out.success and out.error == error
    assert out.fee > 0 and net.free(signer) == free_before - out.fee
    assert net.sm("SubnetworkN", net.netuid) == n_before
    # the price decays every block, but no registration bumped it
    assert net.sm("Burn", net.netuid) <= burn_before


def test_register_limit_refuses_a_price_above_the_limit(net):
    burn = net.sm("Burn", net.netuid)
    out = net.call("Bob", "SubtensorModule", "register_limit",
                   {"netuid": net.netuid, "hotkey": key("lim_hk").public, "limit_price": burn // 2})
    assert out.error == "RegistrationPriceLimitExceeded"
    net.ok("Bob", "SubtensorModule", "register_limit",
           {"netuid": net.netuid, "hotkey": key("lim_hk").public, "limit_price": 10 * burn})
    assert net.sm("Uids", net.netuid, key("lim_hk").public) is not None


def test_full_subnet_replaces_the_prune_candidate():
    net = Net(fund={"alice_hk": TAO})
    try:
        netuid = net.subnet()
        for i in range(3):
            net.register("Bob", f"full{i}_hk", netuid)
        net.sudo("AdminUtils", "sudo_set_min_allowed_uids", {"netuid": netuid, "min_allowed_uids": 2})
        net.sudo("AdminUtils", "sudo_set_max_allowed_uids", {"netuid": netuid, "max_allowed_uids": 4})
        net.sudo("AdminUtils", "sudo_set_immunity_period", {"netuid": netuid, "immunity_period": 0})
        net.sudo("AdminUtils", "sudo_set_min_non_immune_uids", {"netuid": netuid, "min": 0})
        assert net.sm("SubnetworkN", netuid) == 4
        # weights/bonds that point at uid 1 are cleared when it is replaced
        owner_uid = 0
        assert net.set_weights("alice_hk", netuid, [1, 2], [1, 1]).success
        net.seal(1)
        uid = net.register("Charlie", "newcomer_hk", netuid)
        # all emissions are 0: ties go to the earliest registration, i.e. uid 1 (the owner is immortal)
        assert uid == 1 and net.sm("SubnetworkN", netuid) == 4
        assert net.sm("Uids", netuid, key("full0_hk").public) is None
        assert not net.sm("IsNetworkMember", key("full0_hk").public, netuid)
        assert net.sm("Keys", netuid, 1) == key("newcomer_hk").public
        assert dict(net.sm("Weights", netuid, owner_uid))[1] == 0
        assert net.sm("Keys", netuid, 0) == key("alice_hk").public
    finally:
        net.close()


def test_root_register_and_its_per_block_limit():
    net = Net()
    try:
        net.ok("Bob", "SubtensorModule", "root_register", {"hotkey": key("root1_hk").public})
        assert net.sm("Uids", 0, key("root1_hk").public) == 0
        assert net.sm("Delegates", key("root1_hk").public) == 11_796
        out = net.call("Bob", "SubtensorModule", "root_register", {"hotkey": key("root1_hk").public})
        assert out.error in ("HotKeyAlreadyRegisteredInSubNet", "TooManyRegistrationsThisInterval")
    finally:
        net.close()
