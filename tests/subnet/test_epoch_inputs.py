"""Stake weights with childkey inheritance (pure)."""
from __future__ import annotations

from tensornet.subnet.coinbase_math import U64_MAX, tao_weight_u96f32
from tensornet.subnet.epoch_inputs import inherited, stake_weights

A, B, C = b"a" * 32, b"b" * 32, b"c" * 32


def test_no_relations_is_own_stake_plus_weighted_root():
    tw = tao_weight_u96f32(U64_MAX // 4)  # ≈ 0.25
    sw = stake_weights([A, None, B], lambda h: {A: 100, B: 0}.get(h, 0), lambda h: {B: 400}.get(h, 0), lambda h: [], lambda h: [], tw)
    assert sw.stake.tolist()[0] == 100 and sw.stake.tolist()[1] == 0
    assert abs(int(sw.stake[2]) + int(sw.stake_fraction[2]) / 2**64 - 100) < 1e-6


def test_half_to_child():
    half = U64_MAX // 2
    stakes = {A: 1000, B: 10}
    children = {A: [(half, B)]}
    parents = {B: [(half, A)]}
    a = inherited(1000, children[A], [], lambda h: stakes.get(h, 0))
    b = inherited(10, [], parents[B], lambda h: stakes.get(h, 0))
    assert a in (500, 501) and b in (509, 510)
    sw = stake_weights([A, B], lambda h: stakes.get(h, 0), lambda h: 0, lambda h: children.get(h, []), lambda h: parents.get(h, []), 0)
    assert sw.alpha == [a, b]
