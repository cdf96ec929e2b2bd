"""The live (sparse) epoch as numba kernels over CSR arrays.

Same steps and the same I32F32 rounding as ``reference.epoch_sparse``; only the data layout
differs (CSR int64 arrays instead of lists of tuples) and the stake-weighted median uses its
selection on merged items (the smallest column value whose cumulative stake exceeds the
minority): the chain's pivot search returns exactly that value whatever the item order, because
each of its steps keeps the answer inside the partition it narrows to.  Compiled once into
numba's on-disk cache: numba reads the directory from ``NUMBA_CACHE_DIR`` (the Makefile sets
``.numba_cache``); call ``warm_up()`` off the block path so the first real epoch does not pay for
loading.

Speed without changing a bit: liquid alpha runs the crate's exp series as one vectorised batch
over all cells, grouped by |x| so that each group stops when its terms vanish
(``exp_batch``); quotients that are fractions of at most one use a double estimate corrected
exactly (``frac_div``, ``recip_2_64``) instead of 64-bit divisions; step kernels return trimmed
views of their buffers rather than copies.  Each shortcut is tested against the plain path
(``tests/consensus/test_fast_paths.py``) and the whole epoch against the reference.

All kernels live in this one module on purpose: numba's cache is invalidated per source file, so
a helper in another module could leave a stale inlined copy inside a cached kernel.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange


ONE = np.int64(1 << 32)
HALF = np.int64(1 << 31)
I64_MAX = np.int64((1 << 63) - 1)
I64_MIN = np.int64(-(1 << 63))
_U32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_U_ONE = np.uint64(1 << 32)
_U_2_31 = np.uint64(1 << 31)
_U_2_62 = np.uint64(1 << 62)
_U_2_63 = np.uint64(1 << 63)
_U0 = np.uint64(0)
_U1 = np.uint64(1)
_U64_MAX = np.uint64((1 << 64) - 1)

_JIT = dict(cache=True, nogil=True)

#: Below this many cells a step is not worth handing to worker threads.
_PARALLEL_MIN_CELLS = 8192

# ------------------------------------------------------------------ I32F32 on int64 / uint64
# Same rules as ``fixed`` (floor products, truncated quotients, safe_div → 0 on zero/overflow);
# fast paths cover proportions in [0, 1], general paths split operands into 32-bit halves.


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
    if ua < _U_ONE:
        q0 = (ua << _U32) // ub
        return (q0, True) if q0 < _U_2_63 else (_U0, False)
    if (ua & _LOW32) == _U0 and (ub & _LOW32) == _U0:
        ua = ua >> _U32
        ub = ub >> _U32
    q = ua // ub
    r = ua % ub
    if q >= _U_2_31:
        return _U0, False
    if r < _U_ONE:
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
    if a >= 0 and b > 0 and a < ONE:
        q = (np.uint64(a) << _U32) // np.uint64(b)
        return np.int64(q) if q < _U_2_63 else np.int64(0)
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


_P16_FAST = np.int64(1 << 46)


@njit(**_JIT)
def proportion_to_u16(x: np.int64) -> np.int64:
    if 0 <= x and x < _P16_FAST:
        # mul(x, 65535·2^32) is exactly x·65535 here (no saturation, nothing truncated)
        return min((x * np.int64(65535)) >> np.int64(32), np.int64(65535))
    v = mul(x, np.int64(65535) << np.int64(32)) >> np.int64(32)
    if v < 0:
        return np.int64(0)
    return np.int64(65535) if v > 65535 else v


@njit(**_JIT)
def u16_proportion(x: np.int64) -> np.int64:
    return safe_div(x << np.int64(32), np.int64(65535) << np.int64(32))


_FRAC_DIV_MAX = np.int64(1 << 62)


@njit(**_JIT)
def frac_div(a: np.int64, b: np.int64, inv_b: np.float64) -> np.int64:
    """floor(a·2^32 / b) for 0 ≤ a ≤ b, 0 < b < 2^62 and a < 2^32, with ``inv_b = 1.0 / b``: the
    quotient is ≤ 2^32, so the double estimate is within 2^−18 of it and its truncation is off
    by at most one, which the exact remainder a·2^32 − q·b (in (−b, 2b), computed wrapping)
    corrects.  A multiply instead of a 64-bit division per cell."""
    q = np.int64(np.float64(a) * 4294967296.0 * inv_b)
    r = np.int64((np.uint64(a) << _U32) - np.uint64(q) * np.uint64(b))
    if r < 0:
        q -= 1
    elif r >= b:
        q += 1
    return q


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
        if term == 0:
            break  # every later term is 0·x/i = 0
        term, ok = mul_checked(term, x)
        if not ok:
            return np.int64(0), False
        # I32F32 division by the integer i: trunc(term·2^32 / (i·2^32)) = term // i (term ≥ 0);
        # a float estimate corrected exactly is much cheaper than a 64-bit integer division.
        q = np.int64(np.float64(term) / np.float64(i))
        r = term - q * i
        while r < 0:
            q -= 1
            r += i
        while r >= i:
            q += 1
            r -= i
        term = q
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


# Exact floor(p / i) for p < 2^62 and 2 ≤ i ≤ 31 as a multiply-high and shift (the "magic
# number" division): m_i = ceil(2^(64+s_i) / i) with 2^(s_i+2) ≥ i, so p·(m_i·i − 2^(64+s_i)) <
# 2^(64+s_i) and the product never rounds across an integer.  Cheaper than a 64-bit division.


def _magic_tables() -> tuple[np.ndarray, np.ndarray]:
    ms, ss = [0, 0], [0, 0]
    for i in range(2, 32):
        sh = max((i - 1).bit_length() - 2, 0)
        ms.append(-(-(1 << (64 + sh)) // i))
        ss.append(sh)
    return np.array(ms, np.uint64), np.array(ss, np.uint64)


_MAGIC, _MAGIC_SHIFT = _magic_tables()


@njit(**_JIT)
def recip_2_64(b: np.uint64) -> np.int64:
    """floor(2^64 / b) for 2^32 ≤ b < 2^63 (so the quotient fits in i64): one hardware
    division of 2^64 − 1, plus one when b divides 2^64 (then the remainder is b − 1)."""
    if b < _U_2_62:
        # the double estimate of 2^64 / b (< 2^32) is off by at most one; the exact remainder
        # 2^64 − q·b, in (−b, 2b) ⊂ i64 and computed wrapping, corrects it.  A multiply instead
        # of a 64-bit division (the sigmoid and exp(−x) take one per liquid-alpha cell).
        q = np.uint64(18446744073709551616.0 / np.float64(b))
        r = np.int64(_U0 - q * b)
        if r < 0:
            q -= _U1
        elif r >= np.int64(b):
            q += _U1
        return np.int64(q)
    q = _U64_MAX // b
    if _U64_MAX - q * b == b - _U1:
        q += _U1
    return np.int64(q)


@njit(**_JIT)
def exp_terms(ux: np.ndarray, res: np.ndarray) -> None:
    """Add Taylor terms 2..31 to ``res`` for |x| ≤ 20: every term < 2^58, every
    product < 2^62, the division by i a multiply-high (``_MAGIC``).  Only 32×32-bit products,
    so the cell loop vectorises; it stops once every term of the range is 0 (each later term is
    then 0 too), which is early for ranges of small |x|."""
    term = ux.copy()
    m = ux.shape[0]
    for i in range(2, 32):
        alive = _U0
        mg = _MAGIC[i]
        sh = _MAGIC_SHIFT[i]
        mh = mg >> _U32
        ml = mg & _LOW32
        for c in range(m):
            t = term[c]
            u = ux[c]
            th = t >> _U32
            tl = t & _LOW32
            uh = u >> _U32
            ul = u & _LOW32
            p = ((th * uh) << _U32) + th * ul + tl * uh + ((tl * ul) >> _U32)
            # q = floor(p / i) = mulhi(p, magic) >> shift
            ph = p >> _U32
            pl = p & _LOW32
            ll = pl * ml
            lh = pl * mh
            hl = ph * ml
            mid = (ll >> _U32) + (lh & _LOW32) + (hl & _LOW32)
            q = (ph * mh + (lh >> _U32) + (hl >> _U32) + (mid >> _U32)) >> sh
            term[c] = q
            res[c] += q
            alive |= q
        if alive == _U0:
            break


#: ``exp_batch`` groups cells by |x| in steps of 2^−3 (161 groups over [0, 20]).
_EXP_GROUP_SHIFT = np.uint64(29)
_EXP_GROUPS = 161


@njit(**_JIT)
def exp_batch(x: np.ndarray, out: np.ndarray, m: int) -> None:
    """``exp_safe`` of ``x[:m]`` (already clamped to [−20, 20]) into ``out[:m]``.

    Same Taylor series and truncations as ``exp_fixed`` (tested equal to it).  The cells are
    counting-sorted into groups of similar |x| and each group runs the series until its terms
    vanish, so small |x| stop after a few terms instead of the batch's worst case.
    """
    cnt = np.zeros(_EXP_GROUPS + 1, np.int64)
    for c in range(m):
        v = x[c]
        u = np.uint64(-v) if v < 0 else np.uint64(v)
        cnt[min(np.int64(u >> _EXP_GROUP_SHIFT), _EXP_GROUPS - 1) + 1] += 1
    for g in range(_EXP_GROUPS):
        cnt[g + 1] += cnt[g]
    fill = cnt[:_EXP_GROUPS].copy()
    us = np.empty(m, np.uint64)
    pos = np.empty(m, np.int64)
    for c in range(m):
        v = x[c]
        u = np.uint64(-v) if v < 0 else np.uint64(v)
        g = min(np.int64(u >> _EXP_GROUP_SHIFT), _EXP_GROUPS - 1)  # in bounds whatever x
        pos[c] = fill[g]
        us[fill[g]] = u
        fill[g] += 1
    res = us + _U_ONE
    for g in range(_EXP_GROUPS):
        if cnt[g + 1] > cnt[g]:
            exp_terms(us[cnt[g]:cnt[g + 1]], res[cnt[g]:cnt[g + 1]])
    for c in range(m):
        v = x[c]
        if v == 0:
            out[c] = ONE
        elif v == ONE:
            out[c] = np.int64(22802600) << np.int64(9)
        elif v < 0:
            out[c] = recip_2_64(res[pos[c]])  # trunc(ONE / res) with res > 2^32
        else:
            out[c] = np.int64(res[pos[c]])


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
    t0 = xh * rh
    if xh >= _U_ONE or rh >= _U_ONE or t0 >= _U_ONE:
        return _U64_MAX
    p1 = xh * rl
    p2 = xl * rh
    s = p1 + p2
    if s < p1:
        return _U64_MAX
    s0 = t0 << _U32
    s = s + s0
    if s < s0:
        return _U64_MAX
    lowp = (xl * rl) >> _U32
    if s > _U64_MAX - lowp:
        return _U64_MAX
    return s + lowp

# ------------------------------------------------------------------ epoch steps



@njit(**_JIT)
def normalize_stake_int(stake: np.ndarray, threshold: np.int64, owner: np.int64) -> np.ndarray:
    """Threshold filter + I64F64 normalisation cast to I32F32, for integer stakes."""
    n = stake.shape[0]
    out = np.zeros(n, np.int64)
    total = np.uint64(0)
    filt = np.zeros(n, np.uint64)
    for i in range(n):
        if i == owner or stake[i] >= np.uint64(threshold):
            filt[i] = stake[i]
            total += stake[i]
    if total == np.uint64(0):
        return out
    for i in range(n):
        q, ok = udiv_shl32(filt[i], total)
        out[i] = np.int64(q)
    return out


@njit(**_JIT)
def normalize(x: np.ndarray) -> np.ndarray:
    s = np.int64(0)
    for v in x:
        s += v
    out = x.copy()
    if s != 0:
        for i in range(x.shape[0]):
            out[i] = safe_div(x[i], s)
    return out


@njit(**_JIT)
def is_topk_nonzero(x: np.ndarray, k: np.int64) -> np.ndarray:
    n = x.shape[0]
    out = x != 0
    if n < k:
        return out
    order = np.argsort(x, kind="mergesort")
    for t in range(n - k):
        out[order[t]] = False
    return out


@njit(**_JIT)
def col_normalize(indptr, indices, values, n):
    sums = np.zeros(n, np.int64)
    for e in range(values.shape[0]):
        sums[indices[e]] = sat_add(sums[indices[e]], values[e])
    inv = np.zeros(n, np.float64)
    for j in range(n):
        if sums[j] > 0:
            inv[j] = 1.0 / np.float64(sums[j])
    out = values.copy()
    for e in range(values.shape[0]):
        s = sums[indices[e]]
        a = values[e]
        if 0 <= a and a <= s and s > 0 and a < ONE and s < _FRAC_DIV_MAX:
            out[e] = frac_div(a, s, inv[indices[e]])
        elif s != 0:
            out[e] = safe_div(a, s)
    return out


@njit(**_JIT)
def _row_sorted(idx, start, end):
    for e in range(start + 1, end):
        if idx[e] <= idx[e - 1]:
            return False
    return True


@njit(**_JIT)
def ema_dense_rows(n_ptr, n_idx, n_val, o_ptr, o_idx, o_val, alpha, n):
    """``alpha·new + (1−alpha)·old`` row by row over the union, keeping > 0, sorted by column."""
    one_minus = sat_sub(ONE, alpha)
    rows = n_ptr.shape[0] - 1
    acc = np.zeros(n, np.int64)
    touched = np.zeros(n, np.bool_)
    ptr = np.zeros(rows + 1, np.int64)
    cap = n_val.shape[0] + o_val.shape[0]
    idx = np.empty(cap, np.int64)
    val = np.empty(cap, np.int64)
    m = 0
    for i in range(rows):
        if n_ptr[i + 1] == n_ptr[i] and o_ptr[i + 1] == o_ptr[i]:
            ptr[i + 1] = m
            continue
        if _row_sorted(n_idx, n_ptr[i], n_ptr[i + 1]) and _row_sorted(o_idx, o_ptr[i],
                                                                      o_ptr[i + 1]):
            # both rows in uid order (the usual case): merge them directly
            a, ae, b, be = n_ptr[i], n_ptr[i + 1], o_ptr[i], o_ptr[i + 1]
            while a < ae or b < be:
                if b >= be or (a < ae and n_idx[a] < o_idx[b]):
                    j = n_idx[a]
                    v = mul(alpha, n_val[a])
                    a += 1
                elif a >= ae or o_idx[b] < n_idx[a]:
                    j = o_idx[b]
                    v = mul(one_minus, o_val[b])
                    b += 1
                else:
                    j = n_idx[a]
                    v = sat_add(mul(alpha, n_val[a]), mul(one_minus, o_val[b]))
                    a += 1
                    b += 1
                if v > 0:
                    idx[m] = j
                    val[m] = v
                    m += 1
            ptr[i + 1] = m
            continue
        for e in range(n_ptr[i], n_ptr[i + 1]):
            j = n_idx[e]
            acc[j] = sat_add(acc[j], mul(alpha, n_val[e]))
            touched[j] = True
        for e in range(o_ptr[i], o_ptr[i + 1]):
            j = o_idx[e]
            acc[j] = sat_add(acc[j], mul(one_minus, o_val[e]))
            touched[j] = True
        if n_ptr[i + 1] - n_ptr[i] + o_ptr[i + 1] - o_ptr[i] > n // 8:
            for j in range(n):
                if touched[j]:
                    if acc[j] > 0:
                        idx[m] = j
                        val[m] = acc[j]
                        m += 1
                    acc[j] = 0
                    touched[j] = False
        else:
            # few entries: gather touched columns, sort them, emit
            cols = np.empty(n_ptr[i + 1] - n_ptr[i] + o_ptr[i + 1] - o_ptr[i], np.int64)
            c = 0
            for e in range(n_ptr[i], n_ptr[i + 1]):
                j = n_idx[e]
                if touched[j]:
                    cols[c] = j
                    c += 1
                    touched[j] = False
            for e in range(o_ptr[i], o_ptr[i + 1]):
                j = o_idx[e]
                if touched[j]:
                    cols[c] = j
                    c += 1
                    touched[j] = False
            cols = np.sort(cols[:c])
            for t in range(c):
                j = cols[t]
                if acc[j] > 0:
                    idx[m] = j
                    val[m] = acc[j]
                    m += 1
                acc[j] = 0
        ptr[i + 1] = m
    return ptr, idx[:m], val[:m]


@njit(**_JIT)
def _weighted_select(bv, bs, m, minority):
    """The chain's partition search on items ``bv[0, :m]`` (scores) / ``bs[0, :m]`` (stakes).

    Returns the smallest score whose cumulative stake exceeds ``minority`` (the largest score if
    none does).  Each step splits the live items around a pivot into lower / upper buffers with
    branch-free writes (random comparisons would otherwise mispredict), then keeps one side.
    ``bv``/``bs`` are (3, ≥m) scratch buffers; rows 1 and 2 are overwritten.
    """
    if m == 0:
        return np.int64(0)
    cur = 0
    size = m
    below = np.int64(0)
    while True:
        if size == 1:
            return bv[cur, 0]
        pivot = bv[cur, size // 2]
        lo = (cur + 1) % 3
        hi = (cur + 2) % 3
        n_lt = 0
        n_gt = 0
        s_lt = np.int64(0)
        s_eq = np.int64(0)
        for t in range(size):
            x = bv[cur, t]
            st = bs[cur, t]
            is_lt = np.int64(x < pivot)
            is_gt = np.int64(x > pivot)
            bv[lo, n_lt] = x
            bs[lo, n_lt] = st
            bv[hi, n_gt] = x
            bs[hi, n_gt] = st
            n_lt += is_lt
            n_gt += is_gt
            s_lt += st * is_lt
            s_eq += st * (1 - is_lt - is_gt)
        if n_lt > 0 and minority < below + s_lt:
            cur = lo
            size = n_lt
        elif n_gt > 0 and below + s_lt + s_eq <= minority:
            below = below + s_lt + s_eq
            cur = hi
            size = n_gt
        else:
            return pivot


@njit(**_JIT)
def weighted_median_cols(active_stake, w_ptr, w_idx, w_val, kappa, n, parts=1):
    """Per column: min value v with Σ_{score ≤ v} s' > Σs' − κ over staked rows (else the max).
    ``parts`` > 1 shares the columns' selections out to that many threads."""
    rows = w_ptr.shape[0] - 1
    use = np.zeros(rows, np.int64)
    k = 0
    s_sum = np.int64(0)
    for i in range(rows):
        if active_stake[i] > 0:
            s_sum += active_stake[i]
            k += 1
    consensus = np.zeros(n, np.int64)
    if k == 0:
        return consensus
    norm_sum = np.int64(0)
    for i in range(rows):
        if active_stake[i] > 0:
            use[i] = safe_div(active_stake[i], s_sum) if s_sum != 0 else active_stake[i]
            norm_sum += use[i]
    minority = sat_sub(norm_sum, kappa)
    # CSC of the positive entries of staked rows: column j's items are cval/cstk[base[j]:
    # base[j] + cnt[j]].  A column holds at most one entry per staked row (uids are unique in a
    # row), so when the staked rows are dense enough every column gets k slots at j·k and the
    # counting pass is skipped.
    staked_nnz = np.int64(0)
    for i in range(rows):
        if active_stake[i] > 0:
            staked_nnz += w_ptr[i + 1] - w_ptr[i]
    cnt = np.zeros(n, np.int64)
    base = np.zeros(n, np.int64)
    if 2 * staked_nnz >= k * n:
        for j in range(n):
            base[j] = j * k
        size = k * n
    else:
        for i in range(rows):
            if active_stake[i] > 0:
                for e in range(w_ptr[i], w_ptr[i + 1]):
                    if w_val[e] > 0:
                        cnt[w_idx[e]] += 1
        size = np.int64(0)
        for j in range(n):
            base[j] = size
            size += cnt[j]
            cnt[j] = 0
    cval = np.empty(size, np.int64)
    cstk = np.empty(size, np.int64)
    for i in range(rows):
        if active_stake[i] > 0:
            st = use[i]
            for e in range(w_ptr[i], w_ptr[i + 1]):
                v = w_val[e]
                if v > 0:
                    j = w_idx[e]
                    p = base[j] + cnt[j]
                    cval[p] = v
                    cstk[p] = st
                    cnt[j] += 1
    if parts > 1:
        _select_columns_parts(consensus, base, cnt, cval, cstk, k, norm_sum, minority, parts)
    else:
        _select_columns(consensus, 0, n, base, cnt, cval, cstk, k, norm_sum, minority)
    return consensus


