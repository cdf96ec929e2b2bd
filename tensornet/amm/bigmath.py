"""`pow_ratio_scaled`: (a/b)^(p/q) · scale, bit-for-bit as the chain's `safe-bigmath` computes it.

The balancer pool raises reserve ratios to weight ratios. The chain does this with the
`safe-bigmath` crate (v0.4.1, rev 013c499): an exact integer path (integer power then floor of the
q-th root) when the reduced exponent p/q has p, q ≤ 1024, and otherwise a fixed-point ln/exp Taylor
evaluation with 24 guard bits whose every truncation matters for the last rao. Both paths are
re-derived here on Python ints; the truncation rules (floor division vs truncated `div_rem`) follow
the crate so results are identical, not merely close.
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

DEFAULT_MAX_ITERS = 4096
MAX_EXACT_EXPONENT = 1024
GUARD_BITS = 24


def pow_ratio_scaled(
    base_numerator: int,
    base_denominator: int,
    exponent_numerator: int,
    exponent_denominator: int,
    precision: int,
    scale: int,
    max_iters: int | None = None,
) -> int | None:
    """(base_numerator/base_denominator)^(exponent_numerator/exponent_denominator) · scale, floored.

    Returns None exactly where the crate does: zero denominators, negative inputs or scale.
    """
    if base_denominator == 0 or exponent_denominator == 0:
        return None
    if base_numerator == 0:
        return 0
    if scale < 0 or base_numerator < 0 or base_denominator < 0:
        return None
    if exponent_numerator < 0 or exponent_denominator < 0:
        return None
    exp_num, exp_den = exponent_numerator, exponent_denominator
    if exp_num == 0:
        return scale
    divisor = gcd(exp_num, exp_den)
    if divisor > 1:
        exp_num //= divisor
        exp_den //= divisor

    if (
        exp_num.bit_length() <= 32
        and exp_den.bit_length() <= 32
        and exp_num <= MAX_EXACT_EXPONENT
        and exp_den <= MAX_EXACT_EXPONENT
    ):
        target_num = base_numerator**exp_num * scale**exp_den
        target_den = base_denominator**exp_num
        return _nth_root_floor(target_num // target_den, exp_den)

    requested_precision = max(precision, 32, scale.bit_length() + 8)
    internal_precision = requested_precision + GUARD_BITS
    if max_iters is None:
        max_iters = min(DEFAULT_MAX_ITERS, internal_precision + 128)
    max_iters = max(max_iters, 1)
    ln_two = _ln_two(internal_precision, max_iters)
    ln_base = _ln_int(base_numerator, internal_precision, ln_two, max_iters) - _ln_int(
        base_denominator, internal_precision, ln_two, max_iters
    )
    ln_scaled = (ln_base * exp_num) // exp_den
    exp_fp = _exp_fixed(ln_scaled, internal_precision, max_iters)
    exp_requested = _round_to_precision(exp_fp, _GUARD_FACTOR)
    return (exp_requested * scale) // (1 << requested_precision)


def _nth_root_floor(value: int, degree: int) -> int:
    """floor(value^(1/degree)); floor((N/D)^(1/q)) equals the q-th root of floor(N/D)."""
    if degree == 0:
        return 0
    if value < 2 or degree == 1:
        return value
    # Newton iteration from an over-estimate converges monotonically to the floor root.
    guess = 1 << -(-value.bit_length() // degree)
    while True:
        better = ((degree - 1) * guess + value // guess ** (degree - 1)) // degree
        if better >= guess:
            break
        guess = better
    while guess**degree > value:
        guess -= 1
    while (guess + 1) ** degree <= value:
        guess += 1
    return guess


def _trunc_div(value: int, divisor: int) -> int:
    """Integer division rounding toward zero (num-integer's `div_rem` quotient)."""
    quotient = abs(value) // abs(divisor)
    return quotient if (value >= 0) == (divisor > 0) else -quotient


def _round_to_precision(value: int, guard_factor: int) -> int:
    """Drop the guard bits, rounding half away from zero (the crate's `round_to_precision`)."""
    truncated = _trunc_div(value, guard_factor)
    remainder = value - truncated * guard_factor
    if remainder != 0 and (abs(remainder) << 1) >= guard_factor:
        truncated += 1 if remainder > 0 else -1
    return truncated


# The series below stop, like the crate's, at the first term (after adding it) that is below the
# guard factor in magnitude or that leaves the running sum unchanged once rounded to the requested
# precision. The second test never decides: rounding half away from zero by the guard bits is
# monotone and moves by at least one whenever the sum moves by a whole guard factor, so a term that
# leaves the rounded sum unchanged is already below the guard factor. Only the first is made (a zero
# term, where the crate stops before adding it, adds nothing). Division by the power-of-two scale is
# a shift: ``v >> p`` equals ``v // 2**p`` (both floor), and ``(v >> p) // n`` equals
# ``v // (2**p · n)`` (nested floor divisions by positive integers compose).
_GUARD_FACTOR = 1 << GUARD_BITS


def _ln1p_fixed(x_fp: int, precision: int, max_iters: int) -> int:
    """ln(1 + x) by its Taylor series in fixed point (scale 2**precision), stopping like the crate does.

    x is a normalised mantissa minus one: a u64-sized integer times a large power of two. Each term
    is ``(term · x) >> precision``, i.e. ``(term · d) >> (precision − k)`` for x = d·2^k, so the
    products are taken with the short factor d (the same floor of the same exact product)."""
    if x_fp == 0:
        return 0
    zeros = min((x_fp & -x_fp).bit_length() - 1, precision)
    factor, shift = x_fp >> zeros, precision - zeros
    upper, lower = _GUARD_FACTOR, -_GUARD_FACTOR
    term = result = x_fp
    for n in range(2, max_iters, 2):  # terms n (even: subtracted) and n + 1 (odd: added)
        term = (term * factor) >> shift
        step = term // n
        result -= step
        if lower < step < upper:
            return result
        term = (term * factor) >> shift
        step = term // (n + 1)
        result += step
        if lower < step < upper:
            return result
    if max_iters >= 2 and max_iters % 2 == 0:  # an even cap leaves its last term unpaired
        result -= ((term * factor) >> shift) // max_iters
    return result


def _exp_fixed(x_fp: int, precision: int, max_iters: int) -> int:
    """exp(x) by its Taylor series in fixed point (scale 2**precision), stopping like the crate does."""
    upper, lower = _GUARD_FACTOR, -_GUARD_FACTOR
    term = result = 1 << precision
    for n in range(1, max_iters + 1):
        term = ((term * x_fp) >> precision) // n
        result += term
        if lower < term < upper:
            break
    return result


@lru_cache(maxsize=16)
def _ln_two(internal_precision: int, max_iters: int) -> int:
    """ln 2 as the crate derives it: −ln(1 − 1/2) (deterministic, so safe to cache)."""
    internal_scale = 1 << internal_precision
    return -_ln1p_fixed(-(internal_scale >> 1), internal_precision, max_iters)


@lru_cache(maxsize=4096)
def _ln_int(value: int, internal_precision: int, ln_two: int, max_iters: int) -> int:
    """ln(value) for an integer, via a mantissa normalised into [0.5, 1.5) plus shift·ln 2.

    Remembered (a pure function of its arguments): a pool's next trade starts from the reserve the
    last one ended at, and a staking call simulates its swap before making it, so most of the
    logarithms a swap needs were just computed."""
    if value == 0:
        return 0
    internal_scale = 1 << internal_precision
    shift = max(value.bit_length() - 1, 0)
    mantissa = (value << internal_precision) >> shift
    if mantissa >= internal_scale + (internal_scale >> 1):
        mantissa >>= 1
        shift += 1
    ln_mantissa = _ln1p_fixed(mantissa - internal_scale, internal_precision, max_iters)
    return ln_mantissa + ln_two * shift
