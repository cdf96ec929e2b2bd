"""SafeFloat and the share pool against the known answers of subtensor's ``primitives/share-pool``
tests (normalisation, addition with precision loss, pool values after deposits, emissions and many
small withdrawals)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tensornet.subnet.share_pool import SAFE_FLOAT_MAX, ZERO, SafeFloat, SharePool


class MemoryPool:
    """In-memory storage behind a share pool (the Rust tests' mock)."""

    def __init__(self, zero=ZERO) -> None:
        """``zero``: the SafeFloat class's zero (the plain reference pool brings its own)."""
        self.value = 0
        self.shares: dict = {}
        self.denominator = self.zero = zero

    def get_shared_value(self):
        return self.value

    def get_share(self, key):
        return self.shares.get(key, self.zero)

    def try_get_share(self, key):
        return self.shares.get(key)

    def get_denominator(self):
        return self.denominator

    def set_shared_value(self, value):
        self.value = value

    def set_share(self, key, share):
        self.shares[key] = share

    def set_denominator(self, value):
        self.denominator = value


def test_normalize():
    for m, e, em, ee in [(1, 0, 10**21, -21), (0, 0, 0, 0), (10, 0, 10**21, -20), (1_000, 0, 10**21, -18),
                         (10**20, 0, 10**21, -1), (SAFE_FLOAT_MAX, 0, SAFE_FLOAT_MAX, 0)]:
        assert SafeFloat.new(m, e) == SafeFloat(em, ee)


def test_add_with_precision_loss():
    cases = [
        (1, 0, 1, 0, 2 * 10**20, -20), (0, 0, 1, 0, 10**21, -21), (0, 0, 1, -1, 10**21, -22),
        (1, -1000, 1, -1, 10**21, -22), (SAFE_FLOAT_MAX, 0, SAFE_FLOAT_MAX, 0, SAFE_FLOAT_MAX * 2 // 10, 1),
        (1, 0, 10**21, 1, 10**21, 1), (1, 0, 1, 22, 10**21, 1), (1, 0, 1, 23, 10**21, 2),
        (123, 0, 1, 23, 10**21, 2), (123, 1, 1, 23, 100_000_000_000_000_000_001, 3), (42, 0, 1, 22, 10**21, 1),
        (999_999_999_999_999_999_999, 0, 1, 22, 109_999_999_999_999_999_999, 2),
    ]
    for ma, ea, mb, eb, em, ee in cases:
        assert SafeFloat.new(ma, ea).add(SafeFloat.new(mb, eb)) == SafeFloat(em, ee), (ma, ea, mb, eb)


def test_get_value_and_zero_denominator():
    ops = MemoryPool()
    ops.denominator, ops.value = SafeFloat.from_u64(10), 100
    ops.shares = {1: SafeFloat.from_u64(3), 2: SafeFloat.from_u64(7)}
    pool = SharePool(ops)
    assert (pool.get_value(1), pool.get_value(2)) == (30, 70)
    assert SharePool(MemoryPool()).get_value(1) == 0


def test_denominator_precision():
    pool = SharePool(MemoryPool())
    pool.update_value_for_one(1, 1000)
    assert pool.get_value(1) == 1000
    pool.update_value_for_one(1, -990)
    pool.update_value_for_one(2, 1000)
    pool.update_value_for_one(2, -990)
    assert (pool.get_value(1), pool.get_value(2)) == (10, 10)


def test_high_precision_after_huge_emission():
    pool = SharePool(MemoryPool())
    pool.update_value_for_one(1, 1)
    pool.update_value_for_one(2, 1)
    pool.update_value_for_all(999_999_999_999_998)
    pool.update_value_for_one(1, -499_999_999_999_990)
    pool.update_value_for_one(2, -499_999_999_999_990)
    pool.update_value_for_all(999_999_999_999_980)
    pool.update_value_for_one(1, 10**12)
    pool.update_value_for_one(2, 10**12)
    assert abs(pool.get_value(1) - 501_000_000_000_000) <= 1
    assert abs(pool.get_value(2) - 501_000_000_000_000) <= 1


def test_many_small_unstakes():
    pool = SharePool(MemoryPool())
    pool.update_value_for_one(1, 1)
    pool.update_value_for_one(2, 1)
    pool.update_value_for_all(10**15)
    for _ in range(1000):
        pool.update_value_for_one(1, -500_000_000)
        pool.update_value_for_one(2, -500_000_000)
    pool.update_value_for_all(10**15)
    pool.update_value_for_one(1, 10**12)
    pool.update_value_for_one(2, 10**12)
    expected = 1_001_000_000_000_000 - 1000 * 500_000_000
    assert abs(pool.get_value(1) - expected) <= 1 and abs(pool.get_value(2) - expected) <= 1


def test_from_u64f64():
    assert SafeFloat.from_u64f64(0) == ZERO
    assert SafeFloat.from_u64f64(5 << 64) == SafeFloat.from_u64(5)
    half = SafeFloat.from_u64f64(1 << 63)
    assert half == SafeFloat(5 * 10**20, -21)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-10**13, 10**13)), min_size=1, max_size=40))
def test_values_never_exceed_the_pool(ops):
    """Whatever the deposits and withdrawals, Σ values ≤ total and the shortfall is dust."""
    storage = MemoryPool()
    pool = SharePool(storage)
    for key, delta in ops:
        if delta >= 0:
            pool.update_value_for_one(key, delta)
        else:
            have = pool.try_get_value(key) or 0
            if have >= -delta:
                pool.update_value_for_one(key, delta)
        total = storage.value
        values = sum(pool.get_value(k) for k in storage.shares)
        assert values <= total
        assert total - values <= len(storage.shares) + 1


def _normalized_by_steps(mantissa: int, exponent: int):
    """The chain's normalisation, one factor of 10 at a time (the reference for the digit-count one)."""
    while mantissa > 10**21:
        mantissa //= 10
        exponent += 1
    while mantissa <= 10**20:
        mantissa *= 10
        exponent -= 1
    return mantissa, exponent


def test_normalized_equals_stepwise_normalisation() -> None:
    import random

    from tensornet.subnet.share_pool import SafeFloat

    rng = random.Random(7)
    edges = [1, 9, 10, 11, 99, 100, 10**20 - 1, 10**20, 10**20 + 1, 10**21 - 1, 10**21, 10**21 + 1,
             10**21 + 9, 10**21 + 10, 10**22 - 1, 10**22, 10**22 + 1, 2**256 - 1, 10**42, 10**42 - 1]
    values = edges + [rng.randrange(1, 10**rng.randrange(1, 78)) for _ in range(3000)]
    values += [10**rng.randrange(0, 70) * rng.choice([1, 2, 9]) + rng.choice([-1, 0, 1]) for _ in range(500)]
    for m in values:
        if m <= 0:
            continue
        e = rng.randrange(-50, 50)
        got = SafeFloat.normalized(m, e)
        assert (got.mantissa, got.exponent) == _normalized_by_steps(m, e), m
