"""I32F32 arithmetic for numba kernels: int64 raw values, 128-bit steps emulated on uint64.

Same rules as ``fixed`` (floor products, truncated quotients, ``safe_div`` → 0 on zero/overflow),
tested against it.  Fast paths cover the epoch's usual operands (proportions in [0, 1]); the
general paths split operands into 32-bit halves.
"""
from __future__ import annotations

import numpy as np
from numba import njit

ONE = np.int64(1 << 32)
HALF = np.int64(1 << 31)
I64_MAX = np.int64((1 << 63) - 1)
I64_MIN = np.int64(-(1 << 63))
_U32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_U_ONE = np.uint64(1 << 32)
_U_2_31 = np.uint64(1 << 31)
_U_2_63 = np.uint64(1 << 63)
_U0 = np.uint64(0)
_U1 = np.uint64(1)
_U64_MAX = np.uint64((1 << 64) - 1)

_JIT = dict(cache=True, nogil=True)


@njit(**_JIT)
def mul_checked(a: np.int64, b: np.int64) -> tuple[np.int64, bool]:
    """floor(a·b / 2^32) and whether it fits in i64 (else the saturated value)."""
    neg = (a < 0) != (b < 0)
    ua = np.uint64(-a) if a < 0 else np.uint64(a)
    ub = np.uint64(-b) if b < 0 else np.uint64(b)
    ah = ua >> _U32
    al = ua & _LOW32
    bh = ub >> _U32
    bl = ub & _LOW32
    low = al * bl
    t1 = ah * bh
    if t1 >= _U_2_31:
        return (I64_MIN if neg else I64_MAX), False
    mid = ah * bl
    m2 = al * bh
    if mid >= _U_2_63 or m2 >= _U_2_63:
        return (I64_MIN if neg else I64_MAX), False
    s = (t1 << _U32) + mid
    if s >= _U_2_63:
        return (I64_MIN if neg else I64_MAX), False
    s = s + m2
    if s >= _U_2_63:
        return (I64_MIN if neg else I64_MAX), False
    q = s + (low >> _U32)
    if neg:
        if (low & _LOW32) != _U0:
            q = q + _U1
        if q > _U_2_63:
            return I64_MIN, False
        if q == _U_2_63:
            return I64_MIN, True
        return -np.int64(q), True
    if q >= _U_2_63:
        return I64_MAX, False
    return np.int64(q), True


@njit(**_JIT)
def mul(a: np.int64, b: np.int64) -> np.int64:
    """``saturating_mul``."""
    if a >= 0 and b >= 0 and a < ONE and b <= ONE:
        return np.int64((np.uint64(a) * np.uint64(b)) >> _U32)
    return mul_checked(a, b)[0]


@njit(**_JIT)
def _bitlen(x: np.uint64) -> np.uint64:
    n = _U0
    while x != _U0:
        x = x >> _U1
        n += _U1
    return n


