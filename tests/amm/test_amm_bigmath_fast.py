"""The shift-based series and memoised logarithms of ``bigmath`` equal the plain version
(``reference_bigmath``) to the bit, on both paths and at the precisions the balancer uses."""

from __future__ import annotations

import reference_bigmath as ref
from hypothesis import given, settings
from hypothesis import strategies as st

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
