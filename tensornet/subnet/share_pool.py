"""Subtensor's share pool and its SafeFloat, bit for bit (``primitives/share-pool/src/lib.rs``).

Stake is not stored per coldkey: each (hotkey, netuid) pool stores a total value (TotalHotkeyAlpha)
and each coldkey owns *shares* of it (AlphaV2), with a share denominator (TotalHotkeySharesV2).
value(coldkey) = total × share / denominator. SafeFloat is a base-10 float (mantissa, exponent)
normalised so that 10^20 < mantissa ≤ 10^21; the chain's truncating divisions decide who gets
the rounding dust, so this module reproduces them exactly with Python ints (U256 never overflows
for the operands the pool produces; the chain's saturations are kept where they can matter).

Pure: storage access goes through a ``PoolOps`` object supplied by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SAFE_FLOAT_MAX = 10**21
SAFE_FLOAT_MAX_EXP = 21
_MIN_MANTISSA = SAFE_FLOAT_MAX // 10
_U256 = 2**256 - 1
_U64 = 2**64 - 1
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1


def _cappow10(e: int) -> int:
    if e > SAFE_FLOAT_MAX_EXP + 1:
        return SAFE_FLOAT_MAX * 10
    return 10**e


@dataclass(frozen=True)
class SafeFloat:
    """mantissa × 10^exponent; ``{"mantissa", "exponent"}`` in storage (types.SafeFloat)."""

    mantissa: int = 0
    exponent: int = 0

    # --- construction -------------------------------------------------------------------------
    @staticmethod
    def normalized(mantissa: int, exponent: int) -> SafeFloat | None:
        """``normalize``: None when the exponent leaves i64."""
        if mantissa == 0:
            return ZERO
        # the chain divides (multiplies) by 10 one step at a time; a product of two mantissas
        # needs ~20 steps, so the step count is taken from the digit count instead (floor
        # division by 10, k times, is floor division by 10^k)
        if mantissa > SAFE_FLOAT_MAX:
            k = len(str(mantissa)) - 22  # fewest steps that can reach 22 digits (10^21 has 22)
            mantissa //= 10**k
            exponent += k
            if mantissa > SAFE_FLOAT_MAX:
                mantissa //= 10
                exponent += 1
        if mantissa <= _MIN_MANTISSA:
            k = 21 - len(str(mantissa))  # fewest steps that can reach 21 digits (10^20 has 21)
            mantissa *= 10**k
            exponent -= k
            if mantissa <= _MIN_MANTISSA:
                mantissa *= 10
                exponent -= 1
        if not _I64_MIN <= exponent <= _I64_MAX:
            return None
        return SafeFloat(mantissa, exponent)

    @staticmethod
    def new(mantissa: int, exponent: int = 0) -> SafeFloat | None:
        if mantissa > SAFE_FLOAT_MAX:
            return None
        return SafeFloat.normalized(mantissa, exponent)

    @staticmethod
    def from_u64(value: int) -> SafeFloat:
        return SafeFloat.new(value, 0) or ZERO

    @staticmethod
    def from_u64f64(bits: int) -> SafeFloat:
        """``From<U64F64>``: integer part plus (fraction / 2^64), both through SafeFloat."""
        if bits == 0:
            return ZERO
        safe_int = SafeFloat.new(bits >> 64, 0) or ZERO
        safe_frac = (SafeFloat.new(bits & _U64, 0) or ZERO).div(SafeFloat.new(1 << 64, 0) or ZERO) or ZERO
        return safe_int.add(safe_frac) or ZERO

    @staticmethod
    def from_value(value) -> SafeFloat:
        """From the storage dict ``{"mantissa", "exponent"}``."""
        return SafeFloat(value["mantissa"], value["exponent"])

    def to_value(self) -> dict:
        return {"mantissa": self.mantissa, "exponent": self.exponent}

    # --- arithmetic ---------------------------------------------------------------------------
    def is_zero(self) -> bool:
        return self.mantissa == 0

    def div(self, a: SafeFloat) -> SafeFloat | None:
        if a.mantissa == 0:
            return None
        exponent = self.exponent - a.exponent - SAFE_FLOAT_MAX_EXP
        if not _I64_MIN <= exponent <= _I64_MAX:
            return None
        return SafeFloat.normalized(self.mantissa * SAFE_FLOAT_MAX // a.mantissa, exponent)

    def _aligned(self, a: SafeFloat) -> tuple[int, int, int]:
        if self.exponent >= a.exponent:
            return self.mantissa, a.mantissa // _cappow10(self.exponent - a.exponent), self.exponent
        return self.mantissa // _cappow10(a.exponent - self.exponent), a.mantissa, a.exponent

    def add(self, a: SafeFloat) -> SafeFloat | None:
        if self.is_zero():
            return a
        if a.is_zero():
            return self
        m1, m2, e = self._aligned(a)
        return SafeFloat.normalized(min(m1 + m2, _U256), e)

    def sub(self, a: SafeFloat) -> SafeFloat | None:
        if self.is_zero() and a.is_zero():
            return ZERO
        if self.is_zero():
            return None
        if a.is_zero():
            return self
        m1, m2, e = self._aligned(a)
        return SafeFloat.normalized(max(m1 - m2, 0), e)

    def mul_div(self, a: SafeFloat, b: SafeFloat) -> SafeFloat | None:
        """self × a / b with one truncation."""
        if b.mantissa == 0:
            return None
        exponent = self.exponent + a.exponent
        if not _I64_MIN <= exponent <= _I64_MAX:
            return None
        exponent -= b.exponent
        if not _I64_MIN <= exponent <= _I64_MAX:
            return None
        return SafeFloat.normalized(self.mantissa * a.mantissa // b.mantissa, exponent)

    def to_u64(self) -> int:
        """``From<&SafeFloat> for u64``: truncating, saturating at u64::MAX."""
        if self.exponent == 0:
            return min(self.mantissa, _U64)
        scale = _cappow10(abs(self.exponent))
        q = self.mantissa * scale if self.exponent > 0 else self.mantissa // scale
        return min(q, _U64)


ZERO = SafeFloat(0, 0)


class PoolOps(Protocol):
    """Storage behind one pool (subtensor's ``SharePoolDataOperations``)."""

    def get_shared_value(self) -> int: ...
    def get_share(self, key) -> SafeFloat: ...
    def try_get_share(self, key) -> SafeFloat | None: ...
    def get_denominator(self) -> SafeFloat: ...
    def set_shared_value(self, value: int) -> None: ...
    def set_share(self, key, share: SafeFloat) -> None: ...
    def set_denominator(self, value: SafeFloat) -> None: ...


class SharePool:
    """``SharePool``: value per key from shares, and the two ways the pool changes."""

    def __init__(self, ops: PoolOps) -> None:
        self.ops = ops

    def value_of_shares(self, share: SafeFloat) -> int:
        total = SafeFloat.new(self.ops.get_shared_value(), 0) or ZERO
        return (total.mul_div(share, self.ops.get_denominator()) or ZERO).to_u64()

    def get_value(self, key) -> int:
        return self.value_of_shares(self.ops.get_share(key))

    def try_get_value(self, key) -> int | None:
        share = self.ops.try_get_share(key)
        return None if share is None else self.value_of_shares(share)

    def update_value_for_all(self, update: int) -> None:
        """Change the pool's total: every holder gains or loses pro rata (dividends, slashes)."""
        value = self.ops.get_shared_value()
        self.ops.set_shared_value(min(value + update, _U64) if update >= 0 else max(value + update, 0))

    def _shares_per_update(self, update: int, shared_value: int, denominator: SafeFloat) -> SafeFloat:
        total = SafeFloat.new(shared_value, 0) or ZERO
        return ((SafeFloat.new(abs(update), 0) or ZERO).mul_div(denominator, total)) or ZERO

    def sim_update_value_for_one(self, update: int) -> bool:
        """Whether adding ``update`` would mint a non-zero number of shares."""
        denominator = self.ops.get_denominator()
        if denominator.mantissa == 0:
            return True
        return not self._shares_per_update(update, self.ops.get_shared_value(), denominator).is_zero()

    def update_value_for_one(self, key, update: int) -> None:
        """Add (update > 0) or remove value for one key by minting or burning its shares."""
        shared_value = self.ops.get_shared_value()
        current = self.ops.get_share(key)
        denominator = self.ops.get_denominator()
        if denominator.is_zero():
            first = SafeFloat.new(abs(update), 0) or ZERO
            self.ops.set_denominator(first)
            self.ops.set_share(key, first)
        else:
            per = self._shares_per_update(update, shared_value, denominator)
            if update > 0:
                new_denominator = denominator.add(per) or denominator
                new_current = current.add(per) or current
            else:
                new_denominator = denominator.sub(per) or denominator
                new_current = current.sub(per) or current
            self.ops.set_denominator(new_denominator)
            self.ops.set_share(key, new_current)
        self.update_value_for_all(update)