@njit(**_JIT)
def _select_columns(consensus, j0, j1, base, cnt, cval, cstk, k, norm_sum, minority):
    """Weighted selection for columns [j0, j1); the scores of staked rows without a positive
    entry are merged into one zero-score item (the result does not depend on item order, see
    module doc)."""
    bv = np.empty((3, k + 1), np.int64)
    bs = np.empty((3, k + 1), np.int64)
    for j in range(j0, j1):
        a = base[j]
        npos = cnt[j]
        m = 0
        pos_stake = np.int64(0)
        for p in range(a, a + npos):
            bv[0, m] = cval[p]
            bs[0, m] = cstk[p]
            pos_stake += cstk[p]
            m += 1
        if npos < k:
            bv[0, m] = 0
            bs[0, m] = norm_sum - pos_stake
            m += 1
        consensus[j] = _weighted_select(bv, bs, m, minority)


@njit(parallel=True, cache=True, nogil=True)
def _select_columns_parts(consensus, base, cnt, cval, cstk, k, norm_sum, minority, parts):
    """``_select_columns`` over ``parts`` column ranges on numba's worker threads (columns
    are independent; each range has its own scratch buffers)."""
    n = consensus.shape[0]
    for h in prange(parts):
        _select_columns(consensus, h * n // parts, (h + 1) * n // parts, base, cnt, cval, cstk,
                        k, norm_sum, minority)


