"""``dev_*``: devnet powers over RPC (all unsafe: served on loopback or with ``--rpc-methods unsafe``).

Each method is a thin parser in front of :class:`tensornet.node.devtools.DevTools`; state-changing
powers seal a block that carries the change, and answer with the new head so a client can wait on it.

    dev_newBlock(count=1)                 seal blocks now (any sealing mode)      -> {blocks, head}
    dev_advanceToEpoch(netuid)            seal until the subnet's epoch has run   -> {netuid, epochBlock, sealed, head}
    dev_setBalance(account, free)         free balance in rao (int or string)     -> {block, head}
    dev_setStorage(items)                 [[key, value|null], …] or {key: value}  -> {block, head}
    dev_snapshot()                        an id for the current head               -> "0x…"
    dev_revert(id)                        back to the snapshot's block             -> {removed, head}
    dev_setTime(timestamp_ms)             the next block's timestamp               -> next timestamp (ms)
"""
from __future__ import annotations

from typing import Any

from tensornet.rpc.errors import RpcError
from tensornet.rpc.params import parse_hex
from tensornet.rpc.registry import MethodRegistry

MAX_BLOCKS_PER_CALL = 10_000
DEV_ERROR = 5000  # outside jsonrpsee's and Substrate's ranges


def _int(value: Any, name: str, low: int = 0, high: int = 2**64 - 1) -> int:
    if isinstance(value, bool):
        raise RpcError.invalid_params(f"{name}: expected an integer")
    if isinstance(value, str):
        try:
            value = int(value, 16) if value[:2] in ("0x", "0X") else int(value)
        except ValueError:
            raise RpcError.invalid_params(f"{name}: cannot parse {value!r} as an integer") from None
    if not isinstance(value, int):
        raise RpcError.invalid_params(f"{name}: expected an integer")
    if not low <= value <= high:
        raise RpcError.invalid_params(f"{name}: {value} is out of range {low}..{high}")
    return value


def _account(value: Any) -> bytes:
    from tensornet.primitives.ss58 import AddressError, ss58_decode

    if not isinstance(value, str):
        raise RpcError.invalid_params("account: expected an SS58 address or 0x-prefixed 32-byte hex")
    if value[:2] in ("0x", "0X"):
        raw = parse_hex(value, "account")
        if len(raw) != 32:
            raise RpcError.invalid_params("account: an account id is 32 bytes")
        return raw
    try:
        return ss58_decode(value)
    except AddressError as exc:
        raise RpcError.invalid_params(f"account: {exc}") from None


def _items(value: Any) -> list[tuple[bytes, bytes | None]]:
    pairs = value.items() if isinstance(value, dict) else value
    if not isinstance(pairs, (list, type({}.items()))):
        raise RpcError.invalid_params("items: expected [[key, value|null], …] or {key: value|null}")
    out = []
    for pair in pairs:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise RpcError.invalid_params("items: each entry is a [key, value|null] pair")
        key, val = pair
        out.append((parse_hex(key, "key"), None if val is None else parse_hex(val, "value")))
    return out


def register(registry: MethodRegistry, node) -> None:
    from tensornet.node.devtools import DevError

    tools = node.devtools

    def head() -> dict:
        return {"number": node.head.number, "hash": "0x" + node.store.head_hash.hex()}

    def sealed(built) -> dict:
        return {"block": "0x" + built.hash.hex(), "head": head()}

    def guard(fn, *args):
        try:
            return fn(*args)
        except DevError as exc:
            raise RpcError(DEV_ERROR, str(exc)) from None

    @registry.method("dev_newBlock", unsafe=True)
    def new_block(ctx, count=1):
        n = _int(count, "count", 1, MAX_BLOCKS_PER_CALL)
        blocks = guard(tools.new_blocks, n)
        return {"blocks": ["0x" + b.hash.hex() for b in blocks], "head": head()}

    @registry.method("dev_advanceToEpoch", unsafe=True)
    def advance_to_epoch(ctx, netuid):
        run = guard(tools.advance_to_epoch, _int(netuid, "netuid", 0, 0xFFFF))
        return {"netuid": run.netuid, "epochBlock": run.block, "sealed": run.sealed, "head": head()}

    @registry.method("dev_setBalance", unsafe=True)
    def set_balance(ctx, account, free):
        return sealed(guard(tools.set_balance, _account(account), _int(free, "free")))

    @registry.method("dev_setStorage", unsafe=True)
    def set_storage(ctx, items):
        return sealed(guard(tools.set_storage, _items(items)))

    @registry.method("dev_snapshot", unsafe=True)
    def snapshot(ctx):
        return tools.snapshot()

    @registry.method("dev_revert", unsafe=True)
    def revert(ctx, snapshot_id):
        if not isinstance(snapshot_id, str):
            raise RpcError.invalid_params("id: expected the string dev_snapshot returned")
        removed = guard(tools.revert, snapshot_id)
        return {"removed": removed, "head": head()}

    @registry.method("dev_setTime", unsafe=True)
    def set_time(ctx, timestamp_ms):
        return guard(tools.set_time, _int(timestamp_ms, "timestamp_ms"))
