"""Account text typed by a user → 32-byte public key, with wallet-style error messages.

The SS58 codec itself lives in :mod:`tensornet.primitives.ss58`; this module only turns its errors into
:class:`InvalidAddress`, which the CLI prints as a one-line hint.
"""
from __future__ import annotations

from tensornet.primitives.ss58 import AddressError, ss58_decode, ss58_encode

from tensornet.wallet.errors import InvalidAddress

SS58_FORMAT = 42


def encode_ss58(public_key: bytes, ss58_format: int = SS58_FORMAT) -> str:
    return ss58_encode(public_key, ss58_format)


def decode_ss58(address: str) -> bytes:
    """The 32-byte public key of an SS58 address (any network prefix); checksum verified."""
    text = address.strip()
    if text.startswith("0x"):
        raise InvalidAddress(f"malformed SS58 address {text!r}: expected an address such as 5Grwva…, not hex")
    try:
        return ss58_decode(text)
    except AddressError:
        raise InvalidAddress(f"malformed SS58 address {text!r}: check for a typo or a truncated copy") from None


def parse_account(text: str) -> bytes:
    """An account given as an SS58 address or as 0x-prefixed 32-byte hex."""
    value = text.strip()
    if value[:2].lower() == "0x":
        try:
            public_key = bytes.fromhex(value[2:])
        except ValueError:
            raise InvalidAddress(f"malformed public key {value!r}: expected 0x and 64 hex digits") from None
        if len(public_key) != 32:
            raise InvalidAddress(f"malformed public key {value!r}: expected 32 bytes, got {len(public_key)}")
        return public_key
    return decode_ss58(value)


def is_valid_ss58(address: str) -> bool:
    try:
        decode_ss58(address)
    except InvalidAddress:
        return False
    return True