@njit(**_JIT)
def walk_lookup(idx, val, start, end, n, out):
    """Dense view of one row as the chain's forward walk reads it (assumes sorted uids)."""
    pos = start
    for j in range(n):
        out[j] = 0
        while pos < end:
            i = idx[pos]
            if i < j:
                pos += 1
                continue
            if i == j:
                out[j] = val[pos]
            break


@njit(**_JIT)
def mask_weights(n, permit, w_ptr, w_idx, w_val, last_update, reg, commit_blocks, owner,
                 commit_reveal, dense):
    """Step 5: drop non-permitted rows, self-weights (bar the owner's), weights older than the
    target's registration or than a pending commit, then row-normalise (I32F32).

    In ``dense`` mode masked cells stay as explicit zeros, as ``epoch_dense`` leaves them.
    """
    nnz = w_val.shape[0]
    wp = np.zeros(n + 1, np.int64)
    wi = np.empty(nnz, np.int64)
    wv = np.empty(nnz, np.int64)
    m = 0
    for i in range(n):
        if permit[i] or dense:
            start = m
            s = np.int64(0)
            for e in range(w_ptr[i], w_ptr[i + 1]):
                j = w_idx[e]
                masked = not permit[i]
                if j == i and i != owner:
                    masked = True
                elif last_update[i] <= reg[j]:
                    masked = True
                elif commit_reveal and commit_blocks[i] < reg[j]:
                    masked = True
                if masked:
                    if dense:
                        wi[m] = j
                        wv[m] = 0
                        m += 1
                    continue
                wi[m] = j
                wv[m] = w_val[e] << np.int64(32)
                s += w_val[e]
                m += 1
            if s > 0:
                # (w·2^32)/(s·2^32) as I32F32 is floor(w·2^32 / s): both operands are integers
                # and 0 ≤ w ≤ s < 2^32·n
                inv = 1.0 / np.float64(s)
                for e in range(start, m):
                    wv[e] = frac_div(wv[e] >> np.int64(32), s, inv)
        wp[i + 1] = m
    return wp, wi[:m], wv[:m]


