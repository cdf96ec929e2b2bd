"""Staking extrinsics on a node: expected balances, shares, reserves and events worked out by hand.

Pools start at SubnetTAO = SubnetAlphaIn = 1,000 TAO (the lock at the median price 1.0), fee rate
33/65535, weights 0.5 — so a buy of net Δy pays ⌊x·Δy/(y+Δy)⌋ alpha and a sell of net Δx pays
⌊y·Δx/(x+Δx)⌋ TAO. The chain floors the curve factor (U64F64) before taking 1 − factor, which may
pay one rao more than the real-valued curve; outputs are therefore checked to ±1 rao, and every
quantity derived from them (shares, balances, reserves) exactly.
"""
from __future__ import annotations

import math

import pytest
from stake_net import SM, TAO, StakeNet, acc, subnet_net

FEE_RATE = 33
POOL = 1_000 * TAO


def fee(amount: int) -> int:
    return amount * FEE_RATE // 65_535


def buy_out(x: int, y: int, dy: int) -> int:
    return x * dy // (y + dy)


def sell_out(x: int, y: int, dx: int) -> int:
    return y * dx // (x + dx)


def close(actual: int, expected: int, tol: int = 1) -> bool:
    return abs(actual - expected) <= tol


@pytest.fixture
def net():
    with subnet_net() as n:
        yield n


def pool(n: StakeNet, netuid: int) -> tuple[int, int]:
    return n.get("SubnetAlphaIn", netuid), n.get("SubnetTAO", netuid)


def test_add_stake_by_hand(net):
    netuid, hot = net.netuid, acc("owner_hk")
    x, y = pool(net, netuid)
    assert (x, y) == (POOL, POOL)
    bob0, author0 = net.free("Bob"), net.free(net.author)
    account0 = net.free(net.subnet_account(netuid))
    out0 = net.get("SubnetAlphaOut", netuid)
    amount = 10 * TAO
    out = net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=amount)
    assert out.success
    f = fee(amount)
    assert f == 5_035_477
    alpha = net.sm_events("StakeAdded")[-1][3]
    assert close(alpha, buy_out(x, y, amount - f))
    assert net.sm_events("StakeAdded")[-1] == (acc("Bob"), hot, amount, alpha, netuid, f)
    # the pool took the net TAO, paid the alpha; the fee went to the author, not into the pool
    assert pool(net, netuid) == (x - alpha, y + amount - f)
    # (alpha emission keeps adding SubnetAlphaOutEmission per block to the outstanding alpha)
    assert net.get("SubnetAlphaOut", netuid) == out0 + alpha + net.get("SubnetAlphaOutEmission", netuid)
    assert net.free("Bob") == bob0 - amount - out.fee
    assert net.free(net.author) == author0 + f + out.fee
    assert net.free(net.subnet_account(netuid)) == account0 + amount - f
    assert net.stake(hot, "Bob", netuid) == alpha
    assert net.get("TotalHotkeyAlpha", hot, netuid) == alpha
    assert hot in net.get("StakingHotkeys", acc("Bob"))


def test_remove_stake_by_hand(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    staked = net.stake(hot, "Bob", netuid)
    x, y = pool(net, netuid)
    bob0, author0 = net.free("Bob"), net.free(net.author)
    sell = 4 * TAO
    out = net.sm("Bob", "remove_stake", hotkey=hot, netuid=netuid, amount_unstaked=sell)
    assert out.success
    f = fee(sell)
    tao = sell_out(x, y, sell - f)
    ev = net.sm_events("StakeRemoved")[-1]
    assert ev[:3] == (acc("Bob"), hot, ev[2]) and close(ev[2], tao)
    assert ev[3:] == (sell - f, netuid, f)
    tao = ev[2]
    # the alpha fee is sold fee-less right after, its TAO paid to the author
    x1, y1 = x + sell - f, y - tao
    fee_tao = sell_out(x1, y1, f)
    x2, y2 = pool(net, netuid)
    assert x2 == x1 + f and close(y2, y1 - fee_tao)
    fee_tao = y1 - y2
    assert net.free("Bob") == bob0 + tao - out.fee
    assert net.free(net.author) == author0 + fee_tao + out.fee
    assert net.stake(hot, "Bob", netuid) in (staked - sell, staked - sell - 1)  # share rounding never favours the staker
    assert net.free(net.subnet_account(netuid)) == y2


def test_remove_stake_caps_at_the_stake_and_full_limit_unstakes_everything(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=5 * TAO)
    out = net.sm("Bob", "remove_stake_full_limit", hotkey=hot, netuid=netuid, limit_price=None)
    assert out.success
    assert net.stake(hot, "Bob", netuid) == 0
    assert net.get("TotalHotkeyAlpha", hot, netuid) == 0
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=5 * TAO)
    out = net.sm("Bob", "remove_stake", hotkey=hot, netuid=netuid, amount_unstaked=10**15)
    assert out.success and net.stake(hot, "Bob", netuid) == 0


