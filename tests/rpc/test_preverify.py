"""The RPC submission batcher: answers at once outside a flood, verifies a flood's batches on its
helper process in arrival order, and falls back to verifying in place when the helper is gone."""

from __future__ import annotations

import asyncio
import os

from tensornet.primitives.keys import dev_keypair, verify
from tensornet.rpc.preverify import SubmissionBatcher

ALICE = dev_keypair("Alice")


class FakeNode:
    """`submit` verifies unless the signature was recorded, like `Node.submit` with its cache."""

    def __init__(self) -> None:
        self.recorded: set[bytes] = set()
        self.submitted: list[bytes] = []
        self.verified_in_place = 0

    def job(self, raw: bytes) -> tuple[bytes, bytes, bytes]:
        if raw.startswith(b"bad"):
            raise ValueError("malformed")
        return ALICE.public, raw[64:], raw[:64]

    def record(self, job: tuple[bytes, bytes, bytes]) -> None:
        self.recorded.add(job[1] + job[2])

    def submit(self, raw: bytes) -> str:
        if raw.startswith(b"bad"):
            raise ValueError("malformed")
        payload, sig = raw[64:], raw[:64]
        if payload + sig not in self.recorded:
            self.verified_in_place += 1
            if not verify(ALICE.public, payload, sig):
                raise ValueError("BadProof")
        self.submitted.append(raw)
        return payload.hex()


def signed(payload: bytes) -> bytes:
    return ALICE.sign(payload) + payload


async def until(predicate, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.01)


async def flood(batcher: SubmissionBatcher, raws: list[bytes]) -> list:
    """Submit all of `raws` in one turn and gather the answers (futures or immediate results)."""
    answers = [batcher.submit(raw) for raw in raws]
    return await asyncio.gather(*(a for a in answers if asyncio.isfuture(a)), return_exceptions=True)


async def test_few_submissions_are_answered_at_once():
    node = FakeNode()
    batcher = SubmissionBatcher(node.submit, node.job, node.record, min_batch=4)
    try:
        for i in range(3):
            assert batcher.submit(signed(bytes([i]))) == bytes([i]).hex()
            await asyncio.sleep(0)
        assert node.verified_in_place == 3 and batcher._process is None  # no helper was started
    finally:
        batcher.close()


async def test_a_flood_is_verified_on_the_helper_in_arrival_order():
    node = FakeNode()
    batcher = SubmissionBatcher(node.submit, node.job, node.record, min_batch=4)
    try:
        first = [signed(os.urandom(40)) for _ in range(4)]
        await flood(batcher, first)  # answered in place; starts the flood and the helper
        await until(lambda: batcher._ready)
        bad_sig = os.urandom(64) + b"forged payload"
        raws = [signed(os.urandom(40)) for _ in range(6)] + [b"bad bytes", bad_sig, signed(b"last")]
        answers = await flood(batcher, raws)
        assert answers[:6] == [raw[64:].hex() for raw in raws[:6]]
        assert [str(a) for a in answers[6:8]] == ["malformed", "BadProof"]
        assert answers[8] == b"last".hex()
        assert node.submitted == first + raws[:6] + [raws[8]]
        assert node.verified_in_place == 4 + 1  # the first turn, then only the forged signature
    finally:
        batcher.close()


async def test_a_lost_helper_means_verifying_in_place():
    node = FakeNode()
    batcher = SubmissionBatcher(node.submit, node.job, node.record, min_batch=2)
    try:
        await flood(batcher, [signed(b"a"), signed(b"b")])
        await until(lambda: batcher._ready)
        batcher._process.kill()
        raws = [signed(os.urandom(8)) for _ in range(3)]
        assert await flood(batcher, raws) == [raw[64:].hex() for raw in raws]
        assert node.submitted[2:] == raws
    finally:
        batcher.close()


async def test_closing_with_a_batch_out_admits_it_in_place():
    node = FakeNode()
    batcher = SubmissionBatcher(node.submit, node.job, node.record, min_batch=2)
    try:
        await flood(batcher, [signed(b"a"), signed(b"b")])
        await until(lambda: batcher._ready)
        raws = [signed(os.urandom(8)) for _ in range(3)]
        futures = [batcher.submit(raw) for raw in raws]
        await asyncio.sleep(0)  # the flush sends the batch; the answer is not read yet
        assert batcher._out is not None
        batcher.close()
        assert [f.result() for f in futures] == [raw[64:].hex() for raw in raws]
        assert batcher.submit(signed(b"c")) is not None and batcher._out is None
    finally:
        batcher.close()


# ---------------------------------------------------------------------------- through a live node

def _burst(ws, raws: list[bytes], first_id: int) -> None:
    """Send one author_submitExtrinsic per raw in a single TCP write, so the node reads them in one turn."""
    import websocket

    frames = [websocket.ABNF.create_frame(
        f'{{"jsonrpc":"2.0","id":{first_id + i},"method":"author_submitExtrinsic","params":["0x{raw.hex()}"]}}',
        websocket.ABNF.OPCODE_TEXT).format() for i, raw in enumerate(raws)]
    ws.sock.sendall(b"".join(frames))


def _answers(ws, count: int) -> dict:
    import json

    out = {}
    while len(out) < count:
        msg = json.loads(ws.recv())
        out[msg["id"]] = msg
    return out


def test_a_flood_over_rpc_is_answered_and_included_as_without_the_helper():
    import multiprocessing
    import time

    import websocket

    from tensornet.primitives.hashing import blake2_256
    from tensornet.runtime.signer import sign_extrinsic
    from tests.conftest import LiveNode

    live = LiveNode().start()
    try:
        node = live.node
        rt = node.runtime
        bob = dev_keypair("Bob").public
        call = rt.encode_call("Balances", "transfer_keep_alive", {"dest": {"Id": bob}, "value": 10**6})
        raws = [sign_extrinsic(rt, call, ALICE, nonce, node.genesis_hash) for nonce in range(80)]
        forged = raws[-1][:-80] + bytes(80)  # not a valid signature (nor, maybe, a valid extrinsic)
        ws = websocket.create_connection(live.url, timeout=30)
        try:
            _burst(ws, raws[:40], 0)  # one turn of 40: a flood, which starts the helper
            assert all("result" in a for a in _answers(ws, 40).values())
            deadline = time.monotonic() + 30
            while not any(p.name == "tensornet-sigverify" for p in multiprocessing.active_children()):
                assert time.monotonic() < deadline
                time.sleep(0.05)
            time.sleep(0.5)  # let it start answering
            _burst(ws, raws[40:] + [forged], 40)
            answers = _answers(ws, 41)
            assert [answers[40 + i].get("result") for i in range(40)] == \
                ["0x" + blake2_256(raw).hex() for raw in raws[40:]]
            assert answers[80]["error"]["code"] in (1001, 1010)
            deadline = time.monotonic() + 30
            while live.rpc("account_nextIndex", [ALICE.ss58])["result"] != 80 or len(node.pool):
                assert time.monotonic() < deadline
                time.sleep(0.05)
        finally:
            ws.close()
    finally:
        live.stop()
    assert not any(p.name == "tensornet-sigverify" for p in multiprocessing.active_children())
