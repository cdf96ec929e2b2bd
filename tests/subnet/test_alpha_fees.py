"""Fees paid in alpha (subtensor's ``SubtensorTxFeeHandler`` fallback), through signed extrinsics.

A coldkey left without the TAO for a fee can still take its stake out: for the stake-moving calls
the fee's worth of the named stake is sold (no swap fee) to the block author before the call runs,
final whatever the call does. Pools start at 1,000 TAO / 1,000 alpha with weights 0.5, so the spot
price is SubnetTAO / SubnetAlphaIn in U64F64 and a fee-less sell of Δx pays ⌊y·Δx/(x+Δx)⌋.
"""
from __future__ import annotations

import pytest
from stake_net import SM, TAO, StakeNet, acc, subnet_net

from tensornet.chain.runtime_apis import RUNTIME_DISPATCH_INFO
from tensornet.primitives.scale import U32
from tensornet.runtime.validity import InvalidTransaction

EXISTENTIAL_DEPOSIT = 500


@pytest.fixture
def net():
    with subnet_net(fund={"Poor": 20 * TAO}) as n:
        yield n


def partial_fee(net: StakeNet, raw: bytes) -> int:
    info = net.node.call_api("TransactionPaymentApi_query_info", raw + U32.encode(len(raw)), None)
    return RUNTIME_DISPATCH_INFO.decode_all(info)["partial_fee"]


def drain(net: StakeNet, who: str, keep: int) -> None:
    """Send everything but ``keep`` rao of ``who``'s free TAO to Bob (fee included; the probe carries a
    value of the same encoded length)."""
    probe = net.ext(who, "Balances", "transfer_keep_alive", {"dest": {"Id": acc("Bob")}, "value": net.free(who)})
    value = net.free(who) - partial_fee(net, probe) - keep
    net.ok(who, "Balances", "transfer_keep_alive", {"dest": {"Id": acc("Bob")}, "value": value})
    assert net.free(who) == keep


def alpha_worth(tao: int, tao_reserve: int, alpha_reserve: int) -> int:
    """``get_alpha_amount_for_tao``: tao ÷ the U64F64 spot price (tao_reserve / alpha_reserve), floored."""
    price_bits = (tao_reserve << 64) // alpha_reserve
    return (tao << 64) // price_bits


def fee_events(net: StakeNet) -> list[tuple[str, str, object]]:
    return [(e["pallet"], e["name"], e["fields"]) for e in net.events()
            if e["name"] in ("StakeRemoved", "TransactionFeePaidWithAlpha", "TransactionFeePaid", "Withdraw")]


