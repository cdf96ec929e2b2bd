"""An in-process devnet serving RPC: a memory-backed node with manual sealing and the ``dev_*``
powers, running on its own thread and event loop so that clients (substrate-interface, the
bittensor SDK, your validator) can connect to ``devnet.url`` from the test's thread.

Nothing happens on chain until something seals: ``devnet.new_block(n)`` / ``dev_newBlock``, or a
client waiting for inclusion while ``auto_seal`` is on (``Devnet(sealing="instant")``).
"""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any, Self

from tensornet.node.background import BackgroundNode
from tensornet.testing.accounts import AccountLike, account_id


class DevnetError(RuntimeError):
    """A ``dev_*`` or other RPC call was refused."""


class Devnet:
    def __init__(self, preset_name: str = "test", sealing: str = "manual", subnets: int = 0) -> None:
        self.preset_name = preset_name
        self.sealing = sealing
        self.subnets = subnets
        self._background = BackgroundNode(self._make_node, self._prepare, name="tensornet-devnet")

    # --- lifecycle ---------------------------------------------------------------------------------
    def _make_node(self):
        from tensornet.chain.spec import preset
        from tensornet.node.devtools import enable
        from tensornet.node.node import Node, NodeConfig

        node = Node(NodeConfig(preset(self.preset_name), sealing=self.sealing, rpc_port=0, rpc_methods="unsafe"))
        enable(node)
        return node

    def _prepare(self, node) -> None:
        if self.subnets:
            node.devtools.ensure_subnets(self.subnets)

    def start(self, timeout: float = 60) -> Devnet:
        self._background.start(timeout)
        return self

    def stop(self) -> None:
        self._background.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses ---------------------------------------------------------------------------------
    @property
    def node(self):
        return self._background.node

    @property
    def port(self) -> int:
        return self._background.port

    @property
    def url(self) -> str:
        return self._background.url

    @property
    def http_url(self) -> str:
        return self._background.http_url

    # --- calls -------------------------------------------------------------------------------------
    def run(self, fn: Callable[[Any], Any], timeout: float = 120) -> Any:
        """Run ``fn(node)`` on the node's loop (the node is single-threaded) and return its result."""
        return self._background.run(fn, timeout)

    def rpc(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call over HTTP; raises DevnetError with the node's message on error."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.http_url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=300) as resp:
            reply = json.loads(resp.read())
        if "error" in reply:
            raise DevnetError(f"{method}: {reply['error'].get('message')}")
        return reply["result"]

    def substrate(self):
        """A substrate-interface client connected to this devnet."""
        from substrateinterface import SubstrateInterface

        return SubstrateInterface(url=self.url, ss58_format=42)

    # --- devnet powers -------------------------------------------------------------------------------
    @property
    def block_number(self) -> int:
        return self.run(lambda node: node.head.number)

    def new_block(self, count: int = 1) -> int:
        """Seal ``count`` blocks; returns the new head number."""
        return self.rpc("dev_newBlock", count)["head"]["number"]

    def advance_to_epoch(self, netuid: int) -> int:
        """Seal until the subnet's next epoch has run; returns the epoch's block."""
        return self.rpc("dev_advanceToEpoch", netuid)["epochBlock"]

    def set_balance(self, who: AccountLike, rao: int) -> None:
        self.rpc("dev_setBalance", "0x" + account_id(who).hex(), str(rao))

    def snapshot(self) -> str:
        return self.rpc("dev_snapshot")

    def revert(self, snapshot_id: str) -> int:
        return self.rpc("dev_revert", snapshot_id)["removed"]
