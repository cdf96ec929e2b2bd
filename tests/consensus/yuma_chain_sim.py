"""A tiny stand-in for subtensor's test mock, enough to replay its epoch tests.

It keeps the storage the epoch reads (weights, bonds, permits, last update, registration block)
and mimics the calls the Rust tests make: ``register`` at the current block, ``set_weights``
(max-upscaled as the pallet stores them, last_update := block), ``next_block``, ``epoch``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tensornet.consensus import fixed as fx
from tensornet.consensus.types import Csr, EpochInputs, EpochOutputs
from tensornet.consensus.yuma import epoch as run_epoch


def _round_half_away(raw: int) -> int:
    """``I32F32::round()`` (ties away from zero) of a non-negative raw value, as an integer."""
    return (raw + fx.HALF) >> 32


def max_upscale_u16(values: list[int]) -> list[int]:
    """``vec_u16_max_upscale_to_u16``: what ``set_weights`` stores."""
    vals = [fx.from_int(v) for v in values]
    if not vals:
        return []
    mx = max(vals)
    u16_max = fx.from_int(65535)
    if mx == 0:
        return [min(fx.mul(v, u16_max) >> 32, 65535) for v in vals]
    if mx > fx.from_int(32768):
        ratio = fx.safe_div(u16_max, mx)
        return [min(_round_half_away(fx.mul(v, ratio)), 65535) for v in vals]
    return [min(_round_half_away(fx.safe_div(fx.mul(v, u16_max), mx)), 65535) for v in vals]


def alpha_values_32(low: float, high: float) -> tuple[int, int]:
    """``set_alpha_values_32(I32F32::from_num(low), …)``: floor(from_num(x)·65535) as u16."""
    def conv(x: float) -> int:
        raw = round(x * (1 << 32))  # from_num(f64) rounds to nearest (exact for these inputs)
        return fx.mul(raw, fx.from_int(65535)) >> 32
    return conv(low), conv(high)


@dataclass
class Subnet:
    n: int
    stake: list[int]
    tempo: int = 1
    block: int = 1
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.n
        self.weights: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.bonds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.permit = [False] * n
        self.last_update = [self.block] * n
        self.registered = [self.block] * n
        self.last_out: EpochOutputs | None = None

    @property
    def activity_cutoff(self) -> int:
        return max(13_889 * self.tempo // 1000, 1)

    def set_weights(self, uid: int, uids: list[int], values: list[int]) -> None:
        self.weights[uid] = list(zip(uids, max_upscale_u16(values)))
        self.last_update[uid] = self.block

    def next_block(self) -> None:
        self.block += 1

    def inputs(self, variant: str = "sparse") -> EpochInputs:
        n = self.n
        return EpochInputs(
            n=n, stake=np.array(self.stake, np.uint64), weights=Csr.from_rows(self.weights),
            bonds=Csr.from_rows(self.bonds), last_update=np.array(self.last_update, np.uint64),
            block_at_registration=np.array(self.registered, np.uint64),
            current_block=self.block, tempo=self.tempo, activity_cutoff=self.activity_cutoff,
            validator_permit=np.array(self.permit), variant=variant, **self.params)

    def epoch(self, variant: str = "sparse", engine: str = "kernel") -> EpochOutputs:
        out = run_epoch(self.inputs(variant), engine=engine)
        self.bonds = out.bonds.rows()
        self.permit = out.new_validator_permit.tolist()
        self.last_out = out
        return out

    def bonds_dense(self) -> list[list[int]]:
        """``get_bonds``: stored u16 bonds as dense rows."""
        dense = [[0] * self.n for _ in range(self.n)]
        for i, row in enumerate(self.bonds):
            for j, v in row:
                dense[i][j] = v
        return dense


def replace_neuron(net: Subnet, uid: int, block: int, stake: int = 0) -> None:
    """``replace_neuron`` + ``clear_neuron``: a new hotkey takes ``uid`` at ``block``."""
    net.weights[uid] = []
    net.bonds[uid] = []
    net.weights = [[(j, 0 if j == uid else w) for j, w in row] for row in net.weights]
    net.permit[uid] = False
    net.registered[uid] = block
    net.last_update[uid] = block
    net.stake[uid] = stake
