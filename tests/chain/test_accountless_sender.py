"""CheckNonce as subtensor: an account with no balance may still send Pays::No calls."""
from __future__ import annotations

import pytest

from tensornet.chain.spec import preset
from tensornet.node.node import Node, NodeConfig
from tensornet.primitives.keys import dev_keypair, keypair_from_uri
from tensornet.runtime.signer import sign_extrinsic
from tensornet.runtime.validity import InvalidTransaction


@pytest.fixture()
def node():
    n = Node(NodeConfig(preset("test"), sealing="manual"))
    yield n
    n.store.close()


def _serve_axon(node, kp, nonce):
    rt = node.query_runtime
    call = rt.encode_call("SubtensorModule", "serve_axon", {
        "netuid": 1, "version": 1, "ip": 0x7F000001, "port": 8091, "ip_type": 4, "protocol": 4,
        "placeholder1": 0, "placeholder2": 0})
    return sign_extrinsic(rt, call, kp, nonce, node.genesis_hash)


def test_accountless_hotkey_sends_a_pays_no_call(node):
    hotkey = keypair_from_uri("//NoFundsHotkey")
    rt = node.query_runtime
    # the pool looks past the nonce check to the serving guard: the hotkey is not registered yet
    with pytest.raises(InvalidTransaction) as err:
        node.submit(_serve_axon(node, hotkey, 0))
    assert (err.value.kind, err.value.detail) == ("Custom(10)", "HotKeyNotRegisteredInNetwork")
    register = rt.encode_call("SubtensorModule", "burned_register", {"netuid": 1, "hotkey": hotkey.public})
    node.submit(sign_extrinsic(rt, register, dev_keypair("Alice"), 0, node.genesis_hash))
    node.seal_block()
    node.submit(_serve_axon(node, hotkey, 0))
    built = node.seal_block()
    assert [outcome.success for _, outcome in built.applied] == [True]
    with rt.at(node.store.state_at(None), node.head.number):
        account = rt.pallets["System"].Account.get(hotkey.public)
        assert account["nonce"] == 1 and account["data"]["free"] == 0 and account["providers"] == 0
        assert rt.pallets["SubtensorModule"].Axons.get(1, hotkey.public)["port"] == 8091


def test_accountless_sender_of_a_fee_paying_call_is_refused(node):
    poor = keypair_from_uri("//NoFundsColdkey")
    rt = node.query_runtime
    call = rt.encode_call("Balances", "transfer_keep_alive", {"dest": {"Id": bytes(32)}, "value": 1})
    with pytest.raises(InvalidTransaction) as err:
        node.submit(sign_extrinsic(rt, call, poor, 0, node.genesis_hash))
    assert err.value.kind == "Payment"
