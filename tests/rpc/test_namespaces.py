"""Every method ``rpc_methods`` lists works against a running node, and bad input never crashes the
node or stalls block production."""
from __future__ import annotations

import json
import socket
import time

import pytest
import websocket

from tensornet.primitives.hashing import twox128
from tensornet.primitives.keys import dev_keypair

ALICE = dev_keypair("Alice")
BOB = dev_keypair("Bob")
SYSTEM_ACCOUNT = (twox128(b"System") + twox128(b"Account")).hex()
EVENTS = "0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7"
# Balances.TotalIssuance: present from genesis (System.Number only exists once a block was built)
NUMBER = "0x" + (twox128(b"Balances") + twox128(b"TotalIssuance")).hex()


class Ws:
    """A minimal JSON-RPC websocket client that keeps notifications apart from responses."""

    def __init__(self, url: str) -> None:
        self.ws = websocket.create_connection(url, timeout=15)
        self.next_id = 0
        self.notes: list[dict] = []

    def call(self, method: str, params=None) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params or []}))
        return self.wait_id(self.next_id)

    def wait_id(self, req_id) -> dict:
        while True:
            msg = json.loads(self.ws.recv())
            if "id" in msg and msg["id"] == req_id:
                return msg
            self.notes.append(msg)

    def note(self) -> dict:
        if self.notes:
            return self.notes.pop(0)
        return json.loads(self.ws.recv())

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def ws(live_node):
    client = Ws(live_node.url)
    yield client
    client.close()


def _xt(live_node, tn, signer="Alice", value=10**9):
    return "0x" + live_node.run(lambda n: tn.transfer(n, signer, BOB.public, value)).hex()


def _params(live_node, tn, ws) -> dict[str, list]:
    head = ws.call("chain_getHead")["result"]
    genesis = ws.call("chain_getBlockHash", [0])["result"]
    key = "0x" + SYSTEM_ACCOUNT
    return {
        "account_nextIndex": [ALICE.ss58], "system_accountNextIndex": [ALICE.ss58],
        "author_pendingExtrinsics": [], "author_removeExtrinsic": [[{"hash": "0x" + "00" * 32}]],
        "author_submitExtrinsic": None,  # exercised with a real transfer below
        "chain_getBlock": [head], "chain_getBlockHash": [0], "chain_getFinalisedHead": [], "chain_getFinalizedHead": [],
        "chain_getHead": [], "chain_getHeader": [head], "chain_getRuntimeVersion": [],
        "payment_queryFeeDetails": [_xt(live_node, tn)], "payment_queryInfo": [_xt(live_node, tn)],
        "rpc_methods": [], "state_call": ["Core_version", "0x"], "state_callAt": ["Core_version", "", head],
        "state_getKeys": [key], "state_getKeysPaged": [key, 3, key], "state_getKeysPagedAt": [key, 3, None, genesis],
        "state_getMetadata": [], "state_getReadProof": [[NUMBER], head], "state_getRuntimeVersion": [head],
        "state_getStorage": [NUMBER], "state_getStorageAt": [NUMBER, genesis], "state_getStorageHash": [NUMBER],
        "state_getStorageHashAt": [NUMBER, head], "state_getStorageSize": [NUMBER],
        "state_getStorageSizeAt": [NUMBER, head], "state_queryStorage": [[NUMBER], genesis, head],
        "state_queryStorageAt": [[NUMBER, EVENTS], head],
        "system_chain": [], "system_chainType": [], "system_health": [], "system_localListenAddresses": [],
        "system_localPeerId": [], "system_name": [], "system_nodeRoles": [], "system_peers": [],
        "system_properties": [], "system_syncState": [], "system_version": [],
    }


SUBSCRIPTIONS = {
    "chain_subscribeAllHeads": ("chain_unsubscribeAllHeads", "chain_allHead"),
    "chain_subscribeFinalisedHeads": ("chain_unsubscribeFinalisedHeads", "chain_finalizedHead"),
    "chain_subscribeFinalizedHeads": ("chain_unsubscribeFinalizedHeads", "chain_finalizedHead"),
    "chain_subscribeNewHead": ("chain_unsubscribeNewHead", "chain_newHead"),
    "chain_subscribeNewHeads": ("chain_unsubscribeNewHeads", "chain_newHead"),
    "subscribe_newHead": ("unsubscribe_newHead", "chain_newHead"),
    "chain_subscribeRuntimeVersion": ("chain_unsubscribeRuntimeVersion", "state_runtimeVersion"),
    "state_subscribeRuntimeVersion": ("state_unsubscribeRuntimeVersion", "state_runtimeVersion"),
    "state_subscribeStorage": ("state_unsubscribeStorage", "state_storage"),
}


