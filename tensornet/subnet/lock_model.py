"""Stake-lock maths of subtensor's ``staking/lock.rs``: exponentially decaying locked mass and the
conviction it matures into, rolled forward block by block, in the chain's fixed point.

Pure functions and a small model object; no storage. A lock is a dict as ``LockState`` decodes:
``locked_mass`` (alpha, u64), ``conviction`` (U64F64 raw bits) and ``last_update`` (block). The
maths follows substrate-fixed exactly: I64F64 ``exp`` (a Taylor series), truncating divisions,
flooring multiplications, saturating adds and subtracts (see consensus/fixed.py for the rules).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tensornet.consensus.fixed import exp_bits, trunc_div

FRAC = 64
ONE = 1 << FRAC
U128_MAX = (1 << 128) - 1
I128_MIN, I128_MAX = -(1 << 127), (1 << 127) - 1
U64_MAX = (1 << 64) - 1
#: a lock with less than this much mass and conviction counts as gone
LOCK_STATE_ZERO_THRESHOLD = 100
#: blocks a subnet must exist before conviction can change its owner
ONE_YEAR = 7200 * 365 + 1800


def empty_lock(now: int) -> dict:
    return {"locked_mass": 0, "conviction": 0, "last_update": now}


def is_zero(lock: dict) -> bool:
    return lock["locked_mass"] < LOCK_STATE_ZERO_THRESHOLD and lock["conviction"] < LOCK_STATE_ZERO_THRESHOLD << FRAC


def is_empty(lock: dict) -> bool:
    """Neither mass nor conviction (the aggregates are stored unless both are zero)."""
    return lock["locked_mass"] == 0 and lock["conviction"] == 0


# --- fixed point -------------------------------------------------------------------------------
def _i_checked_div(a: int, b: int) -> int | None:
    if b == 0:
        return None
    q = trunc_div(a << FRAC, b)
    return q if I128_MIN <= q <= I128_MAX else None


def _i_sat(x: int) -> int:
    return I128_MAX if x > I128_MAX else (I128_MIN if x < I128_MIN else x)


def u_mul(a: int, b: int) -> int:
    """U64F64 ``saturating_mul`` (floor)."""
    return min((a * b) >> FRAC, U128_MAX)


def u_div(a: int, b: int) -> int:
    """U64F64 ``safe_div``: truncating, 0 for a zero divisor or an overflowing quotient."""
    if b == 0:
        return 0
    q = (a << FRAC) // b
    return 0 if q > U128_MAX else q


def u_add(a: int, b: int) -> int:
    return min(a + b, U128_MAX)


def u_sub(a: int, b: int) -> int:
    return max(a - b, 0)


def exp_decay(dt: int, tau: int) -> int:
    """``exp(−dt/τ)`` as U64F64 bits, the exponent clamped at −40; 1 for dt = 0, 0 for τ = 0."""
    if dt == 0:
        return ONE
    if tau == 0:
        return 0
    min_ratio = -40 << FRAC
    ratio = _i_checked_div(_i_sat(-dt << FRAC), tau << FRAC)
    ratio = min_ratio if ratio is None else max(ratio, min_ratio)
    decay = exp_bits(ratio, FRAC, 128)  # I64F64
    return 0 if decay is None or decay < 0 else decay


def decayed(locked_mass: int, conviction: int, dt: int, unlock_rate: int, maturity_rate: int,
            perpetual: bool) -> tuple[int, int]:
    """``calculate_decayed_mass_and_conviction``: (mass, conviction bits) ``dt`` blocks later."""
    unlock_decay, maturity_decay = exp_decay(dt, unlock_rate), exp_decay(dt, maturity_rate)
    mass_fixed = min(locked_mass << FRAC, U128_MAX)
    new_mass = locked_mass if perpetual else min(u_mul(unlock_decay, mass_fixed) >> FRAC, U64_MAX)
    from_existing = u_mul(maturity_decay, conviction)
    if perpetual:
        from_mass = u_mul(mass_fixed, u_sub(ONE, maturity_decay))
    elif unlock_rate == maturity_rate:
        from_mass = u_mul(mass_fixed, u_mul(u_div(dt << FRAC, maturity_rate << FRAC), maturity_decay))
    elif unlock_rate == 0 or maturity_rate == 0:
        from_mass = 0
    else:
        tau_delta = (unlock_rate - maturity_rate) << FRAC
        decay_delta = _i_sat(unlock_decay - maturity_decay)
        product = _i_sat(((unlock_rate << FRAC) * decay_delta) >> FRAC)  # I64F64 saturating_mul
        gamma = _i_checked_div(product, tau_delta)
        gamma = 0 if gamma is None else gamma
        from_mass = 0 if gamma <= 0 else u_mul(mass_fixed, gamma)
    return new_mass, u_add(from_existing, from_mass)


def roll_forward(lock: dict, now: int, unlock_rate: int, maturity_rate: int, owner_lock: bool,
                 perpetual: bool) -> tuple[dict, int, int]:
    """``roll_forward_lock``: the lock as of ``now`` and what it lost (mass, conviction bits).

    An owner lock's conviction is its mass; a lock below the zero threshold is cleared."""
    previous_mass, previous_conviction = lock["locked_mass"], lock["conviction"]
    if now > lock["last_update"]:
        mass, conviction = decayed(previous_mass, previous_conviction, now - lock["last_update"], unlock_rate,
                                   maturity_rate, perpetual)
        rolled = {"locked_mass": mass, "conviction": conviction, "last_update": now}
    else:
        rolled = dict(lock)
    if owner_lock:
        rolled["conviction"] = min(rolled["locked_mass"] << FRAC, U128_MAX)
    if is_zero(rolled):
        rolled["locked_mass"], rolled["conviction"] = 0, 0
    return rolled, u_sub(previous_mass, rolled["locked_mass"]), u_sub(previous_conviction, rolled["conviction"])


