"""The weighted (balancer) pool curve of subtensor's Swap pallet (`pallets/swap/src/pallet/balancer.rs`).

Notation follows the chain: x = base reserve (alpha, SubnetAlphaIn), y = quote reserve (TAO,
SubnetTAO), w1 = base weight, w2 = quote weight = the stored Perquintill, w1 + w2 = 1.

    price            p  = (w1·y) / (w2·x)
    buy  (Δy in)     Δx = x · (1 − (y/(y+Δy))^(w2/w1))
    sell (Δx in)     Δy = y · (1 − (x/(x+Δx))^(w1/w2))
    to reach p' > p  Δy = y · ((p'/p)^w1 − 1)
    to reach p' < p  Δx = x · ((p/p')^w2 − 1)

Each formula is evaluated in the same order and with the same types as the chain (U64F64 with
truncation, `pow_ratio_scaled` with 10^18 scale), so the outputs are the chain's to the rao.
"""

from __future__ import annotations

from dataclasses import dataclass

from tensornet.amm.bigmath import pow_ratio_scaled
from tensornet.amm.errors import ReservesOutOfBalance
from tensornet.amm.fixed import (
    PERQUINTILL_ACCURACY,
    U64_MAX,
    U64F64,
    U64F64_ONE,
    U128_MAX,
    fx_div,
    fx_from_int,
    fx_mul,
    fx_to_u64,
    perquintill_from_rational,
    sat_u64,
)

ACCURACY = PERQUINTILL_ACCURACY
MIN_WEIGHT = ACCURACY // 100
HALF_WEIGHT = ACCURACY // 2
EXP_PRECISION = 256
LIMIT_DELTA_PRECISION = 1024


def weights_are_valid(quote_weight: int) -> bool:
    """Both weights must be ≥ 0.01 (the header comment says [0.1, 0.9]; the code constant wins)."""
    base_weight = max(ACCURACY - quote_weight, 0)
    return base_weight >= MIN_WEIGHT and quote_weight >= MIN_WEIGHT


_ONE = U64F64_ONE.bits
#: quote weight -> bits of U64F64 w1/w2 (a pure function of the weight; a pool's weight changes rarely)
_WEIGHT_RATIOS: dict[int, int] = {}


def weight_ratio_bits(quote_weight: int) -> int:
    """``U64F64(w1).safe_div(U64F64(w2))``, remembered per quote weight (every price needs it)."""
    ratio = _WEIGHT_RATIOS.get(quote_weight)
    if ratio is None:
        base_weight = max(ACCURACY - quote_weight, 0)
        ratio = fx_div(fx_from_int(base_weight), fx_from_int(quote_weight))
        if len(_WEIGHT_RATIOS) >= 4096:
            _WEIGHT_RATIOS.clear()
        _WEIGHT_RATIOS[quote_weight] = ratio
    return ratio


