"""The ``dev_*`` namespace over JSON-RPC, against an in-process devnet (manual sealing).

Every power that changes state must do so inside a sealed block: the head's state root must be the
trie root of the whole flat state after each one, and a revert must restore balances to the rao.
"""
from __future__ import annotations

import json
import urllib.request

import pytest

from tensornet.cli.accounts import DEV_ADDRESSES
from tensornet.primitives.hashing import blake2_128, twox128
from tensornet.primitives.keys import dev_keypair
from tensornet.storage import schema
from tensornet.storage.trie_build import trie_root
from tensornet.testing import Devnet, DevnetError

TAO = 10**9
BOB = dev_keypair("Bob").public


@pytest.fixture(scope="module")
def net():
    d = Devnet(sealing="manual").start()
    yield d
    d.stop()


def raw(net: Devnet, method: str, params) -> dict:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(net.http_url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def free(net: Devnet, who: bytes) -> int:
    return net.run(lambda node: _free(node, who))


def _free(node, who: bytes) -> int:
    rt = node.query_runtime
    with rt.at(node.store.state_at(None), node.head.number):
        return rt.pallets["System"].Account.get(who)["data"]["free"]


def issuance(net: Devnet) -> int:
    def read(node):
        rt = node.query_runtime
        with rt.at(node.store.state_at(None), node.head.number):
            return rt.pallets["Balances"].TotalIssuance.get()

    return net.run(read)


def assert_root_honest(net: Devnet) -> None:
    """The head header's state root is the root of the flat state: nothing was poked around it."""
    def check(node):
        items = {k[len(schema.STATE):]: v for k, v in node.store.backend.iterate(schema.STATE)}
        assert trie_root(items) == node.head.state_root

    net.run(check)


def test_methods_are_listed_as_unsafe_dev_namespace(net):
    methods = net.rpc("rpc_methods")["methods"]
    for name in ("dev_newBlock", "dev_advanceToEpoch", "dev_setBalance", "dev_setStorage", "dev_snapshot",
                 "dev_revert", "dev_setTime"):
        assert name in methods


def test_new_block_seals_in_manual_mode(net):
    start = net.block_number
    result = net.rpc("dev_newBlock", 3)
    assert result["head"]["number"] == start + 3 and len(result["blocks"]) == 3
    assert raw(net, "dev_newBlock", {"count": 2})["result"]["head"]["number"] == start + 5
    assert raw(net, "dev_newBlock", [])["result"]["head"]["number"] == start + 6


def test_set_balance_is_inside_a_block_with_an_event(net):
    start = net.block_number
    before_issuance = issuance(net)
    result = net.rpc("dev_setBalance", DEV_ADDRESSES["Bob"], str(5 * TAO + 1))
    assert result["head"]["number"] == start + 1
    assert free(net, BOB) == 5 * TAO + 1
    assert issuance(net) == before_issuance - 10**15 + 5 * TAO + 1  # TotalIssuance follows
    assert_root_honest(net)
    events = net.substrate().get_events(result["block"])
    assert any(e.value["module_id"] == "Balances" and e.value["event_id"] == "BalanceSet" for e in events)


def test_snapshot_revert_restores_balances_exactly(net):
    alice = dev_keypair("Alice").public
    before = (free(net, alice), free(net, BOB), issuance(net))
    snap = net.snapshot()
    net.set_balance("Alice", 7)
    net.set_balance(BOB, 123_456_789)
    net.new_block(5)
    assert free(net, BOB) == 123_456_789
    removed = net.revert(snap)
    assert removed == 7
    assert (free(net, alice), free(net, BOB), issuance(net)) == before
    assert "0x" + net.run(lambda n: n.store.head_hash.hex()) == snap
    assert_root_honest(net)
    # the chain goes on from the snapshot; the removed blocks' snapshot ids no longer resolve
    later = net.snapshot()
    net.new_block(1)
    net.revert(later)
    net.revert(snap)
    with pytest.raises(DevnetError, match="not on the chain"):
        net.rpc("dev_revert", "0x" + "11" * 32)


def test_revert_keeps_valid_pool_transactions(net):
    """After a revert the pool is revalidated against the restored head: a transfer still valid
    there is included by the next block."""
    from substrateinterface import Keypair

    charlie = dev_keypair("Charlie").public
    snap = net.snapshot()
    net.set_balance("Dave", 3_000 * TAO)
    substrate = net.substrate()
    call = substrate.compose_call("Balances", "transfer_keep_alive", {"dest": DEV_ADDRESSES["Charlie"], "value": TAO})
    xt = substrate.create_signed_extrinsic(call, Keypair.create_from_uri("//Dave"))
    substrate.rpc_request("author_submitExtrinsic", [str(xt.data)])
    net.revert(snap)
    before = free(net, charlie)
    assert net.run(lambda n: len(n.pool)) == 1
    net.new_block(1)
    assert free(net, charlie) == before + TAO
    assert_root_honest(net)


def test_set_storage_writes_and_deletes_raw_keys(net):
    key = twox128(b"System") + twox128(b"Account") + blake2_128(BOB) + BOB
    value = net.run(lambda n: n.store.state_at(None).get(key))
    net.rpc("dev_setStorage", [["0x" + key.hex(), None]])
    assert free(net, BOB) == 0
    net.rpc("dev_setStorage", {"0x" + key.hex(): "0x" + value.hex()})
    assert net.run(lambda n: n.store.state_at(None).get(key)) == value
    assert_root_honest(net)


def test_set_time_moves_the_next_timestamp(net):
    target = 4_000_000_000_000
    assert net.rpc("dev_setTime", target) == target
    net.new_block(1)
    assert net.substrate().query("Timestamp", "Now").value == target  # pinned exactly for the next block
    net.new_block(1)
    assert net.substrate().query("Timestamp", "Now").value > target  # later blocks follow the clock


def test_advance_to_epoch_runs_exactly_one_epoch(net):
    net.run(lambda n: n.devtools.ensure_subnets(1))
    index = net.substrate().query("SubtensorModule", "SubnetEpochIndex", [1]).value
    result = net.rpc("dev_advanceToEpoch", 1)
    substrate = net.substrate()
    assert result["epochBlock"] == result["head"]["number"]
    assert substrate.query("SubtensorModule", "SubnetEpochIndex", [1]).value == index + 1
    assert substrate.query("SubtensorModule", "LastMechansimStepBlock", [1]).value == result["epochBlock"]


@pytest.mark.parametrize("method,params,message", [
    ("dev_newBlock", [0], "out of range"),
    ("dev_newBlock", ["many"], "cannot parse"),
    ("dev_setBalance", ["5Foo", "1"], "account"),
    ("dev_setBalance", [DEV_ADDRESSES["Bob"], -1], "out of range"),
    ("dev_setStorage", [[["0x00"]]], "pair"),
    ("dev_revert", [7], "string"),
    ("dev_advanceToEpoch", [999], "does not exist"),
    ("dev_advanceToEpoch", [0], "root"),
])
def test_bad_params_are_clear_errors(net, method, params, message):
    reply = raw(net, method, params)
    assert "error" in reply and message in reply["error"]["message"] + str(reply["error"].get("data", ""))


def test_unsafe_dev_methods_refused_when_rpc_is_safe():
    from tensornet.chain.spec import preset
    from tensornet.node.devtools import enable
    from tensornet.node.node import Node, NodeConfig
    from tensornet.rpc.api import build_registry

    node = Node(NodeConfig(preset("test"), sealing="manual", rpc_port=0, rpc_methods="safe"))
    enable(node)
    registry = build_registry(node)
    assert registry.lookup("dev_newBlock").unsafe
    assert "dev_newBlock" not in registry.names(include_unsafe=False)
    node.store.close()
