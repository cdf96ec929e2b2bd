"""Shared fixtures: in-process nodes (with or without RPC) and a subprocess ``tnet node`` helper.

* ``node``: a fresh in-memory node, manual sealing, no RPC — drive it with ``node.submit`` /
  ``node.seal_block`` and read state with :func:`read_state`.
* ``live_node``: a node serving RPC on an ephemeral port from its own thread and event loop (as a real
  node would be for a client); ``live_node.url`` / ``live_node.http_url``; ``live_node.run(fn)`` runs
  ``fn(node)`` on the node's loop (the node is single-threaded).
* ``TnetProcess``: ``tnet node`` as a subprocess (crash/restart tests, benchmarks).
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from tensornet.chain.spec import preset
from tensornet.node.node import Node, NodeConfig
from tensornet.primitives.era import Era
from tensornet.primitives.keys import KeyPair, dev_keypair
from tensornet.runtime.signer import sign_extrinsic

REPO = Path(__file__).resolve().parents[1]
PYTHON = str(REPO / ".venv" / "bin" / "python")
TAO = 10**9


# --- in-process helpers ------------------------------------------------------------------------

def make_node(sealing: str = "manual", base_path: str | None = None, preset_name: str = "test") -> Node:
    return Node(NodeConfig(preset(preset_name), base_path=base_path, sealing=sealing, rpc_port=0))


@contextmanager
def read_state(node: Node, block_hash: bytes | None = None):
    """The query runtime pointed at a block's state (the head by default), read-only."""
    h = node.resolve_block(block_hash)
    header = node.store.header(h)
    rt = node.query_runtime
    with rt.at(node.store.state_at(h), header.number) as bound:
        yield bound if bound is not None else rt


def account(node: Node, who: bytes, block_hash: bytes | None = None) -> dict:
    with read_state(node, block_hash) as rt:
        return rt.pallets["System"].Account.get(who)


def free(node: Node, who: bytes, block_hash: bytes | None = None) -> int:
    return account(node, who, block_hash)["data"]["free"]


def events(node: Node, block_hash: bytes | None = None) -> list[dict]:
    """Decoded ``System.Events`` of a block as ``{"pallet", "name", "phase", "fields"}`` dicts."""
    with read_state(node, block_hash) as rt:
        raw = rt.env.state.get(rt.events_item.key())
        records = rt.events_item.value_type.decode_all(raw) if raw else []
    out = []
    for rec in records:
        (pallet, inner), = rec["event"].items()
        if isinstance(inner, dict):
            (name, fields), = inner.items()
        else:
            name, fields = inner, None
        out.append({"pallet": pallet, "name": name, "phase": rec["phase"], "fields": fields})
    return out


def signed(node: Node, pallet: str, call: str, args: dict, signer: KeyPair | str = "Alice", nonce: int | None = None,
           *, era: Era = Era(), birth_hash: bytes | None = None, tip: int = 0) -> bytes:
    """A signed extrinsic for ``node`` (nonce from the pool-aware next index unless given)."""
    kp = dev_keypair(signer) if isinstance(signer, str) else signer
    if nonce is None:
        nonce = node.account_nonce(kp.public)
    call_bytes = node.runtime.encode_call(pallet, call, args)
    return sign_extrinsic(node.runtime, call_bytes, kp, nonce, node.genesis_hash, era=era, birth_hash=birth_hash,
                          tip=tip)


def transfer(node: Node, signer: KeyPair | str, dest: bytes, value: int, nonce: int | None = None, **kw) -> bytes:
    return signed(node, "Balances", "transfer_keep_alive", {"dest": {"Id": dest}, "value": value}, signer, nonce, **kw)


@pytest.fixture
def node() -> Iterator[Node]:
    n = make_node()
    yield n
    n.store.close()


# --- a node serving RPC from its own thread ------------------------------------------------------

class LiveNode:
    """A node running on its own event loop in a daemon thread, serving RPC on 127.0.0.1:<ephemeral>."""

    def __init__(self, sealing: str = "instant", base_path: str | None = None) -> None:
        self._sealing = sealing
        self._base_path = base_path
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self.node: Node | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, daemon=True, name="live-node")

    def _main(self) -> None:
        async def run() -> None:
            try:
                self.node = make_node(self._sealing, self._base_path)
                await self.node.start()
                self.loop = asyncio.get_running_loop()
                self._stop = asyncio.Event()
            except BaseException as exc:  # surface start-up failures to the test
                self.error = exc
                self._ready.set()
                raise
            self._ready.set()
            await self._stop.wait()
            await self.node.stop()

        asyncio.run(run())

    def start(self) -> "LiveNode":
        self._thread.start()
        if not self._ready.wait(30):
            raise TimeoutError("the node did not start")
        if self.error:
            raise self.error
        return self

    def stop(self) -> None:
        if self.loop is not None and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)

    @property
    def port(self) -> int:
        return self.node.rpc_port  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, fn: Callable[[Node], Any], timeout: float = 30) -> Any:
        """Run ``fn(node)`` on the node's loop and return its result (the node is single-threaded)."""
        async def call() -> Any:
            return fn(self.node)  # type: ignore[arg-type]

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(timeout)  # type: ignore[arg-type]

    def rpc(self, method: str, params: Any = None) -> Any:
        """One JSON-RPC call over HTTP; returns the whole response object."""
        return http_rpc(self.http_url, method, params)


def http_rpc(url: str, method: str, params: Any = None, req_id: Any = 1) -> dict:
    body = json.dumps({"jsonrpc": "2.0", "id": req_id, "method": method, "params": [] if params is None else params})
    req = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def live_node() -> Iterator[LiveNode]:
    ln = LiveNode().start()
    yield ln
    ln.stop()


# --- ``tnet node`` as a subprocess ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class TnetProcess:
    """``tnet node`` (or ``tnet devnet``) in a subprocess, with its RPC port."""

    args: list[str]
    port: int
    proc: subprocess.Popen | None = None
    log_path: str | None = None

    @classmethod
    def node(cls, base_path: str, sealing: str = "instant", port: int | None = None, preset_name: str = "test",
             extra: list[str] | None = None) -> "TnetProcess":
        port = port or free_port()
        args = [PYTHON, "-m", "tensornet.cli.main", "node", "--base-path", base_path, "--preset", preset_name,
                "--sealing", sealing, "--rpc-port", str(port), *(extra or [])]
        return cls(args, port)

    def start(self, wait: bool = True, timeout: float = 60) -> "TnetProcess":
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT, cwd=str(REPO),
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"tnet exited with {self.proc.returncode}: {self.args}")
            try:
                http_rpc(self.http_url, "chain_getHead")
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("tnet did not serve RPC in time")

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def rpc(self, method: str, params: Any = None) -> Any:
        resp = http_rpc(self.http_url, method, params)
        if "error" in resp:
            raise RuntimeError(resp["error"])
        return resp["result"]

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def terminate(self, timeout: float = 15) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)


def run_tnet(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "tensornet.cli.main", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=str(REPO))


@pytest.fixture(scope="session")
def tn():
    """The helpers of this module as one namespace (test modules cannot import a conftest by name)."""
    import types

    return types.SimpleNamespace(**{name: globals()[name] for name in __all__})


__all__ = ["TAO", "make_node", "read_state", "account", "free", "events", "signed", "transfer", "LiveNode",
           "http_rpc", "TnetProcess", "free_port", "run_tnet", "PYTHON", "REPO"]
