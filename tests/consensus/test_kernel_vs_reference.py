"""The numba kernels equal the reference path on random graphs (ties, zeros, masks included)."""
from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tensornet.consensus import fixed as fx
from tensornet.consensus import kernels as nb
from tensornet.consensus import reference
from tensornet.consensus.types import NO_COMMIT, Csr, EpochInputs
from tensornet.consensus.yuma import epoch


def random_inputs(rng: random.Random) -> EpochInputs:
    n = rng.randint(1, 24)
    tie_values = [0, 1, 65535, 32767, rng.randint(0, 65535)]

    def value() -> int:
        return rng.choice(tie_values) if rng.random() < 0.4 else rng.randint(0, 65535)

    def rows(density: float, sort: bool) -> list[list[tuple[int, int]]]:
        out = []
        for _ in range(n):
            cols = [j for j in range(n) if rng.random() < density]
            if not sort:
                rng.shuffle(cols)
            out.append([(j, value()) for j in cols])
        return out

    sort = rng.random() < 0.8
    stake_pool = [0, 1, 1000, 10**9, rng.randint(0, 10**12)]
    stake = [rng.choice(stake_pool) if rng.random() < 0.5 else rng.randint(0, 10**15)
             for _ in range(n)]
    current = rng.randint(0, 200)
    owner = rng.choice([None, rng.randrange(n)])
    return EpochInputs(
        n=n,
        stake=np.array(stake, np.uint64),
        weights=Csr.from_rows(rows(rng.random(), sort)),
        bonds=Csr.from_rows(rows(rng.random(), sort)),
        last_update=np.array([rng.randint(0, 200) for _ in range(n)], np.uint64),
        block_at_registration=np.array([rng.randint(0, 200) for _ in range(n)], np.uint64),
        current_block=current,
        tempo=rng.randint(1, 100),
        last_mechanism_step_block=rng.choice([0, rng.randint(0, 200)]),
        activity_cutoff=rng.randint(1, 200),
        validator_permit=np.array([rng.random() < 0.7 for _ in range(n)]),
        max_allowed_validators=rng.randint(0, n + 2),
        kappa=rng.choice([32767, 0, 65535, rng.randint(0, 65535)]),
        bonds_penalty=rng.choice([65535, 0, rng.randint(0, 65535)]),
        bonds_moving_average=rng.choice([900_000, 0, 1_000_000, rng.randint(0, 1_000_000)]),
        liquid_alpha_enabled=rng.random() < 0.5,
        alpha_low=rng.randint(1638, 45875),
        alpha_high=rng.randint(45875, 65535),
        alpha_sigmoid_steepness=rng.choice([1000, -1000, rng.randint(-32768, 32767)]),
        yuma3_enabled=rng.random() < 0.5,
        owner_uid=owner,
        stake_threshold=rng.choice([0, 0, 1000, 10**12]),
        commit_reveal_enabled=rng.random() < 0.5,
        commit_blocks=np.array([rng.choice([NO_COMMIT, rng.randint(0, 200)]) for _ in range(n)],
                               np.uint64),
        rao_emission=rng.choice([10**9, 0, 2**64 - 1, rng.randint(0, 2**64 - 1)]),
        variant="dense" if rng.random() < 0.3 else "sparse",
    )


def assert_same(a, b) -> None:
    for key in ("active", "new_validator_permit", "stake_weight", "consensus", "incentive",
                "dividends", "validator_trust", "emission", "server_emission",
                "validator_emission"):
        assert getattr(a, key).tolist() == getattr(b, key).tolist(), key
    assert a.bonds.rows() == b.bonds.rows()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_kernel_equals_reference_on_random_graphs(seed: int) -> None:
    inp = random_inputs(random.Random(seed))
    assert_same(epoch(inp), epoch(inp, engine="reference"))


def test_kernel_equals_reference_dense_graph_128() -> None:
    rng = random.Random(7)
    n, nv = 96, 32
    rows = [[(j, rng.randint(0, 65535)) for j in range(n) if j != i] if i < nv else []
            for i in range(n)]
    bonds = [[(j, rng.randint(0, 65535)) for j in range(n)] if i < nv else []
             for i in range(n)]
    for yuma3, liquid, variant in ((False, False, "sparse"), (True, True, "sparse"),
                                   (True, False, "sparse"), (True, True, "dense"),
                                   (False, False, "dense")):
        inp = EpochInputs(n=n, stake=np.array([rng.randint(1, 10**12) for _ in range(n)],
                                              np.uint64),
                          weights=Csr.from_rows(rows), bonds=Csr.from_rows(bonds),
                          validator_permit=np.arange(n) < nv, max_allowed_validators=nv,
                          current_block=5, yuma3_enabled=yuma3, liquid_alpha_enabled=liquid,
                          variant=variant)
        assert_same(epoch(inp), epoch(inp, engine="reference"))


@pytest.mark.parametrize("seed", range(3))
def test_weighted_median_closed_form_matches_pivot_search(seed: int) -> None:
    from tensornet.consensus.kernels import weighted_median_cols
    rng = random.Random(seed)
    for _ in range(200):
        rows = rng.randint(1, 9)
        n = rng.randint(1, 5)
        astake = [rng.choice([0, 1, 1 << 20, rng.randint(0, 1 << 32)]) for _ in range(rows)]
        dense = [[rng.choice([0, 1 << 31, 1 << 32, rng.randint(0, 1 << 32)]) for _ in range(n)]
                 for _ in range(rows)]
        kappa = rng.choice([fx.u16_proportion(32767), 0, fx.ONE, rng.randint(0, fx.ONE)])
        want = reference.median_columns(astake, dense, kappa)
        csr = Csr.from_rows([[(j, v) for j, v in enumerate(r) if v or rng.random() < 0.5]
                             for r in dense])
        got = weighted_median_cols(np.array(astake, np.int64), csr.indptr, csr.indices,
                                   csr.values, np.int64(kappa), np.int64(n))
        assert got.tolist() == want


def test_fixed_point_kernels_match_python_semantics() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        a = rng.randrange(-(1 << rng.choice([31, 33, 40, 62])), 1 << rng.choice([31, 33, 40, 62]))
        b = rng.randrange(-(1 << rng.choice([31, 33, 40, 62])), 1 << rng.choice([31, 33, 40, 62]))
        assert nb.mul(np.int64(a), np.int64(b)) == fx.mul(a, b)
        assert nb.safe_div(np.int64(a), np.int64(b)) == fx.safe_div(a, b)
    for x in range(-(21 << 32), 21 << 32, 987654321):
        assert nb.exp_safe(np.int64(x)) == fx.exp_safe(x)
