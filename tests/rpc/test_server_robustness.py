"""Robustness of the RPC core: arbitrary input never crashes it, slow handlers do not block a
connection, and the outbox keeps its bounds."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any, Iterator

import aiohttp
import pytest
import requests
import websocket
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tensornet.rpc.registry import CallContext, MethodRegistry
from tensornet.rpc.server import RpcServer
from tensornet.rpc.subscriptions import Outbox, Subscription


def make_registry(gate: dict[str, asyncio.Event] | None = None) -> MethodRegistry:
    reg = MethodRegistry()

    @reg.method("system_chain")
    def system_chain(ctx: CallContext) -> str:
        return "Bittensor"

    @reg.method("test_add")
    def add(ctx: CallContext, a: int, b: int = 0) -> int:
        return a + b

    @reg.method("test_kw")
    def keywords(ctx: CallContext, *, key: str = "k") -> str:
        return key

    @reg.method("test_wait")
    async def wait(ctx: CallContext) -> str:
        assert gate is not None
        await gate["open"].wait()
        return "released"

    @reg.subscription("dev_subscribe", "dev_unsubscribe", "dev_notify", unsafe=True)
    def dev(ctx: CallContext, sub: Subscription) -> None:
        sub.send("dev")

    @reg.subscription("test_subscribe", "test_unsubscribe", "test_notify")
    def subscribe(ctx: CallContext, sub: Subscription, *args: Any) -> None:
        sub.send(list(args))

    return reg


def req(method: str, params: Any = None, id: Any = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method, "params": [] if params is None else params, "id": id}


# ---------------------------------------------------------------------------- a server in its own thread

@pytest.fixture(scope="module")
def threaded_server() -> Iterator[RpcServer]:
    """For synchronous clients (hypothesis drives sync tests): the server's loop runs in a thread."""
    loop = asyncio.new_event_loop()
    srv = RpcServer(make_registry(), port=0)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(srv.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    yield srv
    asyncio.run_coroutine_threadsafe(srv.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


_http = threading.local()


def http_post(srv: RpcServer, body: bytes) -> tuple[int, bytes]:
    if not hasattr(_http, "session"):
        _http.session = requests.Session()  # keep-alive: one connection for all examples
    response = _http.session.post(srv.http_url, data=body, timeout=10,
                                  headers={"Content-Type": "application/json"})
    return response.status_code, response.content


def assert_well_formed(reply: Any, *, allow_batch: bool = True) -> None:
    if isinstance(reply, list) and allow_batch:
        assert reply
        for item in reply:
            assert_well_formed(item, allow_batch=False)
        return
    assert isinstance(reply, dict) and reply["jsonrpc"] == "2.0" and "id" in reply
    assert ("result" in reply) != ("error" in reply)
    if "error" in reply:
        assert isinstance(reply["error"]["code"], int) and isinstance(reply["error"]["message"], str)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=20)
method_names = st.sampled_from(["system_chain", "test_add", "test_kw", "test_subscribe",
                                "test_unsubscribe", "dev_subscribe", "rpc_methods", "nope", ""])
rpc_requests = st.fixed_dictionaries(
    {"jsonrpc": st.sampled_from(["2.0", "2.0", "2.0", "1.0", 2]), "method": method_names | json_values},
    optional={"id": json_values, "params": json_values})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=rpc_requests | st.lists(rpc_requests, max_size=6) | json_values)
def test_any_json_gets_a_well_formed_answer(threaded_server, payload):
    status, body = http_post(threaded_server, json.dumps(payload).encode())
    assert status == 200
    if body:
        assert_well_formed(json.loads(body))
    else:  # only notifications (requests without an id) may go unanswered
        items = payload if isinstance(payload, list) else [payload]
        assert items and all(isinstance(i, dict) and "id" not in i for i in items)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_any_bytes_over_websocket_never_break_the_connection(threaded_server, raw):
    ws = websocket.create_connection(threaded_server.url, timeout=10)
    try:
        ws.send_binary(raw)
        ws.send(json.dumps(req("system_chain", [], "probe")))
        while True:  # whatever `raw` produced, the probe is answered on the same connection
            reply = json.loads(ws.recv())
            if isinstance(reply, dict) and reply.get("id") == "probe":
                assert reply["result"] == "Bittensor"
                break
            if isinstance(reply, dict) and "method" in reply:
                continue  # a notification opened by the fuzzed frame
            assert_well_formed(reply)
    finally:
        ws.close()


# ---------------------------------------------------------------------------- concurrency and policy

async def test_a_slow_handler_does_not_block_its_connection():
    gate = {"open": asyncio.Event()}
    srv = RpcServer(make_registry(gate), port=0)
    await srv.start()
    try:
        async with aiohttp.ClientSession() as session, session.ws_connect(srv.url) as ws:
            await ws.send_json(req("test_wait", [], "slow"))
            await ws.send_json(req("test_add", [1, 2], "fast"))
            assert await ws.receive_json() == {"jsonrpc": "2.0", "result": 3, "id": "fast"}
            gate["open"].set()
            assert await ws.receive_json() == {"jsonrpc": "2.0", "result": "released", "id": "slow"}
    finally:
        await srv.stop()