def price_bits(quote_weight: int, alpha_reserve: int, tao_reserve: int) -> int:
    """Bits of (w1/w2)·(y/x); the two quotients are truncated separately, as on chain."""
    ratio = _WEIGHT_RATIOS.get(quote_weight)
    if ratio is None:
        ratio = weight_ratio_bits(quote_weight)
    if 0 < alpha_reserve <= U64_MAX and 0 <= tao_reserve <= U64_MAX:
        # u64 reserves: y·2^64 / x·2^64 in U64F64 is (y << 64) // x, and it cannot overflow
        price = (ratio * ((tao_reserve << 64) // alpha_reserve)) >> 64
        return price if price <= U128_MAX else U128_MAX
    return fx_mul(ratio, fx_div(fx_from_int(tao_reserve), fx_from_int(alpha_reserve)))


def exp_scaled_bits(quote_weight: int, reserve: int, delta: int, base_quote: bool) -> int:
    """Bits of (r/(r+Δ))^(w1/w2) if base_quote else ^(w2/w1); Δ may be negative. Capped at 1 for Δ ≥ 0."""
    reserve_plus_delta = sat_u64(reserve + delta)
    if reserve_plus_delta == 0:
        return 0
    if quote_weight == HALF_WEIGHT and reserve >= 0:
        # exponent 1: pow_ratio_scaled's exact path (integer power, first root) is this one division
        result = reserve * ACCURACY // reserve_plus_delta
    else:
        base_weight = max(ACCURACY - quote_weight, 0)
        exp_num, exp_den = (base_weight, quote_weight) if base_quote else (quote_weight, base_weight)
        result = pow_ratio_scaled(reserve, reserve_plus_delta, exp_num, exp_den, EXP_PRECISION, ACCURACY)
    if result is None or not 0 <= result <= U64_MAX:
        return 0
    value = (result << 64) // ACCURACY  # fx_div(fx_from_int(result), 10^18 as U64F64) for 0 ≤ result ≤ u64::MAX
    return value if delta < 0 or value <= _ONE else _ONE


def delta_in_bits(numerator: int, denominator: int, weight: int, reserve: int) -> int:
    """reserve·((numerator/denominator)^(weight/10^18) − 1) with the chain's 1024-bit precision
    (numerator and denominator are U64F64 bits)."""
    result = pow_ratio_scaled(numerator, denominator, weight, ACCURACY, LIMIT_DELTA_PRECISION, ACCURACY)
    if result is None:
        return 0
    factor = fx_from_int(result if result <= U64_MAX else U64_MAX)
    growth = max(fx_div(factor, _ACCURACY_BITS) - _ONE, 0)
    return fx_to_u64(fx_mul(fx_from_int(reserve), growth))


_ACCURACY_BITS = fx_from_int(ACCURACY)


@dataclass(frozen=True)
class Balancer:
    """Pool weights; only the quote (TAO) weight is stored, in Perquintill parts."""

    quote_weight: int = HALF_WEIGHT

    @property
    def base_weight(self) -> int:
        return max(ACCURACY - self.quote_weight, 0)

    def exp_scaled(self, reserve: int, delta: int, base_quote: bool) -> U64F64:
        """(r/(r+Δ))^(w1/w2) if base_quote else ^(w2/w1); Δ may be negative. Capped at 1 for Δ ≥ 0."""
        return U64F64(exp_scaled_bits(self.quote_weight, reserve, delta, base_quote))

    def exp_base_quote(self, alpha_reserve: int, alpha_delta: int) -> U64F64:
        """(x/(x+Δx))^(w1/w2): the factor a sell leaves of the TAO reserve."""
        return self.exp_scaled(alpha_reserve, alpha_delta, True)

    def exp_quote_base(self, tao_reserve: int, tao_delta: int) -> U64F64:
        """(y/(y+Δy))^(w2/w1): the factor a buy leaves of the alpha reserve."""
        return self.exp_scaled(tao_reserve, tao_delta, False)

    def calculate_price(self, alpha_reserve: int, tao_reserve: int) -> U64F64:
        """(w1/w2)·(y/x) as U64F64; the two quotients are truncated separately, as on chain."""
        return U64F64(price_bits(self.quote_weight, alpha_reserve, tao_reserve))

    def with_added_liquidity(
        self, tao_reserve: int, alpha_reserve: int, tao_delta: int, alpha_delta: int
    ) -> Balancer:
        """New weights that keep the price when (Δy, Δx) join the reserves.

        new_w2 = w2·x·(y+Δy) / (w1·y·(x+Δx) + w2·x·(y+Δy)), each product rounded to nearest;
        raises ReservesOutOfBalance if a weight would leave [0.01, 0.99].
        """
        new_tao = tao_reserve + tao_delta
        new_alpha = alpha_reserve + alpha_delta
        quantity_1 = _mul_perquintill_round(self.base_weight, min(tao_reserve * new_alpha, U128_MAX))
        quantity_2 = _mul_perquintill_round(
            self.quote_weight, min(alpha_reserve * new_tao, U128_MAX)
        )
        total = min(quantity_1 + quantity_2, U128_MAX)
        if total != 0:
            new_weight = perquintill_from_rational(quantity_2, total)
        else:
            new_weight = HALF_WEIGHT
        if not weights_are_valid(new_weight):
            raise ReservesOutOfBalance()
        return Balancer(new_weight)

    def calculate_quote_delta_in(self, current_price: U64F64, target_price: U64F64, tao_reserve: int) -> int:
        """TAO that moves the price up to target_price: y·((p'/p)^w1 − 1), floored; 0 if impossible."""
        return delta_in_bits(target_price.bits, current_price.bits, self.base_weight, tao_reserve)

    def calculate_base_delta_in(self, current_price: U64F64, target_price: U64F64, alpha_reserve: int) -> int:
        """Alpha that moves the price down to target_price: x·((p/p')^w2 − 1), floored."""
        return delta_in_bits(current_price.bits, target_price.bits, self.quote_weight, alpha_reserve)

    def get_base_needed_for_quote(self, tao_reserve: int, alpha_reserve: int, tao_delta: int) -> int:
        """Alpha to sell to obtain tao_delta TAO: x·((y/(y−Δy))^(w2/w1) − 1), floored."""
        factor = self.exp_scaled(tao_reserve, -tao_delta, False)
        return U64F64.from_int(alpha_reserve).saturating_mul(factor.saturating_sub(U64F64_ONE)).to_u64()


def _mul_perquintill_round(parts: int, value: int) -> int:
    """value·parts/10^18 rounded half up (U256 on chain, so no overflow before the clamp)."""
    return min((value * parts + ACCURACY // 2) // ACCURACY, U128_MAX)
