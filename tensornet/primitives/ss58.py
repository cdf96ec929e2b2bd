"""SS58 addresses (generic Substrate prefix 42 by default)."""
from __future__ import annotations

import hashlib

import base58

SS58_PREFIX = 42
_CHECKSUM_PREFIX = b"SS58PRE"


class AddressError(ValueError):
    """A string that is not a valid SS58 address (or hex public key)."""


def _checksum(payload: bytes) -> bytes:
    return hashlib.blake2b(_CHECKSUM_PREFIX + payload, digest_size=64).digest()[:2]


def ss58_encode(public_key: bytes, prefix: int = SS58_PREFIX) -> str:
    if len(public_key) != 32:
        raise AddressError(f"an account id is 32 bytes, got {len(public_key)}")
    if prefix < 64:
        head = bytes((prefix,))
    else:
        head = bytes((((prefix & 0xFC) >> 2) | 0x40, (prefix >> 8) | ((prefix & 0x03) << 6)))
    payload = head + public_key
    return base58.b58encode(payload + _checksum(payload)).decode()


def ss58_decode(address: str, expected_prefix: int | None = None) -> bytes:
    """Return the 32-byte account id of an SS58 address (a 0x-hex public key is accepted too)."""
    if address.startswith("0x") and len(address) == 66:
        try:
            return bytes.fromhex(address[2:])
        except ValueError:
            raise AddressError(f"invalid hex account id: {address}") from None
    try:
        raw = base58.b58decode(address)
    except ValueError:
        raise AddressError(f"invalid SS58 address: {address!r}") from None
    if len(raw) < 35:
        raise AddressError(f"invalid SS58 address (too short): {address!r}")
    if raw[0] & 0x40:
        prefix = ((raw[0] & 0x3F) << 2) | (raw[1] >> 6) | ((raw[1] & 0x3F) << 8)
        head_len = 2
    else:
        prefix, head_len = raw[0], 1
    payload, checksum = raw[:head_len + 32], raw[head_len + 32:]
    if len(raw) != head_len + 34 or _checksum(payload) != checksum:
        raise AddressError(f"invalid SS58 address (bad checksum or length): {address!r}")
    if expected_prefix is not None and prefix != expected_prefix:
        raise AddressError(f"address {address} has SS58 prefix {prefix}, expected {expected_prefix}")
    return payload[head_len:]


def is_valid_ss58(address: str) -> bool:
    try:
        ss58_decode(address)
        return True
    except AddressError:
        return False
