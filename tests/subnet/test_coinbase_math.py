"""Emission, halving, registration-price and split maths of the block step (pure)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tensornet.subnet import coinbase_math as cm

TAO = 10**9


def test_halving_schedule_by_issuance():
    assert cm.block_emission_for_issuance(0) == TAO
    assert cm.block_emission_for_issuance(10_500_000 * TAO - 1) == TAO
    assert cm.block_emission_for_issuance(10_500_000 * TAO) == TAO // 2
    assert cm.block_emission_for_issuance(15_750_000 * TAO) == TAO // 4
    assert cm.block_emission_for_issuance(18_375_000 * TAO) == TAO // 8
    assert cm.block_emission_for_issuance(21_000_000 * TAO) == 0
    assert cm.block_emission_for_issuance(22_000_000 * TAO) == 0


@given(st.integers(0, 21_000_000 * TAO))
def test_emission_is_a_power_of_two_fraction_and_monotone(i):
    e = cm.block_emission_for_issuance(i)
    assert e == 0 or any(e == TAO >> k for k in range(40))
    assert cm.block_emission_for_issuance(min(i + 10**15, 21_000_000 * TAO)) <= e


def test_decay_factor_is_the_largest_below_half():
    f = cm.decay_factor_q32(360)
    assert cm.pow_q32(f, 360) <= 1 << 31 < cm.pow_q32(f + 1, 360)
    assert abs(f / 2**32 - 0.5 ** (1 / 360)) < 1e-6
    assert cm.decay_factor_q32(0) == 1 << 32


def test_burn_decay_and_bump_clamped():
    assert cm.decayed_burn(TAO, 360, 500_000, 100 * TAO, block=1) == TAO  # no decay at block ≤ 1
    d = cm.decayed_burn(TAO, 360, 500_000, 100 * TAO, block=2)
    assert d == (TAO * cm.decay_factor_q32(360)) >> 32
    assert cm.decayed_burn(500_001, 360, 500_000, 100 * TAO, block=5) == 500_000
    mult = int(1.26 * 2**64)
    assert cm.bumped_burn(TAO, mult, 500_000, 100 * TAO) == (TAO * mult) >> 64
    assert cm.bumped_burn(99 * TAO, mult, 500_000, 100 * TAO) == 100 * TAO
    assert cm.bumped_burn(TAO, 2**63, 500_000, 100 * TAO) == TAO  # multiplier at least 1.0


def test_split_alpha_out_by_hand():
    alpha_out = TAO << 32
    s = cm.split_alpha_out(alpha_out, 11_796, True, root_prop32=0)
    cut = TAO * 11_796 // 65_535
    assert abs(s.owner_cut - cut) <= 1
    rest = TAO - s.owner_cut
    assert abs(s.server - rest // 2) <= 1 and abs(s.validator - rest // 2) <= 1 and s.root == 0
    half_root = cm.split_alpha_out(alpha_out, 0, False, root_prop32=1 << 31)  # root prop 0.5
    assert half_root.owner_cut == 0
    assert half_root.server == TAO // 2
    assert half_root.root == TAO // 4 and half_root.validator == TAO // 4
    assert sum([s.owner_cut, s.server, s.validator, s.root]) <= TAO


def test_shares_by_price_miner_burn_and_enabled_flag():
    one = 1 << 64
    shares = cm.emission_shares({2: one // 2, 3: one // 2}, {}, {2: True, 3: True})
    assert shares == {2: one // 2, 3: one // 2}
    burned = cm.emission_shares({2: one // 2, 3: one // 2}, {2: 1 << 32}, {2: True, 3: True})
    assert burned[2] == 0 and burned[3] == one
    disabled = cm.emission_shares({2: one // 4, 3: one // 4}, {}, {2: False, 3: True})
    assert disabled[2] == 0 and disabled[3] == one
    em = cm.subnet_block_emissions(shares, TAO)
    assert cm.to_u64_32(em[2]) == TAO // 2


def test_subnet_terms_cap_and_chain_buy():
    price = 1 << 31  # 0.5 TAO per alpha
    # no root stake: cap 0, everything is a chain buy
    t = cm.subnet_terms(TAO << 32, price, TAO, root_prop32=0)
    assert t.alpha_in == 0 and t.tao_in == 0 and t.excess_tao == TAO << 32
    # full root proportion: alpha_in = tao/price, capped at alpha emission
    t = cm.subnet_terms((TAO // 4) << 32, price, TAO, root_prop32=1 << 32)
    assert cm.to_u64_32(t.alpha_in) == TAO // 2 and t.excess_tao == 0
    t = cm.subnet_terms(TAO << 32, price, TAO, root_prop32=1 << 32)
    assert cm.to_u64_32(t.alpha_in) == TAO and cm.to_u64_32(t.tao_in) == TAO // 2
    assert cm.to_u64_32(t.excess_tao) == TAO // 2


def test_root_proportion_and_tao_weight():
    tw = cm.tao_weight_u96f32(971_718_665_099_567_868)
    assert abs(tw / 2**32 - 0.052677) < 1e-6
    rp = cm.root_proportion(1000 * TAO, 0, tw)
    assert rp == 1 << 32
    assert cm.root_proportion(0, 10 * TAO, tw) == 0


def test_moving_price_clamped_at_one():
    alpha = int(0.000003 * 2**32)
    ema = cm.next_moving_price(0, 5 << 64, alpha, blocks_since_start=201_600, halving_blocks=201_600)
    # alpha × ½ × min(5, 1)
    assert abs(ema / 2**32 - 0.0000015) < 1e-9
    assert cm.next_moving_price(1 << 32, 1 << 64, alpha, 10, 201_600) <= 1 << 32


def test_with_reserves_equals_replace() -> None:
    """``with_reserves`` (trades, the block step) builds the PoolState from its fields' tuple: it must
    equal ``_replace`` (and fails here if PoolState gains a field it does not keep in place)."""
    from tensornet.amm.pool import PoolState, with_reserves

    assert PoolState._fields == ("tao_reserve", "alpha_reserve", "quote_weight", "fee_rate", "initialized",
                                 "mechanism")
    pool = PoolState(5, 6, 123_456_789, 77, True, 0)
    assert with_reserves(pool, 8, 9) == pool._replace(tao_reserve=8, alpha_reserve=9)
    assert type(with_reserves(pool, 8, 9)) is PoolState
