"""JSON-RPC framing over HTTP and WebSocket: ids, batches, error objects, policy, CORS, lifecycle."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
import websocket

from tensornet.rpc.errors import INVALID_PARAMS, RpcError, register_exception
from tensornet.rpc.registry import CallContext, MethodRegistry
from tensornet.rpc.server import RpcServer, is_loopback, origin_allowed


class PoolRejected(Exception):
    """Stands in for a lower layer's exception that maps to a Substrate error code."""


register_exception(PoolRejected, lambda exc: RpcError(1010, "Invalid Transaction", str(exc)))


def make_registry() -> MethodRegistry:
    reg = MethodRegistry()

    @reg.method("system_chain")
    def system_chain(ctx: CallContext) -> str:
        return "Bittensor"

    @reg.method("test_echo", aliases=["test_echoAlias"])
    async def echo(ctx: CallContext, *params: Any) -> list[Any]:
        return list(params)

    @reg.method("test_add")
    def add(ctx: CallContext, a: int, b: int = 0) -> int:
        return a + b

    @reg.method("test_ctx")
    def describe(ctx: CallContext) -> dict[str, Any]:
        return {"method": ctx.method, "ws": ctx.is_websocket, "subs": ctx.subscriptions_allowed}

    @reg.method("test_boom")
    def boom(ctx: CallContext) -> None:
        raise ValueError("kaboom")

    @reg.method("test_rejected")
    async def rejected(ctx: CallContext) -> None:
        raise PoolRejected("Inability to pay some fees (e.g. account balance too low)")

    @reg.method("test_rpcError")
    def rpc_error(ctx: CallContext) -> None:
        raise RpcError(4003, "Client error: Execution failed: Other: Exported method X is not found")

    @reg.method("test_unserialisable")
    def unserialisable(ctx: CallContext) -> object:
        return object()

    @reg.method("test_len")
    def length(ctx: CallContext, text: str) -> int:
        return len(text)

    @reg.method("test_big")
    def big(ctx: CallContext, size: int) -> str:
        return "x" * size

    @reg.method("author_insertKey", unsafe=True)
    def insert_key(ctx: CallContext, key_type: str, suri: str, public: str) -> None:
        return None

    @reg.subscription("test_subscribe", "test_unsubscribe", "test_notify")
    async def subscribe(ctx: CallContext, sub: Any) -> None:
        sub.send("hello")

    return reg


@pytest.fixture
async def server():
    srv = RpcServer(make_registry(), port=0)
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s


def req(method: str, params: Any = None, id: Any = 1) -> dict[str, Any]:
    body: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": id}
    if params is not None:
        body["params"] = params
    return body


async def post(session: aiohttp.ClientSession, srv: RpcServer, body: Any) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    async with session.post(srv.http_url, data=data, headers={"Content-Type": "application/json"}) as r:
        assert r.status == 200
        text = await r.text()
        return json.loads(text) if text else None


# ---------------------------------------------------------------------------- single calls and ids

async def test_http_and_websocket_serve_the_same_methods(server, session):
    assert (await post(session, server, req("system_chain")))["result"] == "Bittensor"
    async with session.ws_connect(server.url) as ws:
        await ws.send_json(req("system_chain", [], 7))
        assert await ws.receive_json() == {"jsonrpc": "2.0", "result": "Bittensor", "id": 7}
        await ws.send_json(req("test_ctx"))
        assert (await ws.receive_json())["result"] == {"method": "test_ctx", "ws": True, "subs": True}
    assert (await post(session, server, req("test_ctx")))["result"] == \
        {"method": "test_ctx", "ws": False, "subs": False}


@pytest.mark.parametrize("req_id", [0, 1, -5, 2**64 + 1, 10**40, "Ab123", "", None, 1.5])
async def test_ids_are_echoed_verbatim(server, session, req_id):
    raw = json.dumps(req("system_chain", id=req_id))
    async with session.post(server.http_url, data=raw) as r:
        text = await r.text()
    assert json.loads(text)["id"] == req_id
    assert f'"id":{json.dumps(req_id)}' in text  # huge ints keep every digit
    async with session.ws_connect(server.url) as ws:
        await ws.send_str(raw)
        assert (await ws.receive_json())["id"] == req_id


async def test_params_positional_named_and_absent(server, session):
    assert (await post(session, server, req("test_add", [2, 3])))["result"] == 5
    assert (await post(session, server, req("test_add", {"a": 2, "b": 40})))["result"] == 42
    assert (await post(session, server, req("test_add", [2])))["result"] == 2
    assert (await post(session, server, req("test_echo", None)))["result"] == []
    assert (await post(session, server, req("test_echoAlias", [1, "x", None])))["result"] == [1, "x", None]


