"""The JSON-RPC 2.0 server: HTTP POST and WebSocket on one port and path, as Substrate nodes serve.

Framing (batches, ids, error objects) and the limits live here; what each method does lives in the
namespace modules that fill a `MethodRegistry`. The server runs inside the node's asyncio loop
(`await server.start()` / `await server.stop()`), and nothing a client does can block that loop:
synchronous handlers are answered inline as their frames are read, async ones in tasks, and everything
a connection sends goes through its bounded `Outbox`, whose frames are written a batch at a time.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import itertools
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Literal, Sequence

from aiohttp import WSMsgType, web

from tensornet.rpc.errors import RpcError, to_rpc_error
from tensornet.rpc.registry import CallContext, MethodRegistry
from tensornet.rpc.subscriptions import Outbox, Subscription, SubscriptionTable, encode_json
from tensornet.rpc.wire import write_text_frames

log = logging.getLogger(__name__)

MiB = 2**20
RpcMethodsPolicy = Literal["auto", "safe", "unsafe"]
# Substrate's default `--rpc-cors`: local pages and polkadot.js.org, so that an arbitrary web page
# cannot drive a local node (whose unsafe methods are served on loopback).
DEFAULT_CORS = ("http://localhost:*", "http://127.0.0.1:*", "https://localhost:*",
                "https://127.0.0.1:*", "https://polkadot.js.org")
_VERSION = "2.0"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin_allowed(origin: str | None, allowed: Sequence[str] | None) -> bool:
    """Substrate-style `--rpc-cors` matching: exact origins, `all`/`*`, and `scheme://host:*`."""
    if origin is None or allowed is None:
        return True
    for pattern in allowed:
        if pattern in ("*", "all") or pattern == origin:
            return True
        if pattern.endswith(":*"):
            base = pattern[:-2]
            if origin == base or (origin.startswith(base + ":") and origin[len(base) + 1:].isdigit()):
                return True
    return False


def _valid_id(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float, str)) and not isinstance(value, bool))


def _error_frame(req_id: Any, error: RpcError) -> str:
    return encode_json({"jsonrpc": _VERSION, "error": error.to_json(), "id": req_id})


#: what one frame or body produces: the frame to send back (if any) and the subscriptions it opened
Outcome = tuple[str | None, list[Subscription]]


@dataclass(slots=True)
class _Answer:
    """Where one request's response goes: its id, whether it wants one, and the frame's subscriptions."""

    req_id: Any
    has_id: bool
    method: str
    subs: list[Subscription]

    def error(self, exc: Exception) -> str | None:
        return _error_frame(self.req_id, to_rpc_error(exc, method=self.method)) if self.has_id else None


async def _resolved(value: Any) -> Any:
    """`value`, awaited if it is an awaitable (what `_call` and `_process` may return)."""
    return await value if inspect.isawaitable(value) else value


def _activate(subs: list[Subscription]) -> None:
    """Release the notifications held back until the response carrying the ids was queued."""
    for sub in subs:
        sub.activate()


async def _subscribed_later(started: Awaitable[Any], sub: Subscription) -> str:
    """An async subscribe handler's result: the id once it has registered, or its error."""
    try:
        await started
    except BaseException:
        sub.close()
        raise
    return sub.id


@dataclass(eq=False)
class _Connection:
    """Per-connection state the dispatcher needs; HTTP requests get a throwaway one."""

    id: int
    remote: str | None
    subscriptions: SubscriptionTable | None = None
    request: web.Request | None = None
    ws: web.WebSocketResponse | None = None
    outbox: Outbox | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    dropped: bool = False

    def drop(self) -> None:
        """Cut a WebSocket connection at once (slow reader, shutdown): no flush, nothing retained."""
        if self.dropped:
            return
        self.dropped = True
        if self.outbox is not None:
            self.outbox.close()
        if self.subscriptions is not None:
            self.subscriptions.close_all()
        transport = self.request.transport if self.request is not None else None
        if transport is not None:
            transport.abort()


