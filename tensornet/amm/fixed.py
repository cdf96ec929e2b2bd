"""U64F64 and Perquintill exactly as the chain computes them (raw Python ints).

The swap pallet does all of its price arithmetic in `substrate_fixed::U64F64` (a u128 with 64
fractional bits) and stores pool weights as `sp_arithmetic::Perquintill` (parts per 10^18). To
reproduce every rao we need the chain's rounding, not "a fixed-point type": products and quotients
truncate (floor), `saturating_*` clamps at the type bounds, and `safe_div` returns 0 both on a zero
divisor and on overflow (it is `checked_div(..).unwrap_or_default()`).

`tensornet/primitives/fixed.py` did not exist when this was written; this module stays inside the
AMM so that the two can evolve independently.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

U64_MAX = (1 << 64) - 1
U128_MAX = (1 << 128) - 1
I64_MAX = (1 << 63) - 1

FRAC_BITS = 64


def sat_u64(value: int) -> int:
    """Clamp to the u64 range, as Rust's saturating arithmetic on u64 does."""
    return 0 if value < 0 else (U64_MAX if value > U64_MAX else value)


# --- the same operations on raw bits ------------------------------------------------------------
# A swap runs a few dozen fixed-point operations; allocating a U64F64 for each intermediate costs
# more than the arithmetic, so the hot paths use these functions on raw 128-bit patterns. They
# repeat the class's methods below operation for operation (tests/amm/test_amm_int_path.py holds
# the two to the same results).

def fx_from_int(value: int) -> int:
    """Bits of `U64F64::saturating_from_num(integer)`."""
    if value <= 0:
        return 0
    bits = value << FRAC_BITS
    return bits if bits <= U128_MAX else U128_MAX


def fx_mul(a: int, b: int) -> int:
    """Bits of `a.saturating_mul(b)` (product floored)."""
    bits = (a * b) >> FRAC_BITS
    return bits if bits <= U128_MAX else U128_MAX


def fx_div(a: int, b: int) -> int:
    """Bits of `a.safe_div(b)`: floored quotient, 0 for a zero divisor or an overflow."""
    if b == 0:
        return 0
    quotient = (a << FRAC_BITS) // b
    return 0 if quotient > U128_MAX else quotient


def fx_to_u64(a: int) -> int:
    """`saturating_to_num::<u64>()` of bits: floor, clamped to u64::MAX."""
    value = a >> FRAC_BITS
    return value if value <= U64_MAX else U64_MAX


@dataclass(frozen=True, order=True)
class U64F64:
    """An unsigned 64.64 fixed-point number held as its raw 128-bit pattern."""

    bits: int

    @classmethod
    def from_int(cls, value: int) -> U64F64:
        """`U64F64::saturating_from_num(integer)` (u64 or u128 source)."""
        if value <= 0:
            return cls(0)
        bits = value << FRAC_BITS
        return cls(bits if bits <= U128_MAX else U128_MAX)

    @classmethod
    def from_float(cls, value: float) -> U64F64:
        """`U64F64::from_num(f64)`: round to nearest, ties to even (used by chain tests only)."""
        exact = Fraction(value) * (1 << FRAC_BITS)
        floor = exact.numerator // exact.denominator
        rest = exact - floor
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1):
            floor += 1
        return cls(max(0, min(floor, U128_MAX)))

    @classmethod
    def from_ratio(cls, numerator: int, denominator: int) -> U64F64:
        """`U64F64(numerator).safe_div(U64F64(denominator))` for integer operands."""
        return cls.from_int(numerator).safe_div(cls.from_int(denominator))

    def saturating_mul(self, other: U64F64) -> U64F64:
        return U64F64(min((self.bits * other.bits) >> FRAC_BITS, U128_MAX))

    def safe_div(self, other: U64F64) -> U64F64:
        """Truncating division; 0 for a zero divisor or an overflowing quotient."""
        if other.bits == 0:
            return U64F64(0)
        quotient = (self.bits << FRAC_BITS) // other.bits
        return U64F64(0) if quotient > U128_MAX else U64F64(quotient)

    def saturating_add(self, other: U64F64) -> U64F64:
        return U64F64(min(self.bits + other.bits, U128_MAX))

    def saturating_sub(self, other: U64F64) -> U64F64:
        return U64F64(max(self.bits - other.bits, 0))

    def min(self, other: U64F64) -> U64F64:
        return self if self.bits <= other.bits else other

    def frac(self) -> U64F64:
        return U64F64(self.bits & ((1 << FRAC_BITS) - 1))

    def to_u64(self) -> int:
        """`saturating_to_num::<u64>()`: floor, clamped to u64::MAX."""
        return min(self.bits >> FRAC_BITS, U64_MAX)

    def to_u128(self) -> int:
        """`saturating_to_num::<u128>()`: floor (always fits)."""
        return self.bits >> FRAC_BITS

    def to_fraction(self) -> Fraction:
        """The exact rational value, for display and tests (never for chain maths)."""
        return Fraction(self.bits, 1 << FRAC_BITS)

    def __float__(self) -> float:
        return self.bits / (1 << FRAC_BITS)


U64F64_ZERO = U64F64(0)
U64F64_ONE = U64F64(1 << FRAC_BITS)

PERQUINTILL_ACCURACY = 10**18


def perquintill_from_rational(p: int, q: int) -> int:
    """`Perquintill::from_rational(p, q)` in parts: floor(min(p, q)·10^18 / q); q = 0 gives one."""
    if q == 0:
        return PERQUINTILL_ACCURACY
    return min(p, q) * PERQUINTILL_ACCURACY // q