async def test_unsafe_subscriptions_follow_the_policy():
    for policy, allowed in (("safe", False), ("unsafe", True)):
        srv = RpcServer(make_registry(), port=0, rpc_methods=policy)
        await srv.start()
        try:
            async with aiohttp.ClientSession() as session, session.ws_connect(srv.url) as ws:
                await ws.send_json(req("dev_subscribe"))
                reply = await ws.receive_json()
                if allowed:
                    assert isinstance(reply["result"], str)
                    assert (await ws.receive_json())["params"]["result"] == "dev"
                else:
                    assert reply["error"]["code"] == -32601
                await ws.send_json(req("dev_unsubscribe", ["x"]))
                reply = await ws.receive_json()
                assert (reply.get("result") is False) if allowed else reply["error"]["code"] == -32601
        finally:
            await srv.stop()


async def test_named_params_and_keyword_only_handlers():
    srv = RpcServer(make_registry(), port=0)
    await srv.start()
    try:
        async with aiohttp.ClientSession() as session:
            async def call(body: Any) -> Any:
                async with session.post(srv.http_url, json=body) as r:
                    return await r.json()

            assert (await call(req("test_kw", {"key": "v"})))["result"] == "v"
            assert (await call(req("test_kw", [])))["result"] == "k"
            assert (await call(req("test_kw", ["positional"])))["error"]["code"] == -32602
            assert (await call(req("test_add", {"a": 1, "zz": 2})))["error"]["code"] == -32602
    finally:
        await srv.stop()


# ---------------------------------------------------------------------------- the outbox

async def test_outbox_bounds_and_back_pressure():
    box = Outbox(max_messages=3, max_bytes=100)
    assert box.put_nowait("x" * 500)  # a lone frame always fits
    assert not box.put_nowait("y")
    assert await box.get() == "x" * 500
    for frame in ("a" * 40, "b" * 40):
        assert box.put_nowait(frame)
    assert not box.put_nowait("c" * 40)  # 120 bytes would exceed the byte bound
    assert box.put_nowait("c" * 10)
    assert not box.put_nowait("d")  # 3 messages: the count bound
    waiter = asyncio.create_task(box.put("e" * 10))
    await asyncio.sleep(0.01)
    assert not waiter.done()  # a response waits for room instead of failing
    assert await box.get() == "a" * 40
    assert await asyncio.wait_for(waiter, 1) is True
    assert [await box.get() for _ in range(3)] == ["b" * 40, "c" * 10, "e" * 10]
    assert box.peak_bytes == 500
    reader = asyncio.create_task(box.get())
    await asyncio.sleep(0.01)
    box.close()
    assert await asyncio.wait_for(reader, 1) is None
    assert not box.put_nowait("late") and await box.put("late") is False


async def test_stop_is_prompt_even_with_clients_that_never_answer_the_close():
    srv = RpcServer(make_registry(), port=0)
    await srv.start()
    clients = [await asyncio.to_thread(websocket.create_connection, srv.url, timeout=5) for _ in range(5)]
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await srv.stop()
        assert loop.time() - started < 3.0  # the closes run together, each bounded
        assert srv.open_connections == 0
    finally:
        for client in clients:
            client.shutdown()


async def test_outbox_get_all_takes_every_frame_and_frees_the_room():
    box = Outbox(max_messages=2, max_bytes=100)
    assert box.put_nowait("a") and box.put_nowait("b") and not box.put_nowait("c")
    assert await box.get_all() == ["a", "b"]
    assert box.queued_bytes == 0 and box.put_nowait("c")
    box.close()
    assert await box.get_all() is None


def test_text_frames_use_the_shortest_length_encoding():
    from tensornet.rpc.wire import encode_text_frames

    for size, header in ((0, b"\x81\x00"), (125, b"\x81\x7d"), (126, b"\x81\x7e\x00\x7e"),
                         (65535, b"\x81\x7e\xff\xff"), (65536, b"\x81\x7f" + (65536).to_bytes(8, "big"))):
        assert encode_text_frames(["x" * size]) == header + b"x" * size
    assert encode_text_frames(["a", "bc"]) == b"\x81\x01a\x81\x02bc"


async def test_pipelined_requests_are_answered_in_order_with_async_ones_bounded():
    gate = {"open": asyncio.Event()}
    srv = RpcServer(make_registry(gate), port=0, max_concurrent_requests_per_connection=2)
    await srv.start()
    try:
        async with aiohttp.ClientSession() as session, session.ws_connect(srv.url) as ws:
            for i in range(2):
                await ws.send_json(req("test_wait", [], f"slow{i}"))
            for i in range(50):
                await ws.send_json(req("test_add", [i, 1], i))
            # both async slots are taken: nothing after them is read until one frees
            with pytest.raises(asyncio.TimeoutError):
                await ws.receive_json(timeout=0.2)
            gate["open"].set()
            answers = [await ws.receive_json(timeout=5) for _ in range(52)]
            assert {a["id"] for a in answers[:2]} == {"slow0", "slow1"}
            assert [a["result"] for a in answers[2:]] == [i + 1 for i in range(50)]
    finally:
        await srv.stop()
