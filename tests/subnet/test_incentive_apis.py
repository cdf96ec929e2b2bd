"""NeuronInfo / SubnetInfo / DelegateInfo runtime APIs through ``state_call``-style calls on a node,
decoded with the declared types (the V15 metadata declares the same ones)."""
from __future__ import annotations

import pytest
from incentive_net import TAO, Net, key

from tensornet.primitives.scale import U16, AccountId, Option, Vec
from tensornet.subnet import apis_delegate as ad
from tensornet.subnet import apis_metagraph as am
from tensornet.subnet import apis_neuron as an
from tensornet.subnet import apis_subnet_info as asi


@pytest.fixture(scope="module")
def net():
    n = Net(fund={"alice_hk": TAO, "v_hk": TAO, "m_hk": TAO})
    n.netuid = n.staked_subnet(("Bob", "v_hk"), [("Charlie", "m_hk")], 10 * TAO)
    n.seal(n.sm("Tempo", n.netuid) + 1)
    assert n.set_weights("v_hk", n.netuid, [2], [1]).success
    n.seal(n.sm("Tempo", n.netuid) + 1)
    yield n
    n.close()


def call(net, name, args=b""):
    return net.node.call_api(name, args)


def test_neurons_lite_and_full(net):
    lite = Vec(an.NeuronInfoLite).decode(call(net, "NeuronInfoRuntimeApi_get_neurons_lite", U16.encode(net.netuid)))[0]
    assert [x["uid"] for x in lite] == [0, 1, 2]
    v = lite[1]
    assert v["hotkey"] == key("v_hk").public and v["coldkey"] == key("Bob").public
    assert v["stake"] == [(key("Bob").public, net.sm("TotalHotkeyAlpha", key("v_hk").public, net.netuid))]
    assert v["validator_permit"] and v["pruning_score"] == 65535 and v["rank"] == 0
    assert v["dividends"] == net.sm("Dividends", net.netuid)[1]
    full = Option(an.NeuronInfo).decode(call(net, "NeuronInfoRuntimeApi_get_neuron",
                                              U16.encode(net.netuid) + U16.encode(1)))[0]
    assert full["weights"] == [(2, 65535)]
    assert Option(an.NeuronInfo).decode(call(net, "NeuronInfoRuntimeApi_get_neuron",
                                             U16.encode(99) + U16.encode(0)))[0] is None


def test_subnet_info_hyperparams_and_next_epoch(net):
    info = Option(asi.SubnetInfov2).decode(call(net, "SubnetInfoRuntimeApi_get_subnet_info_v2", U16.encode(net.netuid)))[0]
    assert info["subnetwork_n"] == 3 and info["owner"] == key("Alice").public and info["tempo"] == 10
    hp = Option(asi.SubnetHyperparamsV2).decode(call(net, "SubnetInfoRuntimeApi_get_subnet_hyperparams_v2",
                                                     U16.encode(net.netuid)))[0]
    assert hp["yuma_version"] == 3 and hp["commit_reveal_weights_enabled"] is False and hp["subnet_is_active"]
    v3 = Option(Vec(asi.HyperparamEntry)).decode(call(net, "SubnetInfoRuntimeApi_get_subnet_hyperparams_v3",
                                                      U16.encode(net.netuid)))[0]
    entries = {e["name"].decode(): e["value"] for e in v3}
    assert entries["tempo"] == {"U16": 10} and entries["burn_half_life"] == {"U16": 360}
    assert entries["min_burn"] == {"TaoBalance": 500_000}
    nxt = Option(asi.U64).decode(call(net, "SubnetInfoRuntimeApi_get_next_epoch_start_block",
                                                         U16.encode(net.netuid)))[0]
    assert nxt == net.sm("LastEpochBlock", net.netuid) + 10
    infos = Vec(Option(asi.SubnetInfo)).decode(call(net, "SubnetInfoRuntimeApi_get_subnets_info"))[0]
    assert len(infos) == net.netuid + 1 and infos[net.netuid]["netuid"] == net.netuid
    state = Option(asi.SubnetState).decode(call(net, "SubnetInfoRuntimeApi_get_subnet_state", U16.encode(net.netuid)))[0]
    assert state["hotkeys"][1] == key("v_hk").public and state["alpha_stake"][1] > 0


def test_metagraph(net):
    mg = Option(am.Metagraph).decode(call(net, "SubnetInfoRuntimeApi_get_metagraph", U16.encode(net.netuid)))[0]
    assert mg["num_uids"] == 3 and mg["hotkeys"][2] == key("m_hk").public
    assert mg["incentives"] == net.sm("Incentive", net.netuid) and mg["block"] == net.block
    assert mg["alpha_dividends_per_hotkey"][1][1] == net.sm("AlphaDividendsPerSubnet", net.netuid, key("v_hk").public)
    all_mg = Vec(Option(am.Metagraph)).decode(call(net, "SubnetInfoRuntimeApi_get_all_metagraphs"))[0]
    assert [m["netuid"] for m in all_mg] == list(range(net.netuid + 1))


def test_delegates(net):
    one = Option(ad.DelegateInfo).decode(call(net, "DelegateInfoRuntimeApi_get_delegate", AccountId.encode(key("v_hk").public)))[0]
    assert one is None or one["delegate_ss58"] == key("v_hk").public
    all_d = Vec(ad.DelegateInfo).decode(call(net, "DelegateInfoRuntimeApi_get_delegates"))[0]
    for d in all_d:
        if d["delegate_ss58"] == key("v_hk").public:
            assert d["registrations"] == [net.netuid] and d["validator_permits"] == [net.netuid]
            assert (key("Bob").public, [(net.netuid, net.stake("v_hk", "Bob", net.netuid))]) in d["nominators"]
    delegated = call(net, "DelegateInfoRuntimeApi_get_delegated", AccountId.encode(key("Bob").public))
    assert isinstance(delegated, bytes)


def test_return_per_1000_maths():
    # 1 TAO/day on 1000 TAO stake at 0 take = 1 TAO per 1000
    assert ad.return_per_1000(0, 1000 * TAO, TAO << 64) >> 64 == TAO
