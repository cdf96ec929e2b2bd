"""Accounts as tests name them: a dev name, a secret URI, an SS58 address, raw bytes, a key pair,
or an integer (subtensor's mock uses ``U256`` ids; ``7`` becomes the 32-byte little-endian 7)."""
from __future__ import annotations

from typing import Any

AccountLike = Any  # int | str | bytes | KeyPair


def account_id(who: AccountLike) -> bytes:
    """The 32-byte account id of ``who``."""
    if isinstance(who, bytes):
        if len(who) != 32:
            raise ValueError(f"an account id is 32 bytes, got {len(who)}")
        return who
    if isinstance(who, bool):
        raise TypeError("a bool is not an account")
    if isinstance(who, int):
        if not 0 <= who < 2**256:
            raise ValueError("an integer account is a U256")
        return who.to_bytes(32, "little")
    if isinstance(who, str):
        from tensornet.primitives.keys import (
            DEV_ACCOUNT_NAMES,
            dev_keypair,
            keypair_from_uri,
        )
        from tensornet.primitives.ss58 import ss58_decode

        if who in DEV_ACCOUNT_NAMES:
            return dev_keypair(who).public
        if who.startswith("//") or " " in who:
            return keypair_from_uri(who).public
        return ss58_decode(who)
    public = getattr(who, "public", None) or getattr(who, "public_key", None)
    if isinstance(public, bytes) and len(public) == 32:
        return public
    raise TypeError(f"cannot use {who!r} as an account")


def keypair(who: AccountLike):
    """A signing key pair (dev name or secret URI) for tests that submit signed extrinsics."""
    from tensornet.primitives.keys import (
        DEV_ACCOUNT_NAMES,
        KeyPair,
        dev_keypair,
        keypair_from_uri,
    )

    if isinstance(who, KeyPair):
        return who
    if isinstance(who, str):
        return dev_keypair(who) if who in DEV_ACCOUNT_NAMES else keypair_from_uri(who)
    raise TypeError(f"signing needs a dev name, a secret URI or a KeyPair, not {who!r}")
