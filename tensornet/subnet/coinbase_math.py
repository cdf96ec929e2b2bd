"""Pure emission maths of the block step, in the chain's fixed-point arithmetic (raw Python ints).

subtensor does this in `substrate_fixed` types: U96F32/I96F32 (32 fractional bits), U64F64/I64F64
(64 fractional bits). A value is held here as its raw bit pattern; products and quotients truncate
(floor for the non-negative values that occur here) and conversions to u64 floor, because that is
what ``saturating_mul``/``checked_div``/``saturating_to_num::<u64>`` do. Nothing here touches
storage: the coinbase part class reads storage, calls these and writes the results back.

Sources: ``coinbase/block_emission.rs``, ``coinbase/run_coinbase.rs`` (``get_subnet_terms``,
``emit_to_subnets``), ``coinbase/subnet_emissions.rs``, ``coinbase/block_step.rs``
(``root_proportion``), ``staking/stake_utils.rs`` (``update_moving_price``, ``get_tao_weight``),
``utils/misc.rs`` (``decay_factor_q32``), ``subnets/registration.rs`` (burn decay and bump).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

U16_MAX = 0xFFFF
U64_MAX = (1 << 64) - 1
F32 = 32  # fractional bits of U96F32 / I96F32
F64 = 64  # fractional bits of U64F64 / I64F64
ONE32 = 1 << F32
ONE64 = 1 << F64
U96F32_MAX = (1 << 128) - 1
TOTAL_SUPPLY = 21_000_000_000_000_000
DEFAULT_BLOCK_EMISSION = 1_000_000_000


def sat_u64(x: int) -> int:
    return 0 if x < 0 else min(x, U64_MAX)


def to_u64_32(bits: int) -> int:
    """``U96F32::saturating_to_num::<u64>()``."""
    return sat_u64(bits >> F32)


def div32(a: int, b: int) -> int:
    """``U96F32::checked_div(..).unwrap_or(0)`` on raw bits."""
    return 0 if b == 0 else min((a << F32) // b, U96F32_MAX)


def mul32(a: int, b: int) -> int:
    return min((a * b) >> F32, U96F32_MAX)


def div64(a: int, b: int) -> int:
    return 0 if b == 0 else (a << F64) // b


def mul64(a: int, b: int) -> int:
    return (a * b) >> F64


# ---------------------------------------------------------------------------------------------
# block emission with halvings
# ---------------------------------------------------------------------------------------------

def block_emission_for_issuance(issuance: int, default: int = DEFAULT_BLOCK_EMISSION,
                                total_supply: int = TOTAL_SUPPLY) -> int:
    """Rao minted per block at ``issuance``: ``default / 2^k``, k = floor(log2(1/(1 − I/21e15))).

    Same I96F32 steps as ``get_block_emission_for_issuance`` (the quotient I/21e15 is truncated to
    32 fractional bits first, so the halving happens at exactly the block the chain sees it).
    """
    if issuance >= total_supply:
        return 0
    ratio = ((issuance << F32) << F32) // ((2 * 10_500_000_000_000_000) << F32)
    remaining = ONE32 - ratio
    if remaining <= 0:
        return 0
    inverse = (ONE32 << F32) // remaining
    k = max(inverse.bit_length() - 1 - F32, 0)
    if k > 32:  # 1/2^k underflows U96F32's 32 fractional bits
        return 0
    percentage = (ONE32 << F32) // (ONE32 << k)
    return to_u64_32(percentage * default)


# ---------------------------------------------------------------------------------------------
# registration price
# ---------------------------------------------------------------------------------------------

def mul_by_q32(value: int, factor_q32: int) -> int:
    return min((value * factor_q32) >> 32, U64_MAX)


def pow_q32(base_q32: int, exp: int) -> int:
    result, factor, power = 1 << 32, base_q32, exp
    while power > 0:
        if power & 1:
            result = mul_by_q32(result, factor)
        power >>= 1
        if power > 0:
            factor = mul_by_q32(factor, factor)
    return result


_DECAY_CACHE: dict[int, int] = {}


def decay_factor_q32(half_life: int) -> int:
    """Largest Q32 factor f with f^half_life ≤ 0.5 (binary search, as ``decay_factor_q32``)."""
    if half_life == 0:
        return 1 << 32
    cached = _DECAY_CACHE.get(half_life)
    if cached is not None:
        return cached
    lo, hi, half = 0, 1 << 32, 1 << 31
    while lo + 1 < hi:
        mid = lo + ((hi - lo) >> 1)
        if pow_q32(mid, half_life) > half:
            hi = mid
        else:
            lo = mid
    _DECAY_CACHE[half_life] = lo
    return lo


def decayed_burn(burn: int, half_life: int, min_burn: int, max_burn: int, block: int) -> int:
    """Burn after one block of decay (no decay at block ≤ 1), clamped to [MinBurn, MaxBurn]."""
    new = burn
    if half_life > 0 and block > 1:
        new = mul_by_q32(burn, decay_factor_q32(half_life))
    return min(max(new, min_burn), max_burn)


def bumped_burn(burn: int, mult_u64f64: int, min_burn: int, max_burn: int) -> int:
    """Burn × BurnIncreaseMult (at least 1.0) after a registration, clamped."""
    mult = max(mult_u64f64, ONE64)
    new = sat_u64((burn * mult) >> F64)
    return min(max(new, min_burn), max_burn)


# ---------------------------------------------------------------------------------------------
# subnet shares and injection terms
# ---------------------------------------------------------------------------------------------

def tao_weight_u96f32(tao_weight_u64: int) -> int:
    """``get_tao_weight``: TaoWeight / u64::MAX as U96F32 bits."""
    return div32(tao_weight_u64 << F32, U64_MAX << F32)


def root_proportion(root_tao: int, alpha_issuance: int, tao_weight32: int) -> int:
    """U96F32 bits of tao_weight·root_tao / (tao_weight·root_tao + alpha_issuance)."""
    weighted = mul32(root_tao << F32, tao_weight32)
    return div32(weighted, weighted + (alpha_issuance << F32))


def emission_shares(moving_prices64: Mapping[int, int], miner_burned32: Mapping[int, int],
                    emission_enabled: Mapping[int, bool]) -> dict[int, int]:
    """U64F64 share per subnet: EMA price share × (1 − MinerBurned), renormalised, then
    subnets with SubnetEmissionEnabled = false zeroed and the rest renormalised again."""
    total = sum(moving_prices64.values())
    price_shares = {n: div64(p, total) if total else 0 for n, p in moving_prices64.items()}
    weighted = {}
    for n, s in price_shares.items():
        burned = min(miner_burned32.get(n, 0) << (F64 - F32), ONE64)
        weighted[n] = mul64(s, ONE64 - burned)
    wsum = sum(weighted.values())
    shares = {n: div64(w, wsum) for n, w in weighted.items()} if wsum else price_shares
    if all(emission_enabled.get(n, True) for n in shares):
        return shares
    enabled_sum = sum(s for n, s in shares.items() if emission_enabled.get(n, True))
    return {n: (div64(s, enabled_sum) if emission_enabled.get(n, True) and enabled_sum else 0)
            for n, s in shares.items()}


def subnet_block_emissions(shares64: Mapping[int, int], block_emission: int) -> dict[int, int]:
    """U96F32 bits of each subnet's TAO emission (U64F64 product converted to U96F32)."""
    return {n: mul64(block_emission << F64, s) >> (F64 - F32) for n, s in shares64.items()}


