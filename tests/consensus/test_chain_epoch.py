"""subtensor's epoch tests (tests/epoch.rs) replayed with the chain's exact expected values."""
from __future__ import annotations

import random

import pytest


from yuma_chain_sim import Subnet, replace_neuron

M = 65535
E = 1_000_000_000


def test_1_graph() -> None:
    """One neuron weighting itself: the self-weight is masked, everything is 0."""
    net = Subnet(n=1, stake=[1_000_000_000], tempo=M - 1)
    net.set_weights(0, [0], [M])
    out = net.epoch()
    assert out.consensus.tolist() == [0]
    assert out.incentive.tolist() == [0]
    assert out.dividends.tolist() == [0]


def test_10_graph() -> None:
    """Ten self-weighting neurons (appended at block 0, no permits yet): emergency split."""
    net = Subnet(n=10, stake=[1] * 10, tempo=M - 1)
    net.registered = [0] * 10
    net.last_update = [0] * 10
    for i in range(10):
        net.set_weights(i, [i], [M])
    out = net.epoch()
    assert out.consensus.tolist() == [0] * 10
    assert out.incentive.tolist() == [0] * 10
    assert out.dividends.tolist() == [0] * 10
    assert out.emission.tolist() == [99_999_999] * 10


def distribute_nodes(validators_n: int, network_n: int, interleave: int,
                     rng: random.Random) -> tuple[list[int], list[int]]:
    if interleave == 0:
        return list(range(validators_n)), list(range(validators_n, network_n))
    if interleave == 1:
        step = network_n // validators_n
        vals = [i for i in range(network_n) if i % step == 0]
        return vals, [i for i in range(network_n) if i % step != 0]
    perm = list(range(network_n))
    rng.shuffle(perm)
    return sorted(perm[:validators_n]), sorted(perm[validators_n:])