@pytest.mark.parametrize("params", [[], [1, 2, 3], {"c": 1}, "oops", 5])
async def test_bad_params_are_invalid_params(server, session, params):
    body = {"jsonrpc": "2.0", "method": "test_add", "params": params, "id": 3}
    reply = await post(session, server, body)
    assert reply["id"] == 3
    assert reply["error"]["code"] == INVALID_PARAMS
    assert reply["error"]["message"] == "Invalid params"


# ---------------------------------------------------------------------------- errors

@pytest.mark.parametrize("raw", ['{"jsonrpc":"2.0",', "garbage", b"\xff\xfe\x00{", "NaN",
                                 '{"jsonrpc":"2.0","method":"x","id":1} trailing',
                                 "[" * 200_000 + "]" * 200_000])
async def test_garbage_is_a_parse_error_with_null_id(server, session, raw):
    reply = await post(session, server, raw)
    assert reply["id"] is None
    assert reply["error"]["code"] == -32700
    assert reply["error"]["message"] == "Parse error"


@pytest.mark.parametrize("body, echoed", [
    (5, None), ('"str"', None), (None, None), ([5], None),
    ({"jsonrpc": "2.0", "method": "system_chain", "id": {"a": 1}}, None),
    ({"jsonrpc": "2.0", "method": "system_chain", "id": [1]}, None),
    ({"jsonrpc": "2.0", "method": "system_chain", "id": True}, None),
    ({"method": "system_chain", "id": 4}, 4),
    ({"jsonrpc": "1.0", "method": "system_chain", "id": 4}, 4),
    ({"jsonrpc": "2.0", "method": 12, "id": "q"}, "q"),
])
async def test_malformed_requests_are_invalid_request(server, session, body, echoed):
    reply = await post(session, server, body)
    if isinstance(body, list):
        reply, = reply
    assert reply["error"]["code"] == -32600
    assert reply["id"] == echoed


async def test_unknown_method(server, session):
    reply = await post(session, server, req("state_nonsense", [], "z"))
    assert reply == {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "z"}


async def test_handler_errors_are_mapped_and_never_crash(server, session, caplog):
    boom = await post(session, server, req("test_boom"))
    assert boom["error"]["code"] == -32603
    assert "kaboom" in boom["error"]["data"]
    assert any("test_boom" in r.getMessage() for r in caplog.records)
    assert (await post(session, server, req("test_unserialisable")))["error"]["code"] == -32603
    assert (await post(session, server, req("test_rejected")))["error"] == {
        "code": 1010, "message": "Invalid Transaction",
        "data": "Inability to pay some fees (e.g. account balance too low)"}
    assert (await post(session, server, req("test_rpcError")))["error"] == {
        "code": 4003, "message": "Client error: Execution failed: Other: Exported method X is not found"}
    assert (await post(session, server, req("system_chain")))["result"] == "Bittensor"


# ---------------------------------------------------------------------------- batches

async def test_batch_keeps_order_and_skips_notifications(server, session):
    batch = [req("test_add", [1, 1], 1),
             {"jsonrpc": "2.0", "method": "test_add", "params": [5, 5]},  # notification
             req("nope", [], "two"),
             42,
             req("system_chain", [], 10**30)]
    reply = await post(session, server, batch)
    assert [r["id"] for r in reply] == [1, "two", None, 10**30]
    assert reply[0]["result"] == 2
    assert reply[1]["error"]["code"] == -32601
    assert reply[2]["error"]["code"] == -32600
    assert reply[3]["result"] == "Bittensor"


async def test_empty_batch_and_all_notification_batch(server, session):
    reply = await post(session, server, [])
    assert reply["error"]["code"] == -32600 and reply["id"] is None
    notifications = [{"jsonrpc": "2.0", "method": "system_chain"}] * 3
    assert await post(session, server, notifications) is None
    async with session.ws_connect(server.url) as ws:
        await ws.send_json(notifications)
        await ws.send_json([req("system_chain", [], "after")])
        assert await ws.receive_json() == [{"jsonrpc": "2.0", "result": "Bittensor", "id": "after"}]


