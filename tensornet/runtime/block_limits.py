"""frame_system's block limits as subtensor configures them, and CheckWeight's accounting.

subtensor's runtime sets ``BlockWeights::with_sensible_defaults(MAXIMUM_BLOCK_WEIGHT, 75 %)`` with
``MAXIMUM_BLOCK_WEIGHT = (4 s, u64::MAX)`` and ``BlockLength::max_with_normal_ratio(10 MiB, 75 %)``.
Spelled out (``limits.rs``): every class pays ``ExtrinsicBaseWeight`` per extrinsic; Normal may use
75 % of the block (``reserved`` zero), Operational all of it with the last 25 % reserved for it,
Mandatory is unlimited; a single extrinsic may use its class's total minus the 10 % assumed for
block initialisation, minus its base.

``ConsumedWeight`` is ``System.BlockWeight``: the block's base and ``on_initialize`` weights and the
inherents count as Mandatory; a transaction adds its total weight (call + extensions) plus its
class's base, with its length as proof size (``calculate_consumed_weight``), and does not fit when
its class's total would pass ``max_total``, or the whole block ``max_block`` beyond the class's
``reserved`` room.
"""
from __future__ import annotations

from typing import NamedTuple

from tensornet.runtime.dispatch import BLOCK_EXECUTION_WEIGHT, EXTRINSIC_BASE_WEIGHT, MAX_BLOCK_LENGTH, \
    MAX_BLOCK_REF_TIME, Weight

U64_MAX = 2**64 - 1
CLASSES = ("normal", "operational", "mandatory")


def perbill_mul(parts_per_billion: int, value: int) -> int:
    """``Perbill * u64`` (sp_arithmetic rounds to the nearest, halves down)."""
    quotient, remainder = divmod(value * parts_per_billion, 1_000_000_000)
    return quotient + (1 if 2 * remainder > 1_000_000_000 else 0)


def _ratio(parts_per_billion: int, w: Weight) -> Weight:
    return Weight(perbill_mul(parts_per_billion, w.ref_time), perbill_mul(parts_per_billion, w.proof_size))


def _sub(a: Weight, b: Weight) -> Weight:
    return Weight(max(a.ref_time - b.ref_time, 0), max(a.proof_size - b.proof_size, 0))


class ClassLimits(NamedTuple):
    base_extrinsic: Weight
    max_extrinsic: Weight | None
    max_total: Weight | None
    reserved: Weight | None

    def value(self) -> dict:
        return {name: None if w is None else w.value() for name, w in zip(self._fields, self)}


MAXIMUM_BLOCK_WEIGHT = Weight(MAX_BLOCK_REF_TIME, U64_MAX)
NORMAL_RATIO = 750_000_000          # 75 % in parts per billion
AVERAGE_INITIALIZATION = 100_000_000  # 10 %
BASE_EXTRINSIC = Weight(EXTRINSIC_BASE_WEIGHT, 0)
BASE_BLOCK = Weight(BLOCK_EXECUTION_WEIGHT, 0)

_NORMAL_TOTAL = _ratio(NORMAL_RATIO, MAXIMUM_BLOCK_WEIGHT)
MAX_BLOCK = MAXIMUM_BLOCK_WEIGHT  # the largest class total
_MAX_BLOCK_REF, _MAX_BLOCK_PROOF = MAX_BLOCK.ref_time, MAX_BLOCK.proof_size
_INIT = _ratio(AVERAGE_INITIALIZATION, MAX_BLOCK)
PER_CLASS = {
    "normal": ClassLimits(BASE_EXTRINSIC, _sub(_sub(_NORMAL_TOTAL, _INIT), BASE_EXTRINSIC), _NORMAL_TOTAL, Weight()),
    "operational": ClassLimits(BASE_EXTRINSIC, _sub(_sub(MAXIMUM_BLOCK_WEIGHT, _INIT), BASE_EXTRINSIC),
                               MAXIMUM_BLOCK_WEIGHT, _sub(MAXIMUM_BLOCK_WEIGHT, _NORMAL_TOTAL)),
    "mandatory": ClassLimits(BASE_EXTRINSIC, None, None, None),
}
#: BlockLength.max per class
MAX_LENGTH = {"normal": perbill_mul(NORMAL_RATIO, MAX_BLOCK_LENGTH), "operational": MAX_BLOCK_LENGTH,
              "mandatory": MAX_BLOCK_LENGTH}


def block_weights_value() -> dict:
    """The ``System.BlockWeights`` constant."""
    return {"base_block": BASE_BLOCK.value(), "max_block": MAX_BLOCK.value(),
            "per_class": {c: PER_CLASS[c].value() for c in CLASSES}}


_UNLIMITED = 1 << 128  # above any sum of u64 weights


class _Flat(NamedTuple):
    """One class's limits as plain ints for the per-transaction checks (None limits as unreachable)."""
    key: str
    base_ref: int
    base_proof: int
    max_ref: int     # max_total, or u64::MAX (checked_accrue's overflow) when unset
    max_proof: int
    reserved_ref: int
    reserved_proof: int
    limited: bool    # max_total or reserved set: checked accrual (else saturating)
    extrinsic_ref: int    # max_extrinsic
    extrinsic_proof: int
    max_length: int       # BlockLength.max


