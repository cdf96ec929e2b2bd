"""The Proxy pallet (index 16, subtensor's ``pallets/proxy`` fork): delegations with deposits, proxied
calls under subtensor's proxy-type filters, announcements, pure proxies and RealPaysFee.

Every call goes through a signed extrinsic on a node (``StakeNet``); deposits, balances and events
are computed here by hand from the runtime's prices: ``deposit(items, bytes)`` = 0.02 TAO per item
plus 0.001 TAO per byte.
"""
from __future__ import annotations

import pytest
from stake_net import SM, TAO, StakeNet, acc, subnet_net

from tensornet.pallets.proxy_filter import PROXY_TYPES
from tensornet.primitives.hashing import blake2_256

PROXY_BASE = 20_000_000 + 40 * 1_000_000          # deposit(1, 40)
PROXY_FACTOR = 33 * 1_000_000                     # deposit(0, 33)
ANNOUNCE_BASE = 20_000_000 + 16 * 1_000_000       # deposit(1, 16)
ANNOUNCE_FACTOR = 68 * 1_000_000                  # deposit(0, 68)
ED = 500


@pytest.fixture
def net():
    n = StakeNet(fund={"delegate": 10 * TAO, "other": 10 * TAO})
    yield n
    n.close()


def transfer(dest, value: int) -> dict:
    return {"Balances": {"transfer_keep_alive": {"dest": {"Id": acc(dest)}, "value": value}}}


def proxied(real: str, call: dict, force: str | None = None) -> dict:
    return {"real": {"Id": acc(real)}, "force_proxy_type": force, "call": call}


def add(net: StakeNet, real: str, delegate: str, proxy_type: str, delay: int = 0):
    return net.ok(real, "Proxy", "add_proxy", {"delegate": {"Id": acc(delegate)}, "proxy_type": proxy_type,
                                                "delay": delay})


def account(net: StakeNet, who) -> dict:
    return net.get("Account", acc(who), pallet="System")


def named(events: list[dict], pallet: str, name: str | None = None) -> list:
    return [e["fields"] if name else e["name"] for e in events if e["pallet"] == pallet and
            (name is None or e["name"] == name)]


def executed(out) -> dict:
    (result,) = [e["fields"]["result"] for e in out.events if e["name"] == "ProxyExecuted"]
    return result


CALL_FILTERED = {"Err": {"Module": {"index": 0, "error": bytes((5, 0, 0, 0))}}}  # System.CallFiltered


def test_add_proxy_reserves_the_deposit_and_keeps_the_proxies_sorted(net):
    alice0 = account(net, "Charlie")
    out = add(net, "Charlie", "other", "Staking")
    assert named(out.events, "Balances", "Reserved") == [{"who": acc("Charlie"), "amount": PROXY_BASE + PROXY_FACTOR}]
    assert named(out.events, "Proxy", "ProxyAdded") == [{"delegator": acc("Charlie"), "delegatee": acc("other"),
                                                         "proxy_type": "Staking", "delay": 0}]
    add(net, "Charlie", "delegate", "Transfer", 3)
    add(net, "Charlie", "delegate", "Any")
    proxies, deposit = net.get("Proxies", acc("Charlie"), pallet="Proxy")
    assert deposit == PROXY_BASE + 3 * PROXY_FACTOR
    # ProxyDefinition's derived order: delegate, then proxy type index, then delay
    want = sorted([(acc("other"), "Staking", 0), (acc("delegate"), "Transfer", 3), (acc("delegate"), "Any", 0)],
                  key=lambda d: (d[0], PROXY_TYPES.index(d[1]), d[2]))
    assert [(p["delegate"], p["proxy_type"], p["delay"]) for p in proxies] == want
    alice = account(net, "Charlie")
    assert alice["data"]["reserved"] == deposit and alice["consumers"] == alice0["consumers"] + 1

    out = net.ok("Charlie", "Proxy", "remove_proxy", {"delegate": {"Id": acc("other")}, "proxy_type": "Staking",
                                                    "delay": 0})
    assert named(out.events, "Balances", "Unreserved") == [{"who": acc("Charlie"), "amount": PROXY_FACTOR}]
    out = net.ok("Charlie", "Proxy", "remove_proxies", {})
    assert named(out.events, "Balances", "Unreserved") == [{"who": acc("Charlie"),
                                                            "amount": PROXY_BASE + 2 * PROXY_FACTOR}]
    alice = account(net, "Charlie")
    assert alice["data"]["reserved"] == 0 and alice["consumers"] == alice0["consumers"]
    assert net.get("Proxies", acc("Charlie"), pallet="Proxy") == ([], 0)


