"""A node on its own thread and event loop, for clients in the calling thread (tests, notebooks).

The node is single-threaded: ``run(fn)`` executes ``fn(node)`` on the node's loop and returns the
result, so callers never touch its state from another thread.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any


class BackgroundNode:
    def __init__(self, factory: Callable[[], Any], on_start: Callable[[Any], None] | None = None,
                 name: str = "tensornet-node") -> None:
        self._factory = factory
        self._on_start = on_start
        self.node: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def _main(self) -> None:
        async def run() -> None:
            try:
                self.node = self._factory()
                await self.node.start()
                if self._on_start is not None:
                    self._on_start(self.node)
                self.loop = asyncio.get_running_loop()
                self._stop = asyncio.Event()
            except BaseException as exc:  # noqa: BLE001 - surfaced by start()
                self.error = exc
                self._ready.set()
                return
            self._ready.set()
            await self._stop.wait()
            await self.node.stop()

        asyncio.run(run())

    def start(self, timeout: float = 60) -> BackgroundNode:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("the node did not start")
        if self.error is not None:
            raise self.error
        return self

    def stop(self, timeout: float = 15) -> None:
        if self.loop is not None and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(timeout)

    @property
    def port(self) -> int:
        return self.node.rpc_port

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, fn: Callable[[Any], Any], timeout: float = 120) -> Any:
        """Run ``fn(node)`` on the node's loop and return its result."""
        async def call() -> Any:
            return fn(self.node)

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(timeout)  # type: ignore[arg-type]
