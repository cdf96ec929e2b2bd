"""Stake locks and conviction (subtensor's ``staking/lock.rs``): the fixed-point decay maths against
its closed forms, and lock_stake / move_lock / set_perpetual_lock / set_reject_locked_alpha with the
locks' effect on unstaking, transfers, swaps and subnet ownership, through signed extrinsics.

Closed forms (τu = UnlockRate, τm = MaturityRate, m the locked mass, t blocks later):
mass m·e^(−t/τu); conviction m·τu/(τu−τm)·(e^(−t/τu) − e^(−t/τm)) for τu ≠ τm, m·(t/τ)·e^(−t/τ) for
τu = τm = τ; a perpetual lock keeps m and matures m·(1 − e^(−t/τm)).
"""
from __future__ import annotations

from decimal import Decimal, getcontext

import pytest
from stake_net import SM, TAO, StakeNet, acc, subnet_net

from tensornet.subnet import lock_model as lm

getcontext().prec = 60
ONE = 1 << 64


def as_decimal(bits: int) -> Decimal:
    return Decimal(bits) / Decimal(ONE)


def close(bits: int, want: Decimal, tolerance: Decimal = Decimal(2) ** -48) -> bool:
    return abs(as_decimal(bits) - want) <= tolerance * max(Decimal(1), abs(want))


# --- the maths -------------------------------------------------------------------------------------
def test_exp_decay_edges_and_values():
    assert lm.exp_decay(0, 216_000) == ONE and lm.exp_decay(1000, 0) == 0
    for dt, tau in ((216_000, 216_000), (1, 934_866), (500_000, 934_866), (7_200, 50), (3, 7)):
        assert close(lm.exp_decay(dt, tau), (-Decimal(dt) / Decimal(tau)).exp()), (dt, tau)
    # the exponent is clamped at −40: e^(−40) for anything beyond
    assert lm.exp_decay(40 * 216_000, 216_000) == lm.exp_decay(100 * 216_000, 216_000) > 0


@pytest.mark.parametrize("perpetual,tau_u,tau_m", [(False, 934_866, 934_866), (False, 500_000, 934_866),
                                                   (True, 934_866, 934_866)])
