"""``pow_ratio_scaled`` as first written (commit c4a88cb): the plain path the faster series loops and
the memoised logarithms of ``tensornet.amm.bigmath`` must match to the bit. Kept only for tests."""
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
    guard_factor = 1 << GUARD_BITS
    internal_scale = 1 << internal_precision

    ln_two = _ln_two(internal_precision, max_iters)
    ln_base = _ln_int(base_numerator, internal_precision, ln_two, max_iters) - _ln_int(
        base_denominator, internal_precision, ln_two, max_iters
    )
    ln_scaled = (ln_base * exp_num) // exp_den
    exp_fp = _exp_fixed(ln_scaled, internal_scale, guard_factor, max_iters)
    exp_requested = _round_to_precision(exp_fp, guard_factor)
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


def _ln1p_fixed(x_fp: int, scale: int, guard_factor: int, max_iters: int) -> int:
    """ln(1 + x) by its Taylor series in fixed point, stopping like the crate does."""
    term = x_fp
    result = term
    prev_rounded = _round_to_precision(result, guard_factor)
    for n in range(2, max_iters + 1):
        term = (term * x_fp) // scale
        if term == 0:
            break
        step = term // n
        if step == 0:
            break
        if n % 2 == 0:
            result -= step
        else:
            result += step
        rounded = _round_to_precision(result, guard_factor)
        if abs(step) < guard_factor or rounded == prev_rounded:
            break
        prev_rounded = rounded
    return result


def _exp_fixed(x_fp: int, scale: int, guard_factor: int, max_iters: int) -> int:
    """exp(x) by its Taylor series in fixed point, stopping like the crate does."""
    term = scale
    result = term
    prev_rounded = _round_to_precision(result, guard_factor)
    for n in range(1, max_iters + 1):
        term = (term * x_fp) // (scale * n)
        if term == 0:
            break
        result += term
        rounded = _round_to_precision(result, guard_factor)
        if abs(term) < guard_factor or rounded == prev_rounded:
            break
        prev_rounded = rounded
    return result


@lru_cache(maxsize=16)
def _ln_two(internal_precision: int, max_iters: int) -> int:
    """ln 2 as the crate derives it: −ln(1 − 1/2) (deterministic, so safe to cache)."""
    internal_scale = 1 << internal_precision
    return -_ln1p_fixed(-(internal_scale >> 1), internal_scale, 1 << GUARD_BITS, max_iters)


def _ln_int(value: int, internal_precision: int, ln_two: int, max_iters: int) -> int:
    """ln(value) for an integer, via a mantissa normalised into [0.5, 1.5) plus shift·ln 2."""
    if value == 0:
        return 0
    internal_scale = 1 << internal_precision
    shift = max(value.bit_length() - 1, 0)
    mantissa = (value << internal_precision) >> shift
    if mantissa >= internal_scale + (internal_scale >> 1):
        mantissa >>= 1
        shift += 1
    ln_mantissa = _ln1p_fixed(mantissa - internal_scale, internal_scale, 1 << GUARD_BITS, max_iters)
    return ln_mantissa + ln_two * shift
