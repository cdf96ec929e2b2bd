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

from typing import NamedTuple, Protocol

SAFE_FLOAT_MAX = 10**21
SAFE_FLOAT_MAX_EXP = 21
_MIN_MANTISSA = SAFE_FLOAT_MAX // 10
_U256 = 2**256 - 1
_U64 = 2**64 - 1
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_POW10 = [10**i for i in range(80)]
_tuple_new = tuple.__new__  # builds a SafeFloat from a pair without NamedTuple's argument handling


def _cappow10(e: int) -> int:
    if e > SAFE_FLOAT_MAX_EXP + 1:
        return SAFE_FLOAT_MAX * 10
    return 10**e


# --- the arithmetic on (mantissa, exponent) pairs -------------------------------------------------
# A pool operation chains half a dozen SafeFloat steps; building a frozen SafeFloat for every
# intermediate cost more than the arithmetic, so the steps work on plain (mantissa, exponent)
# tuples (None where the chain's operation returns None) and SafeFloat wraps them.
_Pair = tuple[int, int]
_ZERO_PAIR: _Pair = (0, 0)


def _normalize(mantissa: int, exponent: int) -> _Pair | None:
    """``normalize``: None when the exponent leaves i64.

    The chain divides (multiplies) by 10 one step at a time; floor divisions compose, so the steps
    a digit count proves necessary are taken at once and the loops finish the last one."""
    if mantissa == 0:
        return _ZERO_PAIR
    if mantissa > SAFE_FLOAT_MAX:
        # a lower bound of the digit count: every step below it still leaves mantissa > MAX
        steps = (((mantissa.bit_length() - 1) * 1233) >> 12) - 21
        if steps > 0:
            mantissa //= _POW10[steps] if steps < len(_POW10) else 10**steps
            exponent += steps
        while mantissa > SAFE_FLOAT_MAX:
            mantissa //= 10
            exponent += 1
    if mantissa <= _MIN_MANTISSA:
        # an upper bound of the digit count: every step below it still leaves mantissa ≤ MIN
        steps = 19 - ((mantissa.bit_length() * 1233) >> 12)
        if steps > 0:
            mantissa *= _POW10[steps]
            exponent -= steps
        while mantissa <= _MIN_MANTISSA:
            mantissa *= 10
            exponent -= 1
    if not _I64_MIN <= exponent <= _I64_MAX:
        return None
    return mantissa, exponent


def _new(mantissa: int, exponent: int = 0) -> _Pair | None:
    if mantissa > SAFE_FLOAT_MAX:
        return None
    return _normalize(mantissa, exponent)


def _aligned(a: _Pair, b: _Pair) -> tuple[int, int, int]:
    if a[1] >= b[1]:
        return a[0], b[0] // _cappow10(a[1] - b[1]), a[1]
    return a[0] // _cappow10(b[1] - a[1]), b[0], b[1]


def _add(a: _Pair, b: _Pair) -> _Pair | None:
    if a[0] == 0:
        return b
    if b[0] == 0:
        return a
    m1, m2, e = _aligned(a, b)
    return _normalize(min(m1 + m2, _U256), e)


def _sub(a: _Pair, b: _Pair) -> _Pair | None:
    if a[0] == 0:
        return _ZERO_PAIR if b[0] == 0 else None
    if b[0] == 0:
        return a
    m1, m2, e = _aligned(a, b)
    return _normalize(max(m1 - m2, 0), e)