def test_rolled_mass_and_conviction_follow_the_closed_forms(perpetual, tau_u, tau_m):
    m, t = 1_000_000 * TAO, 300_000
    mass, conviction = lm.decayed(m, 0, t, tau_u, tau_m, perpetual)
    du, dm = (-Decimal(t) / tau_u).exp(), (-Decimal(t) / tau_m).exp()
    if perpetual:
        assert mass == m
        want = m * (1 - dm)
    elif tau_u == tau_m:
        want = m * (Decimal(t) / tau_m) * dm
    else:
        want = m * Decimal(tau_u) / (tau_u - tau_m) * (du - dm)
    if not perpetual:
        assert abs(mass - m * du) <= 1  # floored to the rao
    assert abs(as_decimal(conviction) - want) <= want * Decimal(10) ** -12
    # rolling in two steps lands where one step does (the chain's lazy roll-forward is consistent)
    half_mass, half_conv = lm.decayed(m, 0, t // 2, tau_u, tau_m, perpetual)
    mass2, conv2 = lm.decayed(half_mass, half_conv, t - t // 2, tau_u, tau_m, perpetual)
    assert abs(mass2 - mass) <= 2 and abs(as_decimal(conv2 - conviction)) <= want * Decimal(10) ** -9


def test_dust_locks_roll_to_zero_and_owner_locks_carry_their_mass_as_conviction():
    dust = {"locked_mass": 99, "conviction": 99 << 64, "last_update": 5}
    assert lm.roll_forward(dust, 5, 1, 1, False, False)[0] == {"locked_mass": 0, "conviction": 0, "last_update": 5}
    owner = lm.roll_forward({"locked_mass": 5_000, "conviction": 0, "last_update": 5}, 5, 10, 10, True, True)[0]
    assert owner["conviction"] == 5_000 << 64


# --- through the chain --------------------------------------------------------------------------------
@pytest.fixture
def net():
    with subnet_net(fund={"staker": 1_000 * TAO, "other": 1_000 * TAO, "friend": 100 * TAO}) as n:
        n.ok("staker", SM, "add_stake", {"hotkey": acc("owner_hk"), "netuid": n.netuid, "amount_staked": 100 * TAO})
        yield n


def locked_of(net: StakeNet, coldkey: str) -> int:
    with net.state() as rt:
        return rt.pallets[SM].get_current_locked(acc(coldkey), net.netuid)


def lock(net: StakeNet, coldkey: str, hotkey: str, amount: int):
    return net.call(coldkey, SM, "lock_stake", {"hotkey": acc(hotkey), "netuid": net.netuid, "amount": amount})


def test_lock_stake_records_the_lock_and_its_aggregate(net):
    stake = net.stake("owner_hk", "staker", net.netuid)
    out = lock(net, "staker", "owner_hk", stake // 2)
    assert out.success and net.sm_events("StakeLocked") == [
        {"coldkey": acc("staker"), "hotkey": acc("owner_hk"), "netuid": net.netuid, "amount": stake // 2}]
    at = net.block
    record = net.get("Lock", acc("staker"), net.netuid, acc("owner_hk"))
    # owner_hk is the subnet owner hotkey: an owner lock, whose conviction is its mass at once
    assert record == {"locked_mass": stake // 2, "conviction": (stake // 2) << 64, "last_update": at}
    assert net.get("DecayingOwnerLock", net.netuid) == record  # decaying by default
    assert net.get("LockingColdkeys", net.netuid, acc("owner_hk"), acc("staker")) == ()
    assert net.get("DecayingLock", acc("staker"), net.netuid) is None
    # the owner's conviction is the hotkey's, and it leads the subnet
    with net.state() as rt:
        sm = rt.pallets[SM]
        assert sm.hotkey_conviction(acc("owner_hk"), net.netuid) == (stake // 2) << 64
        assert sm.subnet_king(net.netuid) == acc("owner_hk")


def test_locked_alpha_cannot_be_unstaked_until_it_decays(net):
    stake = net.stake("owner_hk", "staker", net.netuid)
    assert lock(net, "staker", "owner_hk", stake - TAO).success
    out = net.call("staker", SM, "remove_stake", {"hotkey": acc("owner_hk"), "netuid": net.netuid,
                                                  "amount_unstaked": 2 * TAO})
    assert not out.success and out.error == "StakeUnavailable"
    assert net.call("staker", SM, "remove_stake", {"hotkey": acc("owner_hk"), "netuid": net.netuid,
                                                   "amount_unstaked": TAO // 2}).success
    # moving it to another subnet is unstaking too; recycling as well
    assert net.call("staker", SM, "recycle_alpha", {"hotkey": acc("owner_hk"), "amount": 2 * TAO,
                                                    "netuid": net.netuid}).error == "StakeUnavailable"
    # the lock decays with UnlockRate: a shorter one frees alpha within blocks
    net.sudo("System", "set_storage", {"items": [(net.node.runtime.pallets[SM].UnlockRate.item.key(),
                                                  (10).to_bytes(8, "little"))]})
    before = locked_of(net, "staker")
    net.seal(3)
    assert locked_of(net, "staker") < before


def test_lock_refusals(net):
    stake = net.stake("owner_hk", "staker", net.netuid)
    assert lock(net, "staker", "owner_hk", 0).error == "AmountTooLow"
    assert lock(net, "staker", "owner_hk", stake + 1).error == "InsufficientStakeForLock"
    assert lock(net, "staker", "nobody_hk", TAO).error == "HotKeyAccountNotExists"
    assert lock(net, "staker", "owner_hk", TAO).success
    net.ok("other", SM, "add_stake", {"hotkey": acc("owner_hk"), "netuid": net.netuid, "amount_staked": TAO})
    # a second hotkey of the staker's own (registered) to aim the top-up at
    net.ok("staker", SM, "burned_register", {"netuid": net.netuid, "hotkey": acc("staker_hk")})
    assert lock(net, "staker", "staker_hk", TAO).error == "LockHotkeyMismatch"
    assert lock(net, "staker", "owner_hk", stake).error == "InsufficientStakeForLock"  # top-up beyond the stake
    assert net.call("staker", SM, "move_lock", {"destination_hotkey": acc("staker_hk"),
                                                "netuid": 99}).error == "NoExistingLock"


def test_move_lock_and_perpetual_flag_move_the_aggregates(net):
    net.ok("staker", SM, "burned_register", {"netuid": net.netuid, "hotkey": acc("staker_hk")})
    net.ok("staker", SM, "add_stake", {"hotkey": acc("staker_hk"), "netuid": net.netuid, "amount_staked": 10 * TAO})
    assert lock(net, "staker", "staker_hk", 5 * TAO).success
    first = net.get("DecayingHotkeyLock", net.netuid, acc("staker_hk"))
    assert first["locked_mass"] == 5 * TAO and first["conviction"] == 0
    net.seal(5)
    out = net.ok("staker", SM, "set_perpetual_lock", {"netuid": net.netuid, "enabled": True})
    assert net.sm_events("PerpetualLockUpdated") == [{"coldkey": acc("staker"), "netuid": net.netuid,
                                                      "enabled": True}]
    assert net.get("DecayingLock", acc("staker"), net.netuid) is False
    assert net.get("DecayingHotkeyLock", net.netuid, acc("staker_hk")) is None
    perpetual = net.get("HotkeyLock", net.netuid, acc("staker_hk"))
    individual = net.get("Lock", acc("staker"), net.netuid, acc("staker_hk"))
    assert perpetual["locked_mass"] == individual["locked_mass"] < 5 * TAO  # decayed for 6 blocks first
    assert out.success
    # to the owner hotkey (another coldkey's): the conviction starts again, as an owner lock
    net.ok("staker", SM, "move_lock", {"destination_hotkey": acc("owner_hk"), "netuid": net.netuid})
    assert net.sm_events("LockMoved") == [{"coldkey": acc("staker"), "origin_hotkey": acc("staker_hk"),
                                           "destination_hotkey": acc("owner_hk"), "netuid": net.netuid}]
    moved = net.get("Lock", acc("staker"), net.netuid, acc("owner_hk"))
    assert moved["locked_mass"] == individual["locked_mass"] and moved["conviction"] == moved["locked_mass"] << 64
    assert net.get("Lock", acc("staker"), net.netuid, acc("staker_hk")) is None
    assert net.get("HotkeyLock", net.netuid, acc("staker_hk")) is None
    assert net.get("OwnerLock", net.netuid)["locked_mass"] == moved["locked_mass"]


def test_a_transfer_carries_the_lock_only_to_a_coldkey_that_accepts_it(net):
    stake = net.stake("owner_hk", "staker", net.netuid)
    assert lock(net, "staker", "owner_hk", stake - 10 * TAO).success
    transfer = {"destination_coldkey": acc("friend"), "hotkey": acc("owner_hk"), "origin_netuid": net.netuid,
                "destination_netuid": net.netuid, "alpha_amount": 20 * TAO}
    out = net.call("staker", SM, "transfer_stake", transfer)
    assert not out.success and out.error == "AccountRejectsLockedAlpha"
    net.ok("friend", SM, "set_reject_locked_alpha", {"enabled": False})
    assert net.get("AccountFlags", acc("friend")) == 1
    staker_lock = locked_of(net, "staker")
    net.ok("staker", SM, "transfer_stake", transfer)
    moved = locked_of(net, "friend")
    # 10 alpha were free; the other 10 carry their share of the lock
    assert 0 < moved <= 10 * TAO and locked_of(net, "staker") <= staker_lock - moved
    assert net.get("Lock", acc("friend"), net.netuid, acc("owner_hk")) is not None


def test_the_stake_apis_report_locks(net):
    from tensornet.primitives.scale import U16, AccountId, Option, Vec

    def api(name: str, args: bytes):
        method = next(m for a in net.node.runtime.apis for m in a.methods if m.name == name)
        return method.output.decode_all(net.node.call_api(f"StakeInfoRuntimeApi_{name}", args))

    stake = net.stake("owner_hk", "staker", net.netuid)
    assert lock(net, "staker", "owner_hk", TAO).success
    assert api("get_most_convicted_hotkey_on_subnet", U16.encode(net.netuid)) == acc("owner_hk")
    assert api("get_hotkey_conviction", AccountId.encode(acc("owner_hk")) + U16.encode(net.netuid)) == TAO << 64
    rows = dict(api("get_stake_availability_for_coldkeys",
                    Vec(AccountId).encode([acc("staker")]) + Option(Vec(U16)).encode([net.netuid])))
    assert dict(rows[acc("staker")])[net.netuid] == {"total": stake, "locked": TAO, "available": stake - TAO}
    lock_row = api("get_coldkey_lock", AccountId.encode(acc("staker")) + U16.encode(net.netuid))
    assert lock_row["locked_mass"] == TAO and lock_row["last_update"] == net.block


def test_a_hotkey_swap_takes_the_locks_along(net):
    net.ok("staker", SM, "burned_register", {"netuid": net.netuid, "hotkey": acc("staker_hk")})
    net.ok("staker", SM, "add_stake", {"hotkey": acc("staker_hk"), "netuid": net.netuid, "amount_staked": 10 * TAO})
    assert lock(net, "staker", "staker_hk", 5 * TAO).success
    net.ok("staker", SM, "swap_hotkey", {"hotkey": acc("staker_hk"), "new_hotkey": acc("staker_hk2"),
                                         "netuid": None})
    assert net.get("Lock", acc("staker"), net.netuid, acc("staker_hk")) is None
    assert net.get("Lock", acc("staker"), net.netuid, acc("staker_hk2"))["locked_mass"] > 0
    assert net.get("DecayingHotkeyLock", net.netuid, acc("staker_hk2"))["locked_mass"] > 0
    assert net.get("LockingColdkeys", net.netuid, acc("staker_hk2"), acc("staker")) == ()


def test_conviction_hands_a_year_old_subnet_to_its_leader(net):
    """Ownership can change only a year (of blocks) after registration: the epoch hook is run here at
    such a block on the chain's state, after the locks were made by extrinsics."""
    net.ok("other", SM, "burned_register", {"netuid": net.netuid, "hotkey": acc("other_hk")})
    net.ok("other", SM, "add_stake", {"hotkey": acc("other_hk"), "netuid": net.netuid, "amount_staked": 500 * TAO})
    alpha = net.stake("other_hk", "other", net.netuid)
    net.ok("other", SM, "set_perpetual_lock", {"netuid": net.netuid, "enabled": True})
    assert lock(net, "other", "other_hk", alpha).success
    from tensornet.storage.overlay import Overlay

    later = net.block + lm.ONE_YEAR + 50_000
    with net.node.query_runtime.at(Overlay(net.node.store.state_at(None)), later) as rt:
        sm = rt.pallets[SM]
        assert sm.SubnetOwner.get(net.netuid) == acc("Alice")
        sm.change_subnet_owner_if_needed(net.netuid)
        assert sm.SubnetOwner.get(net.netuid) == acc("other")
        assert sm.SubnetOwnerHotkey.get(net.netuid) == acc("other_hk")
        assert sm.OwnerLock.get(net.netuid)["locked_mass"] == alpha  # the king's bucket became the owner's
        assert sm.HotkeyLock.try_get(net.netuid, acc("other_hk")) is None


def test_a_coldkey_swap_takes_the_locks_along(net):
    assert lock(net, "staker", "owner_hk", TAO).success
    net.sudo(SM, "swap_coldkey", {"old_coldkey": acc("staker"), "new_coldkey": acc("fresh"), "swap_cost": 0})
    assert net.get("Lock", acc("staker"), net.netuid, acc("owner_hk")) is None
    assert 0.999 * TAO < net.get("Lock", acc("fresh"), net.netuid, acc("owner_hk"))["locked_mass"] < TAO  # rolled
    assert net.get("LockingColdkeys", net.netuid, acc("owner_hk"), acc("fresh")) == ()
    # the flag that let the stake in is replaced by the old coldkey's flags (none)
    assert net.get("AccountFlags", acc("fresh")) == 0


def test_the_owner_cut_is_locked_when_auto_lock_is_on():
    net = StakeNet(emission=True)
    try:
        netuid = net.subnet()
        net.ok("Alice", "AdminUtils", "sudo_set_owner_cut_auto_lock_enabled", {"netuid": netuid, "enabled": True})
        tempo = net.get("Tempo", netuid)
        net.seal(2 * tempo + 2)
        owner_lock = net.get("Lock", acc("Alice"), netuid, acc("owner_hk"))
        assert owner_lock is not None and owner_lock["locked_mass"] > 0
        assert owner_lock["conviction"] == owner_lock["locked_mass"] << 64  # an owner lock
    finally:
        net.close()