@njit(**_JIT)
def clip_weights(n, wp, wi, wv, consensus, dense):
    """Step 7: weights above consensus are cut to it; the sparse epoch drops a cut to zero."""
    m = wv.shape[0]
    cp = np.zeros(n + 1, np.int64)
    ci = np.empty(m, np.int64)
    cv = np.empty(m, np.int64)
    mc = 0
    for i in range(n):
        for e in range(wp[i], wp[i + 1]):
            c = consensus[wi[e]]
            v = wv[e]
            if c < v:
                if c > 0 or dense:
                    ci[mc] = wi[e]
                    cv[mc] = c
                    mc += 1
            else:
                ci[mc] = wi[e]
                cv[mc] = v
                mc += 1
        cp[i + 1] = mc
    return cp, ci[:mc], cv[:mc]


@njit(**_JIT)
def trust_and_ranks(n, astake, cp, ci, cv):
    """Step 8: validator trust (row sums of Ŵ) and ranks R_j = Σ_i A_i·Ŵ_ij."""
    vtrust = np.zeros(n, np.int64)
    ranks = np.zeros(n, np.int64)
    for i in range(n):
        a = astake[i]
        for e in range(cp[i], cp[i + 1]):
            vtrust[i] += cv[e]
            ranks[ci[e]] = sat_add(ranks[ci[e]], mul(a, cv[e]))
    return vtrust, ranks