def _flat(key: str) -> _Flat:
    limits = PER_CLASS[key]
    top, reserved, single = limits.max_total, limits.reserved, limits.max_extrinsic
    return _Flat(key, limits.base_extrinsic.ref_time, limits.base_extrinsic.proof_size,
                 U64_MAX if top is None else top.ref_time, U64_MAX if top is None else top.proof_size,
                 _UNLIMITED if reserved is None else reserved.ref_time,
                 _UNLIMITED if reserved is None else reserved.proof_size,
                 top is not None or reserved is not None,
                 _UNLIMITED if single is None else single.ref_time,
                 _UNLIMITED if single is None else single.proof_size,
                 MAX_LENGTH[key])


#: keyed by ``DispatchInfo.dispatch_class`` ("Normal", …)
_BY_DISPATCH_CLASS = {name.capitalize(): _flat(name) for name in CLASSES}
MAX_NORMAL_LENGTH = MAX_LENGTH["normal"]


def base_extrinsic(dispatch_class: str) -> tuple[int, int]:
    """(ref_time, proof_size) of the ``base_extrinsic`` weight of a DispatchInfo class ("Normal", …)."""
    flat = _BY_DISPATCH_CLASS[dispatch_class]
    return flat.base_ref, flat.base_proof


def exceeds_max_extrinsic(info, length: int) -> bool:
    """``check_extrinsic_weight``: the total weight, its length counted as proof, over its class's
    ``max_extrinsic``."""
    flat = _BY_DISPATCH_CLASS[info.dispatch_class]
    return info.total_ref_time > flat.extrinsic_ref \
        or info.weight.proof_size + info.extension_weight.proof_size + length > flat.extrinsic_proof


def exceeds_block_length(info, used: int, length: int) -> bool:
    """``check_block_length``: ``length`` more bytes after ``used`` pass the class's BlockLength."""
    return used + length > _BY_DISPATCH_CLASS[info.dispatch_class].max_length


class ConsumedWeight:
    """``System.BlockWeight`` while a block is built: [ref_time, proof_size] per class, and their sum."""

    __slots__ = ("per_class", "_total")

    def __init__(self) -> None:
        self.per_class = {c: [0, 0] for c in CLASSES}
        self._total = [0, 0]

    def register(self, weight: Weight, cls: str = "mandatory") -> None:
        """``register_extra_weight_unchecked``: base block, hooks (saturating)."""
        self.accrue((self.per_class[cls], weight.ref_time, weight.proof_size))

    def fit(self, info, length: int) -> tuple[list[int], int, int] | None:
        """``calculate_consumed_weight``: what the extrinsic would add, for ``accrue``, or None when it
        does not fit its class's limits (nothing is added until ``accrue``: a later check may still
        turn the transaction away)."""
        key, base_ref, base_proof, max_ref, max_proof, reserved_ref, reserved_proof, limited = \
            _BY_DISPATCH_CLASS[info.dispatch_class][:8]
        weight, extension = info.weight, info.extension_weight
        ref = weight.ref_time + extension.ref_time + base_ref
        proof = weight.proof_size + extension.proof_size + base_proof + length
        entry = self.per_class[key]
        if limited:
            new_ref, new_proof = entry[0] + ref, entry[1] + proof
            if new_ref > max_ref or new_proof > max_proof:
                return None
            total = self._total
            if (total[0] + ref > _MAX_BLOCK_REF or total[1] + proof > _MAX_BLOCK_PROOF) \
                    and (new_ref > reserved_ref or new_proof > reserved_proof):
                return None  # past max_block, and beyond this class's reserved room
        return entry, ref, proof

    def accrue(self, fit: tuple[list[int], int, int]) -> None:
        """Add what ``fit`` worked out, saturating at u64 (a limited class never gets near it: only
        the unlimited Mandatory class, and then the sum, can pass it)."""
        entry, ref, proof = fit
        total = self._total
        entry[0] += ref
        entry[1] += proof
        total[0] += ref
        total[1] += proof
        if total[0] > U64_MAX or total[1] > U64_MAX:
            for weights in (*self.per_class.values(), total):
                weights[0], weights[1] = min(weights[0], U64_MAX), min(weights[1], U64_MAX)

    def reclaim(self, dispatch_class: str, unspent: Weight) -> None:
        """``reclaim_weight`` (CheckWeight after dispatch): give back what an extrinsic declared but
        did not use, saturating at zero as ``PerDispatchClass::reduce``."""
        entry, total = self.per_class[_BY_DISPATCH_CLASS[dispatch_class].key], self._total
        ref, proof = min(unspent.ref_time, entry[0]), min(unspent.proof_size, entry[1])
        entry[0] -= ref
        entry[1] -= proof
        total[0] -= ref
        total[1] -= proof

    def value(self) -> dict:
        return {c: {"ref_time": e[0], "proof_size": e[1]} for c, e in self.per_class.items()}