@njit(**_JIT)
def udiv_shl32(ua: np.uint64, ub: np.uint64) -> tuple[np.uint64, bool]:
    """floor(ua·2^32 / ub) for ub > 0, and whether it fits below 2^63."""
    if (ua & _LOW32) == _U0 and (ub & _LOW32) == _U0:
        ua = ua >> _U32
        ub = ub >> _U32
    q = ua // ub
    r = ua % ub
    if q >= _U_2_31:
        return _U0, False
    if ub <= _U_ONE:
        low = (r << _U32) // ub
    else:
        step = np.uint64(64) - _bitlen(ub)
        bits = _U32
        low = _U0
        while bits > _U0:
            s = step if step < bits else bits
            r = r << s
            low = (low << s) | (r // ub)
            r = r % ub
            bits -= s
    return (q << _U32) + low, True


@njit(**_JIT)
def div_checked(a: np.int64, b: np.int64) -> tuple[np.int64, bool]:
    """trunc(a·2^32 / b) and whether it is defined (b ≠ 0) and fits in i64."""
    if b == 0:
        return np.int64(0), False
    neg = (a < 0) != (b < 0)
    ua = np.uint64(-a) if a < 0 else np.uint64(a)
    ub = np.uint64(-b) if b < 0 else np.uint64(b)
    q, ok = udiv_shl32(ua, ub)
    if not ok:
        return (I64_MIN if neg else I64_MAX), False
    return (-np.int64(q) if neg else np.int64(q)), True


@njit(**_JIT)
def safe_div(a: np.int64, b: np.int64) -> np.int64:
    """``safe_div``: 0 on division by zero or overflow."""
    if b == 0:
        return np.int64(0)
    if a >= 0 and b > 0 and a < ONE and b <= ONE and a <= b:
        return np.int64((np.uint64(a) << _U32) // np.uint64(b))
    q, ok = div_checked(a, b)
    return q if ok else np.int64(0)


@njit(**_JIT)
def saturating_div(a: np.int64, b: np.int64) -> np.int64:
    if b == 0:
        return I64_MAX if a >= 0 else I64_MIN
    return div_checked(a, b)[0]


@njit(**_JIT)
def sat_add(a: np.int64, b: np.int64) -> np.int64:
    s = a + b
    if a >= 0 and b >= 0 and s < 0:
        return I64_MAX
    if a < 0 and b < 0 and s >= 0:
        return I64_MIN
    return s


@njit(**_JIT)
def sat_sub(a: np.int64, b: np.int64) -> np.int64:
    s = a - b
    if a >= 0 and b < 0 and s < 0:
        return I64_MAX
    if a < 0 and b >= 0 and s >= 0:
        return I64_MIN
    return s


@njit(**_JIT)
def proportion_to_u16(x: np.int64) -> np.int64:
    v = mul(x, np.int64(65535) << np.int64(32)) >> np.int64(32)
    if v < 0:
        return np.int64(0)
    return np.int64(65535) if v > 65535 else v


@njit(**_JIT)
def u16_proportion(x: np.int64) -> np.int64:
    return safe_div(x << np.int64(32), np.int64(65535) << np.int64(32))


@njit(**_JIT)
def exp_fixed(x: np.int64) -> tuple[np.int64, bool]:
    """The crate's Taylor-series ``exp`` (terms 2..31); second value False = error."""
    if x == 0:
        return ONE, True
    if x == ONE:
        return np.int64(22802600) << np.int64(9), True
    neg = x < 0
    if neg:
        x = -x
    result = x + ONE
    term = x
    for i in range(2, 32):
        term, ok = mul_checked(term, x)
        if not ok:
            return np.int64(0), False
        # I32F32 division by the integer i: trunc(term·2^32 / (i·2^32)) = term // i (term ≥ 0).
        term = term // np.int64(i)
        result = result + term
        if result < 0:
            return np.int64(0), False
    if neg:
        q, ok = div_checked(ONE, result)
        return q, ok
    return result, True


@njit(**_JIT)
def exp_safe(x: np.int64) -> np.int64:
    lo = np.int64(-20) << np.int64(32)
    hi = np.int64(20) << np.int64(32)
    if x < lo:
        x = lo
    elif x > hi:
        x = hi
    r, ok = exp_fixed(x)
    if not ok:
        return np.int64(0) if x <= 0 else I64_MAX
    return r


@njit(**_JIT)
def alpha_sigmoid(c: np.int64, w: np.int64, b: np.int64, lo: np.int64, hi: np.int64,
                  slope: np.int64) -> np.int64:
    """Liquid alpha for one cell; ``slope`` is steepness/−100 (precomputed)."""
    if w >= b:
        d = sat_sub(w, c)
    else:
        d = sat_sub(b, w)
    if d > ONE:
        d = ONE
    if d < 0:
        d = np.int64(0)
    e = exp_safe(mul(slope, sat_sub(d, HALF)))
    sig = saturating_div(ONE, sat_add(ONE, e))
    a = sat_add(lo, mul(sig, sat_sub(hi, lo)))
    if a > hi:
        a = hi
    if a < lo:
        a = lo
    return a


@njit(**_JIT)
def emission_rao(x: np.int64, rao: np.uint64) -> np.uint64:
    """floor(x·rao / 2^32) saturated to u64 (``I96F32`` product cast to u64)."""
    if x <= 0:
        return _U0
    ux = np.uint64(x)
    rh = rao >> _U32
    rl = rao & _LOW32
    xh = ux >> _U32
    xl = ux & _LOW32
    # x·rao/2^32 = xh·rh·2^32 + xh·rl + xl·rh + (xl·rl >> 32)
    if xh != _U0 and rh != _U0:
        return _U64_MAX
    p1 = xh * rl
    p2 = xl * rh
    s = p1 + p2
    if s < p1:
        return _U64_MAX
    lowp = (xl * rl) >> _U32
    if s > _U64_MAX - lowp:
        return _U64_MAX
    return s + lowp
