"""``author_*``: submitting and watching extrinsics, and inspecting the pool.

An invalid extrinsic is refused on the submit request itself (1010 with Substrate's reason text):
substrate-interface waits forever on a later "invalid" update, so validation happens before the
subscription id is answered.
"""
from __future__ import annotations

from collections.abc import Awaitable

from tensornet.chain.txpool import PoolError, validity_rpc_error
from tensornet.primitives.hashing import blake2_256
from tensornet.rpc.errors import RpcError
from tensornet.rpc.params import parse_hex, to_hex
from tensornet.rpc.registry import MethodRegistry
from tensornet.runtime.extrinsic import MalformedExtrinsic
from tensornet.runtime.validity import TransactionValidityError

TERMINAL = ("finalized", "usurped", "dropped", "invalid", "retracted", "finalityTimeout")


def submit_error(exc: Exception) -> RpcError:
    """The one mapping from submission failures to Substrate's author error codes."""
    if isinstance(exc, TransactionValidityError):
        e = validity_rpc_error(exc)
        return RpcError(e["code"], e["message"], e.get("data"))  # type: ignore[arg-type]
    if isinstance(exc, PoolError):
        e = exc.rpc_error()
        return RpcError(e["code"], e["message"], e.get("data"))  # type: ignore[arg-type]
    if isinstance(exc, MalformedExtrinsic):
        return RpcError(1001, "Extrinsic has invalid format", str(exc))
    raise exc


_REFUSALS = (TransactionValidityError, PoolError, MalformedExtrinsic)


async def _admitted(pending: Awaitable[bytes]) -> bytes:
    try:
        return await pending
    except _REFUSALS as exc:
        raise submit_error(exc) from None


def register(registry: MethodRegistry, node) -> None:
    pool = node.pool
    intake = node.intake

    def submit(raw: bytes) -> bytes | Awaitable[bytes]:
        """The hash once in the pool: at once, or awaitable when the node's workers check a burst."""
        if intake is not None:
            return _admitted(intake.submit(raw))
        try:
            return node.submit(raw)
        except _REFUSALS as exc:
            raise submit_error(exc) from None

    async def _hex_later(pending: Awaitable[bytes]) -> str:
        return to_hex(await pending)

    @registry.method("author_submitExtrinsic")
    def submit_extrinsic(ctx, extrinsic):
        xt_hash = submit(parse_hex(extrinsic, "extrinsic"))
        return to_hex(xt_hash) if isinstance(xt_hash, bytes) else _hex_later(xt_hash)

    @registry.subscription("author_submitAndWatchExtrinsic", "author_unwatchExtrinsic", "author_extrinsicUpdate")
    def submit_and_watch(ctx, sub, extrinsic):
        raw = parse_hex(extrinsic, "extrinsic")
        xt_hash = blake2_256(raw)

        def on_status(status) -> None:
            sub.send(status)
            if isinstance(status, dict):
                if next(iter(status)) in TERMINAL:
                    sub.close()
            elif status in TERMINAL:
                sub.close()

        pool.watch(xt_hash, on_status)
        sub.on_close(lambda: pool.unwatch(xt_hash, on_status))
        try:
            admitted = submit(raw)
        except RpcError:
            pool.unwatch(xt_hash, on_status)
            raise
        if not isinstance(admitted, bytes):
            return admitted  # refused later: the server closes the subscription, which unwatches

    @registry.method("author_pendingExtrinsics")
    def pending_extrinsics(ctx):
        return [to_hex(x) for x in pool.pending()]

    @registry.method("author_removeExtrinsic", unsafe=True)
    def remove_extrinsic(ctx, bytes_or_hash):
        # Substrate's ExtrinsicOrHash is serde camelCase: {"hash": "0x…"} | {"extrinsic": "0x…"}; the
        # capitalised variant names are accepted too.
        usage = 'each item is {"hash": "0x…"} or {"extrinsic": "0x…"}'
        if not isinstance(bytes_or_hash, list):
            raise RpcError.invalid_params("expected a list: " + usage)
        hashes = []
        for item in bytes_or_hash:
            if not isinstance(item, dict) or len(item) != 1:
                raise RpcError.invalid_params(usage)
            (kind, value), = item.items()
            kind = str(kind).lower()
            if kind not in ("hash", "extrinsic"):
                raise RpcError.invalid_params(usage)
            raw = parse_hex(value, kind)
            if kind == "hash" and len(raw) != 32:
                raise RpcError.invalid_params("a hash is 32 bytes")
            hashes.append(raw if kind == "hash" else blake2_256(raw))
        return [to_hex(tx.hash) for tx in pool.remove(hashes)]
