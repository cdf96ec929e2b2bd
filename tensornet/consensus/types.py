"""Typed epoch inputs and outputs: the face the runtime reads storage into.

Field names are those of the JSON face (``spec/yuma-scenario.md``) so that a scenario file and a
storage snapshot describe the same thing.  Sparse matrices (``Weights``, ``Bonds``) are CSR:
row ``i`` is ``indices[indptr[i]:indptr[i+1]]`` (column uids, in the order stored on chain — the
chain walks rows in that order, so it is kept) with matching ``values`` (u16 as stored).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: ``commit_blocks`` entry meaning "no unexpired commit" (the chain's ``u64::MAX``).
NO_COMMIT = np.iinfo(np.uint64).max


@dataclass(frozen=True)
class Csr:
    """A sparse u16 matrix with ``n`` rows.

    indptr:  int64[n+1], non-decreasing, ``indptr[0] == 0``.
    indices: int64[nnz], column uid of each entry (< n, unique within a row).
    values:  int64[nnz], the stored u16 value of each entry; an explicit 0 is an entry.
    """

    indptr: np.ndarray
    indices: np.ndarray
    values: np.ndarray

    @staticmethod
    def empty(n: int) -> "Csr":
        return Csr(np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))

    @staticmethod
    def from_rows(rows: list[list[tuple[int, int]]]) -> "Csr":
        """Build from ``[[(uid, value), ...], ...]`` (the chain's ``Vec<Vec<(u16, u16)>>``)."""
        indptr = np.zeros(len(rows) + 1, np.int64)
        indptr[1:] = np.cumsum([len(r) for r in rows])
        flat = [e for r in rows for e in r]
        indices = np.array([e[0] for e in flat], np.int64)
        values = np.array([e[1] for e in flat], np.int64)
        return Csr(indptr, indices, values)

    def rows(self) -> list[list[tuple[int, int]]]:
        """The matrix as the chain's ``Vec<Vec<(u16, u16)>>``."""
        ip, ix, vs = self.indptr.tolist(), self.indices.tolist(), self.values.tolist()
        return [list(zip(ix[ip[i]:ip[i + 1]], vs[ip[i]:ip[i + 1]])) for i in range(len(ip) - 1)]


@dataclass
class EpochInputs:
    """Everything one ``epoch_mechanism`` run reads, for one subnet mechanism.

    Per-uid arrays have length ``n``.  Storage sources (subtensor names):

    stake:                  uint64, integer part of ``get_stake_weights_for_network`` (alpha +
                            tao·tao_weight, child/parent inheritance included), rao.
    stake_fraction:         uint64 or None, the 64 fractional bits of that I64F64 value; None = 0.
    weights:                ``Weights[netuid_index]`` rows (already max-upscaled by set_weights).
    bonds:                  ``Bonds[netuid_index]`` rows.
    last_update:            uint64, ``LastUpdate[netuid_index]``.
    block_at_registration:  uint64, ``BlockAtRegistration`` (0 for a missing key).
    validator_permit:       bool, ``ValidatorPermit`` (the previous epoch's new permits).
    commit_blocks:          uint64 or None, earliest *unexpired* commit block per uid over
                            ``WeightCommits`` and ``TimelockedWeightCommits``; ``NO_COMMIT`` = none.
    activity_cutoff:        blocks, ``ActivityCutoffFactorMilli·tempo/1000`` (min 1).
    last_mechanism_step_block: ``LastMechansimStepBlock`` (sic), 0 = never.
    owner_uid:              uid of ``SubnetOwnerHotkey`` or None.
    Scalars are the hyper-parameters of the same names (u16 kappa/bonds_penalty/alpha bounds,
    ``bonds_moving_average`` ×1e-6, ``alpha_sigmoid_steepness`` i16).
    variant:                "sparse" (the live epoch) or "dense" (the chain's test-only variant).
    """

    n: int
    stake: np.ndarray
    weights: Csr
    bonds: Csr | None = None
    stake_fraction: np.ndarray | None = None
    last_update: np.ndarray | None = None
    block_at_registration: np.ndarray | None = None
    current_block: int = 0
    tempo: int = 360
    last_mechanism_step_block: int = 0
    activity_cutoff: int = 5000
    validator_permit: np.ndarray | None = None
    max_allowed_validators: int = 64
    kappa: int = 32767
    bonds_penalty: int = 65535
    bonds_moving_average: int = 900_000
    liquid_alpha_enabled: bool = False
    alpha_low: int = 45875
    alpha_high: int = 58982
    alpha_sigmoid_steepness: int = 1000
    yuma3_enabled: bool = False
    owner_uid: int | None = None
    stake_threshold: int = 0
    commit_reveal_enabled: bool = False
    commit_blocks: np.ndarray | None = None
    rao_emission: int = 1_000_000_000
    variant: str = "sparse"

    def filled(self) -> "EpochInputs":
        """A copy with every optional array materialised at its chain default."""
        n = self.n
        z = np.zeros(n, np.uint64)
        return EpochInputs(**{
            **self.__dict__,
            "bonds": self.bonds if self.bonds is not None else Csr.empty(n),
            "stake_fraction": self.stake_fraction if self.stake_fraction is not None else z,
            "last_update": self.last_update if self.last_update is not None else z,
            "block_at_registration": (self.block_at_registration
                                      if self.block_at_registration is not None else z),
            "validator_permit": (self.validator_permit if self.validator_permit is not None
                                 else np.zeros(n, np.bool_)),
            "commit_blocks": (self.commit_blocks if self.commit_blocks is not None
                              else np.full(n, NO_COMMIT, np.uint64)),
        })


@dataclass
class EpochOutputs:
    """What the epoch writes back, per uid (u16 values are ``floor(x·65535)`` as stored).

    bonds: the rows as they would be stored after this epoch (sparse variant: every row written,
    empty for uids without a new permit; dense variant: rows of uids with neither permit are the
    input rows, untouched).
    """

    active: np.ndarray
    new_validator_permit: np.ndarray
    stake_weight: np.ndarray
    consensus: np.ndarray
    incentive: np.ndarray
    dividends: np.ndarray
    validator_trust: np.ndarray
    emission: np.ndarray
    server_emission: np.ndarray
    validator_emission: np.ndarray
    bonds: Csr = field(default_factory=lambda: Csr.empty(0))
