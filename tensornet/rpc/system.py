"""``system_*`` and ``account_*``: node identity and pool-aware account nonces."""
from __future__ import annotations

from tensornet import __version__
from tensornet.primitives.ss58 import AddressError, ss58_decode
from tensornet.rpc.errors import RpcError
from tensornet.rpc.registry import MethodRegistry

NODE_NAME = "tensornet"


def register(registry: MethodRegistry, node) -> None:
    spec = node.spec

    @registry.method("system_name")
    def system_name(ctx):
        return NODE_NAME

    @registry.method("system_version")
    def system_version(ctx):
        return __version__

    @registry.method("system_chain")
    def system_chain(ctx):
        return spec.name

    @registry.method("system_chainType")
    def system_chain_type(ctx):
        return spec.chain_type

    @registry.method("system_properties")
    def system_properties(ctx):
        return dict(spec.properties)

    @registry.method("system_health")
    def system_health(ctx):
        return {"peers": 0, "isSyncing": False, "shouldHavePeers": False}

    @registry.method("system_peers")
    def system_peers(ctx):
        return []

    @registry.method("system_nodeRoles")
    def system_node_roles(ctx):
        return ["Authority"]

    @registry.method("system_localPeerId")
    def system_local_peer_id(ctx):
        return "12D3KooW" + node.genesis_hash.hex()[:44]

    @registry.method("system_localListenAddresses")
    def system_local_listen_addresses(ctx):
        return []

    @registry.method("system_syncState")
    def system_sync_state(ctx):
        n = node.head.number
        return {"startingBlock": 0, "currentBlock": n, "highestBlock": n}

    @registry.method("system_accountNextIndex", aliases=("account_nextIndex",))
    def account_next_index(ctx, account):
        if not isinstance(account, str):
            raise RpcError.invalid_params("account: expected an SS58 address")
        try:
            who = ss58_decode(account)
        except AddressError as exc:
            raise RpcError.invalid_params(str(exc)) from None
        return node.account_nonce(who)
