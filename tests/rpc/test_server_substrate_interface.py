"""Smoke test: the unmodified substrate-interface client connects to the bare RPC core."""

from __future__ import annotations

import asyncio

import pytest
from substrateinterface import SubstrateInterface
from substrateinterface.exceptions import SubstrateRequestException

from tensornet.rpc.registry import CallContext, MethodRegistry
from tensornet.rpc.server import RpcServer


@pytest.fixture
async def server():
    registry = MethodRegistry()

    @registry.method("system_chain")
    def system_chain(ctx: CallContext) -> str:
        return "Bittensor"

    srv = RpcServer(registry, port=0)
    await srv.start()
    yield srv
    await srv.stop()


async def test_substrate_interface_connects_over_websocket_and_http(server):
    def use(url: str) -> tuple[str, dict, str]:
        substrate = SubstrateInterface(url=url)  # calls system_chain at construction
        try:
            methods = substrate.rpc_request("rpc_methods", [])["result"]
            with pytest.raises(SubstrateRequestException) as info:
                substrate.rpc_request("state_nonexistent", [])
            return substrate.chain, methods, info.value.args[0]["message"]
        finally:
            substrate.close()

    for url in (server.url, server.http_url):
        chain, methods, missing = await asyncio.to_thread(use, url)
        assert chain == "Bittensor"
        assert methods == {"methods": ["rpc_methods", "system_chain"], "version": 1}
        assert missing == "Method not found"
