"""``transfer_tao`` mirrors the dust a reaped source burns into SubtensorModule's TotalIssuance. It
takes the amount from ``Balances.transfer`` instead of reading Balances.TotalIssuance before and
after; both ways must agree, including a Balances issuance smaller than the dust."""
from __future__ import annotations

import pytest
from stake_net import SM, StakeNet, acc

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
