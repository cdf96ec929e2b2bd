"""I32F32 / I64F64 / I96F32 semantics of ``substrate-fixed`` 0.6 emulated on Python integers.

The chain computes the epoch in fixed point; any float re-implementation drifts by one unit in
the u16/u64 outputs.  Every value here is the *raw* integer of the fixed type (``value·2^32`` for
I32F32).  The rules, taken from the crate's arithmetic:

* ``a·b`` is ``(a·b) >> 32`` (floor, also for negatives);
* ``a/b`` is ``trunc((a << 32) / b)`` (toward zero);
* ``safe_div`` returns 0 on division by zero or overflow, ``saturating_*`` clamp to i64;
* casts to fewer fractional bits and to integers floor.

This module is the readable statement of those rules; the numba kernels re-implement them on
int64/uint64 and are tested against it.
"""
from __future__ import annotations

FRAC_BITS = 32
ONE = 1 << FRAC_BITS
HALF = 1 << (FRAC_BITS - 1)
I64_MIN = -(1 << 63)
I64_MAX = (1 << 63) - 1
U16_MAX = 65535
U64_MAX = (1 << 64) - 1
#: e truncated to 23 fractional bits (the crate's I9F23 constant), as I32F32.
E_I32F32 = 22802600 << 9


def sat(x: int) -> int:
    """Clamp to the i64 range (``saturating_*`` operations)."""
    return I64_MAX if x > I64_MAX else (I64_MIN if x < I64_MIN else x)


def from_int(x: int) -> int:
    """``I32F32::saturating_from_num(int)``."""
    return sat(x << FRAC_BITS)


def add(a: int, b: int) -> int:
    return sat(a + b)


def sub(a: int, b: int) -> int:
    return sat(a - b)


def mul(a: int, b: int) -> int:
    """``saturating_mul``: floor of the 128-bit product shifted back."""
    return sat((a * b) >> FRAC_BITS)


def checked_mul(a: int, b: int) -> int | None:
    r = (a * b) >> FRAC_BITS
    return r if I64_MIN <= r <= I64_MAX else None


def trunc_div(num: int, den: int) -> int:
    q = abs(num) // abs(den)
    return q if (num >= 0) == (den > 0) else -q


def checked_div(a: int, b: int) -> int | None:
    if b == 0:
        return None
    q = trunc_div(a << FRAC_BITS, b)
    return q if I64_MIN <= q <= I64_MAX else None


def safe_div(a: int, b: int) -> int:
    """``safe_div``: 0 when dividing by zero or on overflow."""
    q = checked_div(a, b)
    return 0 if q is None else q


def saturating_div(a: int, b: int) -> int:
    """``saturating_div`` (the divisor is never zero at the call sites)."""
    if b == 0:
        return I64_MAX if a >= 0 else I64_MIN
    return sat(trunc_div(a << FRAC_BITS, b))


def u16_proportion(x: int) -> int:
    """``u16 / 65535`` as I32F32 (kappa, bonds penalty, alpha bounds, Yuma3 stored bonds)."""
    return safe_div(from_int(x), from_int(U16_MAX))


def proportion_to_u16(x: int) -> int:
    """``fixed_proportion_to_u16``: floor(x·65535) saturated to [0, 65535]."""
    v = mul(x, from_int(U16_MAX)) >> FRAC_BITS
    return 0 if v < 0 else (U16_MAX if v > U16_MAX else v)


def bonds_moving_average_alpha(bma: int) -> int:
    """``1 − bma/10^6``: the ratio is I64F64 (trunc), cast to I32F32 (floor)."""
    ratio_i64f64 = (bma << 64) // 1_000_000
    return sub(ONE, ratio_i64f64 >> 32)


def normalize_stake(stake: list[int], stake_fraction: list[int] | None,
                    threshold: int, owner_uid: int | None) -> list[int]:
    """Stake filter by threshold (owner exempt) and I64F64 normalisation, cast to I32F32.

    ``stake`` holds the integer parts and ``stake_fraction`` the 64 fractional bits of each
    I64F64 stake weight, so the result is exact for any stake the chain can hold.
    """
    n = len(stake)
    frac = stake_fraction if stake_fraction is not None else [0] * n
    raw = []
    for i in range(n):
        if i != owner_uid and stake[i] < threshold:
            raw.append(0)
        else:
            raw.append((stake[i] << 64) | frac[i])
    total = sum(raw)
    if total == 0:
        return [r >> 32 for r in raw]
    # I64F64 division: trunc(r·2^64 / total), then the I32F32 cast drops 32 bits (floor).
    return [((r << 64) // total) >> 32 for r in raw]


def exp_bits(x: int, frac_bits: int, total_bits: int) -> int | None:
    """``substrate_fixed::transcendental::exp`` on a signed fixed type of ``total_bits`` bits with
    ``frac_bits`` fractional ones, on raw values: the Taylor series to the term 1/frac_bits! (terms 2
    .. frac_bits − 1, each a flooring multiply then a truncating divide), then 1/result for a
    negative input; None where the crate errs (an overflow)."""
    one, top = 1 << frac_bits, (1 << (total_bits - 1)) - 1
    if x == 0:
        return one
    if x == one:
        return E_I32F32 << (frac_bits - FRAC_BITS)  # the crate's e (I9F23) widened
    neg = x < 0
    if neg:
        x = -x
        if x > top:
            return None
    result = x + one
    if result > top:
        return None
    term = x
    for i in range(2, frac_bits):
        term = (term * x) >> frac_bits
        if term > top:
            return None
        term //= i  # (term << f) / (i << f), both non-negative: a floor
        result += term
        if result > top:
            return None
    if neg:
        q = (one << frac_bits) // result
        return q if q <= top else None
    return result


def exp(x: int) -> int | None:
    """``substrate_fixed::transcendental::exp`` for I32F32; None = error."""
    return exp_bits(x, FRAC_BITS, 64)


def exp_safe(x: int) -> int:
    """``exp_safe``: input clamped to [−20, 20]; errors map to 0 / max."""
    lo, hi = from_int(-20), from_int(20)
    x = lo if x < lo else (hi if x > hi else x)
    r = exp(x)
    if r is None:
        return 0 if x <= 0 else I64_MAX
    return r


def alpha_sigmoid(consensus: int, weight: int, bond: int, alpha_low: int, alpha_high: int,
                  steepness: int) -> int:
    """Liquid-alpha EMA coefficient for one (validator, miner) pair (Yuma 3)."""
    diff_buy = min(max(sub(weight, consensus), 0), ONE)
    diff_sell = min(max(sub(bond, weight), 0), ONE)
    combined = diff_buy if weight >= bond else diff_sell
    slope = saturating_div(steepness, from_int(-100))
    e = exp_safe(mul(slope, sub(combined, HALF)))
    sigmoid = saturating_div(ONE, add(ONE, e))
    alpha = add(alpha_low, mul(sigmoid, sub(alpha_high, alpha_low)))
    return max(min(alpha, alpha_high), alpha_low)


def emission_rao(x: int, rao: int) -> int:
    """``I96F32(x)·I96F32(rao)`` cast to u64 (floor, saturating)."""
    v = (x * rao) >> FRAC_BITS
    return 0 if v < 0 else (U64_MAX if v > U64_MAX else v)