def _div(a: _Pair, b: _Pair) -> _Pair | None:
    if b[0] == 0:
        return None
    exponent = a[1] - b[1] - SAFE_FLOAT_MAX_EXP
    if not _I64_MIN <= exponent <= _I64_MAX:
        return None
    return _normalize(a[0] * SAFE_FLOAT_MAX // b[0], exponent)


def _mul_div(a: _Pair, b: _Pair, c: _Pair) -> _Pair | None:
    """a × b / c with one truncation."""
    if c[0] == 0:
        return None
    exponent = a[1] + b[1]
    if not _I64_MIN <= exponent <= _I64_MAX:
        return None
    exponent -= c[1]
    if not _I64_MIN <= exponent <= _I64_MAX:
        return None
    return _normalize(a[0] * b[0] // c[0], exponent)


def _to_u64(a: _Pair) -> int:
    """``From<&SafeFloat> for u64``: truncating, saturating at u64::MAX."""
    mantissa, exponent = a
    if exponent == 0:
        return min(mantissa, _U64)
    scale = _cappow10(abs(exponent))
    q = mantissa * scale if exponent > 0 else mantissa // scale
    return min(q, _U64)


class SafeFloat(NamedTuple):
    """mantissa × 10^exponent; ``{"mantissa", "exponent"}`` in storage (types.SafeFloat).

    A named (mantissa, exponent) pair: immutable, compared by value, and its own ``pair`` (a
    staking call builds a dozen of them; a frozen dataclass cost more than the arithmetic)."""

    mantissa: int = 0
    exponent: int = 0

    # --- construction -------------------------------------------------------------------------
    @staticmethod
    def _of(pair: _Pair | None) -> SafeFloat | None:
        if pair is None:
            return None
        return ZERO if pair[0] == 0 else _tuple_new(SafeFloat, pair)

    @property
    def pair(self) -> _Pair:
        return self

    @staticmethod
    def normalized(mantissa: int, exponent: int) -> SafeFloat | None:
        """``normalize``: None when the exponent leaves i64."""
        return SafeFloat._of(_normalize(mantissa, exponent))

    @staticmethod
    def new(mantissa: int, exponent: int = 0) -> SafeFloat | None:
        return SafeFloat._of(_new(mantissa, exponent))

    @staticmethod
    def from_u64(value: int) -> SafeFloat:
        return SafeFloat.new(value, 0) or ZERO

    @staticmethod
    def from_u64f64(bits: int) -> SafeFloat:
        """``From<U64F64>``: integer part plus (fraction / 2^64), both through SafeFloat."""
        if bits == 0:
            return ZERO
        safe_int = _new(bits >> 64, 0) or _ZERO_PAIR
        safe_frac = _div(_new(bits & _U64, 0) or _ZERO_PAIR, _new(1 << 64, 0) or _ZERO_PAIR) or _ZERO_PAIR
        return SafeFloat._of(_add(safe_int, safe_frac)) or ZERO

    @staticmethod
    def from_value(value) -> SafeFloat:
        """From the storage dict ``{"mantissa", "exponent"}``."""
        return _tuple_new(SafeFloat, (value["mantissa"], value["exponent"]))

    def to_value(self) -> dict:
        return {"mantissa": self.mantissa, "exponent": self.exponent}

    # --- arithmetic ---------------------------------------------------------------------------
    def is_zero(self) -> bool:
        return self.mantissa == 0

    def div(self, a: SafeFloat) -> SafeFloat | None:
        return SafeFloat._of(_div(self.pair, a.pair))

    def add(self, a: SafeFloat) -> SafeFloat | None:
        if self.mantissa == 0:
            return a
        if a.mantissa == 0:
            return self
        return SafeFloat._of(_add(self.pair, a.pair))

    def sub(self, a: SafeFloat) -> SafeFloat | None:
        if self.mantissa != 0 and a.mantissa == 0:
            return self
        return SafeFloat._of(_sub(self.pair, a.pair))

    def mul_div(self, a: SafeFloat, b: SafeFloat) -> SafeFloat | None:
        """self × a / b with one truncation."""
        return SafeFloat._of(_mul_div(self.pair, a.pair, b.pair))

    def to_u64(self) -> int:
        """``From<&SafeFloat> for u64``: truncating, saturating at u64::MAX."""
        return _to_u64(self.pair)


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
    """``SharePool``: value per key from shares, and the two ways the pool changes.

    A staking call asks the same question twice (the stake, then again before burning it; the
    shares a deposit mints, in validation, before the trade and when minting): the last value and
    the last mint are remembered with every input they depend on, so a repeat is a comparison and a
    changed pool is never answered from the memo."""

    def __init__(self, ops: PoolOps) -> None:
        self.ops = ops
        self._last_value: tuple | None = None  # ((share, shared value, denominator), value)
        self._last_shares: tuple | None = None  # ((update, shared value, denominator), shares)

    def value_of_shares(self, share: SafeFloat) -> int:
        shared_value = self.ops.get_shared_value()
        arguments = (share.pair, shared_value, self.ops.get_denominator().pair)
        last = self._last_value
        if last is not None and last[0] == arguments:
            return last[1]
        total = _new(shared_value, 0) or _ZERO_PAIR
        value = _to_u64(_mul_div(total, arguments[0], arguments[2]) or _ZERO_PAIR)
        self._last_value = (arguments, value)
        return value

    def get_value(self, key) -> int:
        return self.value_of_shares(self.ops.get_share(key))

    def try_get_value(self, key) -> int | None:
        share = self.ops.try_get_share(key)
        return None if share is None else self.value_of_shares(share)

    def update_value_for_all(self, update: int) -> None:
        """Change the pool's total: every holder gains or loses pro rata (dividends, slashes)."""
        value = self.ops.get_shared_value()
        self.ops.set_shared_value(min(value + update, _U64) if update >= 0 else max(value + update, 0))

    def _shares_per_update(self, update: int, shared_value: int, denominator: _Pair) -> _Pair:
        arguments = (update, shared_value, denominator)
        last = self._last_shares
        if last is not None and last[0] == arguments:
            return last[1]
        total = _new(shared_value, 0) or _ZERO_PAIR
        shares = _mul_div(_new(abs(update), 0) or _ZERO_PAIR, denominator, total) or _ZERO_PAIR
        self._last_shares = (arguments, shares)
        return shares

    def sim_update_value_for_one(self, update: int) -> bool:
        """Whether adding ``update`` would mint a non-zero number of shares."""
        denominator = self.ops.get_denominator()
        if denominator.mantissa == 0:
            return True
        return self._shares_per_update(update, self.ops.get_shared_value(), denominator.pair)[0] != 0

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
            per = self._shares_per_update(update, shared_value, denominator.pair)
            step = _add if update > 0 else _sub
            new_denominator = SafeFloat._of(step(denominator.pair, per)) or denominator
            new_current = SafeFloat._of(step(current.pair, per)) or current
            self.ops.set_denominator(new_denominator)
            self.ops.set_share(key, new_current)
        self.update_value_for_all(update)
