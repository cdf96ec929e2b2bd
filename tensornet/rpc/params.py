"""Parsing of JSON-RPC parameters shared by the namespaces (hex with or without ``0x``, block refs)."""
from __future__ import annotations

from typing import Any

from tensornet.rpc.errors import RpcError

MAX_KEYS_PAGED = 1000


def parse_hex(value: Any, name: str = "data") -> bytes:
    if not isinstance(value, str):
        raise RpcError.invalid_params(f"{name}: expected a hex string, got {type(value).__name__}")
    text = value[2:] if value[:2] in ("0x", "0X") else value
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise RpcError.invalid_params(f"{name}: invalid hex string") from None


def parse_hash(value: Any, name: str = "hash") -> bytes | None:
    """A 32-byte block hash, or None for 'the best block'."""
    if value is None:
        return None
    raw = parse_hex(value, name)
    if len(raw) != 32:
        raise RpcError.invalid_params(f"{name}: a block hash is 32 bytes, got {len(raw)}")
    return raw


def parse_block_number(value: Any) -> int:
    if isinstance(value, bool):
        raise RpcError.invalid_params("block number: expected a number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        try:
            n = int(value, 16) if value[:2] in ("0x", "0X") else int(value)
        except ValueError:
            raise RpcError.invalid_params(f"block number: cannot parse {value!r}") from None
    else:
        raise RpcError.invalid_params("block number: expected a number or hex string")
    if not 0 <= n <= 0xFFFFFFFF:
        raise RpcError.invalid_params(f"block number out of range: {n}")
    return n


def parse_count(value: Any, name: str = "count", maximum: int = MAX_KEYS_PAGED) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RpcError.invalid_params(f"{name}: expected an integer")
    if value < 0:
        raise RpcError.invalid_params(f"{name}: must not be negative")
    if value > maximum:
        raise RpcError.invalid_params(f"{name}: count exceeds maximum value. value: {value}, max: {maximum}")
    return value


def to_hex(data: bytes | None) -> str | None:
    return None if data is None else "0x" + data.hex()


def unknown_block(block_hash: bytes) -> RpcError:
    """Substrate's answer for a state query at a block it does not have."""
    return RpcError(4003, f"Client error: UnknownBlock: State already discarded for 0x{block_hash.hex()}")