async def test_websocket_text_and_binary_frames(server):
    def talk() -> list[Any]:
        ws = websocket.create_connection(server.url, timeout=5)
        try:
            ws.send(json.dumps(req("test_add", [20, 22], 1)))
            first = json.loads(ws.recv())
            ws.send_binary(json.dumps([req("system_chain", [], "b")]).encode())
            second = json.loads(ws.recv())
            ws.send_binary(b"\xff\xff")
            third = json.loads(ws.recv())
            return [first, second, third]
        finally:
            ws.close()

    first, second, third = await asyncio.to_thread(talk)
    assert first["result"] == 42
    assert second == [{"jsonrpc": "2.0", "result": "Bittensor", "id": "b"}]
    assert third["error"]["code"] == -32700


# ---------------------------------------------------------------------------- rpc_methods and unsafe

async def test_rpc_methods_lists_every_served_name(server, session):
    listed = (await post(session, server, req("rpc_methods")))["result"]
    assert listed["version"] == 1
    names = listed["methods"]
    assert names == sorted(names)
    assert {"rpc_methods", "test_echo", "test_echoAlias", "test_subscribe", "test_unsubscribe",
            "author_insertKey"} <= set(names)
    for name in names:  # every listed method resolves (no -32601)
        reply = await post(session, server, req(name, []))
        assert reply.get("error", {}).get("code") != -32601, name


async def test_unsafe_methods_refused_unless_allowed(session):
    safe = RpcServer(make_registry(), port=0, rpc_methods="safe")
    await safe.start()
    try:
        reply = await post(session, safe, req("author_insertKey", ["aura", "//Alice", "0x00"]))
        assert reply["error"] == {"code": -32601, "message": "RPC call is unsafe to be called externally"}
        names = (await post(session, safe, req("rpc_methods")))["result"]["methods"]
        assert "author_insertKey" not in names and "system_chain" in names
    finally:
        await safe.stop()
    assert RpcServer(make_registry(), host="127.0.0.1").allow_unsafe
    assert RpcServer(make_registry(), host="::1").allow_unsafe
    assert not RpcServer(make_registry(), host="0.0.0.0").allow_unsafe
    assert RpcServer(make_registry(), host="0.0.0.0", rpc_methods="unsafe").allow_unsafe
    with pytest.raises(ValueError):
        RpcServer(make_registry(), rpc_methods="yes")


async def test_unsafe_allowed_on_loopback_by_default(server, session):
    reply = await post(session, server, req("author_insertKey", ["aura", "//Alice", "0x00"]))
    assert reply == {"jsonrpc": "2.0", "result": None, "id": 1}


def test_loopback_and_origin_helpers():
    assert is_loopback("localhost") and is_loopback("127.0.0.5") and not is_loopback("10.0.0.1")
    allowed = ["http://localhost:*", "https://polkadot.js.org"]
    assert origin_allowed("http://localhost:3000", allowed)
    assert origin_allowed("http://localhost", allowed)
    assert origin_allowed("https://polkadot.js.org", allowed)
    assert not origin_allowed("http://localhost.evil.com", allowed)
    assert not origin_allowed("http://localhost:3000x", allowed)
    assert not origin_allowed("https://evil.com", allowed)
    assert origin_allowed(None, allowed) and origin_allowed("https://any", None)
    assert origin_allowed("https://any", ["all"])


def test_registry_refuses_duplicates_and_reserved_names():
    reg = make_registry()
    with pytest.raises(ValueError):
        reg.method("system_chain")(lambda ctx: None)
    with pytest.raises(ValueError):
        reg.method("rpc_methods")(lambda ctx: None)
    with pytest.raises(ValueError):
        reg.subscription("a_sub", "a_unsub", "a_note", unsubscribe_aliases=["a_sub"])(lambda c, s: None)
    assert "a_sub" not in reg
    assert reg.names() == sorted(reg.names())
    assert "author_insertKey" not in reg.names(include_unsafe=False)


# ---------------------------------------------------------------------------- HTTP specifics

async def test_http_subscription_refused(server, session):
    for body in (req("test_subscribe"), req("test_unsubscribe", ["abc"])):
        reply = await post(session, server, body)
        assert reply["error"]["code"] == -32603
        assert "WebSocket" in reply["error"]["data"]


async def test_http_get_and_oversized_body(session):
    srv = RpcServer(make_registry(), port=0, max_request_bytes=64 * 1024)
    await srv.start()
    try:
        async with session.get(srv.http_url) as r:
            assert r.status == 405
        async with session.post(srv.http_url, data=json.dumps(req("test_len", ["x" * 100_000]))) as r:
            assert r.status == 413
            assert (await r.json())["error"]["code"] == -32007
        assert (await post(session, srv, req("test_len", ["x" * 1000])))["result"] == 1000
    finally:
        await srv.stop()