@njit(**_JIT)
def interpolate_rows(n, wp, wi, wv, cp, ci, cv, ratio, dense):
    """Step 9 for 0 < β < 1: ``W + β(Ŵ − W)`` per cell, kept if > 0, in uid order."""
    m = wv.shape[0]
    bp = np.zeros(n + 1, np.int64)
    bi = np.empty(m, np.int64)
    bv = np.empty(m, np.int64)
    d1 = np.zeros(n, np.int64)
    d2 = np.zeros(n, np.int64)
    mb = 0
    for i in range(n):
        for e in range(wp[i], wp[i + 1]):
            d1[wi[e]] = wv[e]
        for e in range(cp[i], cp[i + 1]):
            d2[ci[e]] = cv[e]
        # only columns present in W can be non-zero (Ŵ ⊆ W)
        cols = np.sort(wi[wp[i]:wp[i + 1]])
        for t in range(cols.shape[0]):
            j = cols[t]
            x = sat_add(d1[j], mul(ratio, sat_sub(d2[j], d1[j])))
            if x > 0 or dense:
                bi[mb] = j
                bv[mb] = x
                mb += 1
        for e in range(wp[i], wp[i + 1]):
            d1[wi[e]] = 0
        for e in range(cp[i], cp[i + 1]):
            d2[ci[e]] = 0
        bp[i + 1] = mb
    return bp, bi[:mb], bv[:mb]


@njit(**_JIT)
def stored_bonds(n, b_ptr, b_idx, b_val, reg, last_tempo, yuma3):
    """Step 10: stored u16 bonds as I32F32 (Yuma 3: ÷65535), minus columns registered since
    the last tempo."""
    nb = b_val.shape[0]
    op = np.zeros(n + 1, np.int64)
    oi = np.empty(nb, np.int64)
    ov = np.empty(nb, np.int64)
    mo = 0
    for i in range(n):
        for e in range(b_ptr[i], b_ptr[i + 1]):
            j = b_idx[e]
            if last_tempo <= reg[j]:
                continue
            oi[mo] = j
            if yuma3:
                # u16_proportion: b·2^32 = b·65537·65535 + b, so floor(b·2^32 / 65535) is
                # b·65537 plus one for b = 65535
                ov[mo] = b_val[e] * np.int64(65537) + np.int64(b_val[e] == 65535)
            else:
                ov[mo] = b_val[e] << np.int64(32)
            mo += 1
        op[i + 1] = mo
    return op, oi[:mo], ov[:mo]


