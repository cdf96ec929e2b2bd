"""Assemble the node's RPC server: one registry, one module per namespace."""
from __future__ import annotations

from tensornet.rpc import author, chain, payment, state, system
from tensornet.rpc.registry import MethodRegistry
from tensornet.rpc.server import RpcServer

NAMESPACES = [system, chain, state, author, payment]


def build_registry(node) -> MethodRegistry:
    registry = MethodRegistry()
    for module in NAMESPACES:
        module.register(registry, node)
    for extra in getattr(node, "extra_rpc_namespaces", ()):
        extra.register(registry, node)
    return registry


def build_server(node) -> RpcServer:
    cfg = node.config
    return RpcServer(build_registry(node), host=cfg.rpc_host, port=cfg.rpc_port, cors=cfg.rpc_cors,
                     rpc_methods=cfg.rpc_methods, max_connections=cfg.rpc_max_connections)
