"""Subscriptions and the bounded per-connection outbox their notifications go through.

A notification producer (the block producer, the tx pool) must never wait for a slow client, and a
client that stops reading must not make the node's memory grow. So `Subscription.send` never blocks:
it serialises the notification and appends it to the connection's `Outbox`; if the outbox is over its
bound, the connection is dropped instead.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import secrets
import string
import threading
from collections import deque
from typing import Any, Callable

from tensornet.rpc.errors import RpcError

log = logging.getLogger(__name__)

_ID_ALPHABET = string.ascii_letters + string.digits
_ID_LENGTH = 16


def new_subscription_id() -> str:
    """Random, unguessable ids in Substrate's style, so one client cannot cancel another's."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))


_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


def encode_json(message: Any) -> str:
    """Compact, ASCII-only JSON (so len() is the frame's byte size); raises on unserialisable data."""
    return _ENCODER.encode(message)


class Outbox:
    """FIFO of serialised frames for one connection, bounded in messages and in bytes.

    Responses use `put` and wait for room (back-pressure on the client's own requests);
    notifications use `put_nowait`, which refuses instead of waiting.
    """

    def __init__(self, max_messages: int, max_bytes: int) -> None:
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self._frames: deque[str] = deque()
        self._bytes = 0
        self._readable = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self.closed = False
        self.peak_bytes = 0

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def queued_bytes(self) -> int:
        return self._bytes

    def _fits(self, size: int) -> bool:
        if not self._frames:  # a lone frame always fits, however large, or it could never be sent
            return True
        return len(self._frames) < self.max_messages and self._bytes + size <= self.max_bytes

    def _append(self, frame: str) -> None:
        self._frames.append(frame)
        self._bytes += len(frame)
        self.peak_bytes = max(self.peak_bytes, self._bytes)
        self._readable.set()
        if not self._fits(0):
            self._room.clear()

    def put_nowait(self, frame: str) -> bool:
        """Queue a frame if it fits; False means the reader is too slow (or the outbox closed)."""
        if self.closed or not self._fits(len(frame)):
            return False
        self._append(frame)
        return True

    async def put(self, frame: str) -> bool:
        """Queue a frame, waiting while the outbox is full; False once the outbox is closed."""
        while not self.closed and not self._fits(len(frame)):
            self._room.clear()
            await self._room.wait()
        if self.closed:
            return False
        self._append(frame)
        return True

    async def _wait_readable(self) -> bool:
        """Wait until a frame is queued; False once the outbox is closed and empty."""
        while not self._frames:
            if self.closed:
                return False
            self._readable.clear()
            await self._readable.wait()
        return True

    async def get(self) -> str | None:
        """Next frame to write, or None once the outbox is closed."""
        if not await self._wait_readable():
            return None
        frame = self._frames.popleft()
        self._bytes -= len(frame)
        if not self._frames:
            self._readable.clear()
        self._room.set()
        return frame

    async def get_all(self) -> list[str] | None:
        """Every queued frame at once (so the writer can send them in one write), or None once the
        outbox is closed."""
        if not await self._wait_readable():
            return None
        frames = list(self._frames)
        self._frames.clear()
        self._bytes = 0
        self._readable.clear()
        self._room.set()
        return frames

    def close(self) -> None:
        """Drop everything queued and wake all waiters."""
        self.closed = True
        self._frames.clear()
        self._bytes = 0
        self._readable.set()
        self._room.set()


CloseCallback = Callable[[], Any]