def merged(a: dict, b: dict) -> dict:
    return {"locked_mass": min(a["locked_mass"] + b["locked_mass"], U64_MAX),
            "conviction": u_add(a["conviction"], b["conviction"]),
            "last_update": max(a["last_update"], b["last_update"])}


def reduced(lock: dict, mass: int, conviction: int) -> dict:
    return {"locked_mass": u_sub(lock["locked_mass"], mass), "conviction": u_sub(lock["conviction"], conviction),
            "last_update": lock["last_update"]}


#: the four aggregate buckets, by (owner lock, perpetual lock)
BUCKETS = {(False, True): "perpetual_general", (False, False): "decaying_general",
           (True, True): "perpetual_owner", (True, False): "decaying_owner"}


@dataclass
class ConvictionModel:
    """One coldkey's lock on a subnet and the aggregate buckets it feeds (``ConvictionModel``); each
    part remembers whether it changed, so only those are written back."""

    owner_lock: bool
    perpetual: bool
    individual: dict
    aggregates: dict[str, dict]
    dirty: set[str] = field(default_factory=set)

    @property
    def bucket(self) -> str:
        return BUCKETS[(self.owner_lock, self.perpetual)]

    @property
    def aggregate(self) -> dict:
        return self.aggregates[self.bucket]

    def _set_aggregate(self, lock: dict) -> None:
        self.aggregates[self.bucket] = lock
        self.dirty.add(self.bucket)

    def set_individual(self, lock: dict) -> None:
        self.individual = lock
        self.dirty.add("individual")

    def set_rolled_individual(self, lock: dict, now: int, unlock_rate: int, maturity_rate: int) -> None:
        self.set_individual(roll_forward(lock, now, unlock_rate, maturity_rate, self.owner_lock, self.perpetual)[0])

    def roll_forward(self, now: int, unlock_rate: int, maturity_rate: int) -> None:
        rolled, mass_delta, conviction_delta = roll_forward(self.individual, now, unlock_rate, maturity_rate,
                                                            self.owner_lock, self.perpetual)
        self.set_individual(rolled)
        if mass_delta or conviction_delta:
            lock = reduced(self.aggregate, mass_delta, conviction_delta)
            lock["last_update"] = now
            self._set_aggregate(lock)
        else:
            self.roll_forward_aggregate(now, unlock_rate, maturity_rate)

    def roll_forward_aggregate(self, now: int, unlock_rate: int, maturity_rate: int) -> None:
        self._set_aggregate(roll_forward(self.aggregate, now, unlock_rate, maturity_rate, self.owner_lock,
                                         self.perpetual)[0])

    def add_to_aggregate(self, added: dict) -> None:
        self._set_aggregate(merged(self.aggregate, added))

    def reduce_aggregate(self, mass: int, conviction: int) -> None:
        self._set_aggregate(reduced(self.aggregate, mass, conviction))

    def force_reduce_individual(self, amount: int, now: int) -> None:
        """Take ``amount`` of mass off the lock and the same share of its conviction."""
        lock = self.individual
        new_mass = u_sub(lock["locked_mass"], amount)
        mass_diff = lock["locked_mass"] - new_mass
        if new_mass == 0:
            self.set_individual(empty_lock(now))
            conviction_diff = lock["conviction"]
        else:
            removed = u_div(amount << FRAC, lock["locked_mass"] << FRAC)
            new_conviction = u_mul(lock["conviction"], u_sub(ONE, removed))
            self.set_individual({"locked_mass": new_mass, "conviction": new_conviction, "last_update": now})
            conviction_diff = u_sub(lock["conviction"], new_conviction)
        self.reduce_aggregate(mass_diff, conviction_diff)
