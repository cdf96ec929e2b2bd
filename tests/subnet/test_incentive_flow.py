"""Whole tempos through signed extrinsics: a subnet with validators, a nominator and miners; the
epoch's storage outputs and every stake change checked against values derived independently
(the Yuma engine run on inputs read back from storage; emission splits and take by hand)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from incentive_net import TAO, Net, key

from tensornet.consensus import yuma
from tensornet.consensus.types import NO_COMMIT, Csr, EpochInputs
from tensornet.subnet.weights_rules import commit_hash

FUND = {"ferdie": 0, "bob_hk": TAO, "charlie_hk": TAO, "m1_hk": TAO, "m2_hk": TAO, "alice_hk": TAO}
OWNER_CUT = Fraction(11_796, 65_535)


@pytest.fixture
def net():
    n = Net(fund={k: v for k, v in FUND.items() if v})
    yield n
    n.close()


def _inputs_from_storage(net: Net, netuid: int, current_block: int, emission: int) -> tuple[EpochInputs, list]:
    """The test's own reading of the epoch inputs (no childkeys, no root stake here)."""
    with net.state() as rt:
        sm = rt.pallets["SubtensorModule"]
        n = sm.SubnetworkN.get(netuid)
        hotkeys = [sm.Keys.get(netuid, u) for u in range(n)]
        stake = np.array([sm.TotalHotkeyAlpha.get(h, netuid) for h in hotkeys], np.uint64)
        rows = [[(j, v) for j, v in sm.Weights.get(netuid, u) if j < n] for u in range(n)]
        bonds = [list(sm.Bonds.get(netuid, u)) for u in range(n)]
        lu = list(sm.LastUpdate.get(netuid)) + [0] * n
        permits = list(sm.ValidatorPermit.get(netuid)) + [False] * n
        tempo = sm.Tempo.get(netuid)
        owner_uid = sm.Uids.get(netuid, sm.SubnetOwnerHotkey.get(netuid))
        cr = sm.CommitRevealWeightsEnabled.get(netuid)
        commits = [sm.WeightCommits.try_get(netuid, h) for h in hotkeys]
        commit_blocks = np.array([c[0][2] if c else NO_COMMIT for c in commits], np.uint64)
        inp = EpochInputs(
            n=n, stake=stake, weights=Csr.from_rows(rows), bonds=Csr.from_rows(bonds),
            last_update=np.array(lu[:n], np.uint64),
            block_at_registration=np.array([sm.BlockAtRegistration.get(netuid, u) for u in range(n)], np.uint64),
            current_block=current_block, tempo=tempo, last_mechanism_step_block=sm.LastMechansimStepBlock.get(netuid),
            activity_cutoff=max(sm.ActivityCutoffFactorMilli.get(netuid) * tempo // 1000, 1),
            validator_permit=np.array(permits[:n], np.bool_), max_allowed_validators=sm.MaxAllowedValidators.get(netuid),
            kappa=sm.Kappa.get(netuid), bonds_penalty=sm.BondsPenalty.get(netuid),
            bonds_moving_average=sm.BondsMovingAverage.get(netuid), yuma3_enabled=sm.Yuma3On.get(netuid),
            owner_uid=owner_uid, rao_emission=emission, commit_reveal_enabled=cr,
            commit_blocks=commit_blocks if cr else None)
    return inp, hotkeys


def _blocks_to_epoch(net: Net, netuid: int) -> int:
    """Blocks to seal so that the *next* sealed block runs the epoch."""
    nxt = net.sm("LastEpochBlock", netuid) + net.sm("Tempo", netuid)
    return max(nxt - net.block - 1, 0)


def _commit_then_reveal(net: Net, netuid: int, plan: dict[str, tuple[list[int], list[int]]]) -> None:
    """Commit–reveal v2: hash now, reveal in the next epoch (the reveal stores the weights)."""
    for hk, (uids, values) in plan.items():
        h = commit_hash(key(hk).public, netuid, uids, values, [7], 0)
        net.ok(hk, "SubtensorModule", "commit_weights", {"netuid": netuid, "commit_hash": h})
    epoch = net.sm("SubnetEpochIndex", netuid)
    while net.sm("SubnetEpochIndex", netuid) == epoch:
        net.seal(1)
    for hk, (uids, values) in plan.items():
        net.ok(hk, "SubtensorModule", "reveal_weights",
               {"netuid": netuid, "uids": uids, "values": values, "salt": [7], "version_key": 0})


@pytest.mark.parametrize("commit_reveal", [False, True])
def test_whole_tempos_pay_incentive_dividends_take_and_nominators(net, commit_reveal):
    netuid = net.subnet(cr=commit_reveal)
    v1, v2 = net.register("Bob", "bob_hk", netuid), net.register("Charlie", "charlie_hk", netuid)
    m1, m2 = net.register("Dave", "m1_hk", netuid), net.register("Eve", "m2_hk", netuid)
    owner_uid = net.sm("Uids", netuid, key("alice_hk").public)
    assert (owner_uid, v1, v2, m1, m2) == (0, 1, 2, 3, 4)
    net.add_stake("Bob", "bob_hk", netuid, 100 * TAO)
    net.add_stake("Charlie", "charlie_hk", netuid, 50 * TAO)
    net.add_stake("Ferdie", "bob_hk", netuid, 20 * TAO)
    for hk in ("m1_hk", "m2_hk"):
        net.ok(hk, "SubtensorModule", "serve_axon", {"netuid": netuid, "version": 1, "ip": 0x7F000001, "port": 8091,
                                                     "ip_type": 4, "protocol": 4, "placeholder1": 0, "placeholder2": 0})
    # one epoch hands out validator permits (top-k stake)
    net.seal(_blocks_to_epoch(net, netuid) + 1)
    permits = net.sm("ValidatorPermit", netuid)
    assert permits[v1] and permits[v2]
    plan = {"bob_hk": ([m1, m2], [1, 1]), "charlie_hk": ([m1, m2], [3, 1])}
    if commit_reveal:
        assert net.set_weights("bob_hk", netuid, [m1, m2], [1, 1]).error == "CommitRevealEnabled"
        _commit_then_reveal(net, netuid, plan)
    else:
        for hk, (uids, values) in plan.items():
            assert net.set_weights(hk, netuid, uids, values).success
    assert net.sm("Weights", netuid, v2) == [(m1, 65535), (m2, 21845)]  # max-upscaled

    for _ in range(2):  # two whole tempos: bonds carry over
        net.seal(_blocks_to_epoch(net, netuid))
        epoch_block = net.block + 1
        pending = {k: net.sm(k, netuid) for k in ("PendingServerEmission", "PendingValidatorEmission",
                                                  "PendingRootAlphaDivs", "PendingOwnerCut")}
        assert pending["PendingRootAlphaDivs"] == 0  # no root stake in this network
        alpha_out = net.sm("SubnetAlphaOutEmission", netuid)
        # this block's alpha_out joins the accumulators before the epoch drains them (by hand, ±1 rao)
        cut = alpha_out * OWNER_CUT
        server = (alpha_out - cut) / 2
        drained_server = pending["PendingServerEmission"] + int(server)
        drained_validator = pending["PendingValidatorEmission"] + int(alpha_out - cut - server)
        drained_owner = pending["PendingOwnerCut"] + int(cut)
        inp, _ = _inputs_from_storage(net, netuid, epoch_block, 0)
        before = {(h, c): net.stake(h, c, netuid) for h, c in
                  [("alice_hk", "Alice"), ("bob_hk", "Bob"), ("bob_hk", "Ferdie"), ("charlie_hk", "Charlie"),
                   ("m1_hk", "Dave"), ("m2_hk", "Eve")]}
        pool_bob = net.sm("TotalHotkeyAlpha", key("bob_hk").public, netuid)
        net.seal(1)
        assert net.sm("LastEpochBlock", netuid) == epoch_block
        for k in pending:
            assert net.sm(k, netuid) == 0

        total = drained_server + drained_validator
        inp.rao_emission = total
        expected = yuma.epoch(inp)
        assert 0 <= total - int(expected.server_emission.sum() + expected.validator_emission.sum()) <= 2 * inp.n
        assert net.sm("Incentive", netuid) == expected.incentive.tolist()
        assert net.sm("Dividends", netuid) == expected.dividends.tolist()
        assert net.sm("Consensus", netuid) == expected.consensus.tolist()
        assert net.sm("Emission", netuid) == expected.emission.tolist()
        assert [net.sm("Bonds", netuid, u) for u in range(inp.n)] == expected.bonds.rows()
        assert sum(expected.incentive) > 0

        after = {hc: net.stake(*hc, netuid) for hc in before}
        gain = {hc: after[hc] - before[hc] for hc in before}
        # miners: incentive to their own coldkey
        assert abs(gain[("m1_hk", "Dave")] - int(expected.server_emission[m1])) <= 2
        assert abs(gain[("m2_hk", "Eve")] - int(expected.server_emission[m2])) <= 2
        # owner: the owner cut
        assert abs(gain[("alice_hk", "Alice")] - drained_owner) <= 2
        # validators: pending validator alpha by dividend share, 18 % take, the rest pro rata
        divs = {v1: int(expected.validator_emission[v1]), v2: int(expected.validator_emission[v2])}
        share = {u: Fraction(drained_validator * d, sum(divs.values())) for u, d in divs.items()}
        take = Fraction(11_796, 65_535)
        bob_take, bob_rest = share[v1] * take, share[v1] * (1 - take)
        # the take is staked to the owner first, then the rest grows the (larger) pool pro rata
        pool = pool_bob + bob_take
        assert abs(gain[("bob_hk", "Ferdie")] - bob_rest * before[("bob_hk", "Ferdie")] / pool) <= 3
        assert abs(gain[("bob_hk", "Bob")] - (bob_take + bob_rest * (before[("bob_hk", "Bob")] + bob_take) / pool)) <= 3
        assert abs(gain[("charlie_hk", "Charlie")] - share[v2]) <= 3
        # everything drained was paid (the chain floors each payment)
        paid = sum(gain.values())
        assert drained_server + drained_validator + drained_owner - 10 <= paid <= drained_server + drained_validator + drained_owner
