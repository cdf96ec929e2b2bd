"""The share pool's faster arithmetic equals the plain one (``reference_share_pool``) to the digit:
SafeFloat normalisation and operations on arbitrary operands, and pools driven through random
sequences of deposits, withdrawals and pro-rata changes."""
from __future__ import annotations

import reference_share_pool as ref
from hypothesis import given, settings
from hypothesis import strategies as st
from test_share_pool import MemoryPool

from tensornet.subnet.share_pool import SafeFloat, SharePool

mantissas = st.one_of(st.integers(0, 10**6), st.integers(0, 10**22), st.integers(0, 2**256 - 1),
                      st.sampled_from([1, 9, 10, 10**20, 10**20 + 1, 10**21 - 1, 10**21, 10**21 + 1, 10**22,
                                       10**41 + 10**20, 2**64 - 1, 2**128 - 1]))
exponents = st.one_of(st.integers(-60, 60), st.sampled_from([-(2**63), 2**63 - 1, -(2**63) + 30, 2**63 - 30]))


def _same(new, old) -> bool:
    if old is None or new is None:
        return new is None and old is None
    return (new.mantissa, new.exponent) == (old.mantissa, old.exponent)


@settings(max_examples=2000, deadline=None)
@given(mantissas, exponents)
def test_normalisation_matches(mantissa: int, exponent: int) -> None:
    assert _same(SafeFloat.normalized(mantissa, exponent), ref.SafeFloat.normalized(mantissa, exponent))
    assert _same(SafeFloat.new(mantissa, exponent), ref.SafeFloat.new(mantissa, exponent))


floats = st.builds(lambda m, e: (m, e), mantissas, st.integers(-40, 40))


@settings(max_examples=1500, deadline=None)
@given(floats, floats, floats, st.integers(0, 2**130))
def test_operations_match(a: tuple, b: tuple, c: tuple, bits: int) -> None:
    na, nb, nc = (SafeFloat.new(*x) or SafeFloat() for x in (a, b, c))
    ra, rb, rc = (ref.SafeFloat.new(*x) or ref.SafeFloat() for x in (a, b, c))
    assert _same(na.add(nb), ra.add(rb))
    assert _same(na.sub(nb), ra.sub(rb))
    assert _same(na.div(nb), ra.div(rb))
    assert _same(na.mul_div(nb, nc), ra.mul_div(rb, rc))
    assert na.to_u64() == ra.to_u64()
    assert _same(SafeFloat.from_u64(bits % 2**64), ref.SafeFloat.from_u64(bits % 2**64))
    assert _same(SafeFloat.from_u64f64(bits % 2**128), ref.SafeFloat.from_u64f64(bits % 2**128))


amounts = st.one_of(st.integers(0, 10**6), st.integers(0, 10**13), st.integers(0, 2**64 - 1))
steps = st.lists(st.tuples(st.sampled_from(["one", "all", "sim", "value"]), st.integers(0, 4), amounts,
                           st.booleans()), min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(steps)
def test_pools_match_through_random_operations(ops: list) -> None:
    _drive(ops)


# few amounts, so that the same question comes back before and after the pool changed (the
# pool's memo of its last value and last mint must answer repeats and only repeats)
repeating_steps = st.lists(st.tuples(st.sampled_from(["one", "all", "sim", "value"]), st.integers(0, 2),
                                     st.sampled_from([1, 10**9, 10**12 + 7, 2**63]), st.booleans()),
                           min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(repeating_steps)
def test_pools_match_when_questions_repeat(ops: list) -> None:
    _drive(ops)


def _drive(ops: list) -> None:
    """Run the same operations on a pool and on the reference pool, comparing after each."""
    new_mem, old_mem = MemoryPool(SafeFloat()), MemoryPool(ref.SafeFloat())
    new, old = SharePool(new_mem), ref.SharePool(old_mem)
    for kind, key, amount, negative in ops:
        update = -amount if negative else amount
        if kind == "one":
            if negative:  # as StakeOps: withdraw only what the key holds
                held = old.try_get_value(key)
                assert new.try_get_value(key) == held
                if held is None or held < amount:
                    continue
            new.update_value_for_one(key, update)
            old.update_value_for_one(key, update)
        elif kind == "all":
            new.update_value_for_all(update)
            old.update_value_for_all(update)
        elif kind == "sim":
            assert new.sim_update_value_for_one(amount) == old.sim_update_value_for_one(amount)
        else:
            assert new.try_get_value(key) == old.try_get_value(key)
            assert new.get_value(key) == old.get_value(key)
        assert new_mem.value == old_mem.value
        assert _same(new_mem.denominator, old_mem.denominator)
        assert sorted(new_mem.shares) == sorted(old_mem.shares)
        assert all(_same(new_mem.shares[k], old_mem.shares[k]) for k in old_mem.shares)
