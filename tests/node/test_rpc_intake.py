"""RPC submissions through the transaction workers: a burst of ``author_submitExtrinsic`` requests is
answered exactly as the in-process path answers them (hashes for the valid, 1010/1014/1001 errors
for the bad ones), one sender's consecutive nonces all land ready, and everything valid is included;
``author_submitAndWatchExtrinsic`` still reports ready → inBlock → finalized."""
from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from tensornet.chain.spec import preset
from tensornet.node.background import BackgroundNode
from tensornet.node.node import Node, NodeConfig
from tensornet.primitives.hashing import blake2_256
from tensornet.primitives.keys import dev_keypair, keypair_from_uri

BOB = dev_keypair("Bob").public
TAO = 10**9


def _request(i: int, method: str, raw: bytes) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": ["0x" + raw.hex()]})


async def _burst(live: BackgroundNode, txs: list[bytes]) -> dict[int, dict]:
    """Every request sent while the node's loop is busy, so that the node reads them all in one turn
    (as it does under load); the answers by id."""
    async with aiohttp.ClientSession() as session, session.ws_connect(live.url) as ws:
        live.loop.call_soon_threadsafe(time.sleep, 0.3)
        for i, raw in enumerate(txs):
            await ws.send_str(_request(i, "author_submitExtrinsic", raw))
        answers = {}
        while len(answers) < len(txs):
            msg = json.loads((await ws.receive(timeout=30)).data)
            answers[msg["id"]] = msg
        return answers


async def _watch(url: str, raw: bytes) -> list:
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.send_str(_request(1, "author_submitAndWatchExtrinsic", raw))
        statuses = []
        while not (statuses and isinstance(statuses[-1], dict) and "finalized" in statuses[-1]):
            msg = json.loads((await ws.receive(timeout=30)).data)
            if "params" in msg:
                statuses.append(msg["params"]["result"])
            else:
                assert "result" in msg, msg
        return statuses


def _until_pool_empty(node: Node, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while len(node.pool):
        assert time.monotonic() < deadline, "the pool was never emptied"
        time.sleep(0.02)


def test_a_burst_through_the_workers_is_answered_and_included(tn):
    node = Node(NodeConfig(preset("test"), sealing="instant", rpc_port=0, verify_workers=2))
    assert node.intake is not None
    through_workers: list[int] = []
    prepare = node.prepare

    def counted(raws, *args):
        prepared = prepare(raws, *args)
        if prepared is not None:
            through_workers.append(len(raws))
        return prepared

    node.prepare = counted
    senders = [keypair_from_uri(f"//intake{i}") for i in range(20)]
    live = BackgroundNode(lambda: node).start()
    try:
        fund = [tn.transfer(node, "Alice", kp.public, 100 * TAO, nonce=i) for i, kp in enumerate(senders)]
        assert all("result" in answer for answer in asyncio.run(_burst(live, fund)).values())
        _until_pool_empty(node)
        valid = [tn.transfer(node, kp, BOB, TAO + n, nonce=n) for kp in senders for n in range(6)]
        bad_signature = bytearray(valid[7])
        bad_signature[40] ^= 0xFF
        burst = valid + [bytes(bad_signature), valid[3], valid[9][:-1], tn.transfer(node, "Alice", BOB, TAO, nonce=0)]
        head_before = node.head.number
        answers = asyncio.run(_burst(live, burst))
        assert sum(through_workers) > len(burst) // 2  # most of the burst was checked by the workers
        for i, raw in enumerate(valid):
            assert answers[i].get("result") == "0x" + blake2_256(raw).hex(), answers[i]
        codes = [answers[len(valid) + k]["error"]["code"] for k in range(4)]
        assert codes[0] == 1010 and codes[2:] == [1001, 1010]  # bad proof, …, malformed, stale
        assert codes[1] in (1012, 1013)  # the same bytes again: banned once in a block, else known
        _until_pool_empty(node)
        included = [blake2_256(xt) for n in range(head_before + 1, node.head.number + 1)
                    for xt in node.store.body(node.store.hash_of(n))]
        assert set(included) >= {blake2_256(raw) for raw in valid}  # (and each block's inherents)
        statuses = asyncio.run(_watch(live.url, tn.transfer(node, senders[0], BOB, TAO, nonce=6)))
        assert statuses[0] == "ready" and "inBlock" in statuses[1] and "finalized" in statuses[-1]
    finally:
        live.stop()
        node.close_workers()
