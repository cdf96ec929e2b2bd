"""Epoch input assembly from plain data: stake weights with childkey inheritance.

``get_stake_weights_for_network`` (``staking/stake_utils.rs``) gives Yuma, per uid, the I64F64
``alpha_inh + tao_inh × TaoWeight`` where each inherited amount is computed in U96F32 and floored
to u64. These functions take the subnet's hotkeys, their own alpha/root stakes and the
child/parent proportion lists as plain Python data, so the epoch runner only reads storage and the
maths is tested on its own.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tensornet.subnet.coinbase_math import F32, U64_MAX, div32, mul32, to_u64_32

Relations = Sequence[tuple[int, bytes]]  # [(proportion u64, hotkey)]


def normalized_proportion(p: int) -> int:
    """U96F32 bits of p / u64::MAX."""
    return div32(p << F32, U64_MAX << F32)


def inherited(own: int, children: Relations, parents: Relations,
              stake_of: Callable[[bytes], int]) -> int:
    """``get_inherited_for_hotkey_on_subnet`` (alpha) / ``get_tao_inherited…`` (root TAO)."""
    initial = own << F32
    to_children = sum(mul32(initial, normalized_proportion(p)) for p, _ in children)
    from_parents = sum(mul32(stake_of(parent) << F32, normalized_proportion(p)) for p, parent in parents)
    return to_u64_32(max(initial - to_children, 0) + from_parents)


def stake_weight_bits(alpha_inh: int, tao_inh: int, tao_weight32: int) -> int:
    """I64F64 bits of alpha + tao × tao_weight (TaoWeight U96F32 widened to I64F64)."""
    return (alpha_inh << 64) + tao_inh * (tao_weight32 << 32)


@dataclass(frozen=True)
class StakeWeights:
    """Per uid: Yuma's stake (integer part and 64 fractional bits) and the two inherited parts."""

    stake: np.ndarray
    stake_fraction: np.ndarray
    alpha: list[int]
    tao: list[int]


def stake_weights(hotkeys: Sequence[bytes | None], alpha_get: Callable[[bytes], int],
                  root_get: Callable[[bytes], int], children_of: Callable[[bytes], Relations],
                  parents_of: Callable[[bytes], Relations], tao_weight32: int) -> StakeWeights:
    """The stake vector for ``hotkeys`` (None = an empty uid slot, weight 0); ``alpha_get`` /
    ``root_get`` give a hotkey's own alpha on the subnet / stake on root."""
    ints, fracs, alphas, taos = [], [], [], []
    for hk in hotkeys:
        if hk is None:
            a = t = 0
        else:
            ch, pa = children_of(hk), parents_of(hk)
            if not ch and not pa:
                a, t = alpha_get(hk), root_get(hk)
            else:
                a = inherited(alpha_get(hk), ch, pa, alpha_get)
                t = inherited(root_get(hk), ch, pa, root_get)
        bits = stake_weight_bits(a, t, tao_weight32)
        ints.append(min(bits >> 64, U64_MAX))
        fracs.append(bits & U64_MAX)
        alphas.append(a)
        taos.append(t)
    return StakeWeights(np.array(ints, np.uint64), np.array(fracs, np.uint64), alphas, taos)