def test_bad_delegations_are_refused_and_move_nothing(net):
    assert net.call("Charlie", "Proxy", "add_proxy", {"delegate": {"Id": acc("Charlie")}, "proxy_type": "Any",
                                                    "delay": 0}).error == "NoSelfProxy"
    add(net, "Charlie", "other", "Any")
    assert net.call("Charlie", "Proxy", "add_proxy", {"delegate": {"Id": acc("other")}, "proxy_type": "Any",
                                                    "delay": 0}).error == "Duplicate"
    assert net.call("Charlie", "Proxy", "remove_proxy", {"delegate": {"Id": acc("other")}, "proxy_type": "Staking",
                                                       "delay": 0}).error == "NotFound"
    assert net.call("Bob", "Proxy", "remove_proxy", {"delegate": {"Id": acc("other")}, "proxy_type": "Any",
                                                     "delay": 0}).error == "NotFound"
    for i in range(19):
        add(net, "Charlie", f"many{i}", "Staking")
    assert net.call("Charlie", "Proxy", "add_proxy", {"delegate": {"Id": acc("one_too_many")},
                                                    "proxy_type": "Any", "delay": 0}).error == "TooMany"
    # not a proxy of Bob; a forced type the delegation does not have
    assert net.call("other", "Proxy", "proxy", proxied("Bob", transfer("other", TAO))).error == "NotProxy"
    assert net.call("other", "Proxy", "proxy", proxied("Charlie", transfer("other", TAO), "Staking")).error == "NotProxy"


def test_a_proxy_dispatches_as_the_real_account_and_the_delegate_pays_the_fee(net):
    add(net, "Charlie", "delegate", "Any")
    alice0, delegate0, bob0 = net.free("Charlie"), net.free("delegate"), net.free("Bob")
    out = net.ok("delegate", "Proxy", "proxy", proxied("Charlie", transfer("Bob", 2 * TAO)))
    assert executed(out) == {"Ok": ()}
    assert named(out.events, "Balances", "Transfer") == [{"from": acc("Charlie"), "to": acc("Bob"), "amount": 2 * TAO}]
    assert net.free("Charlie") == alice0 - 2 * TAO and net.free("Bob") == bob0 + 2 * TAO
    assert net.free("delegate") == delegate0 - out.fee
    assert named(out.events, "TransactionPayment", "TransactionFeePaid")[0]["who"] == acc("delegate")
    # LastCallResult lives for the block only (cleared on_finalize)
    assert net.get("LastCallResult", acc("Charlie"), pallet="Proxy") is None


def test_the_proxy_type_filters_the_call_and_what_a_batch_inside_it_dispatches(net):
    with subnet_net(fund={"staker": 100 * TAO, "bot": 10 * TAO}) as sn:
        add(sn, "staker", "bot", "Staking")
        hotkey, netuid = acc("owner_hk"), sn.netuid
        stake = {SM: {"add_stake": {"hotkey": hotkey, "netuid": netuid, "amount_staked": 10 * TAO}}}
        out = sn.ok("bot", "Proxy", "proxy", proxied("staker", stake))
        assert executed(out) == {"Ok": ()} and sn.stake("owner_hk", "staker", netuid) > 0
        assert named(out.events, SM, "StakeAdded")[0][0] == acc("staker")  # the coldkey is the real account
        staker0 = sn.free("staker")
        out = sn.ok("bot", "Proxy", "proxy", proxied("staker", transfer("bot", TAO)))
        assert executed(out) == CALL_FILTERED and sn.free("staker") == staker0
        # a batch is not a staking call; allowed (Any), each of its calls is filtered
        batch = {"Utility": {"batch": {"calls": [stake, transfer("bot", TAO)]}}}
        assert executed(sn.ok("bot", "Proxy", "proxy", proxied("staker", batch))) == CALL_FILTERED
        add(sn, "staker", "bot", "NonTransfer")
        out = sn.ok("bot", "Proxy", "proxy", proxied("staker", batch, "NonTransfer"))
        assert executed(out) == {"Ok": ()}
        interrupted = named(out.events, "Utility", "BatchInterrupted")
        assert interrupted == [{"index": 1, "error": CALL_FILTERED["Err"]}] and sn.free("staker") < staker0