@njit(**_JIT)
def liquid_alpha_ema(n, bp, bi, bv, op, oi, ov, consensus, alpha_low_u16, alpha_high_u16,
                     steepness, parts=1):
    """Step 11, Yuma 3 with liquid alpha: a sigmoid α per (i, j) and
    ``min(1, (1−α)·B + max(α·W, 0))`` for the cells of each W^b row only (bonds on other
    columns are dropped, as on chain).  Rows are independent: ``parts`` > 1 shares them out to
    that many threads in ranges of about equal cell counts."""
    lo = u16_proportion(alpha_low_u16)
    hi = u16_proportion(alpha_high_u16)
    slope = saturating_div(np.int64(steepness) << np.int64(32), np.int64(-100) << np.int64(32))
    nnz = bi.shape[0]
    full = np.empty(nnz, np.int64)
    if parts > 1 and nnz >= _PARALLEL_MIN_CELLS:
        cuts = np.searchsorted(bp, (np.arange(parts + 1) * nnz) // parts)
        cuts[0] = 0
        cuts[parts] = n
        _liquid_alpha_rows_parts(cuts, n, bp, bi, bv, op, oi, ov, consensus, lo, hi, slope,
                                 full)
    else:
        _liquid_alpha_rows(0, n, n, bp, bi, bv, op, oi, ov, consensus, lo, hi, slope, full)
    # keep the positive cells, in row order
    ep = np.zeros(n + 1, np.int64)
    ei = np.empty(nnz, np.int64)
    ev = np.empty(nnz, np.int64)
    me = 0
    for i in range(n):
        for e in range(bp[i], bp[i + 1]):
            if full[e] > 0:
                ei[me] = bi[e]
                ev[me] = full[e]
                me += 1
        ep[i + 1] = me
    return ep, ei[:me], ev[:me]


@njit(parallel=True, cache=True, nogil=True)
def _liquid_alpha_rows_parts(cuts, n, bp, bi, bv, op, oi, ov, consensus, lo, hi, slope, full):
    """``_liquid_alpha_rows`` over the row ranges ``cuts[h]:cuts[h + 1]`` on numba's worker
    threads (each range writes only its own cells of ``full``)."""
    for h in prange(cuts.shape[0] - 1):
        _liquid_alpha_rows(cuts[h], cuts[h + 1], n, bp, bi, bv, op, oi, ov, consensus, lo, hi,
                           slope, full)


@njit(**_JIT)
def _liquid_alpha_rows(r0, r1, n, bp, bi, bv, op, oi, ov, consensus, lo, hi, slope, full):
    """Rows [r0, r1) of the liquid-alpha EMA: ``full[e]`` = the new bond of W^b cell e."""
    alpha0 = alpha_sigmoid(np.int64(0), np.int64(0), np.int64(0), lo, hi, slope)
    exp_lim = np.int64(20) << np.int64(32)
    s_hi = slope >> np.int64(32)
    s_lo = slope & np.int64(0xFFFFFFFF)
    base = bp[r0]
    cells = bp[r1] - base
    wd = np.zeros(n, np.int64)
    bd = np.zeros(n, np.int64)
    alpha = np.empty(cells, np.int64)
    xin = np.empty(cells, np.int64)
    xpos = np.empty(cells, np.int64)
    # pass 1: α per W^b cell; cells whose combined difference is 0 share alpha0, the exponents
    # of all others go through one exp batch (one vectorised series over the range)
    k = 0
    for i in range(r0, r1):
        if bp[i + 1] == bp[i]:
            continue
        # α reads W^b and B as the chain's forward walk over (assumed sorted) rows does; on
        # rows that are sorted the walk finds each cell's own value, so W^b is read in place
        # and B through a scatter (cleared below)
        sorted_rows = (_row_sorted(bi, bp[i], bp[i + 1])
                       and _row_sorted(oi, op[i], op[i + 1]))
        if sorted_rows:
            for e in range(op[i], op[i + 1]):
                bd[oi[e]] = ov[e]
        else:
            walk_lookup(bi, bv, bp[i], bp[i + 1], n, wd)
            walk_lookup(oi, ov, op[i], op[i + 1], n, bd)
        for e in range(bp[i], bp[i + 1]):
            j = bi[e]
            w = bv[e] if sorted_rows else wd[j]
            b = bd[j]
            d = sat_sub(w, consensus[j]) if w >= b else sat_sub(b, w)
            if d > ONE:
                d = ONE
            if d <= 0:
                alpha[e - base] = alpha0
            else:
                # mul(slope, d − ½) without branches: slope = s_hi·2^32 + s_lo (0 ≤ s_lo <
                # 2^32) and |d − ½| ≤ 2^31, so s_lo·(d − ½) fits i64 and its arithmetic shift
                # is the floor; |result| < 2^40 never saturates
                y = d - HALF
                x = s_hi * y + ((s_lo * y) >> np.int64(32))
                xin[k] = min(max(x, -exp_lim), exp_lim)
                xpos[k] = e - base
                k += 1
        if sorted_rows:
            for e in range(op[i], op[i + 1]):
                bd[oi[e]] = 0
        else:
            bd[:] = 0  # the walk filled the whole row
    xout = np.empty(k, np.int64)
    exp_batch(xin, xout, k)
    span = sat_sub(hi, lo)
    for t in range(k):
        # sigmoid = 1 / (1 + e): 1 + e ≥ 1 and < 2^63 on the clamped domain
        sig = recip_2_64(np.uint64(ONE + xout[t]))
        alpha[xpos[t]] = min(max(sat_add(lo, mul(sig, span)), lo), hi)
    # pass 2: the EMA over each W^b row
    old = bd  # all zero again
    for i in range(r0, r1):
        if bp[i + 1] == bp[i]:
            continue
        for e in range(op[i], op[i + 1]):
            old[oi[e]] = ov[e]
        for e in range(bp[i], bp[i + 1]):
            a = alpha[e - base]
            x = sat_add(mul(sat_sub(ONE, a), old[bi[e]]), max(mul(a, bv[e]), np.int64(0)))
            full[e] = min(x, ONE)
        for e in range(op[i], op[i + 1]):
            old[oi[e]] = 0


@njit(**_JIT)
def yuma3_bonds(n, bp, bi, bv, op, oi, ov, consensus, incentive, astake, liquid_alpha,
                alpha_low_u16, alpha_high_u16, steepness, bma_alpha, parts=1):
    """Step 11, Yuma 3: EMA of weights (absolute bonds), D_i = A_i·Σ_j B̂_ij·I_j."""
    any_c = False
    for j in range(n):
        if consensus[j] != 0:
            any_c = True
            break
    if liquid_alpha and any_c:
        ep, ei, ev = liquid_alpha_ema(n, bp, bi, bv, op, oi, ov, consensus, alpha_low_u16,
                                      alpha_high_u16, steepness, parts)
    else:
        ep, ei, ev = ema_dense_rows(bp, bi, bv, op, oi, ov, bma_alpha, n)
    en = col_normalize(ep, ei, ev, n)
    dividends = np.zeros(n, np.int64)
    for i in range(n):
        t = np.int64(0)
        for e in range(ep[i], ep[i + 1]):
            t += mul(en[e], incentive[ei[e]])
        dividends[i] = mul(t, astake[i])
    return ep, ei, ev, normalize(dividends)


@njit(**_JIT)
def yuma2_bonds(n, bp, bi, bv, op, oi, ov, incentive, astake, bma_alpha):
    """Step 11, Yuma 1/2: EMA of column-normalised ΔB = W^b◦A, dividends Bᵀ·I, bonds stored
    column-max-upscaled."""
    ov = col_normalize(op, oi, ov, n)
    dv = bv.copy()
    for i in range(n):
        for e in range(bp[i], bp[i + 1]):
            dv[e] = mul(bv[e], astake[i])
    dv = col_normalize(bp, bi, dv, n)
    ep, ei, ev = ema_dense_rows(bp, bi, dv, op, oi, ov, bma_alpha, n)
    ev = col_normalize(ep, ei, ev, n)
    dividends = np.zeros(n, np.int64)
    for i in range(n):
        t = np.int64(0)
        for e in range(ep[i], ep[i + 1]):
            t = sat_add(t, mul(incentive[ei[e]], ev[e]))
        dividends[i] = t
    cmax = np.zeros(n, np.int64)
    for e in range(ev.shape[0]):
        cmax[ei[e]] = max(cmax[ei[e]], ev[e])
    for e in range(ev.shape[0]):
        if cmax[ei[e]] != 0:
            ev[e] = safe_div(ev[e], cmax[ei[e]])
    return ep, ei, ev, normalize(dividends)


@njit(**_JIT)
def emissions(n, stake, astake, incentive, dividends, rao):
    """Step 12: server / validator / combined emission in rao (emergency mode when Σ = 0)."""
    total = np.int64(0)
    nce = np.zeros(n, np.int64)
    for i in range(n):
        nce[i] = sat_add(incentive[i], dividends[i])
        total += nce[i]
    nse = incentive.copy()
    nve = dividends.copy()
    if total != 0:
        for i in range(n):
            nse[i] = safe_div(incentive[i], total)
            nve[i] = safe_div(dividends[i], total)
    nce = normalize(nce)
    if total == 0:
        src = stake if astake.sum() == 0 else astake
        nve = src.copy()
        nce = src.copy()
    emission = np.zeros(n, np.uint64)
    server = np.zeros(n, np.uint64)
    validator = np.zeros(n, np.uint64)
    for i in range(n):
        emission[i] = emission_rao(nce[i], rao)
        server[i] = emission_rao(nse[i], rao)
        validator[i] = emission_rao(nve[i], rao)
    return emission, server, validator


@njit(**_JIT)
def epoch_sparse_kernel(n, stake, active, w_ptr, w_idx, w_val, b_ptr, b_idx, b_val,
                        last_update, reg, permit_in, commit_blocks, owner,
                        max_validators, kappa_u16, bonds_penalty_u16, bma_alpha,
                        liquid_alpha, alpha_low_u16, alpha_high_u16, steepness, yuma3,
                        commit_reveal, last_tempo, rao, dense, parts):
    """One ``epoch_mechanism``; ``stake`` is the normalised I32F32 stake, ``active`` step 1.

    ``dense`` runs the chain's test-only ``epoch_dense`` instead: the caller passes full rows
    (all n cells), no owner and no commit-reveal, and masked or clipped cells stay as explicit
    zeros instead of being dropped — which is all that differs numerically (a zero cell keeps a
    Yuma-3 bond decaying where the sparse epoch drops it).

    ``parts`` > 1 runs the two heaviest steps (the consensus selections and the liquid-alpha exp
    series) on that many of numba's worker threads; 1 keeps all work on the calling thread.
    """
    # 3. permits (the new ones only matter for the next epoch and for which bonds are written)
    permit = permit_in.copy()
    new_permit = is_topk_nonzero(stake, max_validators)
    if owner >= 0 and owner < n:
        permit[owner] = True
        new_permit[owner] = True
    # 4. active stake
    astake = np.zeros(n, np.int64)
    for i in range(n):
        if active[i] and permit[i]:
            astake[i] = stake[i]
    astake = normalize(astake)
    # 5.–8. weights, consensus, clipping, trust, incentive
    wp, wi, wv = mask_weights(n, permit, w_ptr, w_idx, w_val, last_update, reg, commit_blocks,
                              owner, commit_reveal, dense)
    split = parts if wv.shape[0] >= _PARALLEL_MIN_CELLS else 1
    consensus = weighted_median_cols(astake, wp, wi, wv, u16_proportion(kappa_u16), n, split)
    cp, ci, cv = clip_weights(n, wp, wi, wv, consensus, dense)
    vtrust, ranks = trust_and_ranks(n, astake, cp, ci, cv)
    incentive = normalize(ranks)
    # 9. weights for bonds: W, Ŵ or in between
    ratio = u16_proportion(bonds_penalty_u16)
    if ratio == 0:
        bp, bi, bv = wp, wi, wv
    elif ratio == ONE:
        bp, bi, bv = cp, ci, cv
    else:
        bp, bi, bv = interpolate_rows(n, wp, wi, wv, cp, ci, cv, ratio, dense)
    # 10.–11. bonds and dividends
    op, oi, ov = stored_bonds(n, b_ptr, b_idx, b_val, reg, last_tempo, yuma3)
    if yuma3:
        ep, ei, ev, dividends = yuma3_bonds(n, bp, bi, bv, op, oi, ov, consensus, incentive,
                                            astake, liquid_alpha, alpha_low_u16,
                                            alpha_high_u16, steepness, bma_alpha, parts)
    else:
        ep, ei, ev, dividends = yuma2_bonds(n, bp, bi, bv, op, oi, ov, incentive, astake,
                                            bma_alpha)
    # 12. emissions
    emission, server, validator = emissions(n, stake, astake, incentive, dividends, rao)
    # 13. outputs: u16 terms, and bond rows for uids holding a new permit
    u16 = np.zeros((5, n), np.int64)
    for i in range(n):
        u16[0, i] = proportion_to_u16(stake[i])
        u16[1, i] = proportion_to_u16(consensus[i])
        u16[2, i] = proportion_to_u16(incentive[i])
        u16[3, i] = proportion_to_u16(dividends[i])
        u16[4, i] = proportion_to_u16(vtrust[i])
    rp = np.zeros(n + 1, np.int64)
    ri = np.empty(ei.shape[0], np.int64)
    rv = np.empty(ei.shape[0], np.int64)
    mr = 0
    for i in range(n):
        if new_permit[i]:
            for e in range(ep[i], ep[i + 1]):
                ri[mr] = ei[e]
                rv[mr] = proportion_to_u16(ev[e])
                mr += 1
        rp[i + 1] = mr
    return (new_permit, u16, emission, server, validator, rp, ri[:mr].copy(), rv[:mr].copy())


@njit(**_JIT)
def csr_first_problems(indptr: np.ndarray, indices: np.ndarray, values: np.ndarray,
                       n: np.int64) -> tuple[np.int64, np.int64, np.int64]:
    """Input check in one pass: the first entry whose uid is not in [0, n), whose value is not
    a u16, and whose uid already appeared in its row (−1 where there is none)."""
    if _csr_clean(indptr, indices, values, n):
        return np.int64(-1), np.int64(-1), np.int64(-1)
    bad_uid = np.int64(-1)
    bad_value = np.int64(-1)
    dup = np.int64(-1)
    seen = np.full(n, -1, np.int64)
    for i in range(indptr.shape[0] - 1):
        for e in range(indptr[i], indptr[i + 1]):
            v = values[e]
            if (v < 0 or v > 65535) and bad_value < 0:
                bad_value = e
            j = indices[e]
            if j < 0 or j >= n:
                if bad_uid < 0:
                    bad_uid = e
            elif seen[j] == i:
                if dup < 0:
                    dup = e
            else:
                seen[j] = i
    return bad_uid, bad_value, dup


@njit(**_JIT)
def _csr_clean(indptr: np.ndarray, indices: np.ndarray, values: np.ndarray,
               n: np.int64) -> bool:
    """True when every value is a u16, every uid is below n and every row is strictly
    increasing (so free of duplicates): the usual input, checked with branch-free reductions
    instead of ``csr_first_problems``' per-entry search (which then runs only on bad input).

    Row order is checked over the whole array at once (a per-row loop does not vectorise):
    every descent must sit where a non-empty row starts."""
    un = np.uint64(n)
    wide = _U0
    for e in range(values.shape[0]):
        wide |= (np.uint64(values[e]) >> np.uint64(16)) | np.uint64(np.uint64(indices[e]) >= un)
    if wide != _U0:
        return False
    descents = np.int64(0)
    for e in range(1, indices.shape[0]):
        descents += np.int64(indices[e] <= indices[e - 1])
    at_row_starts = np.int64(0)
    for i in range(1, indptr.shape[0] - 1):
        s = indptr[i]
        if 0 < s < indptr[i + 1]:
            at_row_starts += np.int64(indices[s] <= indices[s - 1])
    return descents == at_row_starts


# ------------------------------------------------------------------ JSON sparse rows
# ``validate`` has CPython's ``marshal`` (C, one pass, exact types) write the JSON face's rows
# and reads the bytes here: walking 30k Python pair lists element by element costs several times
# more than both steps.

_M_LIST = np.uint8(ord("["))
_M_TUPLE = np.uint8(ord("("))
_M_INT = np.uint8(ord("i"))


@njit(**_JIT)
def _le_i32(buf: np.ndarray, p: np.int64) -> np.int64:
    """The little-endian int32 at ``buf[p:p + 4]`` (marshal's lengths and small ints)."""
    u = (np.uint32(buf[p]) | (np.uint32(buf[p + 1]) << np.uint32(8))
         | (np.uint32(buf[p + 2]) << np.uint32(16)) | (np.uint32(buf[p + 3]) << np.uint32(24)))
    return np.int64(np.int32(u))


@njit(**_JIT)
def parse_pair_rows(buf: np.ndarray, n: np.int64
                    ) -> tuple[bool, np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays from ``marshal.dumps(rows, 2)`` of a list of ``n`` lists of ``[uid, value]``
    pairs (lists or tuples) of int32 integers; False (and empty arrays) for anything else —
    a boolean, float, other container, or an integer beyond int32, which marshal writes with
    other type codes.  Uid and value ranges are left to ``csr_first_problems``.

    Version 2 of the format has no back-references: a list is ``[`` and an int32 length, then
    its items; a tuple the same with ``(``; an int32 integer ``i`` and its four bytes."""
    m = buf.shape[0]
    indptr = np.zeros(n + 1, np.int64)
    cap = m // 15  # "[" n, "i" u, "i" v: fifteen bytes per pair
    indices = np.empty(cap, np.int64)
    values = np.empty(cap, np.int64)
    fail = (False, indptr, indices[:0], values[:0])
    if m < 5 or buf[0] != _M_LIST or _le_i32(buf, 1) != n:
        return fail
    p = 5
    k = 0
    for i in range(n):
        if p + 5 > m or buf[p] != _M_LIST:
            return fail
        length = _le_i32(buf, p + 1)
        p += 5
        if length < 0 or length > (m - p) // 15:
            return fail
        for _ in range(length):
            if ((buf[p] != _M_LIST and buf[p] != _M_TUPLE) or _le_i32(buf, p + 1) != 2
                    or buf[p + 5] != _M_INT or buf[p + 10] != _M_INT):
                return fail
            indices[k] = _le_i32(buf, p + 6)
            values[k] = _le_i32(buf, p + 11)
            k += 1
            p += 15
        indptr[i + 1] = k
    if p != m:
        return fail
    return True, indptr, indices[:k], values[:k]