def test_remove_stake_pays_its_fee_in_alpha_once_the_tao_is_gone(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Poor", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    drain(net, "Poor", keep=EXISTENTIAL_DEPOSIT + 100)
    staked = net.stake(hot, "Poor", netuid)
    x, y = net.get("SubnetAlphaIn", netuid), net.get("SubnetTAO", netuid)
    author0, nonce0 = net.free(net.author), net.node.account_nonce(acc("Poor"))
    call = {"hotkey": hot, "netuid": netuid, "amount_unstaked": 2 * TAO}
    fee = partial_fee(net, net.ext("Poor", SM, "remove_stake", call))
    assert fee > net.free("Poor") - EXISTENTIAL_DEPOSIT  # TAO alone could not pay it

    out = net.sm("Poor", "remove_stake", **call)

    assert out.success and out.fee == fee
    alpha_fee = alpha_worth(fee, y, x)
    fee_tao = y * alpha_fee // (x + alpha_fee)  # sold without a swap fee
    poor = acc("Poor")
    sale, unstake = net.sm_events("StakeRemoved")
    assert sale == (poor, hot, fee_tao, alpha_fee, netuid, 0)
    assert net.sm_events("TransactionFeePaidWithAlpha") == [
        {"who": poor, "netuid": netuid, "alpha_fee": alpha_fee, "tao_amount": fee_tao}]
    # the sale happens before the call, its record after it, then the fee the call was charged
    assert [name for _, name, _ in fee_events(net)] == [
        "StakeRemoved", "StakeRemoved", "TransactionFeePaidWithAlpha", "TransactionFeePaid"]
    assert fee_events(net)[-1][2] == {"who": poor, "actual_fee": fee, "tip": 0}
    # no TAO fee: Poor's free TAO grew by exactly the unstake's proceeds; the author got the sale's TAO
    assert net.free("Poor") == EXISTENTIAL_DEPOSIT + 100 + unstake[2]
    to_author = [e["fields"]["amount"] for e in net.events()
                 if e["name"] == "Transfer" and e["fields"]["to"] == net.author]
    assert to_author[0] == fee_tao and len(to_author) == 2  # then the unstake's own swap fee, sold
    assert net.free(net.author) == author0 + sum(to_author)
    assert staked - alpha_fee - 2 * TAO - 1 <= net.stake(hot, "Poor", netuid) <= staked - alpha_fee - 2 * TAO
    assert net.node.account_nonce(poor) == nonce0 + 1


def test_a_failed_call_still_pays_in_alpha(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Poor", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    drain(net, "Poor", keep=EXISTENTIAL_DEPOSIT)
    staked = net.stake(hot, "Poor", netuid)
    out = net.sm("Poor", "remove_stake", hotkey=hot, netuid=netuid, amount_unstaked=0)
    assert not out.success and out.error == "AmountTooLow"
    paid = net.sm_events("TransactionFeePaidWithAlpha")[0]["alpha_fee"]
    assert paid > 0 and net.stake(hot, "Poor", netuid) in (staked - paid, staked - paid - 1)
    assert net.free("Poor") == EXISTENTIAL_DEPOSIT


def test_without_stake_to_cover_it_the_transaction_is_refused_and_leaves_no_trace(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Poor", "add_stake", hotkey=hot, netuid=netuid, amount_staked=TAO // 100)
    net.ok("Poor", SM, "remove_stake", {"hotkey": hot, "netuid": netuid,
                                        "amount_unstaked": net.stake(hot, "Poor", netuid) - 1_000_000})
    drain(net, "Poor", keep=EXISTENTIAL_DEPOSIT)
    # a call outside the list (add_stake) cannot pay in alpha; nor can a stake worth less than the fee
    small = net.stake(hot, "Poor", netuid)
    for call, args in (("add_stake", {"hotkey": hot, "netuid": netuid, "amount_staked": TAO}),
                       ("remove_stake", {"hotkey": hot, "netuid": netuid, "amount_unstaked": small}),
                       ("remove_stake", {"hotkey": acc("Bob"), "netuid": netuid, "amount_unstaked": 1})):
        raw = net.ext("Poor", SM, call, args)
        if call == "remove_stake" and args["hotkey"] == hot:
            assert alpha_worth(partial_fee(net, raw), net.get("SubnetTAO", netuid),
                               net.get("SubnetAlphaIn", netuid)) > small
        with pytest.raises(InvalidTransaction) as err:
            net.node.submit(raw)
        assert err.value.kind == "Payment"
    assert len(net.node.pool) == 0
    net.seal()
    assert net.stake(hot, "Poor", netuid) == small and net.free("Poor") == EXISTENTIAL_DEPOSIT


def test_unstake_all_pays_in_alpha_only_from_a_single_subnet(net):
    hot = acc("owner_hk")
    second = net.subnet(owner="Bob", hotkey="owner_hk2")
    net.sm("Poor", "add_stake", hotkey=hot, netuid=net.netuid, amount_staked=5 * TAO)
    hot2 = acc("owner_hk2")
    net.sm("Poor", "add_stake", hotkey=hot2, netuid=second, amount_staked=5 * TAO)
    drain(net, "Poor", keep=EXISTENTIAL_DEPOSIT)
    # stake on hot is on one subnet: unstake_all pays from it
    out = net.sm("Poor", "unstake_all", hotkey=hot)
    assert out.success and net.sm_events("TransactionFeePaidWithAlpha")[0]["netuid"] == net.netuid
    assert net.stake(hot, "Poor", net.netuid) == 0
    # move hot2's stake so that it sits on two subnets; unstake_all on hot2 can no longer pay in alpha
    # once the TAO the first unstake_all returned is gone again
    net.sm("Poor", "swap_stake", hotkey=hot2, origin_netuid=second, destination_netuid=net.netuid,
           alpha_amount=net.stake(hot2, "Poor", second) // 2)
    drain(net, "Poor", keep=EXISTENTIAL_DEPOSIT)
    with pytest.raises(InvalidTransaction) as err:
        net.node.submit(net.ext("Poor", SM, "unstake_all", {"hotkey": hot2}))
    assert err.value.kind == "Payment"


def test_recycle_alpha_pays_in_alpha_first_then_recycles_what_is_left(net):
    netuid, hot = net.netuid, acc("owner_hk")
    net.sm("Poor", "add_stake", hotkey=hot, netuid=netuid, amount_staked=10 * TAO)
    drain(net, "Poor", keep=EXISTENTIAL_DEPOSIT)
    staked = net.stake(hot, "Poor", netuid)
    out = net.sm("Poor", "recycle_alpha", hotkey=hot, amount=10**18, netuid=netuid)
    assert out.success
    alpha_fee = net.sm_events("TransactionFeePaidWithAlpha")[0]["alpha_fee"]
    (recycled,) = net.sm_events("AlphaRecycled")
    assert staked - alpha_fee - 1 <= recycled[2] <= staked - alpha_fee  # capped at what the fee left
    assert net.stake(hot, "Poor", netuid) == 0