class Subscription:
    """One live subscription on one connection, handed to the subscription handler.

    Until the response carrying its id has been queued, notifications are held back, so the client
    always sees the id before the first notification even if the handler pushes at once.
    """

    def __init__(self, table: SubscriptionTable, sub_id: str, notification: str, kind: str) -> None:
        self.id = sub_id
        self.notification = notification
        self.kind = kind  # the subscribe method's canonical name; only its unsubscribe may close it
        self._table = table
        self._held: list[str] | None = []
        self._callbacks: list[CloseCallback] = []
        self.closed = False

    def send(self, result: Any) -> None:
        """Push one notification without blocking; safe to call from any thread.

        If the connection's outbox is over its bound, the whole connection is dropped.
        """
        if self.closed or self._table.outbox.closed:
            return
        loop = self._table.loop
        if threading.get_ident() != self._table.loop_thread:
            try:
                loop.call_soon_threadsafe(self.send, result)
            except RuntimeError:  # the loop is gone: the node is shutting down
                pass
            return
        try:
            frame = encode_json({"jsonrpc": "2.0", "method": self.notification,
                                 "params": {"subscription": self.id, "result": result}})
        except (TypeError, ValueError):  # a producer bug must not break the producer's loop
            log.exception("notification for %s is not JSON-serialisable", self.notification)
            return
        if self._held is not None:
            if len(self._held) >= self._table.outbox.max_messages:
                self._table.overflow()
                return
            self._held.append(frame)
            return
        if not self._table.outbox.put_nowait(frame):
            self._table.overflow()

    def activate(self) -> None:
        """Called once the id response is queued: release the held notifications."""
        held, self._held = self._held, None
        for frame in held or ():
            if self.closed or self._table.outbox.closed:
                return
            if not self._table.outbox.put_nowait(frame):
                self._table.overflow()
                return

    def on_close(self, callback: CloseCallback) -> None:
        """Run `callback` when the subscription ends (unsubscribe, server close or disconnect).

        Registering on an already closed subscription runs the callback at once, so a handler
        racing a disconnect never leaks its registration.
        """
        if self.closed:
            _run_callback(callback, self)
        else:
            self._callbacks.append(callback)

    def close(self) -> None:
        """End the subscription from the server side; idempotent."""
        if self.closed:
            return
        self.closed = True
        self._held = None
        self._table.forget(self)
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            _run_callback(callback, self)

    def __repr__(self) -> str:
        return f"Subscription({self.id!r}, {self.notification!r}, closed={self.closed})"


def _run_callback(callback: CloseCallback, sub: Subscription) -> None:
    try:
        result = callback()
        if inspect.isawaitable(result):
            asyncio.ensure_future(result)
    except Exception:
        log.exception("on_close callback of subscription %s failed", sub.id)


class SubscriptionTable:
    """The live subscriptions of one connection, with the per-connection limit."""

    def __init__(self, outbox: Outbox, limit: int, on_overflow: Callable[[], None]) -> None:
        self.outbox = outbox
        self.limit = limit
        self.loop = asyncio.get_running_loop()
        self.loop_thread = threading.get_ident()
        self._on_overflow = on_overflow
        self._overflowed = False
        self._subs: dict[str, Subscription] = {}

    def __len__(self) -> int:
        return len(self._subs)

    def open(self, kind: str, notification: str) -> Subscription:
        if len(self._subs) >= self.limit:
            raise RpcError.too_many_subscriptions(self.limit)
        sub_id = new_subscription_id()
        while sub_id in self._subs:
            sub_id = new_subscription_id()
        sub = Subscription(self, sub_id, notification, kind)
        self._subs[sub_id] = sub
        return sub

    def unsubscribe(self, sub_id: Any, kind: str) -> bool:
        """Close the subscription `sub_id` if it exists and was opened by `kind`."""
        sub = self._subs.get(sub_id) if isinstance(sub_id, str) else None
        if sub is None or sub.kind != kind:
            return False
        sub.close()
        return True

    def forget(self, sub: Subscription) -> None:
        if self._subs.get(sub.id) is sub:
            del self._subs[sub.id]

    def overflow(self) -> None:
        """The client reads too slowly: stop queueing now, drop the connection soon.

        The drop is deferred to the loop so that close callbacks never run inside a producer's
        `send` call (it may be iterating over its own subscriber list).
        """
        if self._overflowed:
            return
        self._overflowed = True
        self.outbox.close()
        for sub in self._subs.values():
            sub._held = None
        self.loop.call_soon(self._on_overflow)

    def close_all(self) -> None:
        for sub in list(self._subs.values()):
            sub.close()