def test_every_listed_method_answers_without_error(live_node, tn, ws):
    methods = ws.call("rpc_methods")["result"]["methods"]
    params = _params(live_node, tn, ws)
    subscribe = set(SUBSCRIPTIONS) | {u for u, _ in SUBSCRIPTIONS.values()} | {
        "author_submitAndWatchExtrinsic", "author_unwatchExtrinsic"}
    unknown = set(methods) - set(params) - subscribe
    assert not unknown, f"listed but not covered by this test: {unknown}"
    for method in methods:
        if method in subscribe or params[method] is None:
            continue
        resp = ws.call(method, params[method])
        assert "error" not in resp, (method, resp)
    # shapes clients depend on
    assert ws.call("system_health")["result"] == {"peers": 0, "isSyncing": False, "shouldHavePeers": False}
    assert ws.call("system_properties")["result"]["ss58Format"] == 42
    assert ws.call("system_chainType")["result"] == "Development"
    assert isinstance(ws.call("account_nextIndex", [ALICE.ss58])["result"], int)
    info = ws.call("payment_queryInfo", [_xt(live_node, tn)])["result"]
    assert info["class"] == "normal" and int(info["partialFee"]) > 0
    header = ws.call("chain_getHeader")["result"]
    assert header["number"].startswith("0x") and header["digest"] == {"logs": []}
    meta = ws.call("state_getMetadata")["result"]
    assert meta.startswith("0x6d6574610e")
    assert ws.call("state_getStorageSize", [NUMBER])["result"] == 8


def test_keys_paged_is_strictly_after_the_start_key_in_order(ws):
    prefix = "0x" + SYSTEM_ACCOUNT
    all_keys = ws.call("state_getKeysPaged", [prefix, 1000])["result"]
    assert all_keys == sorted(all_keys) and len(all_keys) >= 6
    assert ws.call("state_getKeys", [prefix])["result"] == all_keys
    page = ws.call("state_getKeysPaged", [prefix, 2, all_keys[1]])["result"]
    assert page == all_keys[2:4]
    assert ws.call("state_getKeysPaged", [prefix, 2, all_keys[-1]])["result"] == []
    bare = ws.call("state_getKeysPaged", [SYSTEM_ACCOUNT, 2, all_keys[1][2:]])["result"]  # hex without 0x
    assert bare == page


def test_every_subscription_sends_and_unsubscribes(live_node, tn):
    for method, (unsub, note_method) in SUBSCRIPTIONS.items():
        client = Ws(live_node.url)
        try:
            params = [["0x" + SYSTEM_ACCOUNT + "de1e86a9a8c739864cf3cc5ec2bea59f" + ALICE.public.hex()]] \
                if method == "state_subscribeStorage" else []
            resp = client.call(method, params)
            sub = resp["result"]
            note = client.note()                                   # the current value right away
            assert note["method"] == note_method and note["params"]["subscription"] == sub
            assert client.call(unsub, [sub])["result"] is True
            assert client.call(unsub, [sub])["result"] is False  # already gone
        finally:
            client.close()


def test_submit_and_watch_reports_ready_in_block_finalized(live_node, tn):
    client = Ws(live_node.url)
    try:
        sub = client.call("author_submitAndWatchExtrinsic", [_xt(live_node, tn, "Charlie")])["result"]
        statuses = [client.note()["params"]["result"] for _ in range(3)]
        assert statuses[0] == "ready" and "inBlock" in statuses[1] and "finalized" in statuses[2]
        assert client.call("author_unwatchExtrinsic", [sub])["result"] in (True, False)
        xt = _xt(live_node, tn, "Charlie")
        h = client.call("author_submitExtrinsic", [xt])["result"]
        assert len(h) == 66
    finally:
        client.close()


# --- bad input ---------------------------------------------------------------------------------------

BAD_CALLS = [
    ("chain_getBlockHash", ["not a number"]), ("chain_getBlockHash", [-1]), ("chain_getBlockHash", [2**80]),
    ("chain_getBlock", ["0x" + "ab" * 32]), ("chain_getHeader", ["0xzz"]), ("chain_getBlock", [12]),
    ("state_getStorage", ["0x123"]), ("state_getStorage", [NUMBER, "0x" + "cd" * 32]), ("state_getStorage", [{}]),
    ("state_getKeysPaged", ["0x", "ten"]), ("state_getKeysPaged", ["0x", 10**12]),
    ("state_call", ["Nope_nothing", "0x"]), ("state_call", ["Core_version", "0xgg"]),
    ("state_call", ["AccountNonceApi_account_nonce", "0x01"]),
    ("state_queryStorage", [[NUMBER], "0x" + "00" * 32]), ("state_queryStorageAt", ["notalist"]),
    ("author_submitExtrinsic", ["0x"]), ("author_submitExtrinsic", ["0x00"]), ("author_submitExtrinsic", [42]),
    ("author_submitExtrinsic", ["0x" + "ff" * 5000]), ("author_removeExtrinsic", [[{"bogus": "0x00"}]]),
    ("account_nextIndex", ["not-an-address"]), ("system_accountNextIndex", [12]),
    ("payment_queryInfo", ["0x1234"]), ("no_suchMethod", []), ("chain_getHead", {"weird": "named"}),
    ("chain_unsubscribeNewHeads", ["nope"]), ("state_getReadProof", [["0x00"], "0x" + "11" * 32]),
]