class SubnetTerms(NamedTuple):
    """One subnet's injection for one block (U96F32 bits; callers floor to rao). A NamedTuple:
    built for every subnet every block, and cheaper to build than a frozen dataclass."""

    tao_in: int
    alpha_in: int
    alpha_out: int
    excess_tao: int


def subnet_terms(tao_emission32: int, price32: int, alpha_emission: int,
                 root_prop32: int) -> SubnetTerms:
    """``get_subnet_terms`` for one subnet: alpha_in = tao/price capped at root_prop × alpha
    emission (then tao_in = alpha_in × price); the rest of the TAO is the chain buy."""
    alpha_out = alpha_emission << F32
    tao_in = tao_emission32
    alpha_in = div32(tao_emission32, price32)
    cap = mul32(root_prop32, alpha_out)
    if alpha_in > cap:
        alpha_in = cap
        tao_in = mul32(alpha_in, price32)
    excess = max(tao_emission32 - tao_in, 0)
    return SubnetTerms(tao_in, alpha_in, alpha_out, excess)


class AlphaOutSplit(NamedTuple):
    """Where one block's alpha_out goes (rao, each floored as the chain's ``tou64!``); a
    NamedTuple as SubnetTerms."""

    owner_cut: int
    server: int
    validator: int
    root: int


def split_alpha_out(alpha_out32: int, owner_cut_u16: int, owner_cut_enabled: bool,
                    root_prop32: int) -> AlphaOutSplit:
    """``emit_to_subnets``: owner cut first, then miners ½, validators ½ minus the root part."""
    cut = 0
    a = alpha_out32
    if owner_cut_enabled:
        cut_percent = div32(owner_cut_u16 << F32, U16_MAX << F32)
        cut = mul32(a, cut_percent)
        a = a - cut
    half = ONE32 >> 1
    root_alpha = mul32(mul32(root_prop32, a), half)
    server = mul32(a, half)
    validator = max(a - server - root_alpha, 0)
    return AlphaOutSplit(to_u64_32(cut), to_u64_32(server), to_u64_32(validator), to_u64_32(root_alpha))


def next_moving_price(moving_i96: int, spot_price64: int, moving_alpha_i96: int,
                      blocks_since_start: int, halving_blocks: int) -> int:
    """``update_moving_price``: α = SubnetMovingAlpha × b/(b+h); ema ← α·min(spot,1) + (1−α)·ema.

    Inputs/outputs: the stored I96F32 bits for the EMA and alpha, spot as U64F64 bits.
    """
    moving64 = max(moving_i96, 0) << (F64 - F32)
    ma64 = max(moving_alpha_i96, 0) << (F64 - F32)
    b = blocks_since_start << F64
    alpha = mul64(ma64, div64(b, b + (halving_blocks << F64)))
    one_minus = ONE64 - alpha
    current = mul64(alpha, min(spot_price64, ONE64))
    new64 = current + mul64(one_minus, moving64)
    return new64 >> (F64 - F32)


def proportion_u16(value: int, total: int) -> int:
    return 0 if total == 0 else value * U16_MAX // total
