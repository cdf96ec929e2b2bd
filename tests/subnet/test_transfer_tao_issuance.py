"""``transfer_tao`` mirrors the dust a reaped source burns into SubtensorModule's TotalIssuance. It
takes the amount from ``Balances.transfer`` instead of reading Balances.TotalIssuance before and
after; both ways must agree, including a Balances issuance smaller than the dust."""
from __future__ import annotations

import pytest
import reference_stake
from stake_net import SM, StakeNet, acc

from tensornet.runtime.dispatch import DispatchError
from tensornet.storage.overlay import Overlay

ED = 500


def _plain_transfer_tao(sm, balances, source: bytes, dest: bytes, amount: int) -> None:
    """transfer_tao as first written: the burn is Balances.TotalIssuance before − after."""
    if amount > balances.free_balance(source):
        raise sm.error("InsufficientBalance")
    before = balances.TotalIssuance.get()
    balances.transfer(source, dest, amount, False)
    burned = before - balances.TotalIssuance.get()
    if burned > 0:
        sm.TotalIssuance.mutate(lambda t: max(t - burned, 0))


@pytest.mark.parametrize(("free", "amount", "issuance"), [
    (10_000, 9_700, None),   # 300 rao of dust: the source is reaped
    (10_000, 9_500, None),   # exactly ED left: no dust
    (10_000, 10_000, None),  # everything moves
    (10_000, 9_999, 0),      # dust larger than a (corrupt) Balances issuance of 0
    (10_000, 9_800, 120),    # dust 200 > issuance 120
])
def test_burned_dust_equals_the_issuance_difference(free: int, amount: int, issuance: int | None) -> None:
    n = StakeNet()
    try:
        source, dest = acc("dust_src"), acc("Bob")
        results = []
        for transfer in ("new", "plain"):
            with n.node.query_runtime.at(Overlay(n.node.store.state_at(None)), n.block) as rt:
                sm, balances, system = rt.pallets[SM], rt.pallets["Balances"], rt.pallets["System"]
                info = system.Account.get(source)
                info["data"]["free"], info["providers"] = free, 1
                system.Account.set(source, info)
                if issuance is not None:
                    balances.TotalIssuance.set(issuance)
                if transfer == "new":
                    sm.transfer_tao(source, dest, amount)
                else:
                    _plain_transfer_tao(sm, balances, source, dest, amount)
                results.append((sm.TotalIssuance.get(), balances.TotalIssuance.get(),
                                system.Account.try_get(source), system.Account.get(dest)["data"]["free"],
                                [(e.pallet, e.name) for e in rt.env.events]))
                rt.env.reset_events()
        assert results[0] == results[1]
        if 0 < free - amount < ED:
            assert results[0][2] is None  # reaped: the dust path ran
    finally:
        n.close()


def _outcome(fn, *args) -> object:
    try:
        return fn(*args)
    except DispatchError as exc:
        return exc.name or exc.value


@pytest.mark.parametrize(("free", "frozen", "amount"), [
    (10_000, 0, 10_001),      # more than the free balance
    (10_000, 0, 10_000),      # all of it (to a subnet: capped to keep the account alive)
    (10_000, 0, 9_600),       # would leave less than ED
    (10_000, 3_000, 8_000),   # within the free balance, beyond the reducible one
    (10_000, 3_000, 7_000),
    (10_000, 10_000, 1),      # nothing reducible
    (400, 0, 300),            # below ED from the start
    (10_000, 0, 0),
])
@pytest.mark.parametrize("step", ["transfer_tao", "transfer_tao_to_subnet"])
def test_refused_or_cut_transfers_equal_the_step_by_step_reference(free: int, frozen: int, amount: int,
                                                                    step: str) -> None:
    """transfer_tao tries the transfer before reading the free balance, transfer_tao_to_subnet the
    whole amount before reading the reducible one: results, errors, balances and events are those
    of the pre-reading versions (``reference_stake``)."""
    n = StakeNet()
    try:
        source = acc("dust_src")
        results = []
        for version in ("live", "reference"):
            with n.node.query_runtime.at(Overlay(n.node.store.state_at(None)), n.block) as rt:
                sm, system = rt.pallets[SM], rt.pallets["System"]
                info = system.Account.get(source)
                info["data"]["free"], info["data"]["frozen"], info["providers"] = free, frozen, 1
                system.Account.set(source, info)
                fn = getattr(reference_stake, step) if version == "reference" else getattr(type(sm), step)
                args = (source, acc("Bob"), amount) if step == "transfer_tao" else (1, source, amount)
                outcome = _outcome(fn, sm, *args)
                results.append((outcome, system.Account.try_get(source), system.Account.try_get(acc("Bob")),
                                system.Account.try_get(sm.get_subnet_account_id(1)),
                                [(e.pallet, e.name, repr(e.payload)) for e in rt.env.events]))
                rt.env.reset_events()
        assert results[0] == results[1]
    finally:
        n.close()