def test_a_proxy_cannot_grant_more_than_it_holds(net):
    add(net, "Charlie", "delegate", "NonTransfer")
    grant = {"Proxy": {"add_proxy": {"delegate": {"Id": acc("other")}, "proxy_type": "Any", "delay": 0}}}
    assert executed(net.ok("delegate", "Proxy", "proxy", proxied("Charlie", grant))) == CALL_FILTERED
    grant["Proxy"]["add_proxy"]["proxy_type"] = "Staking"  # NonTransfer is a superset of Staking
    assert executed(net.ok("delegate", "Proxy", "proxy", proxied("Charlie", grant))) == {"Ok": ()}
    drop_all = {"Proxy": {"remove_proxies": {}}}  # only an Any proxy may
    assert executed(net.ok("delegate", "Proxy", "proxy", proxied("Charlie", drop_all))) == CALL_FILTERED
    assert len(net.get("Proxies", acc("Charlie"), pallet="Proxy")[0]) == 2


def test_small_transfer_proxies_move_less_than_half_a_tao(net):
    add(net, "Charlie", "delegate", "SmallTransfer")
    assert executed(net.ok("delegate", "Proxy", "proxy",
                           proxied("Charlie", transfer("Bob", TAO // 2 - 1)))) == {"Ok": ()}
    assert executed(net.ok("delegate", "Proxy", "proxy", proxied("Charlie", transfer("Bob", TAO // 2)))) \
        == CALL_FILTERED


def test_a_delayed_proxy_executes_only_an_announced_call_after_its_delay(net):
    add(net, "Charlie", "delegate", "Any", delay=2)
    call = transfer("Bob", TAO)
    assert net.call("delegate", "Proxy", "proxy", proxied("Charlie", call)).error == "Unannounced"
    call_hash = blake2_256(net.node.runtime.call_type.encode(call))
    out = net.ok("delegate", "Proxy", "announce", {"real": {"Id": acc("Charlie")}, "call_hash": call_hash})
    announced_at = net.block
    assert named(out.events, "Balances", "Reserved") == [{"who": acc("delegate"),
                                                          "amount": ANNOUNCE_BASE + ANNOUNCE_FACTOR}]
    assert named(out.events, "Proxy", "Announced") == [{"real": acc("Charlie"), "proxy": acc("delegate"),
                                                        "call_hash": call_hash}]
    assert net.get("Announcements", acc("delegate"), pallet="Proxy") == (
        [{"real": acc("Charlie"), "call_hash": call_hash, "height": announced_at}], ANNOUNCE_BASE + ANNOUNCE_FACTOR)
    # anyone may execute it, but not before the delay has passed
    args = {"delegate": {"Id": acc("delegate")}, **proxied("Charlie", call)}
    assert net.block + 1 - announced_at < 2
    assert net.call("other", "Proxy", "proxy_announced", args).error == "Unannounced"
    bob0 = net.free("Bob")
    out = net.ok("other", "Proxy", "proxy_announced", args)
    assert executed(out) == {"Ok": ()} and net.free("Bob") == bob0 + TAO
    assert named(out.events, "Balances", "Unreserved") == [{"who": acc("delegate"),
                                                            "amount": ANNOUNCE_BASE + ANNOUNCE_FACTOR}]
    assert net.get("Announcements", acc("delegate"), pallet="Proxy") == ([], 0)


def test_announcements_can_be_withdrawn_or_rejected(net):
    add(net, "Charlie", "delegate", "Any", delay=5)
    hashes = [bytes([i]) * 32 for i in (1, 2)]
    for h in hashes:
        net.ok("delegate", "Proxy", "announce", {"real": {"Id": acc("Charlie")}, "call_hash": h})
    assert account(net, "delegate")["data"]["reserved"] == ANNOUNCE_BASE + 2 * ANNOUNCE_FACTOR
    assert net.call("other", "Proxy", "announce", {"real": {"Id": acc("Charlie")},
                                                   "call_hash": hashes[0]}).error == "NotProxy"
    out = net.ok("Charlie", "Proxy", "reject_announcement", {"delegate": {"Id": acc("delegate")}, "call_hash": hashes[0]})
    assert named(out.events, "Balances", "Unreserved") == [{"who": acc("delegate"), "amount": ANNOUNCE_FACTOR}]
    assert net.call("Charlie", "Proxy", "reject_announcement", {"delegate": {"Id": acc("delegate")},
                                                              "call_hash": hashes[0]}).error == "NotFound"
    net.ok("delegate", "Proxy", "remove_announcement", {"real": {"Id": acc("Charlie")}, "call_hash": hashes[1]})
    delegate = account(net, "delegate")
    assert delegate["data"]["reserved"] == 0 and net.get("Announcements", acc("delegate"), pallet="Proxy") == ([], 0)


def pure_address(spawner: bytes, proxy_type: str, index: int, height: int, ext_index: int) -> bytes:
    return blake2_256(b"modlpy/proxy____" + spawner + height.to_bytes(4, "little") + ext_index.to_bytes(4, "little")
                      + bytes([PROXY_TYPES.index(proxy_type)]) + index.to_bytes(2, "little"))


def test_a_pure_proxy_is_spawned_used_and_killed(net):
    out = net.ok("Charlie", "Proxy", "create_pure", {"proxy_type": "Any", "delay": 0, "index": 7})
    height = net.block
    ext_index = len(net.node.store.body(net.node.store.hash_of(height))) - 1  # after the inherents
    pure = pure_address(acc("Charlie"), "Any", 7, height, ext_index)
    assert named(out.events, "Proxy", "PureCreated") == [{"pure": pure, "who": acc("Charlie"), "proxy_type": "Any",
                                                          "disambiguation_index": 7}]
    assert named(out.events, "Balances", "Reserved") == [{"who": acc("Charlie"), "amount": PROXY_BASE + PROXY_FACTOR}]
    assert net.get("Proxies", pure, pallet="Proxy") == (
        [{"delegate": acc("Charlie"), "proxy_type": "Any", "delay": 0}], PROXY_BASE + PROXY_FACTOR)
    net.ok("Charlie", "Balances", "transfer_keep_alive", {"dest": {"Id": pure}, "value": 5 * TAO})
    out = net.ok("Charlie", "Proxy", "proxy", proxied(pure, transfer("Bob", TAO)))
    assert executed(out) == {"Ok": ()} and net.free(pure) == 4 * TAO

    kill = {"Proxy": {"kill_pure": {"spawner": {"Id": acc("Charlie")}, "proxy_type": "Any", "index": 7,
                                     "height": height, "ext_index": ext_index + 1}}}  # wrong extrinsic index
    no_permission = {"Err": {"Module": {"index": 16, "error": bytes((5, 0, 0, 0))}}}
    assert executed(net.ok("Charlie", "Proxy", "proxy", proxied(pure, kill))) == no_permission
    kill["Proxy"]["kill_pure"]["ext_index"] = ext_index
    out = net.ok("Charlie", "Proxy", "proxy", proxied(pure, kill))
    assert executed(out) == {"Ok": ()}
    assert named(out.events, "Balances", "Unreserved") == [{"who": acc("Charlie"), "amount": PROXY_BASE + PROXY_FACTOR}]
    assert net.get("Proxies", pure, pallet="Proxy") == ([], 0)


def test_a_real_account_that_opted_in_pays_its_delegates_fees(net):
    assert net.call("Charlie", "Proxy", "set_real_pays_fee", {"delegate": {"Id": acc("delegate")},
                                                            "pays_fee": True}).error == "NotProxy"
    add(net, "Charlie", "delegate", "Any")
    out = net.ok("Charlie", "Proxy", "set_real_pays_fee", {"delegate": {"Id": acc("delegate")}, "pays_fee": True})
    assert named(out.events, "Proxy", "RealPaysFeeSet") == [{"real": acc("Charlie"), "delegate": acc("delegate"),
                                                             "pays_fee": True}]
    alice0, delegate0 = net.free("Charlie"), net.free("delegate")
    nonce0 = account(net, "delegate")["nonce"]
    out = net.ok("delegate", "Proxy", "proxy", proxied("Charlie", transfer("Bob", TAO)))
    assert net.free("delegate") == delegate0 and account(net, "delegate")["nonce"] == nonce0 + 1
    assert net.free("Charlie") == alice0 - TAO - out.fee
    assert named(out.events, "TransactionPayment", "TransactionFeePaid") == [
        {"who": acc("Charlie"), "actual_fee": out.fee, "tip": 0}]
    # any other call the delegate signs, it pays itself
    out = net.ok("delegate", "Balances", "transfer_keep_alive", {"dest": {"Id": acc("Bob")}, "value": TAO})
    assert net.free("delegate") == delegate0 - TAO - out.fee
    # removing the proxy clears the opt-in
    net.ok("Charlie", "Proxy", "remove_proxy", {"delegate": {"Id": acc("delegate")}, "proxy_type": "Any", "delay": 0})
    assert net.get("RealPaysFee", acc("Charlie"), acc("delegate"), pallet="Proxy") is None


def test_poke_deposit_is_free_only_when_it_changes_a_deposit(net):
    add(net, "Charlie", "delegate", "Any")
    out = net.ok("Charlie", "Proxy", "poke_deposit", {})
    assert out.fee > 0 and not named(out.events, "Proxy", "DepositPoked")
    # an old, higher price: poking releases the difference, for free
    key = net.node.runtime.pallets["Proxy"].Proxies.item.key(acc("Charlie"))
    proxies = net.get("Proxies", acc("Charlie"), pallet="Proxy")[0]
    stale = net.node.runtime.pallets["Proxy"].Proxies.item.value_type.encode((proxies, PROXY_BASE + PROXY_FACTOR + 7))
    net.sudo("System", "set_storage", {"items": [(key, stale)]})
    out = net.ok("Charlie", "Proxy", "poke_deposit", {})
    assert out.fee == 0
    assert named(out.events, "Proxy", "DepositPoked") == [{"who": acc("Charlie"), "kind": "Proxies",
                                                           "old_deposit": PROXY_BASE + PROXY_FACTOR + 7,
                                                           "new_deposit": PROXY_BASE + PROXY_FACTOR}]
    assert named(out.events, "Balances", "Unreserved") == [{"who": acc("Charlie"), "amount": 7}]


def test_an_account_holding_a_deposit_cannot_be_spent_below_the_existential_deposit():
    net = StakeNet(fund={"poor": TAO})
    try:
        add(net, "poor", "other", "Any")
        probe = net.ok("poor", "Balances", "transfer_allow_death", {"dest": {"Id": acc("Bob")}, "value": 10**8})
        # as much as leaves 100 rao after the (same) fee: the reserve pins the account at the ED
        everything = {"dest": {"Id": acc("Bob")}, "value": net.free("poor") - probe.fee - 100}
        assert net.call("poor", "Balances", "transfer_allow_death", everything).error == "{'Token': 'Frozen'}"
        net.ok("poor", "Balances", "transfer_all", {"dest": {"Id": acc("Bob")}, "keep_alive": False})
        assert net.free("poor") == ED and account(net, "poor")["data"]["reserved"] == PROXY_BASE + PROXY_FACTOR
    finally:
        net.close()


def test_real_pays_fee_follows_a_proxy_inside_a_proxy_and_a_batch_of_proxies():
    net = StakeNet(fund={"middle": 10 * TAO, "delegate": 10 * TAO})
    try:
        add(net, "Charlie", "middle", "Any")
        add(net, "middle", "delegate", "Any")
        net.ok("middle", "Proxy", "set_real_pays_fee", {"delegate": {"Id": acc("delegate")}, "pays_fee": True})
        inner = {"Proxy": {"proxy": proxied("Charlie", transfer("Bob", TAO))}}

        def payer_of(call: dict) -> bytes:
            out = net.ok("delegate", "Proxy", "proxy", proxied("middle", call))
            (paid,) = named(out.events, "TransactionPayment", "TransactionFeePaid")
            return paid["who"]

        assert payer_of(inner) == acc("middle")  # Charlie has not opted in for middle
        net.ok("Charlie", "Proxy", "set_real_pays_fee", {"delegate": {"Id": acc("middle")}, "pays_fee": True})
        assert payer_of(inner) == acc("Charlie")
        assert payer_of({"Utility": {"batch": {"calls": [inner, inner]}}}) == acc("Charlie")
        mixed = {"Utility": {"batch": {"calls": [inner, transfer("Bob", TAO)]}}}
        assert payer_of(mixed) == acc("middle")
    finally:
        net.close()


def test_the_pool_refuses_a_proxy_call_whose_paying_real_account_cannot_pay():
    net = StakeNet(fund={"broke": TAO, "delegate": 10 * TAO})
    try:
        add(net, "broke", "delegate", "Any")
        net.ok("broke", "Proxy", "set_real_pays_fee", {"delegate": {"Id": acc("delegate")}, "pays_fee": True})
        net.ok("broke", "Balances", "transfer_all", {"dest": {"Id": acc("Bob")}, "keep_alive": True})
        assert net.refused("delegate", "Proxy", "proxy", proxied("broke", transfer("Bob", 1))) == "Payment"
    finally:
        net.close()


def test_the_proxy_filter_runtime_api_describes_what_the_chain_filters(net):
    from tensornet.pallets.proxy_api import PROXY_FILTER_INFO, PROXY_TYPE_INFO
    from tensornet.primitives.scale import U8, Option, Vec

    types = Vec(PROXY_TYPE_INFO).decode_all(net.node.call_api("ProxyFilterRuntimeApi_get_proxy_types", b""))
    assert [(t["index"], t["name"].decode(), t["deprecated"]) for t in types][:3] == [
        (0, "Any", False), (1, "Owner", False), (2, "NonCritical", False)]
    assert [t["name"].decode() for t in types if t["deprecated"]] == ["Senate", "Triumvirate", "Governance",
                                                                     "RootWeights"]
    everything = Vec(PROXY_FILTER_INFO).decode_all(
        net.node.call_api("ProxyFilterRuntimeApi_get_proxy_filter", Option(U8).encode(None)))
    assert [f["name"].decode() for f in everything][:4] == ["Any", "NonTransfer", "NonFungible", "Transfer"]
    (small,) = Vec(PROXY_FILTER_INFO).decode_all(
        net.node.call_api("ProxyFilterRuntimeApi_get_proxy_filter", Option(U8).encode(11)))
    assert small["name"] == b"SmallTransfer" and small["filter_mode"] == "Allow" and small["exceptions"] == []
    assert small["calls"][0] == {"pallet_name": b"Balances", "pallet_index": 5, "call_name": b"transfer_keep_alive",
                                 "call_index": 3, "condition": {"ParamLessThan": {"param_name": b"value",
                                                                                  "limit": 500_000_000}}}
    (non_transfer,) = Vec(PROXY_FILTER_INFO).decode_all(
        net.node.call_api("ProxyFilterRuntimeApi_get_proxy_filter", Option(U8).encode(3)))
    assert non_transfer["filter_mode"] == "Deny" and non_transfer["calls"][0] == {
        "pallet_name": b"Balances", "pallet_index": 5, "call_name": None, "call_index": None, "condition": None}


def test_a_coldkey_with_an_announced_swap_cannot_act_through_its_proxies(net):
    """CheckColdkeySwap is a dispatch extension: it judges the proxied call by its real origin."""
    add(net, "Charlie", "delegate", "Any")
    net.sm("Charlie", "announce_coldkey_swap", new_coldkey_hash=blake2_256(acc("other")))
    out = net.ok("delegate", "Proxy", "proxy", proxied("Charlie", transfer("Bob", TAO)))
    swap_announced = net.node.runtime.pallets[SM].error("ColdkeySwapAnnounced").value
    assert executed(out) == {"Err": swap_announced}
    assert net.get("LastCallResult", acc("Charlie"), pallet="Proxy") is None  # kept for its block only