def init_run_epochs(n: int, validators: list[int], servers: list[int], epochs: int,
                    stake_per_validator: int, server_self: bool, random_weights: bool,
                    seed: int, variant: str, bonds_penalty: int) -> Subnet:
    """``init_run_epochs``: neurons appended at block 0, first epoch for permits, then weights."""
    stake = [stake_per_validator if u in validators else 0 for u in range(n)]
    net = Subnet(n=n, stake=stake, tempo=M - 1,
                 params=dict(bonds_penalty=bonds_penalty, max_allowed_validators=len(validators)))
    net.registered = [0] * n
    net.last_update = [0] * n
    net.epoch()
    rng = random.Random(seed)
    for uid in validators:
        if random_weights:
            raw = [rng.randrange(0, M) for _ in servers]
            total = sum(raw)
            ws = [x * M // total for x in raw] if total else raw
        else:
            ws = [M // n] * len(servers)
        net.set_weights(uid, servers, ws)
    if server_self:
        for uid in servers:
            net.set_weights(uid, [uid], [M])
    for _ in range(epochs):
        net.epoch(variant)
    return net


@pytest.mark.parametrize("server_self", [False, True])
@pytest.mark.parametrize("interleave", [0, 1, 2])
def test_512_graph(interleave: int, server_self: bool) -> None:
    validators, servers = distribute_nodes(64, 512, interleave, random.Random(interleave))
    net = init_run_epochs(512, validators, servers, 3, 328_125_000_000_000, server_self,
                          False, 0, "sparse", M)
    out, bonds = net.last_out, net.bonds_dense()
    server, validator = servers[0], validators[0]
    for uid in validators:
        assert out.consensus[uid] == 0 and out.incentive[uid] == 0
        assert out.dividends[uid] == 1023
        assert out.emission[uid] == 7_812_500
        assert bonds[uid][validator] == 0 and bonds[uid][server] == M
    for uid in servers:
        assert out.consensus[uid] == 146 and out.incentive[uid] == 146
        assert out.dividends[uid] == 0
        assert out.emission[uid] == 1_116_071
        assert bonds[uid][validator] == 0 and bonds[uid][server] == 0


@pytest.mark.parametrize("bonds_penalty", [0, M // 2, M])
@pytest.mark.parametrize("interleave", [0, 1, 2])
def test_graph_random_weights_dense_equals_sparse(interleave: int, bonds_penalty: int) -> None:
    """``test_512_graph_random_weights`` (scaled to 64 uids / 8 validators for speed)."""
    validators, servers = distribute_nodes(8, 64, interleave, random.Random(interleave))
    for server_self in (False, True):
        runs = [init_run_epochs(64, validators, servers, 1, 1, server_self, True, interleave,
                                variant, bonds_penalty) for variant in ("sparse", "dense")]
        a, b = runs[0].last_out, runs[1].last_out
        for key in ("incentive", "dividends", "emission"):
            assert getattr(a, key).tolist() == getattr(b, key).tolist(), key
        assert runs[0].bonds_dense() == runs[1].bonds_dense()


def test_512_graph_random_weights_dense_equals_sparse() -> None:
    """The chain's full-size version (512 uids, 64 validators, server self-weights)."""
    for interleave in range(3):
        validators, servers = distribute_nodes(64, 512, interleave, random.Random(interleave))
        for bonds_penalty in (0, M // 2, M):
            runs = [init_run_epochs(512, validators, servers, 1, 1, True, True, interleave,
                                    variant, bonds_penalty) for variant in ("sparse", "dense")]
            a, b = runs[0].last_out, runs[1].last_out
            for key in ("incentive", "dividends", "emission"):
                assert getattr(a, key).tolist() == getattr(b, key).tolist(), key
            assert runs[0].bonds_dense() == runs[1].bonds_dense()


def test_bonds() -> None:
    """``test_bonds``: Yuma 2 bonds EMA over eight epochs, exact u16 values."""
    net = Subnet(n=8, stake=[1, 2, 3, 4, 0, 0, 0, 0], tempo=1,
                 params=dict(bonds_penalty=M, max_allowed_validators=8))
    net.epoch()
    net.next_block()
    for uid in range(4):
        net.set_weights(uid, [4, 5, 6, 7], [M // 4, M // 2, (M // 4) * 3, M])
    net.epoch()
    assert [r[4] for r in net.bonds_dense()[:4]] == [16383, 32767, 49151, 65535]
    expected_col4 = {0: [14582, 32767, 49151, 65535], 1: [12603, 28321, 49151, 65535]}
    for uid in (0, 1):  # validator self-weights only
        net.set_weights(uid, [uid], [M])
        net.next_block()
        net.epoch()
        assert [r[4] for r in net.bonds_dense()[:4]] == expected_col4[uid]
    net.set_weights(2, [2], [M])
    net.next_block()
    net.epoch()
    assert [r[7] for r in net.bonds_dense()[:4]] == [12602, 28320, 49150, 65535]
    net.set_weights(2, [7], [M])
    for expected in ([10951, 24609, 49150, 65535], [9559, 21482, 49150, 65535],
                     [8376, 18824, 49150, 65535]):
        net.next_block()
        net.epoch()
        assert [r[7] for r in net.bonds_dense()[:4]] == expected


def test_active_stake() -> None:
    """``test_active_stake``: validators whose weights pass the activity cutoff lose stake."""
    net = Subnet(n=4, stake=[1, 1, 1, 1], tempo=1, params=dict(max_allowed_validators=4))
    net.epoch()
    net.next_block()
    for uid in (0, 1):
        net.set_weights(uid, [2, 3], [M // 2, M // 2])
    out = net.epoch()
    bonds = net.bonds_dense()
    assert out.dividends.tolist()[:2] == [32767, 32767]
    assert out.emission.tolist() == [250_000_000] * 4
    for row in bonds[:2]:
        assert row[:2] == [0, 0] and row[2:] == [M, M]
    net.block = 5000 + 2
    net.set_weights(0, [2, 3], [M // 2, M // 2])
    out = net.epoch()
    bonds = net.bonds_dense()
    assert out.dividends[0] == 36044
    assert out.emission[0] == 274_999_999
    assert bonds[0][2:] == [M, M]
    assert out.dividends[1] == 29490
    assert out.emission[1] == 224_999_999
    assert bonds[1][2:] == [53619, 53619]
    net.set_weights(1, [2, 3], [M // 2, M // 2])
    net.block = 5000 + 3
    out = net.epoch()
    bonds = net.bonds_dense()
    assert out.dividends[0] == 35716
    assert out.emission[0] == 272_501_132
    assert bonds[0][2:] == [M, M]
    assert out.dividends[1] == 29818
    assert out.emission[1] == 227_498_866
    assert bonds[1][2:] == [54712, 54712]


def test_outdated_weights() -> None:
    """``test_outdated_weights``: weights older than a uid's re-registration are masked."""
    net = Subnet(n=4, stake=[1, 1, 1, 1], tempo=0,
                 params=dict(bonds_penalty=M, max_allowed_validators=4))
    net.epoch()
    net.next_block()
    for uid in (0, 1):
        net.set_weights(uid, [2, 3], [2 * (M // 3), M // 3])
    for uid in (2, 3):
        net.set_weights(uid, [uid], [M])
    net.epoch()
    replace_neuron(net, 3, net.block)
    net.next_block()
    net.set_weights(0, [2, 3], [2 * (M // 3), M // 3])
    out = net.epoch()
    bonds = net.bonds_dense()
    assert out.dividends[0] == 32767
    assert out.emission[0] == 250_000_000
    assert bonds[0][2] == M and bonds[0][3] == M


def test_zero_weights_emergency_mode() -> None:
    """``test_zero_weights`` (first two epochs): no or self weights → emission by stake."""
    net = Subnet(n=2, stake=[1, 0], tempo=M - 1, block=0)
    out = net.epoch()
    assert out.emission.tolist() == [E, 0]
    net.block = 1
    net.set_weights(1, [1], [M])
    out = net.epoch()
    assert out.emission.tolist() == [E, 0]


def test_deregistered_miner_bonds() -> None:
    """``test_deregistered_miner_bonds``: bonds to a re-registered uid cannot grow."""
    net = Subnet(n=4, stake=[1, 1, 1, 1], tempo=M - 1,
                 params=dict(bonds_penalty=M, max_allowed_validators=4))
    net.epoch()
    net.next_block()
    for uid in (0, 1):
        net.set_weights(uid, [2, 3], [2 * (M // 3), M // 3])
    net.next_block()
    net.next_block()
    net.tempo = 2
    net.epoch()
    before = net.bonds_dense()[0]
    assert before[2] > 0 and before[3] > 0
    net.tempo = M - 1
    net.next_block()
    replace_neuron(net, 3, net.block)
    for uid in (0, 1):
        net.set_weights(uid, [2, 3], [2 * (M // 3), M // 3])
    net.next_block()
    net.tempo = 2
    net.epoch()
    after = net.bonds_dense()[0]
    assert after[2] >= before[2]
    assert after[3] <= before[3]


@pytest.mark.parametrize("interleave", [0, 1, 2])
@pytest.mark.parametrize("network_n,validators_n", [(2, 1), (4, 2), (8, 4)])
@pytest.mark.parametrize("assignment", [0, 1])
def test_validator_permits(interleave: int, network_n: int, validators_n: int,
                           assignment: int) -> None:
    validators, servers = distribute_nodes(validators_n, network_n, interleave,
                                           random.Random(interleave))
    stake = [0] * network_n
    for v in validators:
        stake[v] = v + network_n if assignment == 1 else 1
    for s in servers:
        stake[s] = s if assignment == 1 else 0
    min_stake = validators_n
    net = Subnet(n=network_n, stake=list(stake), tempo=M - 1, block=0,
                 params=dict(stake_threshold=min_stake, max_allowed_validators=validators_n,
                             commit_reveal_enabled=True))
    net.epoch()
    for v in validators:
        assert net.permit[v] == (stake[v] >= min_stake)
    for s in servers:
        assert net.permit[s] is False
    for s in servers:
        net.stake[s] += 2 * network_n
    net.block = 1
    net.epoch()
    for v in validators:
        assert net.permit[v] is False
    for s in servers:
        assert net.permit[s] == (stake[s] + 2 * network_n >= min_stake)
