"""The shift-based series and memoised logarithms of ``bigmath`` equal the plain version
(``reference_bigmath``) to the bit, on both paths and at the precisions the balancer uses."""

from __future__ import annotations

import reference_bigmath as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from tensornet.amm import bigmath
from tensornet.amm.bigmath import pow_ratio_scaled

PERQUINTILL = 10**18
values = st.one_of(st.integers(0, 10**6), st.integers(0, 2**64 - 1), st.integers(0, 2**128 - 1),
                   st.sampled_from([1, 2, 3, 2**64, 2**64 + 1, 10**18, 21 * 10**15]))
weights = st.one_of(st.integers(0, PERQUINTILL), st.sampled_from([PERQUINTILL // 2, PERQUINTILL // 100,
                                                                 499_999_999_000_000_000, 1, 0]))


@settings(max_examples=400, deadline=None)
@given(values, values, weights, weights, st.sampled_from([256, 1024, 32]),
       st.sampled_from([PERQUINTILL, 1, 10**9, 2**70]))
def test_pow_ratio_scaled_matches_the_plain_series(num: int, den: int, w1: int, w2: int, precision: int,
                                                   scale: int) -> None:
    for args in ((num, den, w1, w2), (num, num + den, w1, w2), (num, den, w1, PERQUINTILL)):
        assert pow_ratio_scaled(*args, precision, scale) == ref.pow_ratio_scaled(*args, precision, scale)


@settings(max_examples=100, deadline=None)
@given(st.integers(10**6, 10**16), st.integers(1, 10**14), weights, st.integers(1, 40))
def test_a_pool_trading_repeatedly_matches(reserve: int, delta: int, weight: int, trades: int) -> None:
    """The logarithm memo is hit trade after trade (each starts where the last ended)."""
    for _ in range(trades):
        new = min(reserve + delta, 2**64 - 1)
        for w in (weight, PERQUINTILL - weight):
            assert pow_ratio_scaled(reserve, new, w, PERQUINTILL - w, 256, PERQUINTILL) == \
                ref.pow_ratio_scaled(reserve, new, w, PERQUINTILL - w, 256, PERQUINTILL)
        reserve = new


_PRECISIONS = st.sampled_from([256 + 24, 1024 + 24, 56])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(1, 2**64 - 1), st.integers(1, 2**130)), _PRECISIONS)
def test_ln_series_of_a_mantissa_matches_the_plain_series(value: int, precision: int) -> None:
    """The short-factor products and the single stopping test of ``_ln1p_fixed`` give the plain
    series' sum to the bit, for the mantissas ``_ln_int`` feeds it (and for ln 2's −1/2)."""
    scale = 1 << precision
    shift = value.bit_length() - 1
    mantissa = (value << precision) >> shift
    if mantissa >= scale + (scale >> 1):
        mantissa >>= 1
    max_iters = precision + 128
    for x in (mantissa - scale, -(scale >> 1)):
        assert bigmath._ln1p_fixed(x, precision, max_iters) == \
            ref._ln1p_fixed(x, scale, 1 << ref.GUARD_BITS, max_iters)


@settings(max_examples=300, deadline=None)
@given(st.data(), _PRECISIONS, st.sampled_from([None, 1, 2, 7]))
def test_series_of_any_argument_match_the_plain_series(data, precision: int, max_iters: int | None) -> None:
    """Both series on arbitrary arguments (any bits, either sign, iteration caps that bite)."""
    scale = 1 << precision
    iters = precision + 128 if max_iters is None else max_iters
    x = data.draw(st.integers(-(scale >> 1), scale >> 1))
    assert bigmath._ln1p_fixed(x, precision, iters) == ref._ln1p_fixed(x, scale, 1 << ref.GUARD_BITS, iters)
    y = data.draw(st.integers(-48 * scale, 48 * scale))
    assert bigmath._exp_fixed(y, precision, iters) == ref._exp_fixed(y, scale, 1 << ref.GUARD_BITS, iters)
