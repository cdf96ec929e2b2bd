"""Subscriptions and per-connection limits: id before notifications, unsubscribe, the subscription
cap, disconnects, slow readers and oversized frames."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import websocket

from tensornet.rpc.errors import RpcError
from tensornet.rpc.registry import CallContext, MethodRegistry
from tensornet.rpc.server import MiB, RpcServer
from tensornet.rpc.subscriptions import Outbox, Subscription


@dataclass
class Probe:
    """What the test handlers saw, for the assertions."""

    subs: list[Subscription] = field(default_factory=list)
    closed_ids: list[str] = field(default_factory=list)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    sent: int = 0
    outbox: Outbox | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def track(self, sub: Subscription) -> None:
        self.subs.append(sub)

        def closed() -> None:
            self.closed_ids.append(sub.id)
            self.closed.set()

        sub.on_close(closed)


def make_registry(probe: Probe) -> MethodRegistry:
    reg = MethodRegistry()

    @reg.method("test_ping")
    def ping(ctx: CallContext) -> str:
        return "pong"

    @reg.method("test_count")
    def count(ctx: CallContext) -> int:
        return len(ctx.subscriptions) if ctx.subscriptions is not None else -1

    @reg.method("test_len")
    def length(ctx: CallContext, text: str) -> int:
        return len(text)

    @reg.method("test_big")
    def big(ctx: CallContext, size: int) -> str:
        return "x" * size

    @reg.subscription("test_subscribe", "test_unsubscribe", "test_notify",
                      aliases=["test_subscribeAlias"], unsubscribe_aliases=["test_unsubscribeAlias"])
    async def subscribe(ctx: CallContext, sub: Subscription, n: int = 0) -> None:
        probe.track(sub)
        for i in range(n):  # pushed before the id is answered: must still arrive after it
            sub.send(i)

    @reg.subscription("other_subscribe", "other_unsubscribe", "other_notify")
    def other(ctx: CallContext, sub: Subscription) -> None:
        probe.track(sub)

    @reg.subscription("test_failing", "test_unfailing", "test_failing_notify")
    async def failing(ctx: CallContext, sub: Subscription) -> None:
        probe.track(sub)
        sub.send("must never be seen")
        raise RpcError(1010, "Invalid Transaction", "Transaction is outdated")

    @reg.subscription("test_flood", "test_unflood", "test_flood_notify")
    async def flood(ctx: CallContext, sub: Subscription, size: int) -> None:
        probe.track(sub)
        assert ctx.subscriptions is not None
        probe.outbox = ctx.subscriptions.outbox
        payload = "y" * size

        async def pump() -> None:
            while not sub.closed:
                for _ in range(16):
                    sub.send(payload)
                    probe.sent += 1
                await asyncio.sleep(0)

        probe.tasks.append(asyncio.create_task(pump()))

    @reg.subscription("test_threaded", "test_unthreaded", "test_threaded_notify")
    def threaded(ctx: CallContext, sub: Subscription, n: int) -> None:
        def produce() -> None:
            for i in range(n):
                sub.send(i)

        threading.Thread(target=produce, daemon=True).start()

    return reg


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
async def server(probe):
    srv = RpcServer(make_registry(probe), port=0)
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


def req(method: str, params: Any = None, id: Any = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method, "params": [] if params is None else params, "id": id}


async def until(condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


# ---------------------------------------------------------------------------- ordering

async def test_id_response_comes_before_the_first_notification(server, session):
    async with session.ws_connect(server.url) as ws:
        await ws.send_json(req("test_subscribe", [5], "s"))
        first = await ws.receive_json()
        assert first["id"] == "s" and isinstance(first["result"], str)
        notes = [await ws.receive_json() for _ in range(5)]
        assert [n["params"]["result"] for n in notes] == [0, 1, 2, 3, 4]
        assert {n["method"] for n in notes} == {"test_notify"}
        assert {n["params"]["subscription"] for n in notes} == {first["result"]}
        assert "id" not in notes[0]


async def test_batch_of_subscriptions_answers_before_notifying(server, session):
    async with session.ws_connect(server.url) as ws:
        await ws.send_json([req("test_subscribe", [3], i) for i in range(50)])
        answer = await ws.receive_json()
        assert isinstance(answer, list) and len(answer) == 50
        ids = {r["result"] for r in answer}
        assert len(ids) == 50
        notes = [await ws.receive_json() for _ in range(150)]
        assert {n["params"]["subscription"] for n in notes} == ids


async def test_notifications_from_another_thread(server, session):
    async with session.ws_connect(server.url) as ws:
        await ws.send_json(req("test_threaded", [20]))
        sub_id = (await ws.receive_json())["result"]
        notes = [await ws.receive_json() for _ in range(20)]
        assert [n["params"]["result"] for n in notes] == list(range(20))
        assert {n["params"]["subscription"] for n in notes} == {sub_id}


# ---------------------------------------------------------------------------- unsubscribe and failures

async def test_unsubscribe(server, session, probe):
    async with session.ws_connect(server.url) as ws:
        await ws.send_json(req("test_subscribe"))
        sub_id = (await ws.receive_json())["result"]
        await ws.send_json(req("other_unsubscribe", [sub_id]))  # another kind cannot close it
        assert (await ws.receive_json())["result"] is False
        await ws.send_json(req("test_unsubscribe", [sub_id]))
        assert (await ws.receive_json())["result"] is True
        assert probe.closed_ids == [sub_id] and probe.subs[0].closed
        for params in ([sub_id], ["unknown"], [12345], [None]):
            await ws.send_json(req("test_unsubscribeAlias", params))
            assert (await ws.receive_json())["result"] is False
        await ws.send_json(req("test_unsubscribe", []))
        assert (await ws.receive_json())["error"]["code"] == -32602
        await ws.send_json(req("test_subscribeAlias", [1]))
        alias_id = (await ws.receive_json())["result"]
        assert (await ws.receive_json())["params"]["subscription"] == alias_id
        await ws.send_json(req("test_unsubscribe", [alias_id]))
        assert (await ws.receive_json())["result"] is True
        probe.subs[1].send("after close is a no-op")
        await ws.send_json(req("test_count"))
        assert (await ws.receive_json())["result"] == 0


async def test_failing_subscribe_is_an_error_with_no_subscription(server, session, probe):
    async with session.ws_connect(server.url) as ws:
        await ws.send_json(req("test_failing", [], 9))
        reply = await ws.receive_json()
        assert reply == {"jsonrpc": "2.0", "id": 9, "error": {
            "code": 1010, "message": "Invalid Transaction", "data": "Transaction is outdated"}}
        assert probe.subs[0].closed and probe.closed_ids == [probe.subs[0].id]
        await ws.send_json(req("test_subscribe", ["not", "valid", "params"]))
        assert (await ws.receive_json())["error"]["code"] == -32602
        await ws.send_json(req("test_count"))
        assert await ws.receive_json() == {"jsonrpc": "2.0", "result": 0, "id": 1}


async def test_two_thousand_subscriptions_hit_the_limit_cleanly(server, session):
    limit = server.max_subscriptions_per_connection
    assert limit == 1024
    async with session.ws_connect(server.url) as ws:
        await ws.send_json([req("test_subscribe", [], i) for i in range(2000)])
        answers = await ws.receive_json()
        ok = [a for a in answers if "result" in a]
        refused = [a for a in answers if "error" in a]
        assert len(ok) == limit and len(refused) == 2000 - limit
        assert {a["error"]["code"] for a in refused} == {-32006}
        assert refused[0]["error"]["message"] == "Too many subscriptions on the connection"
        await ws.send_json(req("test_count", [], "c"))
        assert (await ws.receive_json())["result"] == limit
        await ws.send_json(req("test_unsubscribe", [ok[0]["result"]]))
        assert (await ws.receive_json())["result"] is True
        await ws.send_json(req("test_subscribe", [], "again"))
        assert isinstance((await ws.receive_json())["result"], str)
        async with session.ws_connect(server.url) as other:  # the limit is per connection
            await other.send_json(req("test_subscribe"))
            assert isinstance((await other.receive_json())["result"], str)


# ---------------------------------------------------------------------------- disconnects

async def test_client_closing_mid_subscription_runs_on_close(server, session, probe):
    ws = await session.ws_connect(server.url)
    await ws.send_json(req("test_subscribe", [1]))
    await ws.receive_json()
    await ws.close()
    await asyncio.wait_for(probe.closed.wait(), 5)
    assert probe.subs[0].closed
    probe.subs[0].send("nobody listens")  # must not raise
    await until(lambda: server.open_connections == 0)


async def test_abrupt_disconnect_runs_on_close(server, probe):
    def connect_subscribe_and_vanish() -> None:
        ws = websocket.create_connection(server.url, timeout=5)
        ws.send(json.dumps(req("test_subscribe", [2])))
        ws.recv()
        ws.shutdown()  # no close frame: the TCP connection just goes away

    await asyncio.to_thread(connect_subscribe_and_vanish)
    await asyncio.wait_for(probe.closed.wait(), 5)
    assert probe.subs[0].closed
    await until(lambda: server.open_connections == 0)


async def test_server_stop_ends_subscriptions(probe, session):
    srv = RpcServer(make_registry(probe), port=0)
    await srv.start()
    ws = await session.ws_connect(srv.url)
    await ws.send_json(req("test_subscribe"))
    await ws.receive_json()
    await srv.stop()
    assert probe.closed.is_set()
    await ws.close()


async def test_slow_reader_is_disconnected_with_bounded_memory(probe, session):
    bound = 1 * MiB
    payload = 16 * 1024
    srv = RpcServer(make_registry(probe), port=0, send_queue_limit=64, send_queue_bytes=bound)
    await srv.start()
    try:
        def subscribe_and_never_read() -> websocket.WebSocket:
            ws = websocket.create_connection(srv.url, timeout=5)
            ws.send(json.dumps(req("test_flood", [payload])))
            return ws

        client = await asyncio.to_thread(subscribe_and_never_read)
        try:
            # The event loop keeps serving others while the flood is on.
            async with session.post(srv.http_url, json=req("test_ping")) as r:
                assert (await r.json())["result"] == "pong"
            await asyncio.wait_for(probe.closed.wait(), 20)
        finally:
            client.shutdown()
        assert probe.outbox is not None
        assert probe.outbox.peak_bytes <= bound + payload + 200
        assert probe.outbox.closed and probe.outbox.queued_bytes == 0
        await until(lambda: srv.open_connections == 0)
        sent_at_drop = probe.sent
        await asyncio.sleep(0.05)
        assert probe.sent == sent_at_drop  # the producer saw `closed` and stopped
        async with session.ws_connect(srv.url) as ws:
            await ws.send_json(req("test_ping"))
            assert (await ws.receive_json())["result"] == "pong"
    finally:
        for task in probe.tasks:
            task.cancel()
        await srv.stop()


# ---------------------------------------------------------------------------- frame limits

async def test_large_frames_in_and_out_within_limits(server, session):
    assert server.max_request_bytes >= 10 * MiB and server.max_response_bytes >= 64 * MiB
    text = "a" * (11 * MiB)
    async with session.ws_connect(server.url, max_msg_size=0) as ws:
        await ws.send_json(req("test_len", [text]))
        assert (await ws.receive_json())["result"] == len(text)
        await ws.send_json(req("test_big", [20 * MiB]))
        assert len((await ws.receive_json())["result"]) == 20 * MiB
        await ws.send_json(req("test_big", [65 * MiB]))
        assert (await ws.receive_json())["error"]["code"] == -32008


async def test_oversized_frame_closes_the_connection_and_server_keeps_serving(probe, session):
    srv = RpcServer(make_registry(probe), port=0, max_request_bytes=256 * 1024)
    await srv.start()
    try:
        async with session.ws_connect(srv.url) as ws:
            await ws.send_json(req("test_subscribe"))
            await ws.receive_json()
            await ws.send_json(req("test_len", ["z" * (300 * 1024)]))
            msg = await asyncio.wait_for(ws.receive(), 5)
            assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            assert ws.close_code == 1009  # "message too big"
        await asyncio.wait_for(probe.closed.wait(), 5)
        async with session.ws_connect(srv.url) as ws:
            await ws.send_json(req("test_len", ["z" * (200 * 1024)]))
            assert (await ws.receive_json())["result"] == 200 * 1024
        await until(lambda: srv.open_connections == 0)
    finally:
        await srv.stop()