def test_add_stake_limit_partial_fill_stops_at_the_limit(net):
    netuid, hot = net.netuid, acc("owner_hk")
    x, y = pool(net, netuid)
    limit = 1_010_000_000  # 1.01 TAO per alpha: price may rise by 1 %
    # by hand: x·y = k stays, price y/x reaches L when y' = √(L·k); net TAO in = y' − y
    net_in = math.isqrt(x * y * limit // 10**9) - y
    gross = net_in + net_in * FEE_RATE // (65_535 - FEE_RATE)
    bob0 = net.free("Bob")
    out = net.sm("Bob", "add_stake_limit", hotkey=hot, netuid=netuid, amount_staked=100 * TAO,
                 limit_price=limit, allow_partial=True)
    assert out.success
    cold, hk, tao, alpha, n, f = net.sm_events("StakeAdded")[-1]
    assert (cold, hk, n) == (acc("Bob"), hot, netuid)
    assert abs(tao - gross) <= 2_000  # U64F64 / 10^18-scaled pow: a few rao on 5 TAO
    x1, y1 = pool(net, netuid)
    assert y1 - y == tao - f and x - x1 == alpha
    assert close(alpha, buy_out(x, y, tao - f))
    assert y1 * 10**9 // x1 <= limit  # the price stopped at the limit
    assert net.free("Bob") == bob0 - tao - out.fee  # the unexecuted TAO never left the coldkey
    # without partial fills the same order is refused and nothing moves
    out = net.sm("Bob", "add_stake_limit", hotkey=hot, netuid=netuid, amount_staked=100 * TAO,
                 limit_price=limit, allow_partial=False)
    assert (out.success, out.error) == (False, "SlippageTooHigh")
    assert pool(net, netuid) == (x1, y1)


def test_remove_stake_limit_partial_fill_and_limit_on_the_wrong_side(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=50 * TAO)
    x, y = pool(net, netuid)
    price = y * 10**9 // x
    limit = price * 995 // 1000
    staked = net.stake(hot, "Bob", netuid)
    out = net.sm("Bob", "remove_stake_limit", hotkey=hot, netuid=netuid, amount_unstaked=staked,
                 limit_price=limit, allow_partial=True)
    assert out.success
    cold, hk, tao, alpha_net, n, f = net.sm_events("StakeRemoved")[-1]
    # by hand: y·x = k, price y/x falls to L when x' = √(k/L); net alpha in = x' − x
    expected_net = math.isqrt(x * y * 10**9 // limit) - x
    assert abs(alpha_net - expected_net) <= 2_000
    assert (cold, hk, n) == (acc("Bob"), hot, netuid)
    assert close(f, alpha_net * FEE_RATE // (65_535 - FEE_RATE))  # fee grossed up on the executed part
    assert close(tao, sell_out(x, y, alpha_net))
    assert 0 < net.stake(hot, "Bob", netuid) < staked  # the rest stays staked
    # a sell limit above the current price cannot execute at all
    out = net.sm("Bob", "remove_stake_limit", hotkey=hot, netuid=netuid, amount_unstaked=TAO,
                 limit_price=2 * 10**9, allow_partial=True)
    assert (out.success, out.error) == (False, "PriceLimitExceeded")


def test_root_stake_is_one_to_one_without_fee(net):
    hot = acc("owner_hk")
    root_account = net.subnet_account(0)
    out = net.sm("Bob", "add_stake", hotkey=hot, netuid=0, amount_staked=3 * TAO)
    assert out.success
    assert net.sm_events("StakeAdded")[-1] == (acc("Bob"), hot, 3 * TAO, 3 * TAO, 0, 0)
    assert net.stake(hot, "Bob", 0) == 3 * TAO
    assert net.get("SubnetTAO", 0) == 3 * TAO == net.free(root_account)
    out = net.sm("Bob", "remove_stake", hotkey=hot, netuid=0, amount_unstaked=TAO)
    assert net.sm_events("StakeRemoved")[-1] == (acc("Bob"), hot, TAO, TAO, 0, 0)
    assert net.get("SubnetTAO", 0) == 2 * TAO == net.free(root_account)


def test_unstake_all_and_unstake_all_alpha(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    net.sm("Bob", "add_stake", hotkey=hot, netuid=0, amount_staked=2 * TAO)
    bob0 = net.free("Bob")
    out = net.sm("Bob", "unstake_all_alpha", hotkey=hot)
    assert out.success
    tao = net.sm_events("StakeRemoved")[-1][2]
    assert net.stake(hot, "Bob", netuid) == 0
    assert net.stake(hot, "Bob", 0) == 2 * TAO + tao  # the TAO went to root, 1:1
    assert net.free("Bob") == bob0 - out.fee
    root_stake = net.stake(hot, "Bob", 0)
    bob1 = net.free("Bob")
    out = net.sm("Bob", "unstake_all", hotkey=hot)
    assert out.success and net.stake(hot, "Bob", 0) == 0
    assert net.free("Bob") == bob1 - out.fee + root_stake


def test_unstake_all_returns_everything(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    net.sm("Bob", "add_stake", hotkey=hot, netuid=0, amount_staked=2 * TAO)
    bob0 = net.free("Bob")
    out = net.sm("Bob", "unstake_all", hotkey=hot)
    assert out.success
    removed = net.sm_events("StakeRemoved")
    assert {e[4] for e in removed} == {0, netuid}
    assert net.free("Bob") == bob0 - out.fee + sum(e[2] for e in removed)
    assert net.stake(hot, "Bob", netuid) == net.stake(hot, "Bob", 0) == 0


def test_move_stake_within_a_subnet_moves_value_without_a_swap(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.ok("Bob", SM, "register_network", {"hotkey": acc("bob_hk")})  # creates bob_hk's account
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    staked = net.stake(hot, "Bob", netuid)
    before = pool(net, netuid)
    out = net.sm("Bob", "move_stake", origin_hotkey=hot, destination_hotkey=acc("bob_hk"), origin_netuid=netuid,
                 destination_netuid=netuid, alpha_amount=staked)
    assert out.success
    assert pool(net, netuid) == before
    assert net.stake(hot, "Bob", netuid) == 0
    assert net.stake("bob_hk", "Bob", netuid) == staked
    x, y = before
    tao_value = staked * (y * 2**64 // x) >> 64  # spot price as U64F64 × alpha, floored
    assert close(net.sm_events("StakeMoved")[-1][5], tao_value)
    assert net.sm_events("StakeMoved")[-1][:5] == (acc("Bob"), hot, netuid, acc("bob_hk"), netuid)


def test_swap_stake_sells_on_origin_and_buys_on_destination_with_one_fee(net):
    a, hot = net.netuid, acc("owner_hk")
    b = net.subnet("Charlie", "charlie_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=a, amount_staked=10 * TAO)
    staked = net.stake(hot, "Bob", a)
    xa, ya = pool(net, a)
    xb, yb = pool(net, b)
    out = net.sm("Bob", "swap_stake", hotkey=hot, origin_netuid=a, destination_netuid=b, alpha_amount=staked)
    assert out.success
    f = fee(staked)
    tao = net.sm_events("StakeRemoved")[-1][2]
    assert close(tao, sell_out(xa, ya, staked - f))
    added = net.sm_events("StakeAdded")[-1]
    assert added[5] == 0 and added[2] == tao  # the destination leg pays no fee
    assert close(added[3], buy_out(xb, yb, tao))
    assert net.stake(hot, "Bob", b) == added[3]
    assert net.sm_events("StakeSwapped")[-1] == (acc("Bob"), hot, a, b, tao)


def test_swap_stake_limit_refuses_a_ratio_above_the_current_one(net):
    a, hot = net.netuid, acc("owner_hk")
    b = net.subnet("Charlie", "charlie_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=a, amount_staked=10 * TAO)
    staked = net.stake(hot, "Bob", a)
    out = net.sm("Bob", "swap_stake_limit", hotkey=hot, origin_netuid=a, destination_netuid=b,
                 alpha_amount=staked, limit_price=2 * 10**9, allow_partial=False)
    assert (out.success, out.error) == (False, "SlippageTooHigh")
    out = net.sm("Bob", "swap_stake_limit", hotkey=hot, origin_netuid=a, destination_netuid=b,
                 alpha_amount=staked // 2, limit_price=10**9 // 2, allow_partial=False)
    assert out.success and net.stake(hot, "Bob", b) > 0


def test_transfer_stake_to_another_coldkey_and_transfer_toggle(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    staked = net.stake(hot, "Bob", netuid)
    out = net.sm("Bob", "transfer_stake", destination_coldkey=acc("Dave"), hotkey=hot, origin_netuid=netuid,
                 destination_netuid=netuid, alpha_amount=staked // 2)
    assert out.success
    assert net.stake(hot, "Dave", netuid) == staked // 2
    assert net.stake(hot, "Bob", netuid) in (staked - staked // 2, staked - staked // 2 - 1)
    ev = net.sm_events("StakeTransferred")[-1]
    assert ev[:5] == (acc("Bob"), acc("Dave"), hot, netuid, netuid)
    net.sudo("AdminUtils", "sudo_set_toggle_transfer", {"netuid": netuid, "toggle": False})
    before = (net.stake(hot, "Bob", netuid), net.stake(hot, "Dave", netuid))
    out = net.sm("Bob", "transfer_stake", destination_coldkey=acc("Dave"), hotkey=hot, origin_netuid=netuid,
                 destination_netuid=netuid, alpha_amount=TAO)
    assert (out.success, out.error) == (False, "TransferDisallowed")
    assert (net.stake(hot, "Bob", netuid), net.stake(hot, "Dave", netuid)) == before


def test_delegate_take(net):
    hot = acc("owner_hk")
    assert net.get("Delegates", hot) == 11_796
    out = net.sm("Alice", "decrease_take", hotkey=hot, take=5_000)
    assert out.success and out.fee == 0  # Pays::No
    assert net.get("Delegates", hot) == 5_000
    assert net.sm_events("TakeDecreased")[-1] == (acc("Alice"), hot, 5_000)
    # increasing right after a change is rate limited (TxDelegateTakeRateLimit = 216,000 blocks)
    out = net.sm("Alice", "increase_take", hotkey=hot, take=6_000)
    assert (out.success, out.error) == (False, "DelegateTxRateLimitExceeded")
    # CheckDelegateTake: the bounds and the ownership are the pool's to refuse (Custom(25)); what the
    # call itself checks (the current take) fails in the block
    assert net.refused("Bob", SM, "decrease_take", {"hotkey": hot, "take": 1}) == "Custom(25) NonAssociatedColdKey"
    assert net.nested("Bob", SM, "decrease_take", {"hotkey": hot, "take": 1}).error == "NonAssociatedColdKey"
    assert net.sm("Alice", "decrease_take", hotkey=hot, take=6_000).error == "DelegateTakeTooLow"


def test_increase_take_bounds():
    n = StakeNet(subtensor={"TxDelegateTakeRateLimit": 0})
    n.subnet()
    hot = acc("owner_hk")
    assert n.refused("Alice", SM, "increase_take", {"hotkey": hot, "take": 11_797}) == "Custom(27) DelegateTakeTooHigh"
    assert n.nested("Alice", SM, "increase_take", {"hotkey": hot, "take": 11_797}).error == "DelegateTakeTooHigh"
    n.sudo("AdminUtils", "sudo_set_min_delegate_take", {"take": 50})
    assert n.refused("Alice", SM, "decrease_take", {"hotkey": hot, "take": 49}) == "Custom(26) DelegateTakeTooLow"
    assert n.sm("Alice", "decrease_take", hotkey=hot, take=100).success
    assert n.sm("Alice", "increase_take", hotkey=hot, take=200).success
    assert n.sm_events("TakeIncreased")[-1] == (acc("Alice"), hot, 200)
    n.close()


@pytest.mark.parametrize("call, args, error", [
    ("add_stake", {"netuid": 9, "amount_staked": 10 * TAO}, "SubnetNotExists"),
    ("add_stake", {"amount_staked": 1_000}, "AmountTooLow"),
    ("add_stake", {"amount_staked": 10**14}, "NotEnoughBalanceToStake"),
    ("add_stake", {"hotkey": "nobody", "amount_staked": 10 * TAO}, "HotKeyAccountNotExists"),
    ("add_stake", {"netuid": 1, "amount_staked": 10 * TAO}, "SubtokenDisabled"),
    ("add_stake", {"amount_staked": 10**15 + 1}, "InsufficientLiquidity"),
    ("add_stake_limit", {"amount_staked": 10 * TAO, "limit_price": 10**8, "allow_partial": True}, "PriceLimitExceeded"),
    ("remove_stake", {"amount_unstaked": 0}, "AmountTooLow"),
    ("remove_stake_limit", {"amount_unstaked": TAO, "limit_price": 10**8, "allow_partial": False},
     "NotEnoughStakeToWithdraw"),
    ("move_stake", {"origin_hotkey": "owner_hk", "destination_hotkey": "owner_hk", "origin_netuid": None,
                    "destination_netuid": None, "alpha_amount": TAO}, "SameNetuid"),
    ("swap_stake", {"origin_netuid": None, "destination_netuid": 7, "alpha_amount": TAO}, "SubnetNotExists"),
])
def test_bad_input_pays_the_fee_and_moves_nothing(net, call, args, error):
    netuid = net.netuid
    full = {"hotkey": "owner_hk", "netuid": netuid, **args}
    full = {k: (netuid if v is None else acc(v) if k.endswith("hotkey") else v) for k, v in full.items()}
    if call.startswith(("move", "swap")):
        full.pop("netuid")
    if call == "move_stake":
        full.pop("hotkey")
    before = _snapshot(net, netuid)
    bob0 = net.free("Dave")
    out = net.call("Dave", SM, call, full)
    assert (out.success, out.error) == (False, error)
    assert out.fee > 0
    assert net.free("Dave") == bob0 - out.fee
    assert _snapshot(net, netuid) == before


def _snapshot(n: StakeNet, netuid: int) -> tuple:
    return (pool(n, netuid), n.get("TotalStake"),
            n.stake("owner_hk", "Dave", netuid), n.free(n.subnet_account(netuid)))


def test_small_nomination_is_cleared_after_remove():
    n = StakeNet(subtensor={"NominatorMinRequiredStake": 5 * TAO})
    netuid, hot = n.subnet(), acc("owner_hk")
    n.sm("Bob", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    bob0 = n.free("Bob")
    out = n.sm("Bob", "remove_stake", hotkey=hot, netuid=netuid, amount_unstaked=7 * TAO)
    assert out.success
    removed = n.sm_events("StakeRemoved")
    assert len(removed) == 2  # the 7 alpha, then the ~3 alpha left below 5 TAO of value
    assert n.stake(hot, "Bob", netuid) == 0
    assert n.free("Bob") == bob0 - out.fee + removed[0][2] + removed[1][2]
    # the owner's own stake is never a "nomination"
    n.sm("Alice", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    n.sm("Alice", "remove_stake", hotkey=hot, netuid=netuid, amount_unstaked=7 * TAO)
    assert n.stake(hot, "Alice", netuid) > 0
    n.close()


def test_swap_stake_limit_partial_moves_only_up_to_the_ratio(net):
    a, hot = net.netuid, acc("owner_hk")
    b = net.subnet("Charlie", "charlie_hk")
    net.sm("Bob", "add_stake", hotkey=hot, netuid=a, amount_staked=100 * TAO)
    staked = net.stake(hot, "Bob", a)
    xa, ya = pool(net, a)
    xb, yb = pool(net, b)
    ratio = (ya * 10**9 // xa) * 10**9 // (yb * 10**9 // xb)  # origin/destination price × 10^9
    limit = ratio * 99 // 100
    out = net.sm("Bob", "swap_stake_limit", hotkey=hot, origin_netuid=a, destination_netuid=b,
                 alpha_amount=staked, limit_price=limit, allow_partial=True)
    assert out.success
    moved = staked - net.stake(hot, "Bob", a)
    # by hand (two x·y = k pools): Δ = x_b·t_a/(t_a+t_b)/L − x_a·t_b/(t_a+t_b), L = limit / 10^9
    expected = (xb * ya * 10**9 // limit - xa * yb) // (ya + yb)
    assert 0 < moved < staked and abs(moved - expected) <= expected // 10**6 + 2


def test_schedule_swap_coldkey_is_deprecated_as_on_chain(net):
    bob = net.free("Bob")
    out = net.sm("Bob", "schedule_swap_coldkey", new_coldkey=acc("Eve"))
    assert (out.success, out.error) == (False, "Deprecated") and net.free("Bob") == bob - out.fee
