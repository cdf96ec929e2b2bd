"""Pure rules of weight setting and commit–reveal v2 (``subnets/weights.rs``), apart from storage.

The part class in ``weights.py`` reads a ``WeightsContext`` from storage and asks ``check_weights``
which subtensor error (if any) the call fails with, in subtensor's order, so the order of checks
is written down once and tested without a chain.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tensornet.consensus import fixed as fx
from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.scale import U16, U64, Vec

U16_MAX = 0xFFFF
MAX_UNREVEALED_COMMITS = 10
_VEC_U16 = Vec(U16)


def commit_hash(hotkey: bytes, netuid_index: int, uids: Sequence[int], values: Sequence[int],
                salt: Sequence[int], version_key: int) -> bytes:
    """``get_commit_hash``: BLAKE2-256 of SCALE(hotkey, netuid_index u16, uids, values, salt,
    version_key u64) — the tuple SCALE-encodes as the concatenation of its fields."""
    data = (bytes(hotkey) + U16.encode(netuid_index) + _VEC_U16.encode(list(uids))
            + _VEC_U16.encode(list(values)) + _VEC_U16.encode(list(salt)) + U64.encode(version_key))
    return blake2_256(data)


def _round(bits: int) -> int:
    """I32F32 ``round()`` (ties away from zero; only non-negative values here) to an integer."""
    return (bits + fx.HALF) >> fx.FRAC_BITS


def max_upscale(values: Sequence[int]) -> list[int]:
    """``vec_u16_max_upscale_to_u16``: scale so the largest value becomes 65535, in I32F32 with
    the chain's two paths (above 32768 the ratio is computed first) and rounding."""
    fixed = [fx.from_int(v) for v in values]
    if not fixed:
        return []
    top = max(fixed)
    u16_max = fx.from_int(U16_MAX)
    if top == 0:
        return [min(fx.mul(e, u16_max) >> fx.FRAC_BITS, U16_MAX) for e in fixed]
    if top > fx.from_int(32768):
        ratio = fx.safe_div(u16_max, top)
        return [min(_round(fx.mul(e, ratio)), U16_MAX) for e in fixed]
    return [min(_round(fx.safe_div(fx.mul(e, u16_max), top)), U16_MAX) for e in fixed]


def max_weight_limited(values: Sequence[int], limit: int) -> bool:
    """``check_vec_max_limited``: the largest *normalised* weight ≤ limit/65535 (I32F32)."""
    if not values:
        return True
    fixed = [fx.from_int(v) for v in values]
    total = sum(fixed)
    if total != 0:
        fixed = [fx.safe_div(e, total) for e in fixed]
    return max(fixed) <= fx.safe_div(fx.from_int(limit), fx.from_int(U16_MAX))


def is_self_weight(uid: int, uids: Sequence[int], values: Sequence[int]) -> bool:
    return len(values) == 1 and len(uids) >= 1 and uids[0] == uid


@dataclass(frozen=True)
class WeightsContext:
    """What ``internal_set_weights`` reads, gathered once from storage.

    ``uid`` is None when the hotkey is not registered; ``stake_ok`` is the min-stake check result.
    """

    netuid: int
    mechanism_exists: bool
    subnetwork_n: int
    uid: int | None
    stake_ok: bool
    network_version_key: int
    commit_reveal_enabled: bool
    last_update: int
    rate_limit: int
    current_block: int
    validator_permit: bool
    owner_uid: int | None
    min_allowed_weights: int
    max_weight_limit: int


def check_weights(ctx: WeightsContext, uids: Sequence[int], values: Sequence[int],
                  version_key: int) -> tuple[str | None, list[int]]:
    """Return (error name or None, max-upscaled values) in ``internal_set_weights`` order."""
    if ctx.netuid == 0:
        return "CanNotSetRootNetworkWeights", []
    if len(uids) != len(values):
        return "WeightVecNotEqualSize", []
    if not ctx.mechanism_exists:
        return "MechanismDoesNotExist", []
    if len(uids) > ctx.subnetwork_n:
        return "UidsLengthExceedUidsInSubNet", []
    if ctx.uid is None:
        return "HotKeyNotRegisteredInSubNet", []
    if not ctx.stake_ok:
        return "NotEnoughStakeToSetWeights", []
    if not (ctx.network_version_key == 0 or version_key >= ctx.network_version_key):
        return "IncorrectWeightVersionKey", []
    if not ctx.commit_reveal_enabled and not passes_rate_limit(ctx.last_update, ctx.rate_limit,
                                                               ctx.current_block):
        return "SettingWeightsTooFast", []
    uid = ctx.uid
    if not (is_self_weight(uid, uids, values) or ctx.owner_uid == uid or ctx.validator_permit):
        return "NeuronNoValidatorPermit", []
    if len(set(uids)) != len(uids):
        return "DuplicateUids", []
    if any(u >= ctx.subnetwork_n for u in uids):
        return "UidVecContainInvalidOne", []
    min_allowed = min(ctx.min_allowed_weights, ctx.subnetwork_n)
    if not (is_self_weight(uid, uids, values) or len(values) >= min_allowed):
        return "WeightVecLengthIsLow", []
    upscaled = max_upscale(values)
    if (not is_self_weight(uid, uids, values) and ctx.max_weight_limit != U16_MAX
            and not max_weight_limited(upscaled, ctx.max_weight_limit)):
        return "MaxWeightExceeded", []
    return None, upscaled


def passes_rate_limit(last_update: int, rate_limit: int, current_block: int) -> bool:
    """``check_rate_limit``: never set (0) or at least ``rate_limit`` blocks since."""
    return last_update == 0 or current_block - last_update >= rate_limit


# ---------------------------------------------------------------------------------------------
# commit-reveal epochs
# ---------------------------------------------------------------------------------------------

def is_reveal_epoch(current_epoch: int, commit_epoch: int, reveal_period: int) -> bool:
    return current_epoch == commit_epoch + reveal_period


def is_commit_expired(current_epoch: int, commit_epoch: int, reveal_period: int) -> bool:
    return current_epoch > commit_epoch + reveal_period
