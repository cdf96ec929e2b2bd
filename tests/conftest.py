"""Shared fixtures: in-process nodes (with or without RPC) and a subprocess ``tnet node`` helper.

* ``node``: a fresh in-memory node, manual sealing, no RPC — drive it with ``node.submit`` /
  ``node.seal_block`` and read state with :func:`read_state`.
* ``live_node``: a node serving RPC on an ephemeral port from its own thread and event loop (as a real
  node would be for a client); ``live_node.url`` / ``live_node.http_url``; ``live_node.run(fn)`` runs
  ``fn(node)`` on the node's loop (the node is single-threaded).
* ``TnetProcess``: ``tnet node`` as a subprocess (crash/restart tests, benchmarks).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tensornet.chain.spec import preset
from tensornet.node.background import BackgroundNode
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

class LiveNode(BackgroundNode):
    """A node serving RPC on 127.0.0.1:<ephemeral> from its own thread and event loop."""

    def __init__(self, sealing: str = "instant", base_path: str | None = None) -> None:
        super().__init__(lambda: make_node(sealing, base_path), name="live-node")

    def start(self, timeout: float = 30) -> LiveNode:
        super().start(timeout)
        return self

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
             extra: list[str] | None = None) -> TnetProcess:
        port = port or free_port()
        args = [PYTHON, "-m", "tensornet.cli.main", "node", "--base-path", base_path, "--preset", preset_name,
                "--sealing", sealing, "--rpc-port", str(port), *(extra or [])]
        return cls(args, port)

    def start(self, wait: bool = True, timeout: float = 60) -> TnetProcess:
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


__all__ = [
    "PYTHON",
    "REPO",
    "TAO",
    "LiveNode",
    "TnetProcess",
    "account",
    "events",
    "free",
    "free_port",
    "http_rpc",
    "make_node",
    "read_state",
    "run_tnet",
    "signed",
    "transfer",
]
