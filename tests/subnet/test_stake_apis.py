"""dTAO runtime APIs through ``state_call`` (node.call_api): SwapRuntimeApi, StakeInfoRuntimeApi,
SubnetRegistrationRuntimeApi and SubnetInfoRuntimeApi.get_(all_)dynamic_info, with SCALE layouts
of spec §8 and values checked against storage and hand computation."""
from __future__ import annotations

import pytest
from stake_net import TAO, StakeNet, acc

from tensornet.amm.apis import SimSwapResult, SubnetPrice
from tensornet.primitives.scale import U16, U64, AccountId, Option, Tuple, Vec
from tensornet.subnet.apis_stake import DynamicInfo, StakeInfo


@pytest.fixture
def net():
    n = StakeNet()
    n.netuid = n.subnet()
    n.sm("Bob", "add_stake", hotkey=acc("owner_hk"), netuid=n.netuid, amount_staked=10 * TAO)
    yield n
    n.close()


def api(n: StakeNet, name: str, args: bytes, out_type):
    return out_type.decode_all(n.node.call_api(name, args))


def test_swap_runtime_api(net):
    netuid = net.netuid
    x, y = net.get("SubnetAlphaIn", netuid), net.get("SubnetTAO", netuid)
    price = api(net, "SwapRuntimeApi_current_alpha_price", U16.encode(netuid), U64)
    assert price == (y * 2**64 // x) * 10**9 >> 64  # U64F64 price × 10^9, floored
    assert api(net, "SwapRuntimeApi_current_alpha_price", U16.encode(0), U64) == 10**9
    prices = api(net, "SwapRuntimeApi_current_alpha_price_all", b"", Vec(SubnetPrice))
    assert [p["netuid"] for p in prices] == [0, 1, netuid] and prices[2]["price"] == price
    sim = api(net, "SwapRuntimeApi_sim_swap_tao_for_alpha", U16.encode(netuid) + U64.encode(TAO), SimSwapResult)
    fee = TAO * 33 // 65_535
    assert sim["tao_fee"] == fee and sim["tao_amount"] == TAO - fee
    assert abs(sim["alpha_amount"] - x * (TAO - fee) // (y + TAO - fee)) <= 1
    sim = api(net, "SwapRuntimeApi_sim_swap_alpha_for_tao", U16.encode(netuid) + U64.encode(TAO), SimSwapResult)
    assert sim["alpha_fee"] == fee and abs(sim["tao_amount"] - y * (TAO - fee) // (x + TAO - fee)) <= 1
    # nothing was written by the simulations
    assert (net.get("SubnetAlphaIn", netuid), net.get("SubnetTAO", netuid)) == (x, y)
    # a failing swap (input over 1000 × the reserve) reports zeros, as the chain does
    sim = api(net, "SwapRuntimeApi_sim_swap_alpha_for_tao", U16.encode(netuid) + U64.encode(10**18), SimSwapResult)
    assert set(sim.values()) == {0}
    # an unknown netuid counts as a stable one that trades nothing: everything is slippage
    sim = api(net, "SwapRuntimeApi_sim_swap_tao_for_alpha", U16.encode(42) + U64.encode(TAO), SimSwapResult)
    assert sim == {"tao_amount": 0, "alpha_amount": 0, "tao_fee": 0, "alpha_fee": 0, "tao_slippage": 0,
                   "alpha_slippage": TAO}


def test_stake_info_runtime_api(net):
    netuid, hot = net.netuid, acc("owner_hk")
    staked = net.stake("owner_hk", "Bob", netuid)
    infos = api(net, "StakeInfoRuntimeApi_get_stake_info_for_coldkey", acc("Bob"), Vec(StakeInfo))
    assert infos == [{"hotkey": hot, "coldkey": acc("Bob"), "netuid": netuid, "stake": staked, "locked": 0,
                      "emission": 0, "tao_emission": 0, "drain": 0, "is_registered": True}]
    both = api(net, "StakeInfoRuntimeApi_get_stake_info_for_coldkeys", Vec(AccountId).encode([acc("Bob"), acc("Dave")]),
               Vec(Tuple(AccountId, Vec(StakeInfo))))
    assert both == [(acc("Bob"), infos), (acc("Dave"), [])]
    one = api(net, "StakeInfoRuntimeApi_get_stake_info_for_hotkey_coldkey_netuid",
              hot + acc("Bob") + U16.encode(netuid), Option(StakeInfo))
    assert one == infos[0]
    # get_stake_fee: same origin and destination → 0; otherwise the approximate swap fee of the amount
    args = Option(Tuple(AccountId, U16)).encode((hot, netuid)) + acc("Bob")
    fee = api(net, "StakeInfoRuntimeApi_get_stake_fee",
              args + Option(Tuple(AccountId, U16)).encode(None) + acc("Bob") + U64.encode(10 * TAO), U64)
    assert fee == 10 * TAO * 33 // 65_535
    same = api(net, "StakeInfoRuntimeApi_get_stake_fee", args + args + U64.encode(10 * TAO), U64)
    assert same == 0


def test_registration_cost_and_dynamic_info(net):
    netuid = net.netuid
    cost = api(net, "SubnetRegistrationRuntimeApi_get_network_registration_cost", b"", U64)
    assert cost == 2 * 1_000 * TAO  # emission off here: the reduction interval is 0, the lock only doubles
    info = api(net, "SubnetInfoRuntimeApi_get_dynamic_info", U16.encode(netuid), Option(DynamicInfo))
    assert info["netuid"] == netuid and info["owner_hotkey"] == acc("owner_hk")
    assert info["owner_coldkey"] == acc("Alice")
    assert bytes(info["token_symbol"]) == net.get("TokenSymbol", netuid)
    assert (info["alpha_in"], info["tao_in"], info["alpha_out"]) == (
        net.get("SubnetAlphaIn", netuid), net.get("SubnetTAO", netuid), net.get("SubnetAlphaOut", netuid))
    assert info["subnet_volume"] == 10 * TAO and info["network_registered_at"] == 1
    assert info["tempo"] == 50_000 and info["subnet_identity"] is None
    assert api(net, "SubnetInfoRuntimeApi_get_dynamic_info", U16.encode(99), Option(DynamicInfo)) is None
    every = api(net, "SubnetInfoRuntimeApi_get_all_dynamic_info", b"", Vec(Option(DynamicInfo)))
    assert [d["netuid"] for d in every] == [0, 1, netuid]
    assert bytes(every[1]["subnet_name"]) == b"apex"  # default name of netuid 1 (symbols.rs)


def test_dynamic_info_field_order_matches_spec():
    names = [f.name for f in DynamicInfo.fields]
    assert names == ["netuid", "owner_hotkey", "owner_coldkey", "subnet_name", "token_symbol", "tempo", "last_step",
                     "blocks_since_last_step", "emission", "alpha_in", "alpha_out", "tao_in", "alpha_out_emission",
                     "alpha_in_emission", "tao_in_emission", "pending_alpha_emission", "pending_root_emission",
                     "subnet_volume", "network_registered_at", "subnet_identity", "moving_price"]
    assert [f.name for f in StakeInfo.fields] == ["hotkey", "coldkey", "netuid", "stake", "locked", "emission",
                                                  "tao_emission", "drain", "is_registered"]


def test_stake_availability(net):
    from tensornet.subnet.apis_stake import StakeAvailability
    from tensornet.subnet.types import BTreeMap

    netuid = net.netuid
    staked = net.stake("owner_hk", "Bob", netuid)
    out_type = BTreeMap(AccountId, BTreeMap(U16, StakeAvailability))
    args = Vec(AccountId).encode([acc("Bob")]) + Option(Vec(U16)).encode(None)
    result = api(net, "StakeInfoRuntimeApi_get_stake_availability_for_coldkeys", args, out_type)
    assert result == [(acc("Bob"), [(netuid, {"total": staked, "locked": 0, "available": staked})])]