async def test_cors(session):
    srv = RpcServer(make_registry(), port=0, cors=["http://localhost:*"])
    await srv.start()
    try:
        ok = {"Origin": "http://localhost:3000"}
        async with session.options(srv.http_url, headers={
                **ok, "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type"}) as r:
            assert r.status == 204
            assert r.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
            assert "POST" in r.headers["Access-Control-Allow-Methods"]
        async with session.post(srv.http_url, json=req("system_chain"), headers=ok) as r:
            assert r.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
            assert (await r.json())["result"] == "Bittensor"
        bad = {"Origin": "https://evil.example"}
        async with session.post(srv.http_url, json=req("system_chain"), headers=bad) as r:
            assert r.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await session.ws_connect(srv.url, headers=bad)
        assert info.value.status == 403
        async with session.ws_connect(srv.url, headers=ok) as ws:
            await ws.send_json(req("system_chain"))
            assert (await ws.receive_json())["result"] == "Bittensor"
    finally:
        await srv.stop()


async def test_default_cors_admits_local_pages_and_polkadot_js_only(server, session):
    for origin, status in (("http://localhost:3000", 200), ("https://polkadot.js.org", 200),
                           ("http://127.0.0.1:8080", 200), ("https://evil.example", 403)):
        async with session.post(server.http_url, json=req("system_chain"),
                                headers={"Origin": origin}) as r:
            assert r.status == status, origin
    srv = RpcServer(make_registry(), port=0, cors=None)
    await srv.start()
    try:
        async with session.post(srv.http_url, json=req("system_chain"),
                                headers={"Origin": "https://evil.example"}) as r:
            assert r.status == 200
    finally:
        await srv.stop()


# ---------------------------------------------------------------------------- connections and lifecycle

async def test_max_connections(session):
    srv = RpcServer(make_registry(), port=0, max_connections=2)
    await srv.start()
    try:
        first = await session.ws_connect(srv.url)
        second = await session.ws_connect(srv.url)
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await session.ws_connect(srv.url)
        assert info.value.status == 429
        await first.close()
        for _ in range(100):
            if srv.open_connections < 2:
                break
            await asyncio.sleep(0.01)
        third = await session.ws_connect(srv.url)
        await third.send_json(req("system_chain"))
        assert (await third.receive_json())["result"] == "Bittensor"
        await second.close()
        await third.close()
    finally:
        await srv.stop()


async def test_start_stop_and_port(session):
    srv = RpcServer(make_registry(), port=0)
    with pytest.raises(RuntimeError):
        _ = srv.port
    async with srv:
        port = srv.port
        assert port > 0 and srv.url == f"ws://127.0.0.1:{port}"
        ws = await session.ws_connect(srv.url)
        await ws.send_json(req("system_chain"))
        assert (await ws.receive_json())["result"] == "Bittensor"
        with pytest.raises(RuntimeError):
            await srv.start()
    msg = await asyncio.wait_for(ws.receive(), 5)
    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    await ws.close()
    await srv.stop()  # idempotent
    with pytest.raises(aiohttp.ClientConnectionError):
        await session.post(f"http://127.0.0.1:{port}", json=req("system_chain"))


def test_failed_subscription_registration_leaves_nothing_behind():
    reg = make_registry()
    with pytest.raises(ValueError):  # the unsubscribe name is taken: the subscribe must not stick
        reg.subscription("fresh_subscribe", "test_echo", "fresh_notify")(lambda ctx, sub: None)
    assert "fresh_subscribe" not in reg


async def test_get_health_serves_system_health(server, session):
    async with session.get(server.http_url + "/health") as r:
        assert r.status == 404  # this registry has no system_health
    registry = make_registry()
    state = {"isSyncing": False}

    @registry.method("system_health")
    def health(ctx: CallContext) -> dict[str, Any]:
        return {"peers": 0, "isSyncing": state["isSyncing"], "shouldHavePeers": False}

    srv = RpcServer(registry, port=0)
    await srv.start()
    try:
        async with session.get(srv.http_url + "/health") as r:
            assert r.status == 200
            assert await r.json() == {"peers": 0, "isSyncing": False, "shouldHavePeers": False}
        async with session.get(srv.http_url + "/health/readiness") as r:
            assert r.status == 200
        state["isSyncing"] = True
        async with session.get(srv.http_url + "/health") as r:
            assert r.status == 200 and (await r.json())["isSyncing"] is True
        async with session.get(srv.http_url + "/health/readiness") as r:
            assert r.status == 500
    finally:
        await srv.stop()
