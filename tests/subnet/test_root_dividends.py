"""Root stakers' alpha dividends: the root part of a validator's dividend, its take, RootClaimable
per unit of root stake, and claim_root (Keep) paying each root nominator its share."""
from __future__ import annotations

from fractions import Fraction

from incentive_net import TAO, Net, key


def test_root_alpha_dividends_accrue_and_are_claimed():
    net = Net(fund={"alice_hk": TAO, "o2_hk": TAO, "rv_hk": TAO, "v_hk": TAO, "m_hk": TAO})
    try:
        a = net.subnet()
        net.subnet(owner_hotkey="o2_hk")
        # EMA prices jump to the (clamped) spot price so that Σ EMA > 1 turns root selling on
        net.sudo("AdminUtils", "sudo_set_subnet_moving_alpha", {"alpha": 1 << 32})
        for netuid in (a, a + 1):
            net.sudo("AdminUtils", "sudo_set_ema_price_halving_period", {"netuid": netuid, "ema_halving": 0})
        net.ok("Bob", "SubtensorModule", "root_register", {"hotkey": key("rv_hk").public})
        net.add_stake("Bob", "rv_hk", 0, 1_000 * TAO)
        net.add_stake("Ferdie", "rv_hk", 0, 500 * TAO)
        rv = net.register("Bob", "rv_hk", a)
        v = net.register("Charlie", "v_hk", a)
        m = net.register("Dave", "m_hk", a)
        net.add_stake("Charlie", "v_hk", a, 50 * TAO)
        net.seal(net.sm("Tempo", a) + 1)
        assert net.sm("ValidatorPermit", a)[rv] and net.sm("ValidatorPermit", a)[v]
        assert net.set_weights("rv_hk", a, [m], [1]).success and net.set_weights("v_hk", a, [m], [1]).success
        assert net.sm("SubnetMovingPrice", a) > 0
        # run until an epoch has paid root dividends
        for _ in range(3 * net.sm("Tempo", a)):
            net.seal(1)
            if net.sm("RootAlphaDividendsPerSubnet", a, key("rv_hk").public):
                break
        root_divs = net.sm("RootAlphaDividendsPerSubnet", a, key("rv_hk").public)
        assert root_divs > 0
        rate = dict(net.sm("RootClaimable", key("rv_hk").public))[a]  # I96F32 per unit of root stake
        root_stake = net.sm("TotalHotkeyAlpha", key("rv_hk").public, 0)
        # the rate is an I96F32 (32 fractional bits): exact up to stake / 2^32
        assert abs(Fraction(rate, 2**32) * root_stake - root_divs) <= root_stake / 2**32 + 2
        # Ferdie keeps its claim as alpha on the subnet
        net.ok("Ferdie", "SubtensorModule", "set_root_claim_type", {"new_root_claim_type": "Keep"})
        ferdie_root = net.stake("rv_hk", "Ferdie", 0)
        before = net.stake("rv_hk", "Ferdie", a)
        rate = dict(net.sm("RootClaimable", key("rv_hk").public))[a]
        net.ok("Ferdie", "SubtensorModule", "claim_root", {"subnets": [a]})
        owed = (rate * ferdie_root) >> 32
        assert owed > 0
        assert abs(net.stake("rv_hk", "Ferdie", a) - before - owed) <= 2
        assert net.sm("RootClaimed", a, key("rv_hk").public, key("Ferdie").public) == owed
        # claiming again right away pays nothing more
        net.ok("Ferdie", "SubtensorModule", "claim_root", {"subnets": [a]})
        assert net.sm("RootClaimed", a, key("rv_hk").public, key("Ferdie").public) == owed
        # Bob (default claim type Swap) gets his share sold fee-free and staked on root
        bob_root = net.stake("rv_hk", "Bob", 0)
        claimed_before = net.sm("RootClaimed", a, key("rv_hk").public, key("Bob").public)
        net.ok("Bob", "SubtensorModule", "claim_root", {"subnets": [a]})
        owed_bob = net.sm("RootClaimed", a, key("rv_hk").public, key("Bob").public) - claimed_before
        alpha_in, tao = net.sm("SubnetAlphaIn", a), net.sm("SubnetTAO", a)
        gained = net.stake("rv_hk", "Bob", 0) - bob_root
        # sold at the pool's price without a fee: TAO ≈ owed × price (the curve gives slightly less)
        assert owed_bob > 0 and owed_bob * tao // alpha_in * 0.99 < gained <= owed_bob * tao // alpha_in + 1
        assert net.sm("SubnetRootSellTao", a) == gained
    finally:
        net.close()