def test_bad_calls_get_json_rpc_errors_and_the_node_keeps_sealing(live_node, tn, ws):
    before = int(ws.call("chain_getHeader")["result"]["number"], 16)
    for method, params in BAD_CALLS:
        resp = ws.call(method, params)
        assert ("error" in resp) or (resp.get("result") in (None, False)), (method, params, resp)
        if "error" in resp:
            assert isinstance(resp["error"]["code"], int) and resp["error"]["message"], (method, resp)
    assert ws.call("no_suchMethod")["error"]["code"] == -32601
    assert ws.call("state_call", ["Nope_nothing", "0x"])["error"] == {
        "code": 4003, "message": "Client error: Execution failed: Other: Exported method Nope_nothing is not found"}
    assert ws.call("author_submitExtrinsic", ["0x00"])["error"]["code"] in (1001, 1002, 1010)
    _still_sealing(live_node, tn, ws, before)


def test_garbage_frames_huge_ids_and_batches(live_node, tn, ws):
    raw = websocket.create_connection(live_node.url, timeout=15)
    try:
        raw.send("{not json")
        assert json.loads(raw.recv())["error"]["code"] == -32700
        raw.send(json.dumps({"jsonrpc": "2.0", "id": 10**40, "method": "chain_getHead", "params": []}))
        resp = json.loads(raw.recv())
        assert resp["id"] == 10**40 and resp["result"].startswith("0x")
        raw.send(json.dumps({"jsonrpc": "2.0", "id": "Ab123", "method": "system_chain"}))
        assert json.loads(raw.recv()) == {"jsonrpc": "2.0", "id": "Ab123", "result": "Bittensor"}
        raw.send(json.dumps([{"jsonrpc": "2.0", "id": i, "method": "chain_getHead"} for i in range(50)]))
        assert [r["id"] for r in json.loads(raw.recv())] == list(range(50))
        raw.send(json.dumps([]))
        assert "error" in json.loads(raw.recv())
        raw.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": 7}))
        assert json.loads(raw.recv())["error"]["code"] == -32600
        raw.send_binary(b"\x00\xff\xfe")
        raw.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "system_chain"}))
        while True:  # a binary frame may get an error answer or be ignored; the connection survives either way
            msg = json.loads(raw.recv())
            if msg.get("id") == 2:
                assert msg["result"] == "Bittensor"
                break
    finally:
        raw.close()
    # a client that subscribes and vanishes mid-subscription
    for _ in range(5):
        gone = websocket.create_connection(live_node.url, timeout=15)
        for _ in range(20):
            gone.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "chain_subscribeNewHeads"}))
        gone.sock.shutdown(socket.SHUT_RDWR)
        gone.close()
    before = int(ws.call("chain_getHeader")["result"]["number"], 16)
    _still_sealing(live_node, tn, ws, before)


def _still_sealing(live_node, tn, ws, before: int) -> None:
    resp = ws.call("author_submitExtrinsic", [_xt(live_node, tn, "Dave", 10**6)])
    assert "result" in resp, resp
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if int(ws.call("chain_getHeader")["result"]["number"], 16) > before:
            return
        time.sleep(0.05)
    pytest.fail("the node stopped producing blocks")


def test_thousands_of_subscriptions_and_oversized_frames(live_node, tn, ws):
    client = Ws(live_node.url)
    try:
        for i in range(1, 1501):  # past the per-connection limit (1024), pipelined
            client.ws.send(json.dumps({"jsonrpc": "2.0", "id": i, "method": "chain_subscribeNewHeads"}))
        answers = {}
        while len(answers) < 1500:
            msg = json.loads(client.ws.recv())
            if "id" in msg:
                answers[msg["id"]] = msg
        ok = [m for m in answers.values() if "result" in m]
        refused = [m for m in answers.values() if "error" in m]
        assert len(ok) == 1024 and len(refused) == 476
        assert all(isinstance(m["error"]["code"], int) for m in refused)
    finally:
        client.close()
    # a request frame above the 15 MiB limit closes that connection; others are unaffected
    big = websocket.create_connection(live_node.url, timeout=30)
    try:
        payload = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "author_submitExtrinsic",
                              "params": ["0x" + "00" * (8 * 2**20)]})
        try:
            big.send(payload)
            resp = big.recv()
            assert resp == "" or "error" in json.loads(resp)
        except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError):
            pass
    finally:
        big.close()
    # a 9 MiB extrinsic (under the frame limit) is refused as a bad extrinsic, not a crash
    resp = ws.call("author_submitExtrinsic", ["0x" + "01" * (9 * 2**20 // 2)])
    assert resp["error"]["code"] == 1001
    before = int(ws.call("chain_getHeader")["result"]["number"], 16)
    _still_sealing(live_node, tn, ws, before)
