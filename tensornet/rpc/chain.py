"""``chain_*``: blocks, headers, heads and head subscriptions."""
from __future__ import annotations

from typing import Any

from tensornet.rpc.params import parse_block_number, parse_hash, to_hex
from tensornet.rpc.registry import MethodRegistry


def _listen(node, sub, on_block) -> None:
    """Call ``on_block(built)`` for every new block until the subscription closes."""
    node.block_listeners.append(on_block)

    def remove() -> None:
        try:
            node.block_listeners.remove(on_block)
        except ValueError:
            pass

    sub.on_close(remove)


def register(registry: MethodRegistry, node) -> None:
    store = node.store

    def block_hash_of(value: Any) -> str | None:
        if value is None:
            return to_hex(store.head_hash)
        return to_hex(store.hash_of(parse_block_number(value)))

    @registry.method("chain_getBlockHash", aliases=("chain_getHead",))
    def get_block_hash(ctx, number=None):
        if isinstance(number, list):
            return [block_hash_of(n) for n in number]
        return block_hash_of(number)

    @registry.method("chain_getFinalizedHead", aliases=("chain_getFinalisedHead",))
    def get_finalized_head(ctx):
        return to_hex(store.finalized_hash)

    @registry.method("chain_getHeader")
    def get_header(ctx, block_hash=None):
        h = parse_hash(block_hash) or store.head_hash
        header = store.header(h)
        return None if header is None else header.to_json()

    @registry.method("chain_getBlock")
    def get_block(ctx, block_hash=None):
        h = parse_hash(block_hash) or store.head_hash
        block = store.block(h)
        return None if block is None else block.to_json()

    def head_subscription(notification_kind: str):
        def handler(ctx, sub):
            sub.send(node.head.to_json())
            _listen(node, sub, lambda built: sub.send(built.block.header.to_json()))
        handler.__name__ = notification_kind
        return handler

    registry.subscription("chain_subscribeNewHeads", "chain_unsubscribeNewHeads", "chain_newHead",
                          aliases=("chain_subscribeNewHead", "subscribe_newHead"),
                          unsubscribe_aliases=("chain_unsubscribeNewHead", "unsubscribe_newHead"))(
        head_subscription("new"))
    registry.subscription("chain_subscribeFinalizedHeads", "chain_unsubscribeFinalizedHeads", "chain_finalizedHead",
                          aliases=("chain_subscribeFinalisedHeads",),
                          unsubscribe_aliases=("chain_unsubscribeFinalisedHeads",))(head_subscription("finalized"))
    registry.subscription("chain_subscribeAllHeads", "chain_unsubscribeAllHeads", "chain_allHead")(
        head_subscription("all"))