class RpcServer:
    """Serves one `MethodRegistry` over HTTP and WebSocket on `host:port`, path `/`.

    `cors`: allowed browser origins (`all`, exact origins, `http://host:*`); None allows every
    origin (`--rpc-cors all`). Requests without an Origin header (non-browser clients) always pass.
    `rpc_methods`: `unsafe` serves methods registered with `unsafe=True`, `safe` refuses them,
    `auto` serves them only when bound to a loopback address.
    `max_connections` counts WebSocket sessions plus HTTP requests in flight.
    `max_request_bytes` bounds an HTTP body or an incoming WebSocket message (larger ones close the
    connection); `max_response_bytes` bounds one outgoing frame (larger ones become -32008).
    `send_queue_limit` / `send_queue_bytes` bound what one connection may have waiting to be
    written; a notification that would exceed them drops the connection.
    """

    def __init__(
        self,
        registry: MethodRegistry,
        *,
        host: str = "127.0.0.1",
        port: int = 9944,
        cors: Sequence[str] | None = DEFAULT_CORS,
        rpc_methods: RpcMethodsPolicy = "auto",
        max_connections: int = 100,
        max_subscriptions_per_connection: int = 1024,
        max_request_bytes: int = 15 * MiB,
        max_response_bytes: int = 64 * MiB,
        send_queue_limit: int = 4096,
        send_queue_bytes: int = 16 * MiB,
        max_concurrent_requests_per_connection: int = 64,
    ) -> None:
        if rpc_methods not in ("auto", "safe", "unsafe"):
            raise ValueError(f"rpc_methods must be auto, safe or unsafe, not {rpc_methods!r}")
        self.registry = registry
        self.host = host
        self._requested_port = port
        self.cors = list(cors) if cors is not None else None
        self.rpc_methods = rpc_methods
        self.allow_unsafe = rpc_methods == "unsafe" or (rpc_methods == "auto" and is_loopback(host))
        self.max_connections = max_connections
        self.max_subscriptions_per_connection = max_subscriptions_per_connection
        self.max_request_bytes = max_request_bytes
        self.max_response_bytes = max_response_bytes
        self.send_queue_limit = send_queue_limit
        self.send_queue_bytes = send_queue_bytes
        self.max_concurrent_requests = max_concurrent_requests_per_connection
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._ids = itertools.count(1)
        self._open = 0  # WebSocket sessions plus HTTP requests in flight
        self._websockets: set[_Connection] = set()
        self._stopping = False

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind and start serving in the running loop; `port` is known afterwards."""
        if self._runner is not None:
            raise RuntimeError("RPC server already started")
        app = web.Application(client_max_size=self.max_request_bytes)
        app.router.add_route("*", "/", self._entry)
        app.router.add_get("/health", self._health)
        app.router.add_get("/health/readiness", self._health)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = runner.addresses[0][1]
        log.info("RPC server listening on %s (unsafe methods %s)", self.url,
                 "allowed" if self.allow_unsafe else "refused")

    async def stop(self) -> None:
        """Refuse new connections, close every WebSocket (ending its subscriptions), stop listening."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._stopping = True
        try:
            await asyncio.gather(*(self._close_for_shutdown(c) for c in list(self._websockets)))
            await runner.cleanup()
        finally:
            self._stopping = False
            self._port = None

    async def _close_for_shutdown(self, conn: _Connection) -> None:
        if conn.subscriptions is not None:
            conn.subscriptions.close_all()
        if conn.ws is not None and not conn.ws.closed:
            try:
                await asyncio.wait_for(conn.ws.close(code=1001, message=b"server shutdown"), 1.0)
            except (asyncio.TimeoutError, ConnectionError, RuntimeError):
                pass
        conn.drop()

    async def __aenter__(self) -> RpcServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("RPC server is not running")
        return self._port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self.port}"

    @property
    def http_url(self) -> str:
        return "http" + self.url[2:]

    @property
    def open_connections(self) -> int:
        return self._open

    # ------------------------------------------------------------------ transports

    async def _entry(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, self.cors):
            return web.Response(status=403, text="Origin is not allowed")
        if request.method == "OPTIONS":
            return self._preflight(request, origin)
        if self._stopping:
            return web.Response(status=503, text="Server is shutting down")
        if self._open >= self.max_connections:
            return web.Response(status=429, text="Too many connections. Please try again later.")
        if request.method == "GET" and request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._serve_websocket(request)
        if request.method != "POST":
            return web.Response(status=405, headers={"Allow": "POST, OPTIONS"},
                                text="Send JSON-RPC by POST or over a WebSocket")
        response = await self._serve_http(request)
        if origin is not None:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response

    async def _health(self, request: web.Request) -> web.Response:
        """Substrate's HTTP health endpoints, for load balancers and container health checks:
        `GET /health` answers the `system_health` result; `GET /health/readiness` is 200 only
        when the node is not syncing and has peers (or needs none), else 500."""
        conn = _Connection(id=next(self._ids), remote=request.remote)
        try:
            health, _ = self._call("system_health", [], conn)
            health = await _resolved(health)
        except Exception as exc:
            error = to_rpc_error(exc, method="system_health")
            return web.Response(status=404 if error.code == -32601 else 500, text=error.message)
        if request.path == "/health":
            return web.json_response(health)
        ready = (isinstance(health, dict) and not health.get("isSyncing")
                 and (health.get("peers", 0) > 0 or not health.get("shouldHavePeers")))
        return web.Response(status=200 if ready else 500)

    def _preflight(self, request: web.Request, origin: str | None) -> web.Response:
        headers = {"Access-Control-Allow-Methods": "POST, OPTIONS",
                   "Access-Control-Allow-Headers": request.headers.get(
                       "Access-Control-Request-Headers", "content-type"),
                   "Access-Control-Max-Age": "86400", "Vary": "Origin"}
        if origin is not None:
            headers["Access-Control-Allow-Origin"] = origin
        return web.Response(status=204, headers=headers)

    async def _serve_http(self, request: web.Request) -> web.Response:
        self._open += 1
        try:
            too_big = _error_frame(None, RpcError.oversized_request(self.max_request_bytes))
            if (request.content_length or 0) > self.max_request_bytes:
                return web.Response(status=413, text=too_big, content_type="application/json")
            try:
                body = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return web.Response(status=413, text=too_big, content_type="application/json")
            conn = _Connection(id=next(self._ids), remote=request.remote)
            frame, _ = await _resolved(self._process(body, conn))
            return web.Response(text=frame or "", content_type="application/json")
        finally:
            self._open -= 1

    async def _serve_websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=self.max_request_bytes, compress=False)
        await ws.prepare(request)
        outbox = Outbox(self.send_queue_limit, self.send_queue_bytes)
        conn = _Connection(id=next(self._ids), remote=request.remote, request=request, ws=ws,
                           outbox=outbox)
        conn.subscriptions = SubscriptionTable(outbox, self.max_subscriptions_per_connection,
                                               on_overflow=lambda: self._slow_reader(conn))
        self._open += 1
        self._websockets.add(conn)
        writer = asyncio.create_task(self._write_loop(conn))
        try:
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    await self._serve_frame(conn, msg.data)
                elif msg.type == WSMsgType.ERROR:
                    log.info("RPC connection %d closed: %s", conn.id, ws.exception())
                    break
        finally:
            self._websockets.discard(conn)
            self._open -= 1
            for task in list(conn.tasks):
                task.cancel()
            self._close_quietly(conn)
            writer.cancel()
            if not ws.closed:
                try:
                    await asyncio.wait_for(ws.close(), 1.0)
                except (asyncio.TimeoutError, ConnectionError, RuntimeError):
                    conn.drop()
        return ws

    def _close_quietly(self, conn: _Connection) -> None:
        """End a connection the client closed: its subscriptions end, queued frames are dropped."""
        if conn.subscriptions is not None:
            conn.subscriptions.close_all()
        if conn.outbox is not None:
            conn.outbox.close()

    def _slow_reader(self, conn: _Connection) -> None:
        log.warning("RPC connection %d from %s dropped: its send queue is over the bound "
                    "(%d messages / %d bytes)", conn.id, conn.remote, self.send_queue_limit,
                    self.send_queue_bytes)
        conn.drop()

    async def _write_loop(self, conn: _Connection) -> None:
        """Send whatever the outbox holds, all of it in one write: a client pipelining requests gets
        the answers to everything read in one turn of the loop together."""
        assert conn.outbox is not None and conn.ws is not None and conn.request is not None
        try:
            while (frames := await conn.outbox.get_all()) is not None:
                transport = conn.request.transport
                if conn.ws.closed or transport is None or not await write_text_frames(transport, frames):
                    raise ConnectionResetError("the connection is closing")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the peer went away while we were writing
            log.debug("RPC connection %d write failed: %s", conn.id, exc)
            conn.drop()

    async def _serve_frame(self, conn: _Connection, data: str | bytes) -> None:
        """Answer one incoming frame. Synchronous handlers are answered right here, in order; an
        async one gets a task, and at most `max_concurrent_requests` of those run per connection
        (the connection is not read meanwhile)."""
        while len(conn.tasks) >= self.max_concurrent_requests:
            await asyncio.wait(conn.tasks, return_when=asyncio.FIRST_COMPLETED)
        outcome = self._process(data, conn)
        if inspect.isawaitable(outcome):
            task = asyncio.create_task(self._serve_later(conn, outcome))
            conn.tasks.add(task)
            task.add_done_callback(conn.tasks.discard)
        elif not self._queue_now(conn, outcome):
            await self._queue(conn, outcome)

    async def _serve_later(self, conn: _Connection, pending: Awaitable[Outcome]) -> None:
        await self._queue(conn, await pending)

    @staticmethod
    def _queue_now(conn: _Connection, outcome: Outcome) -> bool:
        """Queue a response if the outbox has room, then release its subscriptions' notifications;
        False (and nothing done) if it has none."""
        frame, subs = outcome
        assert conn.outbox is not None
        if frame is not None and not conn.outbox.put_nowait(frame):
            return False
        _activate(subs)
        return True

    @staticmethod
    async def _queue(conn: _Connection, outcome: Outcome) -> None:
        """Queue a response, waiting for room (back-pressure on the client's own requests)."""
        frame, subs = outcome
        assert conn.outbox is not None
        if frame is not None:
            await conn.outbox.put(frame)
        _activate(subs)

    # ------------------------------------------------------------------ JSON-RPC

    def _process(self, data: str | bytes, conn: _Connection) -> Outcome | Awaitable[Outcome]:
        """One frame or body in, at most one frame out, plus the subscriptions it opened.

        Answered at once when every handler involved is synchronous (the usual case: no task, no
        await); otherwise an awaitable of the same outcome is returned. The subscriptions are
        activated by the caller only after the frame is queued.
        """
        try:
            text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
            payload = _DECODER.decode(text)
        except (ValueError, RecursionError) as exc:  # also UnicodeDecodeError, JSONDecodeError
            return _error_frame(None, RpcError.parse_error(str(exc)[:200])), []
        subs: list[Subscription] = []
        if isinstance(payload, list):
            return self._process_batch(payload, conn, subs)
        frame = self._process_one(payload, conn, subs)
        if inspect.isawaitable(frame):
            return self._single_later(frame, subs)
        return frame, subs

    @staticmethod
    async def _single_later(pending: Awaitable[str | None], subs: list[Subscription]) -> Outcome:
        return await pending, subs

    def _process_batch(self, items: list[Any], conn: _Connection, subs: list[Subscription]
                       ) -> Outcome | Awaitable[Outcome]:
        """A batch's requests run in order, each finishing before the next starts."""
        if not items:
            return _error_frame(None, RpcError.invalid_request("empty batch")), []
        frames: list[str | None] = []
        for i, item in enumerate(items):
            frame = self._process_one(item, conn, subs)
            if inspect.isawaitable(frame):
                return self._batch_later(frame, items[i + 1:], frames, conn, subs)
            frames.append(frame)
        return self._join_batch(frames, subs)

    async def _batch_later(self, pending: Awaitable[str | None], rest: list[Any], frames: list[str | None],
                           conn: _Connection, subs: list[Subscription]) -> Outcome:
        frames.append(await pending)
        for item in rest:
            frame = self._process_one(item, conn, subs)
            frames.append(await frame if inspect.isawaitable(frame) else frame)
        return self._join_batch(frames, subs)

    def _join_batch(self, answers: list[str | None], subs: list[Subscription]) -> Outcome:
        frames = [frame for frame in answers if frame is not None]
        if not frames:
            return None, subs
        if 2 + sum(len(frame) + 1 for frame in frames) > self.max_response_bytes:
            for sub in subs:
                sub.close()
            return _error_frame(None, RpcError.oversized_response(self.max_response_bytes)), []
        return "[" + ",".join(frames) + "]", subs

    def _process_one(self, request: Any, conn: _Connection, subs: list[Subscription]
                     ) -> str | None | Awaitable[str | None]:
        if not isinstance(request, dict):
            return _error_frame(None, RpcError.invalid_request("a request must be a JSON object"))
        has_id = "id" in request
        req_id = request.get("id")
        if not _valid_id(req_id):
            return _error_frame(None, RpcError.invalid_request("id must be a number, a string or null"))
        method = request.get("method")
        if request.get("jsonrpc") != _VERSION or not isinstance(method, str):
            return _error_frame(req_id, RpcError.invalid_request(
                'a request needs "jsonrpc": "2.0" and a string "method"'))
        answer = _Answer(req_id, has_id, method, subs)
        try:
            result, sub = self._call(method, request.get("params"), conn)
        except Exception as exc:
            return answer.error(exc)
        if inspect.isawaitable(result):
            return self._respond_later(answer, result, sub)
        return self._respond(answer, result, sub)

    async def _respond_later(self, answer: _Answer, pending: Awaitable[Any], sub: Subscription | None
                             ) -> str | None:
        try:
            result = await pending
        except Exception as exc:
            return answer.error(exc)
        return self._respond(answer, result, sub)

    def _respond(self, answer: _Answer, result: Any, sub: Subscription | None) -> str | None:
        """The response frame for a handler's result (None for a notification)."""
        if not answer.has_id:  # a notification: no answer, so nobody could learn a subscription's id
            if sub is not None:
                sub.close()
            return None
        try:
            frame = encode_json({"jsonrpc": _VERSION, "result": result, "id": answer.req_id})
        except (TypeError, ValueError) as exc:
            if sub is not None:
                sub.close()
            return answer.error(exc)
        if len(frame) > self.max_response_bytes:
            if sub is not None:
                sub.close()
            return _error_frame(answer.req_id, RpcError.oversized_response(self.max_response_bytes))
        if sub is not None:
            answer.subs.append(sub)
        return frame

    def _call(self, method: str, params: Any, conn: _Connection) -> tuple[Any, Subscription | None]:
        """Run a method: (result, the subscription it opened). The result is an awaitable when the
        handler is async; a subscription whose async handler fails is closed by that awaitable."""
        if method == "rpc_methods":
            return {"methods": self.method_names(), "version": 1}, None
        entry = self.registry.lookup(method)
        if entry is None:
            raise RpcError.method_not_found()
        if entry.unsafe and not self.allow_unsafe:
            raise RpcError.unsafe_call()
        table = conn.subscriptions
        if entry.kind == "call":
            ctx = CallContext(method, conn.remote, conn.ws is not None, conn.id, table)
            return entry.call(*entry.bind((ctx,), params)), None
        if table is None:
            raise RpcError.internal("Subscriptions are only available over WebSocket")
        if entry.kind == "unsubscribe":
            (sub_id,), _ = entry.bind((), params)
            return table.unsubscribe(sub_id, entry.subscription_kind or ""), None
        sub = table.open(entry.subscription_kind or method, entry.notification or method)
        try:
            ctx = CallContext(method, conn.remote, True, conn.id, table)
            started = entry.call(*entry.bind((ctx, sub), params))
        except BaseException:
            sub.close()
            raise
        if inspect.isawaitable(started):
            return _subscribed_later(started, sub), sub
        return sub.id, sub

    def method_names(self) -> list[str]:
        """What `rpc_methods` lists: every name this server answers, aliases included."""
        return sorted([*self.registry.names(include_unsafe=self.allow_unsafe), "rpc_methods"])
